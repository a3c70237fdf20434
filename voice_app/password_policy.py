"""What makes a staff password acceptable, following NCSC advice: long enough, not one of
the passwords people use most, and no composition rules (no "one capital and one symbol").

Pure: no Flask app state, no database. The list of common passwords ships with the app
(voice_app/common_passwords.txt, one per line; its header names where it comes from)."""

from __future__ import annotations

import enum
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

MINIMUM_LENGTH = 10
MAXIMUM_LENGTH = 1000  # argon2 takes any length; this only keeps a request small
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")


class Problem(enum.StrEnum):
    """Why a password will not do. The values are the reason codes callers have always
    compared against ("too short", ...), so `problem_with(...) == "common"` still works."""

    TOO_SHORT = "too short"
    TOO_LONG = "too long"
    COMMON = "common"
    PERSONAL = "personal"


_MESSAGES = {
    Problem.TOO_SHORT: _l("Your password must be at least %(num)d characters", num=MINIMUM_LENGTH),
    Problem.TOO_LONG: _l("Your password must be %(num)d characters or fewer", num=MAXIMUM_LENGTH),
    Problem.COMMON: _l(
        "That is one of the passwords people use most, so it is easy to guess. "
        "Choose another: three random words are easy to remember and hard to guess"
    ),
    Problem.PERSONAL: _l("Your password must not be your name or your email address"),
}


@cache
def common_passwords() -> frozenset[str]:
    if not COMMON_PASSWORDS.exists():
        return frozenset()
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def _spaceless(text: str) -> str:
    return "".join(text.split())


def problem_with(password: str, *, email: str | None = None, name: str | None = None) -> Problem | None:
    """Why this password will not do, or None. A `Problem` is a reason code (a string);
    `message_for` gives the words to show the person choosing it, which never repeat it."""
    if len(password) < MINIMUM_LENGTH:
        return Problem.TOO_SHORT
    if len(password) > MAXIMUM_LENGTH:
        return Problem.TOO_LONG
    folded = password.strip().casefold()
    # "password 1234" and "Password1234" are the same guess.
    if folded in common_passwords() or _spaceless(folded) in common_passwords():
        return Problem.COMMON
    email = (email or "").strip().casefold()
    name = (name or "").strip().casefold()
    personal = {email, email.split("@")[0], name, _spaceless(name)} - {""}
    if folded in personal or _spaceless(folded) in personal:
        return Problem.PERSONAL
    return None


def message_for(problem: str) -> str:
    """The words to show for a reason code from `problem_with` (lazily translated)."""
    return _MESSAGES[Problem(problem)]
