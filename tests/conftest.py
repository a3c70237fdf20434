"""Fixtures: one app per test session on SQLite (or on TEST_DATABASE_URL, for PostgreSQL),
emptied after every test, and a test client that checks every page it fetches."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from tests.page_checks import PageCheckingClient
from voice_app import create_app
from voice_app.data.audit_guard import purging_by_hand
from voice_app.data.database import db
from voice_app.extensions import limiter
from voice_app.models import Base


def database_url(tmp_path_factory) -> str:
    return (
        os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    )


def empty_database() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            with purging_by_hand():  # SQLite's guard refuses deleting audit rows otherwise
                for table in reversed(Base.metadata.sorted_tables):
                    connection.execute(table.delete())


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory),
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "localhost",
            # Most tests sign staff in with a password alone; the second factor's own tests
            # turn it on (tests/integration/test_second_factor.py).
            "STAFF_MFA_REQUIRED": False,
        }
    )
    app.test_client_class = PageCheckingClient
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield
        empty_database()


@pytest.fixture
def client(app, app_context):
    return app.test_client()


@pytest.fixture
def other_client(app, app_context):
    return app.test_client()


@contextmanager
def count_queries():
    """Counts the SQL statements run inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def query_counter():
    return count_queries


@pytest.fixture(autouse=True)
def limiter_left_as_found():
    """The limiter is one object shared by every app: a test that builds an app as in
    production (limits on) must not leave them on for the tests after it."""
    enabled = limiter.enabled
    yield
    limiter.enabled = enabled


@pytest.fixture
def rate_limited_app(app):
    """An app with rate limits on, as in production, for one test. The limiter is one object
    shared by every app, so it is switched off again and its counts forgotten afterwards."""
    limited = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_ENABLED": True,
            "WTF_CSRF_ENABLED": False,
            "STAFF_MFA_REQUIRED": False,
        }
    )
    limited.test_client_class = PageCheckingClient
    try:
        yield limited
    finally:
        limiter.reset()
        limiter.enabled = False
