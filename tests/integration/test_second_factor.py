"""Two-factor sign-in: an authenticator app set up on first sign-in (a QR code and the key
written out), ten recovery codes shown once, and no code that works twice."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from tests.factories import PASSWORD, make_child, make_link, make_staff
from voice_app.data import second_factor
from voice_app.data.database import db
from voice_app.models import AuditEvent, RecoveryCode, SignInAttempts, StaffRole, StaffSession, StaffUser
from voice_app.vocabulary import SessionEnd


@pytest.fixture
def mfa(app, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_MFA_REQUIRED", True)


def password_step(client, user, expect_to: str = "/staff/sign-in/set-up"):
    response = client.post("/staff/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].startswith(expect_to), response.headers["Location"]
    return response


def secret_on_page(page) -> str:
    return page.soup.select_one("#secret").get_text().replace(" ", "").strip()


def set_up(client, user) -> tuple[str, list[str]]:
    """Signs in for the first time and sets an app up; the secret and the recovery codes."""
    password_step(client, user)
    page = client.get("/staff/sign-in/set-up")
    secret = secret_on_page(page)
    done = client.post("/staff/sign-in/set-up", data={"code": pyotp.TOTP(secret).now()})
    assert done.headers["Location"].startswith("/staff/your-account/recovery-codes")
    codes_page = client.get(done.headers["Location"])
    codes = [item.get_text(strip=True) for item in codes_page.soup.select("#recovery-codes li")]
    client.post(codes_page.soup.select_one("form[action*=kept]")["action"])
    return secret, codes


def next_code(secret: str) -> str:
    """The code of the next 30-second step (accepted: one step either side of now)."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now(UTC)) + 1)


def test_the_set_up_page_shows_a_qr_code_and_the_key_written_out(client, mfa):
    iro = make_staff()
    password_step(client, iro)
    page = client.get("/staff/sign-in/set-up")
    assert page.soup.select_one(".voice-qr svg") is not None
    written = page.soup.select_one("#secret").get_text().strip()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", written)
    # The QR code holds the same key, for this service and this person.
    assert page.soup.find("input", attrs={"name": "code"})["autocomplete"] == "one-time-code"
    uri = second_factor.secret_for_set_up(iro, db.session.scalars(select(StaffSession)).one()).uri
    assert written.replace(" ", "") in uri and "issuer=My%20Voice" in uri
    # The same key on every visit during this sign-in; nothing is kept until a code proves it.
    assert secret_on_page(client.get("/staff/sign-in/set-up")) == written.replace(" ", "")
    assert db.session.get(StaffUser, iro.id).totp_secret is None


def test_a_half_signed_in_session_opens_no_staff_page(client, mfa):
    iro = make_staff(role=StaffRole.IRO)
    child = make_child(iro)
    password_step(client, iro)
    for path in ("/staff/", f"/staff/children/{child.id}", "/staff/your-account", "/staff/overview"):
        assert client.get(path, expect=302).headers["Location"].startswith("/staff/sign-in"), path
    # Nor a child's page: the browser belongs to a member of staff.
    assert client.get(f"/c/{make_link(child)}", expect=403).soup.h1.get_text(strip=True) == (
        "You are signed in as staff"
    )
    # A wrong code at set-up changes nothing and keeps the session half signed in.
    wrong = client.post("/staff/sign-in/set-up", data={"code": "000000"}, expect=400)
    assert "That code did not work" in wrong.soup.select_one(".govuk-error-summary").get_text()
    assert client.get("/staff/", expect=302).headers["Location"].startswith("/staff/sign-in")
    assert db.session.scalars(select(StaffSession)).one().second_factor_at is None


def test_setting_up_then_signing_in_with_a_code(client, mfa):
    iro = make_staff()
    secret, codes = set_up(client, iro)
    assert client.get("/staff/").status_code == 200
    person = db.session.get(StaffUser, iro.id)
    assert person.totp_secret == secret and person.second_factor_at is not None
    # Ten codes, shown once, kept only as hashes.
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not any(code.replace("-", "") in " ".join(stored) for code in codes)
    assert client.get("/staff/your-account/recovery-codes", expect=302).headers["Location"] == (
        "/staff/your-account"
    )
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert {"set_up_second_factor", "made_recovery_codes"} <= set(actions)

    client.post("/staff/sign-out")
    password_step(client, iro, expect_to="/staff/sign-in/code")
    assert client.get("/staff/", expect=302).headers["Location"].startswith("/staff/sign-in")
    page = client.get("/staff/sign-in/code")
    assert page.soup.find("input", attrs={"name": "code"}) is not None
    done = client.post("/staff/sign-in/code", data={"code": next_code(secret)})
    assert done.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_a_code_is_never_accepted_twice(client, other_client, mfa):
    iro = make_staff()
    secret, _codes = set_up(client, iro)
    client.post("/staff/sign-out")
    code = next_code(secret)
    password_step(client, iro, expect_to="/staff/sign-in/code")
    client.post("/staff/sign-in/code", data={"code": code})
    # The same code, straight away, in another browser that has the password too.
    password_step(other_client, iro, expect_to="/staff/sign-in/code")
    again = other_client.post("/staff/sign-in/code", data={"code": code}, expect=400)
    assert "That code did not work" in again.soup.select_one(".govuk-error-summary").get_text()
    assert other_client.get("/staff/", expect=302).headers["Location"].startswith("/staff/sign-in")
    # An older code than the last one used is refused too.
    totp = pyotp.TOTP(secret)
    older = totp.generate_otp(totp.timecode(datetime.now(UTC)))
    other_client.post("/staff/sign-in/code", data={"code": older}, expect=400)


def test_a_recovery_code_works_once(client, other_client, mfa):
    iro = make_staff()
    _secret, codes = set_up(client, iro)
    client.post("/staff/sign-out")
    password_step(client, iro, expect_to="/staff/sign-in/code")
    # Typed from paper: upper case and spaces are fine.
    typed = codes[3].upper().replace("-", " ")
    assert client.post("/staff/sign-in/code", data={"code": typed}).headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    password_step(other_client, iro, expect_to="/staff/sign-in/code")
    other_client.post("/staff/sign-in/code", data={"code": codes[3]}, expect=400)
    assert other_client.post("/staff/sign-in/code", data={"code": codes[4]}).headers["Location"] == "/staff/"
    used = db.session.scalars(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None))).all()
    assert len(used) == 2
    assert "used_a_recovery_code" in db.session.scalars(select(AuditEvent.action)).all()
    # The account page counts what is left.
    assert "8 recovery codes left" in " ".join(client.get("/staff/your-account").soup.get_text().split())


def test_new_recovery_codes_replace_the_old_ones(client, other_client, mfa):
    iro = make_staff()
    _secret, old_codes = set_up(client, iro)
    made = client.post("/staff/your-account/recovery-codes/new", data={"current_password": PASSWORD})
    assert made.headers["Location"] == "/staff/your-account/recovery-codes"
    page = client.get("/staff/your-account/recovery-codes")
    new_codes = [item.get_text(strip=True) for item in page.soup.select("#recovery-codes li")]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert "Keep them safe" in page.soup.get_text()
    assert client.post("/staff/your-account/recovery-codes/kept").headers["Location"] == "/staff/"
    password_step(other_client, iro, expect_to="/staff/sign-in/code")
    other_client.post("/staff/sign-in/code", data={"code": old_codes[0]}, expect=400)
    assert other_client.post("/staff/sign-in/code", data={"code": new_codes[0]}).headers["Location"] == (
        "/staff/"
    )


def test_wrong_codes_count_as_wrong_tries_and_lock_the_address(client, mfa):
    iro = make_staff()
    secret, _codes = set_up(client, iro)
    client.post("/staff/sign-out")
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as traveller:
        password_step(client, iro, expect_to="/staff/sign-in/code")
        for _ in range(10):
            traveller.shift(timedelta(seconds=61))  # past each growing wait
            client.post("/staff/sign-in/code", data={"code": "123456"}, expect=400)
        traveller.shift(timedelta(seconds=61))
        locked = client.post("/staff/sign-in/code", data={"code": pyotp.TOTP(secret).now()}, expect=429)
        assert "signing in is paused" in locked.soup.select_one(".govuk-error-summary").get_text()
        assert client.get("/staff/", expect=302).status_code == 302


def test_resetting_a_second_factor_ends_the_sessions_and_asks_for_a_new_one(client, mfa):
    admin = make_staff(role=StaffRole.ADMIN, email="admin@example.org")
    iro = make_staff()
    set_up(client, iro)
    assert client.get("/staff/").status_code == 200
    second_factor.reset_for(admin, db.session.get(StaffUser, iro.id))
    db.session.commit()
    assert client.get("/staff/", expect=302).headers["Location"].startswith("/staff/sign-in")
    ended = db.session.scalars(select(StaffSession.ended_reason)).all()
    assert ended == [SessionEnd.SECOND_FACTOR_RESET]
    assert not db.session.scalars(select(RecoveryCode)).all()
    password_step(client, iro, expect_to="/staff/sign-in/set-up")


def test_the_second_factor_pages_send_anyone_else_to_sign_in(client, mfa):
    assert client.get("/staff/sign-in/code", expect=302).headers["Location"].startswith("/staff/sign-in")
    assert client.get("/staff/sign-in/set-up", expect=302).headers["Location"].startswith("/staff/sign-in")
    client.post("/staff/sign-in/code", data={"code": "123456"}, expect=302)


def test_next_is_kept_through_the_second_factor(client, mfa):
    iro = make_staff()
    child = make_child(iro)
    secret, _codes = set_up(client, iro)
    client.post("/staff/sign-out")
    response = client.post(
        f"/staff/sign-in?next=/staff/children/{child.id}", data={"email": iro.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == f"/staff/sign-in/code?next=/staff/children/{child.id}"
    done = client.post(response.headers["Location"], data={"code": next_code(secret)})
    assert done.headers["Location"] == f"/staff/children/{child.id}"


def test_signing_in_again_halfway_ends_the_earlier_half_sign_in(app, client, mfa):
    iro = make_staff()
    password_step(client, iro)
    earlier = app.test_client()
    cookie = client.get_cookie("voice_session")
    earlier.set_cookie("voice_session", cookie.value, domain=cookie.domain)
    password_step(client, iro)
    assert earlier.get("/staff/sign-in/set-up", expect=302).headers["Location"].startswith("/staff/sign-in")
    assert client.get("/staff/sign-in/set-up").status_code == 200
    reasons = db.session.scalars(select(StaffSession.ended_reason).order_by(StaffSession.id)).all()
    assert reasons == [SessionEnd.SIGNED_OUT, None]


def codes_on(page) -> list[str]:
    return [item.get_text(strip=True) for item in page.soup.select("#recovery-codes li")]


def test_a_copied_cookie_never_shows_the_recovery_codes_again_after_continue(app, client, mfa):
    iro = make_staff()
    password_step(client, iro)
    secret = secret_on_page(client.get("/staff/sign-in/set-up"))
    client.post("/staff/sign-in/set-up", data={"code": pyotp.TOTP(secret).now()})
    copy = app.test_client()
    cookie = client.get_cookie("voice_session")
    copy.set_cookie("voice_session", cookie.value, domain=cookie.domain)
    codes = codes_on(client.get("/staff/your-account/recovery-codes"))
    assert len(codes) == 10
    client.post("/staff/your-account/recovery-codes/kept")
    # The copy still holds the seed, and still signs in (the session goes on), but the
    # server no longer lets any cookie show the codes.
    assert copy.get("/staff/your-account/recovery-codes", expect=302).headers["Location"] == (
        "/staff/your-account"
    )
    assert copy.get("/staff/").status_code == 200
    assert db.session.scalars(select(StaffSession.recovery_seed_hash)).one() is None
    assert client.get("/staff/your-account/recovery-codes", expect=302).headers["Location"] == (
        "/staff/your-account"
    )


def test_codes_are_shown_only_to_the_session_they_were_made_in(app, client, other_client, mfa):
    iro = make_staff()
    secret, _codes = set_up(client, iro)
    password_step(other_client, iro, expect_to="/staff/sign-in/code")
    other_client.post("/staff/sign-in/code", data={"code": next_code(secret)})
    client.post("/staff/your-account/recovery-codes/new", data={"current_password": PASSWORD})
    # The seed moved into another of the person's sessions shows nothing there.
    serializer = app.session_interface.get_signing_serializer(app)
    seed = serializer.loads(client.get_cookie("voice_session").value)["recovery_seed"]
    theirs = other_client.get_cookie("voice_session")
    planted = serializer.dumps({**serializer.loads(theirs.value), "recovery_seed": seed})
    other_client.set_cookie("voice_session", planted, domain=theirs.domain)
    assert other_client.get("/staff/your-account/recovery-codes", expect=302).headers["Location"] == (
        "/staff/your-account"
    )
    assert len(codes_on(client.get("/staff/your-account/recovery-codes"))) == 10
    # Once its session ends, the row that let it show them is gone with it.
    copy = app.test_client()
    cookie = client.get_cookie("voice_session")
    copy.set_cookie("voice_session", cookie.value, domain=cookie.domain)
    client.post("/staff/sign-out")
    assert (
        copy.get("/staff/your-account/recovery-codes", expect=302)
        .headers["Location"]
        .startswith("/staff/sign-in")
    )


def test_new_recovery_codes_take_the_current_password(client, mfa):
    iro = make_staff()
    _secret, old_codes = set_up(client, iro)
    before = set(db.session.scalars(select(RecoveryCode.code_hash)).all())
    page = client.get("/staff/your-account/recovery-codes/new")
    assert page.soup.find("input", attrs={"name": "current_password"})["autocomplete"] == "current-password"
    missing = client.post("/staff/your-account/recovery-codes/new", data={}, expect=400)
    assert "Enter your password" in missing.soup.select_one(".govuk-error-summary").get_text()
    wrong = client.post(
        "/staff/your-account/recovery-codes/new", data={"current_password": "not it"}, expect=400
    )
    assert "Your password is not right" in wrong.soup.select_one(".govuk-error-summary").get_text()
    assert client.get("/staff/your-account/recovery-codes", expect=302).status_code == 302
    assert set(db.session.scalars(select(RecoveryCode.code_hash)).all()) == before
    # A wrong password counts as a wrong sign-in, as on the change-password page.
    assert db.session.scalars(select(SignInAttempts.failures)).one() == 1
    made = client.post("/staff/your-account/recovery-codes/new", data={"current_password": PASSWORD})
    assert made.headers["Location"] == "/staff/your-account/recovery-codes"
    assert not set(codes_on(client.get("/staff/your-account/recovery-codes"))) & set(old_codes)
    assert db.session.scalars(select(SignInAttempts.failures)).one() == 1  # a right one is not counted


def test_new_recovery_codes_are_not_made_while_signing_in_is_paused(client, mfa):
    iro = make_staff()
    set_up(client, iro)
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        for number in range(3):
            client.post(
                "/staff/your-account/recovery-codes/new",
                data={"current_password": f"guess {number}"},
                expect=400,
            )
        paused = client.post(
            "/staff/your-account/recovery-codes/new", data={"current_password": PASSWORD}, expect=429
        )
        assert "Wait 1 second" in paused.soup.select_one(".govuk-error-summary").get_text()
        assert client.get("/staff/your-account/recovery-codes", expect=302).status_code == 302
