"""Second factors for staff: a TOTP secret per person (an authenticator app), and ten
single-use recovery codes for a lost phone.

A code is never accepted twice: the time-step of the last TOTP code used is kept, and
moved on only by a guarded UPDATE, so two requests with one code cannot both win. A
recovery code is used up the same way. Wrong codes count against the person's address
like wrong passwords (data.sign_in_attempts).

Nothing secret is kept in a browser's cookie while a person sets their app up: the new
secret is derived from their half-signed-in session and the app's secret key, and the
recovery codes shown once from a random seed the same way. Only hashes of the codes are
stored (keyed, since a code is short enough that a plain hash could be reversed)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import pyotp
from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from voice_app import passwords
from voice_app.data import audit, sign_in_attempts, staff_sessions
from voice_app.data.database import db, rows_changed
from voice_app.models import RecoveryCode, StaffSession, StaffUser, utcnow
from voice_app.vocabulary import SessionEnd

RECOVERY_CODES = 10
# Crockford's base32: no I, L, O or U, so nothing is misread when typed from paper.
RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
RECOVERY_LENGTH = 10  # 50 bits each
TOTP_DIGITS = re.compile(r"[0-9]{6}")


def _keyed(purpose: str, *parts: str) -> bytes:
    message = "\x00".join((purpose, *parts)).encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).digest()


# Setting up an authenticator app.


@dataclass(frozen=True)
class NewSecret:
    secret: str  # base32, for the app
    uri: str  # otpauth://, for the QR code
    grouped: str  # the secret in groups of four, for typing


def secret_for_set_up(person: StaffUser, pending: StaffSession) -> NewSecret:
    """The secret offered to this person while they set their app up: the same on every
    page of this sign-in, a new one at the next."""
    secret = base64.b32encode(_keyed("totp set-up", pending.key_hash)[:20]).decode()
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=person.email, issuer_name=current_app.config["SERVICE_NAME"]
    )
    grouped = " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))
    return NewSecret(secret=secret, uri=uri, grouped=grouped)


def _matching_step(secret: str, typed: str) -> int | None:
    """The time-step a typed code belongs to (now, or one either side for a slow clock or
    a slow typist), or None."""
    code = re.sub(r"\s", "", typed)
    if not TOTP_DIGITS.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow())
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_set_up(person: StaffUser, pending: StaffSession, typed: str) -> bool:
    """The person typed a code from their new app: if it is right the secret becomes theirs
    (only if they have none, so two tabs cannot set two). The try was counted before
    (`try_set_up_code`)."""
    offered = secret_for_set_up(person, pending).secret
    step = _matching_step(offered, typed)
    if step is None:
        return False
    taken = rows_changed(
        update(StaffUser)
        .where(StaffUser.id == person.id, StaffUser.totp_secret.is_(None))
        .values(totp_secret=offered, totp_last_step=step, second_factor_at=utcnow())
    )
    if not taken:
        return False
    db.session.refresh(person)
    audit.record(person, "set_up_second_factor", about_staff_id=person.id)
    return True


# Signing in with a code.


def _use_step(person: StaffUser, step: int) -> bool:
    return bool(
        rows_changed(
            update(StaffUser)
            .where(
                StaffUser.id == person.id,
                or_(StaffUser.totp_last_step.is_(None), StaffUser.totp_last_step < step),
            )
            .values(totp_last_step=step)
        )
    )


def normalise_recovery_code(typed: str) -> str:
    folded = re.sub(r"[\s-]", "", typed).lower()
    return folded.translate(str.maketrans("oil", "011"))


def _recovery_hash(person: StaffUser, code: str) -> str:
    return _keyed("recovery code", str(person.id), normalise_recovery_code(code)).hex()


def _use_recovery_code(person: StaffUser, typed: str) -> bool:
    used = rows_changed(
        update(RecoveryCode)
        .where(
            RecoveryCode.staff_id == person.id,
            RecoveryCode.code_hash == _recovery_hash(person, typed),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    if used:
        audit.record(person, "used_a_recovery_code", about_staff_id=person.id)
    return bool(used)


def check_code(person: StaffUser, typed: str) -> bool:
    """A code from the person's app (never one used before), or one of their recovery
    codes (once). The try was counted against their address before (`try_sign_in_code`)."""
    if not person.has_second_factor or person.totp_secret is None:
        return False
    step = _matching_step(person.totp_secret, typed)
    return _use_step(person, step) if step is not None else _use_recovery_code(person, typed)


def unused_recovery_codes(person: StaffUser) -> int:
    return (
        db.session.scalar(
            select(func.count(RecoveryCode.id)).where(
                RecoveryCode.staff_id == person.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


# Recovery codes.


def recovery_codes_from(seed: str) -> list[str]:
    """The codes a seed stands for, as they are shown: "abcde-fghjk"."""
    codes = []
    for number in range(RECOVERY_CODES):
        value = int.from_bytes(_keyed("recovery codes", seed, str(number)), "big")
        characters = []
        for _ in range(RECOVERY_LENGTH):
            value, index = divmod(value, len(RECOVERY_ALPHABET))
            characters.append(RECOVERY_ALPHABET[index])
        code = "".join(characters)
        codes.append(f"{code[:5]}-{code[5:]}")
    return codes


def new_recovery_codes(person: StaffUser, this: StaffSession) -> str:
    """Ten new codes in place of any older ones; the seed they are shown from, once. Only
    this session may show them, and only until "Continue" (`codes_to_show`)."""
    seed = secrets.token_urlsafe(32)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == person.id))
    db.session.add_all(
        RecoveryCode(staff_id=person.id, code_hash=_recovery_hash(person, code))
        for code in recovery_codes_from(seed)
    )
    rows_changed(
        update(StaffSession).where(StaffSession.id == this.id).values(recovery_seed_hash=_seed_hash(seed))
    )
    audit.record(person, "made_recovery_codes", about_staff_id=person.id)
    return seed


def _seed_hash(seed: str) -> str:
    return _keyed("recovery seed", seed).hex()


def codes_to_show(this: StaffSession | None, seed: object) -> list[str] | None:
    """The codes just made, while this session may still show them, or None. The seed is in
    the browser's cookie, but a copy of the cookie shows nothing: the session row says
    whether the codes are still to be shown, and "Continue" (or the session ending) stops it."""
    if this is None or this.recovery_seed_hash is None or not isinstance(seed, str):
        return None
    if not hmac.compare_digest(this.recovery_seed_hash, _seed_hash(seed)):
        return None
    return recovery_codes_from(seed)


def codes_kept(this: StaffSession | None) -> None:
    """ "Continue": the codes are never shown again, from this cookie or any copy of it."""
    if this is not None:
        rows_changed(update(StaffSession).where(StaffSession.id == this.id).values(recovery_seed_hash=None))


@dataclass(frozen=True)
class NewCodes:
    seed: str | None = None  # the new codes' seed, when the password was right
    pause: sign_in_attempts.Pause | None = None


def new_recovery_codes_with_password(person: StaffUser, this: StaffSession, password: str) -> NewCodes:
    """New codes from a person's account page: their current password first (a cookie left
    signed in, or a copy of one, must not be enough to make codes that sign in without the
    phone). Counted and checked like the password on the change-password page."""
    pause = sign_in_attempts.claim_try(person.email)  # counted before it is checked
    if pause is not None:
        passwords.spend_equal_time(password)
        return NewCodes(pause=pause)
    if not person.check_password(password):
        return NewCodes()
    sign_in_attempts.give_back_try(person.email)
    return NewCodes(seed=new_recovery_codes(person, this))


def reset_for(admin: StaffUser, person: StaffUser) -> None:
    """An administrator clears a colleague's second factor (a lost phone): their recovery
    codes go, their sessions end, and they set a new one up the next time they sign in."""
    person.totp_secret = None
    person.totp_last_step = None
    person.second_factor_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == person.id))
    staff_sessions.end_all_for(person, SessionEnd.SECOND_FACTOR_RESET)
    audit.record(admin, "reset_second_factor", about_staff_id=person.id)


@dataclass(frozen=True)
class CodeOutcome:
    right: bool
    pause: sign_in_attempts.Pause | None = None


def try_sign_in_code(person: StaffUser, typed: str) -> CodeOutcome:
    """The second step of signing in. While the address is paused no code is checked; a
    right code starts its count of wrong tries again. The try is counted before the code
    is checked, so codes sent all at once are held to the pause too."""
    pause = sign_in_attempts.claim_try(person.email)
    if pause is not None:
        return CodeOutcome(right=False, pause=pause)
    if not check_code(person, typed):
        return CodeOutcome(right=False)
    sign_in_attempts.record_success(person.email)
    return CodeOutcome(right=True)


def try_set_up_code(person: StaffUser, pending: StaffSession, typed: str) -> CodeOutcome:
    """The first code from a newly set-up app: right, and the app is the person's second
    factor (and their sign-in is complete). Counted before it is checked, as above."""
    pause = sign_in_attempts.claim_try(person.email)
    if pause is not None:
        return CodeOutcome(right=False, pause=pause)
    if not confirm_set_up(person, pending, typed):
        return CodeOutcome(right=False)
    sign_in_attempts.record_success(person.email)
    return CodeOutcome(right=True)
