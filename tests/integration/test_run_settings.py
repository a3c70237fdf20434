"""`make run` links follow its port; production on the default SQLite has its folder."""

import os
import stat
import subprocess

import pytest
from sqlalchemy import create_engine, text

from voice_app import PROJECT_ROOT
from voice_app.config import load_config


def test_the_demo_prints_links_to_the_public_base_url(app, app_context, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "http://127.0.0.1:6101")
    result = app.test_cli_runner().invoke(args=["voice", "demo"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:6101/staff/sign-in" in result.output
    assert "http://127.0.0.1:6101/c/" in result.output
    assert ":5000" not in result.output


@pytest.mark.parametrize(
    ("public_base_url", "expected"),
    [(None, "http://127.0.0.1:6101"), ("https://myvoice.example.org", "https://myvoice.example.org")],
)
def test_make_run_gives_the_demo_and_the_server_its_port(public_base_url, expected):
    # Print the recipe with the flask command replaced by one that shows the address it gets.
    recipe = subprocess.run(
        ["make", "-n", "run", "PORT=6101", "FLASK=printenv PUBLIC_BASE_URL; :"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    demo = next(line for line in recipe if ": voice demo" in line)
    server = next(line for line in recipe if ": run --host 127.0.0.1 --port 6101" in line)
    env = {key: value for key, value in os.environ.items() if key != "PUBLIC_BASE_URL"}
    if public_base_url:
        env["PUBLIC_BASE_URL"] = public_base_url
    for line in (demo, server):
        shown = subprocess.run(["sh", "-c", line], env=env, capture_output=True, text=True, check=True)
        assert shown.stdout.strip() == expected


def production_env(monkeypatch):
    monkeypatch.setenv("VOICE_ENV", "production")
    monkeypatch.setenv("DUTY_EMAIL", "duty@council.example.org")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://myvoice.example.org")


def test_production_on_the_default_sqlite_makes_a_private_instance_folder(monkeypatch, tmp_path):
    production_env(monkeypatch)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    config = load_config(instance)
    assert instance.is_dir()
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'voice.sqlite3'}"
    engine = create_engine(config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as connection:
        assert connection.execute(text("select 1")).scalar() == 1
    engine.dispose()
    assert (instance / "voice.sqlite3").exists()


def test_no_instance_folder_is_made_for_another_database(monkeypatch, tmp_path):
    production_env(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://voice@db.internal/voice")
    load_config(tmp_path / "instance")
    assert not (tmp_path / "instance").exists()
