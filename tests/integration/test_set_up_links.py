"""Set-up and reset links: single use, expiring, out of the address bar and the logs; the
set-password page's checks; "Forgotten your password?", which never tells whether an
address has an account; and what the message queue does with a staff member's link."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD, make_staff
from tests.integration.test_iro import sign_in
from voice_app import create_app
from voice_app.config import MissingSetting
from voice_app.data import staff_accounts
from voice_app.data.database import db
from voice_app.data.messages import LINK_REMOVED, deliver_due
from voice_app.log_privacy import hide_private_text
from voice_app.messaging.senders import SendFailed, notify_templates
from voice_app.models import Message, StaffSession, StaffToken, StaffUser, utcnow
from voice_app.vocabulary import Channel, MessageKind, MessageStatus, SessionEnd, StaffTokenPurpose

NEW_PASSWORD = "kettle lantern otter"


def open_link(client, url: str) -> None:
    parts = urlsplit(url)
    response = client.get(f"{parts.path}?{parts.query}", expect=302)
    assert response.headers["Location"] == "/staff/set-password"


def fresh_link(person: StaffUser, purpose=StaffTokenPurpose.RESET) -> str:
    _row, token = staff_accounts.issue_link(person, purpose)
    db.session.commit()
    return staff_accounts.link_url(token)


def choose(client, password: str, again: str | None = None, expect: int = 302):
    return client.post(
        "/staff/set-password",
        data={"password": password, "password_again": password if again is None else again},
        expect=expect,
    )


def reset_messages() -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.kind == MessageKind.PASSWORD_RESET)))


def test_the_page_refuses_a_short_or_common_password_kindly_keeping_nothing_typed(client, app_context):
    iro = make_staff(name="Ira Reed", email="ira.reed@example.org")
    open_link(client, fresh_link(iro))
    page = client.get("/staff/set-password").soup
    assert page.h1.get_text() == "Choose a new password"
    assert page.find("label", attrs={"for": "password"}).get_text(strip=True) == "Create a password"
    assert (
        page.select_one("#password-hint").get_text(strip=True)
        == "Your password must be at least 10 characters"
    )
    assert page.find("input", attrs={"name": "password"})["autocomplete"] == "new-password"

    for typed, words in (
        ("short1234", "Your password must be at least 10 characters"),
        ("Password123", "one of the passwords people use most"),
        ("myvoicepassword", "one of the passwords people use most"),
        ("IRA.REED@example.org", "must not be your name or your email address"),
        ("ira reed", "at least 10 characters"),
    ):
        refused = choose(client, typed, expect=400)
        summary = refused.soup.select_one(".govuk-error-summary")
        assert words in summary.get_text(), typed
        assert summary.find("a", href="#password") is not None
        for field in refused.soup.find_all("input", attrs={"type": "password"}):
            assert not field.get("value"), "a password is never echoed back"
        assert typed not in refused.get_data(as_text=True)

    mismatch = choose(client, NEW_PASSWORD, again="kettle lantern otters", expect=400)
    assert "The passwords do not match" in mismatch.soup.select_one(".govuk-error-summary").get_text()
    empty = choose(client, "", again="", expect=400)
    assert "Enter a password" in empty.soup.get_text()

    db.session.refresh(iro)
    assert iro.check_password(PASSWORD), "nothing refused was saved"
    choose(client, NEW_PASSWORD)  # the link still works after refusals
    db.session.refresh(iro)
    assert iro.check_password(NEW_PASSWORD)


def test_setting_a_password_ends_every_session_of_theirs(client, other_client, app_context):
    iro = make_staff()
    sign_in(other_client, iro)
    open_link(client, fresh_link(iro))
    choose(client, NEW_PASSWORD)
    ended = db.session.scalars(select(StaffSession.ended_reason).where(StaffSession.staff_id == iro.id)).all()
    assert ended == [SessionEnd.PASSWORD_CHANGED]
    assert other_client.get("/staff/", expect=302).headers["Location"].startswith("/staff/sign-in")
    other_client.post("/staff/sign-in", data={"email": iro.email, "password": PASSWORD}, expect=400)
    sign_in_new = other_client.post("/staff/sign-in", data={"email": iro.email, "password": NEW_PASSWORD})
    assert sign_in_new.headers["Location"] == "/staff/"


def test_a_link_works_once_even_from_two_tabs(client, other_client, app_context):
    iro = make_staff()
    url = fresh_link(iro)
    open_link(client, url)
    open_link(other_client, url)
    choose(client, NEW_PASSWORD)
    late = choose(other_client, "another long password", expect=404)
    assert late.soup.h1.get_text() == "This link has expired or has been used"
    db.session.refresh(iro)
    assert iro.check_password(NEW_PASSWORD)
    assert db.session.scalars(select(StaffToken.used_at)).one() is not None


def test_an_unknown_or_missing_link_gets_the_kind_page(client, app_context):
    unknown = client.get("/staff/set-password?token=nothing-like-a-real-token", expect=302)
    assert unknown.headers["Location"] == "/staff/set-password"
    page = client.get("/staff/set-password", expect=404).soup
    assert page.h1.get_text() == "This link has expired or has been used"
    assert "Forgotten your password?" in page.get_text()
    fresh = client.application.test_client()
    assert fresh.get("/staff/set-password", expect=404).status_code == 404
    fresh.post(
        "/staff/set-password", data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, expect=404
    )


def test_a_newer_link_stops_the_older_one(client, app_context):
    iro = make_staff()
    older = fresh_link(iro)
    newer = fresh_link(iro)
    open_link(client, older)
    client.get("/staff/set-password", expect=404)
    open_link(client, newer)
    choose(client, NEW_PASSWORD)


def test_the_token_never_stays_in_a_log_line():
    token = "A" * 20 + "b_-" + "9" * 20  # as long as secrets.token_urlsafe(32) makes
    line = f'127.0.0.1 - - "GET /staff/set-password?token={token} HTTP/1.1" 302 -'
    assert token not in hide_private_text(line)
    assert "/staff/set-password?token=[hidden]" in hide_private_text(line)


def test_forgotten_password_answers_the_same_whoever_asks(client, app_context):
    active = make_staff(email="active@example.org")
    gone = make_staff(email="gone@example.org")
    gone.is_active_account = False
    db.session.commit()
    assert client.get("/staff/forgotten-password").soup.h1.get_text() == "Forgotten your password?"

    pages = []
    for email in ("Active@Example.org", "nobody@example.org", "gone@example.org"):
        answer = client.post("/staff/forgotten-password", data={"email": email})
        assert answer.headers["Location"] == "/staff/forgotten-password/sent"
        pages.append(client.get(answer.headers["Location"]).soup.main.get_text())
    assert pages[0] == pages[1] == pages[2]
    assert "If that email address has an account, we have sent a link to it" in pages[0]

    (message,) = reset_messages()
    assert message.recipient == active.email
    assert message.staff_token.purpose == StaffTokenPurpose.RESET
    assert message.staff_token.created_by_id is None
    assert db.session.scalar(select(func.count()).select_from(StaffToken)) == 1

    # The link works, and the old password stops.
    fresh = client.application.test_client()
    open_link(fresh, message.link)
    choose(fresh, NEW_PASSWORD)
    db.session.refresh(active)
    assert active.check_password(NEW_PASSWORD) and not active.check_password(PASSWORD)


def test_forgotten_password_takes_about_as_long_either_way(client, app_context):
    make_staff(email="active@example.org")
    timings = {}
    for email in ("active@example.org", "nobody@example.org"):
        started = time.monotonic()
        client.post("/staff/forgotten-password", data={"email": email})
        timings[email] = time.monotonic() - started
    assert min(timings.values()) >= staff_accounts.FORGOTTEN_PASSWORD_ANSWERS_AFTER
    assert len(reset_messages()) == 1


def test_forgotten_password_sends_once_the_answer_has_gone(client, app_context):
    make_staff(email="active@example.org")
    client.post("/staff/forgotten-password", data={"email": "active@example.org"}, buffered=True)
    (message,) = reset_messages()
    assert message.status == MessageStatus.SENT


def test_forgotten_password_checks_the_address_kindly(client, app_context):
    refused = client.post("/staff/forgotten-password", data={"email": "not an email"}, expect=400)
    assert (
        "Enter an email address in the correct format"
        in refused.soup.select_one(".govuk-error-summary").get_text()
    )
    assert refused.soup.find("input", attrs={"name": "email"})["value"] == "not an email"
    assert reset_messages() == []


def test_forgotten_password_is_limited_per_email(rate_limited_app, app_context):
    make_staff(email="active@example.org")
    client = rate_limited_app.test_client()
    for _ in range(3):
        client.post("/staff/forgotten-password", data={"email": "active@example.org"})
    client.post("/staff/forgotten-password", data={"email": " ACTIVE@example.org"}, expect=429)
    client.post("/staff/forgotten-password", data={"email": "someone@example.org"})  # another email
    assert len(reset_messages()) == 3


def test_forgotten_password_is_limited_per_address(rate_limited_app, app_context):
    client = rate_limited_app.test_client()
    for number in range(10):
        client.post("/staff/forgotten-password", data={"email": f"someone{number}@example.org"})
    client.post("/staff/forgotten-password", data={"email": "someone-else@example.org"}, expect=429)


class NotifyLikeSender:
    keeps_links = False

    def __init__(self):
        self.sent: list[str] = []

    def send(self, message):
        self.sent.append(message.body)
        return "notify-ref"


class DownSender:
    keeps_links = False

    def send(self, message):
        raise SendFailed("Notify is down")


def test_an_external_sender_leaves_no_working_link_in_the_database(app, app_context):
    iro = make_staff(email="ira@example.org")
    gone = make_staff(email="gone@example.org")
    used = make_staff(email="used@example.org")
    app.extensions["VOICE_SENDER"] = DownSender()
    try:
        for person in (iro, gone, used):
            staff_accounts.ask_for_reset(person.email, answers_after=0)
    finally:
        app.extensions.pop("VOICE_SENDER")
    assert {m.status for m in reset_messages()} == {MessageStatus.FAILED}
    # While they wait to be tried again, one person is deactivated and another uses their
    # link (say, from a message sent earlier).
    gone.is_active_account = False
    used_message = db.session.scalars(select(Message).where(Message.recipient == used.email)).one()
    used_message.staff_token.used_at = utcnow()
    db.session.commit()

    sender = NotifyLikeSender()
    app.extensions["VOICE_SENDER"] = sender
    try:
        deliver_due(now=utcnow() + timedelta(hours=1))
    finally:
        app.extensions.pop("VOICE_SENDER")

    db.session.expire_all()
    by_recipient = {m.recipient: m for m in reset_messages()}
    sent, cancelled_gone, cancelled_used = (by_recipient[p.email] for p in (iro, gone, used))
    assert len(sender.sent) == 1 and "/staff/set-password?token=" in sender.sent[0]
    assert sent.status == MessageStatus.SENT and sent.link is None
    assert LINK_REMOVED in sent.body and "token=" not in sent.body
    assert sent.staff_token.expires_at > utcnow()  # it went: it still works for its reader
    for message in (cancelled_gone, cancelled_used):
        assert message.status == MessageStatus.CANCELLED and message.link is None
        assert "token=" not in message.body
    # A link that will never go is stopped, not only hidden.
    assert cancelled_gone.staff_token.expires_at <= utcnow()


def test_with_notify_production_needs_the_staff_link_templates(monkeypatch):
    monkeypatch.setenv("VOICE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://myvoice.example.org")
    monkeypatch.setenv("DUTY_EMAIL", "duty@council.example.org")
    monkeypatch.setenv("NOTIFY_API_KEY", "key")
    for kind in ("ALERT", "ESCALATION"):
        for channel in ("EMAIL", "SMS"):
            monkeypatch.setenv(f"NOTIFY_{channel}_{kind}_TEMPLATE_ID", "an-alert-template")
    with pytest.raises(MissingSetting, match="NOTIFY_EMAIL_STAFF_SET_UP_TEMPLATE_ID"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    monkeypatch.setenv("NOTIFY_EMAIL_STAFF_SET_UP_TEMPLATE_ID", "set-up")
    monkeypatch.setenv("NOTIFY_EMAIL_PASSWORD_RESET_TEMPLATE_ID", "reset")
    started = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    templates = notify_templates(started.config)
    assert templates[(Channel.EMAIL, MessageKind.STAFF_SET_UP)] == "set-up"
    assert templates[(Channel.EMAIL, MessageKind.PASSWORD_RESET)] == "reset"
