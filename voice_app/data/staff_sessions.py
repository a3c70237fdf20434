"""Staff sessions held on the server: one row per sign-in. The browser keeps only a random
key; its hash is here. A session counts only while its row says so: not ended, its second
factor done, used recently, and younger than the longest a sign-in lasts. So ending the
row (signing out, "Sign out everywhere", a password change, deactivation) stops every
copy of the cookie at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from voice_app import passwords
from voice_app.data import audit, sign_in_attempts
from voice_app.data.database import db, rows_changed
from voice_app.data.sign_in_attempts import Pause
from voice_app.models import StaffSession, StaffUser, hash_token, new_token, utcnow
from voice_app.vocabulary import SessionEnd

# Noting when a session was last used costs a write; once a minute is close enough for an
# idle timeout counted in tens of minutes.
TOUCH_EVERY = timedelta(minutes=1)


def _idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["STAFF_SESSION_IDLE_MINUTES"])


def _age_limit() -> timedelta:
    return timedelta(hours=current_app.config["STAFF_SESSION_HOURS"])


def start(person: StaffUser, *, complete: bool, user_agent: str | None, ip_address: str | None) -> str:
    """A new session for this person after their password was right; the key for their
    cookie. `complete` when no second factor is asked for: otherwise the session opens no
    staff page until `complete_second_factor`."""
    key = new_token()
    now = utcnow()
    db.session.add(
        StaffSession(
            key_hash=hash_token(key),
            staff_id=person.id,
            created_at=now,
            last_seen_at=now,
            second_factor_at=now if complete else None,
            user_agent=(user_agent or "")[:200] or None,
            ip_address=(ip_address or "")[:45] or None,
        )
    )
    db.session.flush()
    return key


def _end(row: StaffSession, reason: SessionEnd) -> None:
    rows_changed(
        update(StaffSession)
        .where(StaffSession.id == row.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )


def _ran_out(row: StaffSession, now: datetime) -> SessionEnd | None:
    if now - row.created_at > _age_limit():
        return SessionEnd.EXPIRED
    if now - row.last_seen_at > _idle_limit():
        return SessionEnd.IDLE
    return None


def _open_row(key: str) -> StaffSession | None:
    return db.session.scalars(
        select(StaffSession)
        .join(StaffUser, StaffUser.id == StaffSession.staff_id)
        .options(contains_eager(StaffSession.staff))
        .where(StaffSession.key_hash == hash_token(key), StaffSession.ended_at.is_(None))
    ).first()


def live(key: str) -> StaffSession | None:
    """The complete, working session behind a cookie's key, or None (one query, and at
    most one write: a session that has idled or run out is ended; a working one notes it
    was used, at most once a minute)."""
    row = _open_row(key)
    if row is None or row.second_factor_at is None or not row.staff.is_active_account:
        return None
    now = utcnow()
    reason = _ran_out(row, now)
    if reason is not None:
        _end(row, reason)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        rows_changed(update(StaffSession).where(StaffSession.id == row.id).values(last_seen_at=now))
        set_committed_value(row, "last_seen_at", now)  # as written: no second UPDATE at flush
    return row


def half_signed_in(key: str) -> StaffSession | None:
    """A session whose password was right but whose second factor is still to come, while
    it has not idled, or None. It opens only the second-factor pages."""
    row = _open_row(key)
    if row is None or row.second_factor_at is not None or not row.staff.is_active_account:
        return None
    if _ran_out(row, utcnow()) is not None:
        return None
    return row


def complete_second_factor(row: StaffSession) -> str:
    """The second factor is done: the session now opens staff pages, under a new key (a key
    seen before the second factor never opens anything)."""
    key = new_token()
    now = utcnow()
    rows_changed(
        update(StaffSession)
        .where(StaffSession.id == row.id, StaffSession.ended_at.is_(None))
        .values(key_hash=hash_token(key), second_factor_at=now, last_seen_at=now)
    )
    return key


def rotate(row: StaffSession) -> str:
    """A new key for this session (after a password change), so an older copy of the
    cookie stops working while this browser stays signed in."""
    key = new_token()
    rows_changed(update(StaffSession).where(StaffSession.id == row.id).values(key_hash=hash_token(key)))
    return key


def end(key: str, reason: SessionEnd) -> None:
    """End the session behind a cookie's key, complete or not (signing out)."""
    rows_changed(
        update(StaffSession)
        .where(StaffSession.key_hash == hash_token(key), StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )


def end_all_for(person: StaffUser, reason: SessionEnd, keep_key_hash: str | None = None) -> None:
    """End every open session of this person (but the one whose key hash is `keep_key_hash`)."""
    query = (
        update(StaffSession)
        .where(StaffSession.staff_id == person.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )
    if keep_key_hash is not None:
        query = query.where(StaffSession.key_hash != keep_key_hash)
    db.session.execute(query)


def active_for(person: StaffUser) -> list[StaffSession]:
    """The person's working sessions, the most recently used first, for their account page."""
    now = utcnow()
    rows = db.session.scalars(
        select(StaffSession)
        .where(
            StaffSession.staff_id == person.id,
            StaffSession.ended_at.is_(None),
            StaffSession.second_factor_at.is_not(None),
            StaffSession.created_at > now - _age_limit(),
            StaffSession.last_seen_at > now - _idle_limit(),
        )
        .order_by(StaffSession.last_seen_at.desc(), StaffSession.id.desc())
    ).all()
    return list(rows)


def end_one_of_theirs(person: StaffUser, session_id: int) -> bool:
    """ "End this session" on the person's own page: only ever one of their own sessions.
    False when there is no such open session (ended already, or someone else's)."""
    ended = rows_changed(
        update(StaffSession)
        .where(
            StaffSession.id == session_id,
            StaffSession.staff_id == person.id,
            StaffSession.ended_at.is_(None),
        )
        .values(ended_at=utcnow(), ended_reason=SessionEnd.ENDED_BY_THEM)
    )
    if ended:
        audit.record(person, "ended_a_session", about_staff_id=person.id)
    return bool(ended)


def sign_out_everywhere(person: StaffUser) -> None:
    end_all_for(person, SessionEnd.EVERYWHERE)
    audit.record(person, "signed_out_everywhere", about_staff_id=person.id)


@dataclass(frozen=True)
class PasswordChange:
    changed: bool
    pause: Pause | None = None


def change_password(person: StaffUser, this: StaffSession | None, current: str, new: str) -> PasswordChange:
    """A person changes their own password: the current one first (one argon2 check, a
    wrong one counted like a wrong sign-in), then every other session of theirs ends. The
    caller gives this session a new key (`rotate`)."""
    pause = sign_in_attempts.claim_try(person.email)  # counted before it is checked
    if pause is not None:
        passwords.spend_equal_time(current)
        return PasswordChange(changed=False, pause=pause)
    if not person.check_password(current):
        return PasswordChange(changed=False)
    sign_in_attempts.give_back_try(person.email)
    person.set_password(new)
    person.password_changed_at = utcnow()
    end_all_for(person, SessionEnd.PASSWORD_CHANGED, keep_key_hash=this.key_hash if this else None)
    audit.record(person, "changed_password", about_staff_id=person.id)
    return PasswordChange(changed=True)
