"""Wrong sign-ins counted per email address, in the database, so every worker and every
copy of the app sees one count.

The count is kept under a keyed hash of the address (HMAC-SHA256 with the app's secret
key), whether or not the address has an account: an unknown address is counted, slowed
and locked exactly like a real one, so no answer tells them apart. After a few wrong
tries in a row each further try must wait a little longer than the last (no worker ever
sleeps: a try that comes too soon is refused unchecked); after SIGN_IN_LOCK_AFTER in a
row the address is locked for SIGN_IN_LOCK_MINUTES. A right password with its second
factor starts the count again.

Every outcome (unknown address, switched-off account, one not set up yet, paused, wrong
password, right password) costs the same one argon2 check."""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, literal, or_, select, update
from sqlalchemy.exc import IntegrityError

from voice_app import passwords
from voice_app.data import staff
from voice_app.data.database import db, rows_changed, savepoint
from voice_app.models import SignInAttempts, StaffUser, utcnow
from voice_app.models.base import UTCDateTime

# Wrong tries in a row allowed without waiting; after that each try waits twice as long as
# the one before (1, 2, 4... seconds), never more than LONGEST_WAIT.
FREE_TRIES = 3
LONGEST_WAIT = timedelta(seconds=60)


@dataclass(frozen=True)
class Pause:
    """Why a try was not even checked: the address is locked, or must wait a moment."""

    locked: bool
    seconds: int  # until the next try is checked


@dataclass(frozen=True)
class Outcome:
    """What a password try gave: the person (right password, working account), a pause,
    or neither (wrong: the same answer whatever was wrong)."""

    person: StaffUser | None = None
    pause: Pause | None = None


def digest(email: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    normalised = email.strip().lower().encode()
    return hmac.new(key, b"sign-in attempts\x00" + normalised, hashlib.sha256).hexdigest()


def wait_after(failures: int) -> timedelta:
    if failures < FREE_TRIES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - FREE_TRIES)), LONGEST_WAIT)


def _row(email_digest: str) -> SignInAttempts | None:
    return db.session.scalars(
        select(SignInAttempts).where(SignInAttempts.email_digest == email_digest)
    ).first()


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def pause_for(email: str) -> Pause | None:
    """Whether a try for this address would not be checked now (read only: `claim_try` is
    what decides, in one guarded statement)."""
    row = _row(digest(email))
    if row is None:
        return None
    return _pause_of(row, utcnow())


def _pause_of(row: SignInAttempts, now: datetime) -> Pause | None:
    if row.locked_until is not None:
        if row.locked_until > now:
            return Pause(locked=True, seconds=_seconds_until(row.locked_until, now))
        return None  # the lock has run out: the count starts again at the next try
    if row.last_failure_at is not None:
        next_try = row.last_failure_at + wait_after(row.failures)
        if next_try > now:
            return Pause(locked=False, seconds=_seconds_until(next_try, now))
    return None


def _make_row(email_digest: str) -> None:
    if _row(email_digest) is None:
        try:
            with savepoint():
                db.session.add(SignInAttempts(email_digest=email_digest, failures=0))
        except IntegrityError:  # another worker counted this address's first try just now
            pass


def _count_one_more(email_digest: str, now: datetime, *, only_if_due: bool) -> bool:
    """One more try in a row, in one UPDATE (two workers counting at once both count),
    locking the address when the count reaches SIGN_IN_LOCK_AFTER. `only_if_due`: only
    while the address is neither locked nor waiting, so the statement itself decides
    which of many tries sent at once are checked."""
    config = current_app.config
    at_now = literal(now, UTCDateTime())
    lock_ran_out = and_(SignInAttempts.locked_until.is_not(None), SignInAttempts.locked_until <= at_now)
    failures = case((lock_ran_out, 1), else_=SignInAttempts.failures + 1)
    query = (
        update(SignInAttempts)
        .where(SignInAttempts.email_digest == email_digest)
        .values(
            failures=failures,
            last_failure_at=now,
            locked_until=case(
                (
                    failures >= config["SIGN_IN_LOCK_AFTER"],
                    literal(now + timedelta(minutes=config["SIGN_IN_LOCK_MINUTES"]), UTCDateTime()),
                ),
                (lock_ran_out, literal(None, UTCDateTime())),
                else_=SignInAttempts.locked_until,
            ),
        )
    )
    if only_if_due:
        query = query.where(
            or_(SignInAttempts.locked_until.is_(None), lock_ran_out),
            or_(
                lock_ran_out,
                SignInAttempts.last_failure_at.is_(None),
                SignInAttempts.last_failure_at <= _latest_last_failure(now),
            ),
        )
    # On SQLite the savepoint opens the transaction as IMMEDIATE (see database.savepoint):
    # the try waits its turn to write instead of failing on a snapshot moved by a twin.
    with savepoint():
        return bool(rows_changed(query))


def _latest_last_failure(now: datetime):
    """The latest last failure that lets a try in now, for the count the row holds: the
    growing wait written out as a CASE, one branch per count, so the database compares."""
    capped_from = FREE_TRIES
    while wait_after(capped_from) < LONGEST_WAIT:
        capped_from += 1
    return case(
        (SignInAttempts.failures < FREE_TRIES, literal(now, UTCDateTime())),
        *(
            (SignInAttempts.failures == count, literal(now - wait_after(count), UTCDateTime()))
            for count in range(FREE_TRIES, capped_from)
        ),
        else_=literal(now - LONGEST_WAIT, UTCDateTime()),
    )


def claim_try(email: str) -> Pause | None:
    """Count a try for this address before it is checked, or say why it must not be
    checked now (None: go ahead and check it).

    Counting first, in one guarded statement, is what makes the pause hold against tries
    sent all at once: reading the count, checking, then writing a failure would let every
    try sent during the check's 200 ms be checked too. A try that turns out right gives its
    count back (`record_success`, or `give_back_try` when a second factor follows)."""
    email_digest = digest(email)
    _make_row(email_digest)
    now = utcnow()
    if _count_one_more(email_digest, now, only_if_due=True):
        return None
    row = _row(email_digest)
    if row is not None:
        db.session.refresh(row)  # what the try that won wrote
    pause = _pause_of(row, now) if row is not None else None
    # Refused, yet nothing here says paused: only when the row moved between the statement
    # and this read. Still refused, as a wait of a second.
    return pause or Pause(locked=False, seconds=1)


def give_back_try(email: str) -> None:
    """A right password with a second factor still to come: the try counted for it is not a
    wrong one (nor does it reset the count: only a complete sign-in does)."""
    lock_after = current_app.config["SIGN_IN_LOCK_AFTER"]
    rows_changed(
        update(SignInAttempts)
        .where(SignInAttempts.email_digest == digest(email), SignInAttempts.failures > 0)
        .values(
            failures=SignInAttempts.failures - 1,
            locked_until=case(
                (SignInAttempts.failures - 1 >= lock_after, SignInAttempts.locked_until),
                else_=literal(None, UTCDateTime()),
            ),
        )
    )


def record_failure(email: str) -> None:
    """One more wrong try in a row, whatever the pause (a try already checked)."""
    email_digest = digest(email)
    _make_row(email_digest)
    _count_one_more(email_digest, utcnow(), only_if_due=False)


def record_success(email: str) -> None:
    rows_changed(
        update(SignInAttempts)
        .where(SignInAttempts.email_digest == digest(email))
        .values(failures=0, last_failure_at=None, locked_until=None)
    )


def try_password(email: str, password: str, *, completes_sign_in: bool) -> Outcome:
    """Check a sign-in's password, counting the try against the address first.

    `completes_sign_in` when no second factor follows: only a complete sign-in starts the
    count again, so a guessed password never buys more guesses at the second factor."""
    pause = claim_try(email)
    if pause is not None:
        passwords.spend_equal_time(password)  # a paused try costs what a checked one does
        return Outcome(pause=pause)
    person = staff.find_by_email(email.strip())
    if person is not None and person.is_active_account:
        right = person.check_password(password)  # one argon2 check, set up or not
    else:
        passwords.spend_equal_time(password)
        right = False
    if not right:
        return Outcome()  # counted already
    if completes_sign_in:
        record_success(email)
    else:
        give_back_try(email)
    return Outcome(person=person)
