"""Staff passwords, hashed with argon2id.

Live services use the library's strong default (the RFC 9106 low-memory profile). Tests
use argon2's cheapest profile: every test account hashes a password, and at full strength
that hashing was most of the suite's time. A hash records its own parameters, so either
kind verifies wherever it is checked. Nothing is hashed at import: each profile's dummy
hash is made the first time it is needed.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context


@cache
def _hasher(cheap: bool) -> PasswordHasher:
    return PasswordHasher.from_parameters(profiles.CHEAPEST) if cheap else PasswordHasher()


@cache
def _dummy_hash(cheap: bool) -> str:
    return _hasher(cheap).hash("not a real password")


def _cheap() -> bool:
    return has_app_context() and bool(current_app.testing)


def hash_password(password: str) -> str:
    return _hasher(_cheap()).hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher(_cheap()).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def spend_equal_time(password: str) -> None:
    """Check `password` against a hash nobody has, so signing in with an email that has no
    account takes as long as a wrong password for one that does."""
    verify_password(_dummy_hash(_cheap()), password)
