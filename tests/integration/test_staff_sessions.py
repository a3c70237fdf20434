"""Staff sessions held on the server: a copy of a cookie stops working the moment its
session ends, however it ends, and a person sees and ends their own sessions."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import PASSWORD, make_child, make_link, make_staff
from tests.integration.test_iro import sign_in
from voice_app.data import second_factor, sign_in_attempts, staff_sessions
from voice_app.data.database import db
from voice_app.models import AuditEvent, StaffRole, StaffSession, StaffUser
from voice_app.staff.account_views import device_name
from voice_app.vocabulary import SessionEnd

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def copy_cookie(source, target) -> None:
    cookie = source.get_cookie("voice_session")
    target.set_cookie("voice_session", cookie.value, domain=cookie.domain)


def opens_caseload(client) -> bool:
    response = client.get("/staff/", expect=200)
    return response.status_code == 200


def sent_to_sign_in(client) -> bool:
    return client.get("/staff/", expect=302).headers["Location"].startswith("/staff/sign-in")


# Each way a session ends: what the person (or their administrator) does, in their own
# browser `own` or their other browser `elsewhere`.


def _sign_out(own, _elsewhere, _iro, _admin):
    own.post("/staff/sign-out")


def _end_from_their_list(own, elsewhere, iro, _admin):
    sign_in(elsewhere, iro)
    row = db.session.scalars(select(StaffSession).order_by(StaffSession.id)).first()
    elsewhere.post(f"/staff/your-account/sessions/{row.id}/end")
    assert opens_caseload(elsewhere)  # only that one ended


def _end_this_one_from_the_list(own, _elsewhere, _iro, _admin):
    row = db.session.scalars(select(StaffSession)).one()
    assert own.post(f"/staff/your-account/sessions/{row.id}/end").headers["Location"] == "/staff/sign-in"


def _everywhere(own, _elsewhere, _iro, _admin):
    assert own.post("/staff/your-account/sign-out-everywhere").headers["Location"] == "/staff/sign-in"


def _new_password_elsewhere(_own, elsewhere, iro, _admin):
    sign_in(elsewhere, iro)
    elsewhere.post(
        "/staff/your-account/password",
        data={"current_password": PASSWORD, "new_password": "a brand new long passphrase"},
    )
    assert opens_caseload(elsewhere)  # the browser that changed it stays signed in


def _deactivated(_own, _elsewhere, iro, _admin):
    person = db.session.get(StaffUser, iro.id)
    person.is_active_account = False
    staff_sessions.end_all_for(person, SessionEnd.DEACTIVATED)
    db.session.commit()


def _second_factor_reset(_own, _elsewhere, iro, admin):
    second_factor.reset_for(admin, db.session.get(StaffUser, iro.id))
    db.session.commit()


def _idle(own, _elsewhere, _iro, _admin):
    pass  # the test travels past the idle timeout instead


WAYS = {
    "signed out": (_sign_out, SessionEnd.SIGNED_OUT),
    "ended from their other browser's list": (_end_from_their_list, SessionEnd.ENDED_BY_THEM),
    "ended from this browser's list": (_end_this_one_from_the_list, SessionEnd.ENDED_BY_THEM),
    "signed out everywhere": (_everywhere, SessionEnd.EVERYWHERE),
    "password changed in another browser": (_new_password_elsewhere, SessionEnd.PASSWORD_CHANGED),
    "deactivated": (_deactivated, SessionEnd.DEACTIVATED),
    "second factor reset": (_second_factor_reset, SessionEnd.SECOND_FACTOR_RESET),
}


@pytest.mark.parametrize("way", list(WAYS))
def test_a_copied_cookie_opens_nothing_once_its_session_has_ended(app, client, other_client, way):
    ending, reason = WAYS[way]
    admin = make_staff(role=StaffRole.ADMIN, email="admin@example.org")
    iro = make_staff()
    sign_in(client, iro)
    thief = app.test_client()
    copy_cookie(client, thief)
    assert opens_caseload(thief)  # a copy works while its session does
    first = db.session.scalars(select(StaffSession).order_by(StaffSession.id)).first()
    ending(client, other_client, iro, admin)
    assert sent_to_sign_in(thief)
    assert db.session.get(StaffSession, first.id).ended_reason == reason


def test_a_copied_cookie_opens_nothing_after_idling_or_running_out(app, client):
    iro = make_staff()
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as traveller:
        sign_in(client, iro)
        thief = app.test_client()
        copy_cookie(client, thief)
        traveller.shift(timedelta(minutes=29))
        assert opens_caseload(thief)
        traveller.shift(timedelta(minutes=31))
        assert sent_to_sign_in(thief) and sent_to_sign_in(client)
    assert db.session.scalars(select(StaffSession.ended_reason)).one() == SessionEnd.IDLE

    db.session.execute(db.delete(StaffSession))
    db.session.commit()
    with time_machine.travel(start, tick=False) as traveller:
        sign_in(client, iro)
        copy_cookie(client, thief)
        for _ in range(19):  # in use all day, a page every 25 minutes
            traveller.shift(timedelta(minutes=25))
            assert opens_caseload(thief)
        traveller.shift(timedelta(minutes=25))  # 8 hours 20 minutes after signing in
        assert sent_to_sign_in(thief)
    assert db.session.scalars(select(StaffSession.ended_reason)).one() == SessionEnd.EXPIRED


def test_a_new_password_ends_the_other_sessions_and_renews_this_one(app, client, other_client):
    iro = make_staff()
    sign_in(client, iro)
    sign_in(other_client, iro)
    before = app.test_client()
    copy_cookie(client, before)
    changed = client.post(
        "/staff/your-account/password",
        data={"current_password": PASSWORD, "new_password": "a brand new long passphrase"},
    )
    assert changed.headers["Location"] == "/staff/your-account"
    assert "Your password has changed" in client.get("/staff/your-account").soup.get_text()
    assert opens_caseload(client)
    assert sent_to_sign_in(other_client)  # ended
    assert sent_to_sign_in(before)  # this browser's session has a new key: the old copy is nothing
    reasons = db.session.scalars(select(StaffSession.ended_reason).order_by(StaffSession.id)).all()
    assert reasons == [None, SessionEnd.PASSWORD_CHANGED]
    person = db.session.get(StaffUser, iro.id)
    assert person.check_password("a brand new long passphrase") and person.password_changed_at
    assert "changed_password" in db.session.scalars(select(AuditEvent.action)).all()


def test_changing_a_password_needs_the_current_one_and_a_good_new_one(client):
    iro = make_staff(name="Ira Reed", email="ira.reed@example.org")
    sign_in(client, iro)
    assert client.get("/staff/your-account/password").soup.find("input", attrs={"name": "new_password"})
    wrong = client.post(
        "/staff/your-account/password",
        data={"current_password": "not it", "new_password": "a brand new long passphrase"},
        expect=400,
    )
    assert "current password is not right" in wrong.soup.select_one(".govuk-error-summary").get_text()
    assert not wrong.soup.find("input", attrs={"name": "current_password", "value": True})
    short = client.post(
        "/staff/your-account/password",
        data={"current_password": PASSWORD, "new_password": "short"},
        expect=400,
    )
    assert "at least 10 characters" in short.soup.select_one(".govuk-error-summary").get_text()
    personal = client.post(
        "/staff/your-account/password",
        data={"current_password": PASSWORD, "new_password": "ira.reed@example.org"},
        expect=400,
    )
    assert "name or email" in personal.soup.select_one(".govuk-error-summary").get_text()
    empty = client.post("/staff/your-account/password", data={}, expect=400)
    assert "Enter your current password" in empty.soup.get_text()
    assert db.session.get(StaffUser, iro.id).check_password(PASSWORD)


def test_signing_in_starts_a_new_session_from_scratch(client):
    iro = make_staff()
    with client.session_transaction() as planted:
        planted["staff_key"] = "a key someone planted"
        planted["something"] = "from before"
    sign_in(client, iro)
    with client.session_transaction() as session:
        assert "something" not in session
        key = session["staff_key"]
    assert key != "a key someone planted"
    row = db.session.scalars(select(StaffSession)).one()
    assert key not in row.key_hash and len(row.key_hash) == 64  # only a hash is kept
    assert row.second_factor_at is not None and row.ended_at is None


def test_a_session_notes_its_use_once_a_minute_not_on_every_page(client, query_counter):
    iro = make_staff()
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as traveller:
        sign_in(client, iro)
        traveller.shift(timedelta(seconds=30))
        with query_counter() as statements:
            client.get("/staff/")
        assert not [s for s in statements if s.startswith("UPDATE staff_session")]
        traveller.shift(timedelta(seconds=45))
        with query_counter() as statements:
            client.get("/staff/")
        assert len([s for s in statements if s.startswith("UPDATE staff_session")]) == 1
    seen = db.session.scalars(select(StaffSession.last_seen_at)).one()
    assert seen == start + timedelta(seconds=75)


def test_your_account_lists_your_sessions_and_marks_this_device(app, client, other_client):
    iro = make_staff()
    other = make_staff(email="someone.else@example.org")
    client.post(
        "/staff/sign-in",
        data={"email": iro.email, "password": PASSWORD},
        headers={"User-Agent": FIREFOX},
    )
    other_client.post(
        "/staff/sign-in", data={"email": iro.email, "password": PASSWORD}, headers={"User-Agent": IPHONE}
    )
    someone_else = app.test_client()
    sign_in(someone_else, other)
    page = client.get("/staff/your-account", headers={"User-Agent": FIREFOX})
    rows = page.soup.select(".voice-session")
    assert len(rows) == 2  # not the other person's
    text = [" ".join(row.get_text().split()) for row in rows]
    assert any(row.startswith("Firefox on Windows This device") for row in text)
    assert any("End this session (Firefox on Windows, signed in" in row for row in text)
    assert any("Safari on iPhone" in row and "This device" not in row for row in text)
    assert page.soup.find("button", string=lambda s: s and "Sign out everywhere" in s)
    assert page.soup.find("a", href="/staff/your-account/password")
    assert "Recovery codes" not in page.soup.get_text()  # no second factor yet
    # Someone else's session cannot be ended from here.
    theirs = db.session.scalars(select(StaffSession).where(StaffSession.staff_id == other.id)).one()
    client.post(f"/staff/your-account/sessions/{theirs.id}/end", expect=404)
    assert opens_caseload(someone_else)
    # Ending the iPhone's session.
    phone = db.session.scalars(
        select(StaffSession).where(StaffSession.staff_id == iro.id).order_by(StaffSession.id.desc())
    ).first()
    ended = client.post(f"/staff/your-account/sessions/{phone.id}/end")
    assert ended.headers["Location"] == "/staff/your-account"
    assert sent_to_sign_in(other_client)
    assert len(client.get("/staff/your-account").soup.select(".voice-session")) == 1
    client.post(f"/staff/your-account/sessions/{phone.id}/end", expect=404)  # once only
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.about_staff_id == iro.id)).all()
    assert actions == ["ended_a_session"]


def test_signing_out_everywhere_is_audited(client, other_client):
    iro = make_staff()
    sign_in(client, iro)
    sign_in(other_client, iro)
    client.post("/staff/your-account/sign-out-everywhere")
    assert sent_to_sign_in(client) and sent_to_sign_in(other_client)
    assert db.session.scalars(select(AuditEvent.action)).all() == ["signed_out_everywhere"]


@pytest.mark.parametrize("role", [StaffRole.IRO, StaffRole.MANAGER, StaffRole.ADMIN])
def test_every_member_of_staff_has_their_account_page(client, role):
    person = make_staff(role=role)
    assert client.get("/staff/your-account", expect=302).headers["Location"].startswith("/staff/sign-in")
    sign_in(client, person)
    page = client.get("/staff/your-account")
    assert page.soup.h1.get_text(strip=True) == "Your account"
    assert person.email in page.soup.get_text()


def test_a_browser_signed_in_as_staff_opens_no_childs_page(client):
    iro = make_staff()
    child = make_child(iro)
    sign_in(client, iro)
    refused = client.get(f"/c/{make_link(child)}", expect=403)
    assert refused.soup.h1.get_text(strip=True) == "You are signed in as staff"
    client.post("/staff/sign-out")
    assert client.get(f"/c/{make_link(child)}", expect=302).headers["Location"] == "/my-voice"


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (FIREFOX, "Firefox on Windows"),
        (IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0 Safari/537.36 Edg/131.0",
            "Edge on Windows",
        ),
        ("", "An unknown browser"),
        (None, "An unknown browser"),
    ],
)
def test_sessions_are_named_by_browser_and_system(app, user_agent, expected):
    with app.test_request_context():
        assert device_name(user_agent) == expected


def test_a_signed_in_page_costs_one_query_to_know_who_is_asking(client, query_counter):
    iro = make_staff()
    sign_in(client, iro)
    with query_counter() as statements:
        client.get("/staff/your-account/password")
    assert len(statements) == 1, statements


def test_a_childs_cookie_copied_before_leave_this_page_quickly_opens_nothing_however_often_replayed(
    app, client
):
    child = make_child(make_staff())
    assert client.get(f"/c/{make_link(child)}", expect=302).headers["Location"] == "/my-voice"
    copy = app.test_client()
    copy_cookie(client, copy)
    assert copy.get("/my-voice").status_code == 200
    client.get("/leave", expect=302)
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(12):  # every 50 minutes for 10 hours
            assert copy.get("/my-voice", expect=302).headers["Location"] == "/link-needed"
            traveller.shift(timedelta(minutes=50))


def test_wrong_current_passwords_sent_at_once_are_held_to_the_free_tries(app, client, monkeypatch):
    iro = make_staff()
    sign_in(client, iro)
    cookie = client.get_cookie("voice_session")
    checked: list[str] = []
    real = StaffUser.check_password

    def slow(self, password):
        checked.append(password)
        time.sleep(0.3)  # as long as a live argon2 check: the tries overlap
        return real(self, password)

    monkeypatch.setattr(StaffUser, "check_password", slow)
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def send(number: int) -> None:
        with app.app_context():
            browser = FlaskClient(app, app.response_class, use_cookies=True)
            browser.set_cookie("voice_session", cookie.value, domain=cookie.domain)
            barrier.wait(timeout=30)
            data = {"current_password": f"guess {number}", "new_password": "a brand new long passphrase"}
            statuses.append(browser.post("/staff/your-account/password", data=data).status_code)
            db.session.remove()

    with time_machine.travel(datetime.now(UTC), tick=False):
        threads = [threading.Thread(target=send, args=(number,)) for number in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert len(checked) == sign_in_attempts.FREE_TRIES, checked
    assert sorted(statuses) == [400] * sign_in_attempts.FREE_TRIES + [429] * (
        20 - sign_in_attempts.FREE_TRIES
    )
    assert db.session.get(StaffUser, iro.id).check_password(PASSWORD)
