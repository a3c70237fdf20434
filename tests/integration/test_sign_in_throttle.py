"""Wrong sign-ins are counted per email address in the database: every app process sees one
count, an unknown address is treated exactly like a real one, and every outcome costs the
same one argon2 check."""

from __future__ import annotations

import statistics
import threading
import time
from datetime import UTC, datetime, timedelta

import argon2
import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from tests.factories import PASSWORD, make_staff
from tests.page_checks import PageCheckingClient
from voice_app import create_app, passwords
from voice_app.data import sign_in_attempts
from voice_app.data.database import db
from voice_app.models import SignInAttempts, StaffUser

WRONG = "Enter a correct email address and password"


def try_sign_in(client, email: str, password: str, expect: int):
    return client.post("/staff/sign-in", data={"email": email, "password": password}, expect=expect)


def error_of(response) -> str:
    return " ".join(response.soup.select_one(".govuk-error-summary").get_text().split())


@pytest.fixture
def second_app(app):
    """Another copy of the app on the same database, as a second worker or server would be."""
    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "localhost",
            "STAFF_MFA_REQUIRED": False,
        }
    )
    other.test_client_class = PageCheckingClient
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_eleven_wrong_passwords_lock_the_address_across_two_app_instances(app, app_context, second_app):
    iro = make_staff()
    browsers = [app.test_client(), second_app.test_client()]
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for number in range(10):
            traveller.shift(timedelta(seconds=61))  # past each growing wait
            wrong = try_sign_in(browsers[number % 2], iro.email, f"guess {number}", expect=400)
            assert WRONG in error_of(wrong)
        traveller.shift(timedelta(seconds=61))
        eleventh = try_sign_in(browsers[0], iro.email, "guess 10", expect=429)
        assert "signing in is paused" in error_of(eleventh)
        # The right password, in either copy of the app, is not even checked while locked.
        for browser in browsers:
            locked = try_sign_in(browser, iro.email.upper() + " ", PASSWORD, expect=429)
            assert "Try again in 14 minutes" in error_of(locked)
            assert browser.get("/staff/", expect=302).headers["Location"].startswith("/staff/sign-in")
        assert db.session.scalars(select(SignInAttempts.failures)).one() == 10
        traveller.shift(timedelta(minutes=15))
        try_sign_in(browsers[1], iro.email, PASSWORD, expect=302)
        assert browsers[1].get("/staff/").status_code == 200
    row = db.session.scalars(select(SignInAttempts)).one()
    assert (row.failures, row.locked_until, row.last_failure_at) == (0, None, None)  # a success resets


def test_a_few_wrong_tries_make_the_next_ones_wait_longer(client):
    iro = make_staff()
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for number in range(3):
            try_sign_in(client, iro.email, f"guess {number}", expect=400)  # three free tries
        waiting = try_sign_in(client, iro.email, PASSWORD, expect=429)
        assert "Wait 1 second, then try again" in error_of(waiting)
        traveller.shift(timedelta(seconds=1))
        try_sign_in(client, iro.email, "guess 3", expect=400)
        assert "Wait 2 seconds" in error_of(try_sign_in(client, iro.email, PASSWORD, expect=429))
        traveller.shift(timedelta(seconds=2))
        try_sign_in(client, iro.email, "guess 4", expect=400)
        assert "Wait 4 seconds" in error_of(try_sign_in(client, iro.email, PASSWORD, expect=429))
        # A try refused while waiting is not counted.
        assert db.session.scalars(select(SignInAttempts.failures)).one() == 5
        traveller.shift(timedelta(seconds=4))
        try_sign_in(client, iro.email, PASSWORD, expect=302)
    assert db.session.scalars(select(SignInAttempts.failures)).one() == 0


def test_an_unknown_address_is_counted_and_answered_exactly_like_a_real_one(client, other_client):
    iro = make_staff(email="real.person@example.org")
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as traveller:
        answers = {}
        for email, browser in ((iro.email, client), ("nobody.here@example.org", other_client)):
            said = []
            for number in range(11):
                traveller.shift(timedelta(seconds=61))
                response = try_sign_in(browser, email, f"guess {number}", expect=429 if number == 10 else 400)
                said.append(error_of(response))
            answers[email] = said
        assert answers[iro.email] == answers["nobody.here@example.org"]
    assert (
        WRONG + ". After 10 wrong tries in a row, signing in is paused for 15 minutes."
        in answers[iro.email][0]
    )
    # No address is stored, only keyed hashes of them.
    digests = db.session.scalars(select(SignInAttempts.email_digest)).all()
    assert len(digests) == 2 and not any("@" in digest for digest in digests)


def test_a_switched_off_or_not_yet_set_up_account_gets_the_wrong_password_answer(client):
    off = make_staff(email="gone@example.org")
    waiting = make_staff(email="new@example.org")
    db.session.get(StaffUser, off.id).is_active_account = False
    db.session.get(StaffUser, waiting.id).password_hash = None
    db.session.commit()
    for email in (off.email, waiting.email):
        assert WRONG in error_of(try_sign_in(client, email, PASSWORD, expect=400))
    assert db.session.scalars(select(SignInAttempts.failures)).all() == [1, 1]


def test_two_workers_counting_an_address_first_failure_at_once_both_count(app_context, monkeypatch):
    make_staff(email="raced@example.org")
    sign_in_attempts.record_failure("raced@example.org")
    db.session.commit()
    # The other worker's row is already there when this one looks for none and inserts.
    monkeypatch.setattr(sign_in_attempts, "_row", lambda digest: None)
    sign_in_attempts.record_failure("raced@example.org")
    db.session.commit()
    assert db.session.scalars(select(SignInAttempts.failures)).one() == 2


def _argon2_checks(monkeypatch) -> list[str]:
    checks: list[str] = []
    real = argon2.PasswordHasher.verify

    def counting(self, hash, password):
        checks.append(password)
        return real(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)
    return checks


def test_every_outcome_costs_exactly_one_argon2_check(client, monkeypatch):
    iro = make_staff(email="iro@example.org")
    off = make_staff(email="off@example.org")
    new = make_staff(email="new@example.org")
    locked = make_staff(email="locked@example.org")
    db.session.get(StaffUser, off.id).is_active_account = False
    db.session.get(StaffUser, new.id).password_hash = None
    db.session.add(
        SignInAttempts(
            email_digest=sign_in_attempts.digest(locked.email),
            failures=10,
            last_failure_at=datetime.now(UTC),
            locked_until=datetime.now(UTC) + timedelta(minutes=10),
        )
    )
    db.session.commit()
    checks = _argon2_checks(monkeypatch)
    outcomes = [
        ("nobody@example.org", PASSWORD, 400),
        (off.email, PASSWORD, 400),
        (new.email, PASSWORD, 400),
        (locked.email, PASSWORD, 429),
        (iro.email, "wrong", 400),
        (iro.email, PASSWORD, 302),
    ]
    for email, password, status in outcomes:
        checks.clear()
        try_sign_in(client, email, password, expect=status)
        assert len(checks) == 1, (email, status)
        client.post("/staff/sign-out")


def _median_times(client, tries: dict[str, tuple[str, str]], rounds: int = 9) -> dict[str, float]:
    """The median time of each kind of sign-in, taken in turns so that a busy machine slows
    every kind alike. The time is the processor time the app spent (argon2's threads
    included), which other work on a shared machine does not stretch as it stretches the
    clock on the wall."""
    times: dict[str, list[float]] = {kind: [] for kind in tries}
    for _ in range(rounds):
        for kind, (email, password) in tries.items():
            db.session.execute(delete(SignInAttempts))  # no pause: each try is checked
            db.session.commit()
            began = time.process_time()
            try_sign_in(client, email, password, expect=400)
            times[kind].append(time.process_time() - began)
    return {kind: statistics.median(taken) for kind, taken in times.items()}


def test_unknown_switched_off_and_wrong_password_sign_ins_take_the_same_time(client, monkeypatch):
    # The real hasher (the suite's is the cheapest argon2 profile), for the accounts too.
    monkeypatch.setattr(passwords, "_cheap", lambda: False)
    iro = make_staff(email="iro@example.org")
    off = make_staff(email="off@example.org")
    db.session.get(StaffUser, off.id).is_active_account = False
    db.session.commit()
    assert iro.password_hash.startswith("$argon2id$v=19$m=65536")
    try_sign_in(client, "warm-up@example.org", PASSWORD, expect=400)  # the dummy hash is made once
    timings = _median_times(
        client,
        {
            "unknown": ("nobody@example.org", PASSWORD),
            "switched off": (off.email, PASSWORD),
            "wrong password": (iro.email, "not the password"),
        },
    )
    fastest, slowest = min(timings.values()), max(timings.values())
    assert slowest <= fastest * 1.2, timings
    assert fastest > 0.01, timings  # the real hasher was used


def _at_once(app, posts: list[tuple[str, str]], started: threading.Event | None = None) -> list[int]:
    """Sends sign-ins all at once, each from its own browser in its own thread (its own
    app context and database connection), as many workers would take them; their statuses.
    With `started`, the last post waits until that is set."""
    barrier = threading.Barrier(len(posts) - (1 if started else 0))
    statuses: list[int] = [0] * len(posts)

    def send(number: int, email: str, password: str) -> None:
        with app.app_context():
            browser = FlaskClient(app, app.response_class, use_cookies=True)
            if started is not None and number == len(posts) - 1:
                assert started.wait(timeout=30)
            else:
                barrier.wait(timeout=30)
            response = browser.post("/staff/sign-in", data={"email": email, "password": password})
            statuses[number] = response.status_code
            db.session.remove()

    threads = [
        threading.Thread(target=send, args=(number, email, password))
        for number, (email, password) in enumerate(posts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def _slow_checks(monkeypatch) -> tuple[list[str], threading.Event]:
    """Counts the real password checks, and makes each take as long as a live argon2 check
    (so tries sent together are all inside one another's check); the event is set once one
    check has begun."""
    checked: list[str] = []
    begun = threading.Event()
    real = StaffUser.check_password

    def slow(self, password):
        checked.append(password)
        begun.set()
        time.sleep(0.3)
        return real(self, password)

    monkeypatch.setattr(StaffUser, "check_password", slow)
    return checked, begun


def test_thirty_sign_ins_sent_at_once_are_held_to_the_free_tries(app, app_context, monkeypatch):
    iro = make_staff()
    db.session.commit()
    checked, _begun = _slow_checks(monkeypatch)
    with time_machine.travel(datetime.now(UTC), tick=False):  # nobody's wait runs out meanwhile
        statuses = _at_once(app, [(iro.email, f"guess {number}") for number in range(30)])
    assert len(checked) == sign_in_attempts.FREE_TRIES, checked
    assert sorted(statuses) == [400] * sign_in_attempts.FREE_TRIES + [429] * (
        30 - sign_in_attempts.FREE_TRIES
    )
    db.session.expire_all()
    assert db.session.scalars(select(SignInAttempts.failures)).one() == sign_in_attempts.FREE_TRIES


def test_the_right_password_among_thirty_at_once_after_the_lock_point_does_not_sign_in(
    app, app_context, monkeypatch
):
    iro = make_staff()
    now = datetime.now(UTC)
    lock_after = app.config["SIGN_IN_LOCK_AFTER"]
    # One wrong try short of the lock, the last one long enough ago: one more is checked.
    db.session.add(
        SignInAttempts(
            email_digest=sign_in_attempts.digest(iro.email),
            failures=lock_after - 1,
            last_failure_at=now - timedelta(minutes=5),
        )
    )
    db.session.commit()
    checked, begun = _slow_checks(monkeypatch)
    posts = [(iro.email, f"guess {number}") for number in range(30)] + [(iro.email, PASSWORD)]
    with time_machine.travel(now, tick=False):
        # The right password goes once a wrong one is being checked: that one is the lock.
        statuses = _at_once(app, posts, started=begun)
    assert statuses[-1] == 429
    assert PASSWORD not in checked and len(checked) == 1
    row = db.session.scalars(select(SignInAttempts)).one()
    db.session.refresh(row)
    assert row.failures == lock_after and row.locked_until is not None
