"""What makes a staff password acceptable, following NCSC advice: long enough, not one of
the passwords people use most, and no composition rules (no "one capital and one symbol").

Pure: no Flask, no database. The list of common passwords ships with the app
(voice_app/common_passwords.txt, one per line)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

MINIMUM_LENGTH = 10
MAXIMUM_LENGTH = 1000  # argon2 takes any length; this only keeps a request small
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    if not COMMON_PASSWORDS.exists():
        return frozenset()
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def problem_with(password: str, *, email: str | None = None, name: str | None = None) -> str | None:
    """Why this password will not do, in words for the person choosing it, or None.

    The messages are plain strings for the view to translate; they never repeat the
    password."""
    if len(password) < MINIMUM_LENGTH:
        return "too short"
    if len(password) > MAXIMUM_LENGTH:
        return "too long"
    folded = password.strip().casefold()
    if folded in common_passwords():
        return "common"
    personal = {part.casefold() for part in (email or "", (email or "").split("@")[0], name or "") if part}
    if folded in personal:
        return "personal"
    return None
