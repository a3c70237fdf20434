"""Headers, CSRF, secrets and sessions."""

import pytest

from tests.factories import make_child, make_link, make_staff
from voice_app import create_app
from voice_app.config import MissingSecretKey, MissingSetting


def test_every_page_has_security_headers_and_no_store(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_csp_nonce_changes_every_request_and_matches_the_inline_script(client):
    first, second = client.get("/"), client.get("/")
    nonce = lambda r: r.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]  # noqa: E731
    assert nonce(first) != nonce(second)
    inline = [s for s in first.soup.find_all("script") if not s.get("src")]
    assert inline and all(s["nonce"] == nonce(first) for s in inline)


def test_static_assets_may_be_cached(client):
    response = client.get("/static/voice.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("VOICE_ENV", "production")
    monkeypatch.setenv("DUTY_EMAIL", "duty@council.example.org")
    with pytest.raises(MissingSecretKey):
        create_app()


def test_production_refuses_to_start_without_its_public_address(monkeypatch):
    monkeypatch.setenv("VOICE_ENV", "production")
    monkeypatch.setenv("DUTY_EMAIL", "duty@council.example.org")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(MissingSetting):
        create_app()


def test_production_starts_with_its_settings_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("VOICE_ENV", "production")
    monkeypatch.setenv("DUTY_EMAIL", "duty@council.example.org")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://myvoice.example.org")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


def test_forms_work_over_https_behind_a_proxy_without_a_referer(app, monkeypatch, tmp_path):
    """Browsers send no Referer under our no-referrer policy; a form must still post."""
    monkeypatch.setenv("VOICE_ENV", "production")
    monkeypatch.setenv("DUTY_EMAIL", "duty@council.example.org")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://myvoice.example.org")
    monkeypatch.setenv("PROXY_COUNT", "1")
    https_app = create_app(
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "RATELIMIT_ENABLED": False}
    )
    client = https_app.test_client()
    proxy = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "203.0.113.9",
        "X-Forwarded-Host": "myvoice.example.org",
    }
    page = client.get("/staff/sign-in", headers=proxy)
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/staff/sign-in", data={"csrf_token": token, "email": "a@example.org", "password": "x"}, headers=proxy
    )
    assert response.status_code == 400  # a wrong password, not a refused form
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_huge_ids_are_not_found(client):
    make_staff()
    # The bounded int converter refuses the id before any guard runs: not found, not sign in.
    assert client.get("/staff/children/99999999999999999999999", expect=404).status_code in (302, 404)


def test_oversized_posts_are_refused_kindly(client):
    child = make_child(make_staff())
    client.get(f"/c/{make_link(child)}", expect=302)
    client.post("/my-voice/start-again")
    response = client.post("/my-voice/questions/home", data={"text": "x" * 400_000}, expect=413)
    assert response.status_code == 413
    assert "too much to send at once" in response.soup.h1.get_text()


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def test_forms_without_a_csrf_token_are_refused_kindly(csrf_app, client):
    child = make_child(make_staff())
    client.get(f"/c/{make_link(child)}", expect=302)
    response = client.post("/my-voice/start-again", expect=400)
    assert response.status_code == 400
    assert response.soup.h1.get_text(strip=True) == "This page has timed out"
    response = client.post("/staff/sign-in", data={"email": "a@example.org", "password": "x"}, expect=400)
    assert response.status_code == 400


def test_forms_with_the_page_csrf_token_are_accepted(csrf_app, client):
    child = make_child(make_staff())
    client.get(f"/c/{make_link(child)}", expect=302)
    start = client.get("/my-voice")
    token = start.soup.find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post("/my-voice/start-again", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    token = page.soup.find("input", attrs={"name": "csrf_token"})["value"]
    assert (
        client.post("/my-voice/questions/home", data={"csrf_token": token, "choice": "3"}).status_code == 302
    )


def test_opening_a_link_replaces_any_earlier_session(client):
    iro = make_staff()
    first, second = make_child(iro, first_name="Ann"), make_child(iro, first_name="Bea")
    client.get(f"/c/{make_link(first)}", expect=302)
    client.get(f"/c/{make_link(second)}", expect=302)
    assert "Hello Bea" in client.get("/my-voice").soup.get_text()


def test_error_pages_keep_the_childs_help_and_quick_exit(client):
    page = client.get("/no-such-page", expect=404)
    assert page.status_code == 404
    assert page.soup.select_one(".govuk-exit-this-page") is not None
    assert page.soup.find("a", string="I need help now") is not None
    from tests.factories import PASSWORD

    iro = make_staff()
    client.post("/staff/sign-in", data={"email": iro.email, "password": PASSWORD})
    staff_page = client.get("/staff/children/999", expect=404)
    assert staff_page.status_code == 404
    assert staff_page.soup.select_one(".govuk-exit-this-page") is None  # staff pages stay plain
    assert staff_page.soup.find("button", string="Sign out") is not None


def test_production_refuses_to_start_when_an_alert_could_reach_nobody(monkeypatch):
    monkeypatch.setenv("VOICE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://myvoice.example.org")
    monkeypatch.delenv("DUTY_EMAIL", raising=False)
    monkeypatch.delenv("DUTY_MOBILE", raising=False)
    with pytest.raises(MissingSetting, match="DUTY_EMAIL"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    monkeypatch.setenv("DUTY_EMAIL", "duty@council.example.org")
    monkeypatch.setenv("NOTIFY_API_KEY", "key")
    with pytest.raises(MissingSetting, match="NOTIFY_EMAIL_ALERT_TEMPLATE_ID"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
