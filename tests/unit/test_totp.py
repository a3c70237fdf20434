"""Codes from an authenticator app: the step now and one either side, nothing further; and
recovery codes as they are shown and typed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pyotp
import pytest
import time_machine
from flask import Flask

from voice_app.data import second_factor
from voice_app.models import StaffSession

SECRET = pyotp.random_base32()
MOMENT = datetime(2026, 3, 2, 9, 30, 10, tzinfo=UTC)


@pytest.fixture
def app_context():
    app = Flask("totp")
    app.config.update(SECRET_KEY="a key for these tests", SERVICE_NAME="My Voice")
    with app.app_context():
        yield


def code_at(offset_steps: int) -> str:
    totp = pyotp.TOTP(SECRET)
    return totp.generate_otp(totp.timecode(MOMENT) + offset_steps)


@time_machine.travel(MOMENT, tick=False)
def test_the_code_now_and_one_step_either_side_are_accepted():
    now = pyotp.TOTP(SECRET).timecode(MOMENT)
    assert second_factor._matching_step(SECRET, code_at(0)) == now
    assert second_factor._matching_step(SECRET, code_at(-1)) == now - 1
    assert second_factor._matching_step(SECRET, code_at(1)) == now + 1
    assert second_factor._matching_step(SECRET, " ".join([code_at(0)[:3], code_at(0)[3:]])) == now


@time_machine.travel(MOMENT, tick=False)
def test_older_or_newer_codes_and_anything_not_six_digits_are_refused():
    for offset in (-3, -2, 2, 3):
        code = code_at(offset)
        if code not in {code_at(-1), code_at(0), code_at(1)}:  # a million codes: rarely the same
            assert second_factor._matching_step(SECRET, code) is None
    for typed in ("", "12345", "1234567", "abcdef", code_at(0) + "0", "١٢٣٤٥٦"):
        assert second_factor._matching_step(SECRET, typed) is None


def test_recovery_codes_are_ten_different_codes_easy_to_copy(app_context):
    codes = second_factor.recovery_codes_from("a seed")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}", code) for code in codes)
    assert second_factor.recovery_codes_from("a seed") == codes  # shown again from the same seed
    assert not set(second_factor.recovery_codes_from("another seed")) & set(codes)


def test_a_recovery_code_is_read_whatever_its_case_spaces_or_look_alike_letters():
    assert second_factor.normalise_recovery_code(" AB1C0-DEF9G ") == "ab1c0def9g"
    assert second_factor.normalise_recovery_code("abIcO defLg") == "ab1c0def1g"


def test_the_key_offered_at_set_up_is_written_out_in_fours(app_context):
    class Person:
        email = "ira@example.org"

    class Pending:
        key_hash = "0" * 64

    offered = second_factor.secret_for_set_up(Person(), Pending())
    assert offered.grouped.replace(" ", "") == offered.secret and len(offered.secret) == 32
    assert offered.uri.startswith("otpauth://totp/My%20Voice:ira%40example.org?secret=" + offered.secret)
    assert second_factor.secret_for_set_up(Person(), Pending()) == offered


def test_recovery_codes_show_only_for_the_seed_their_session_holds(app_context):
    seed = "a seed"
    holding = StaffSession(recovery_seed_hash=second_factor._seed_hash(seed))
    assert second_factor.codes_to_show(holding, seed) == second_factor.recovery_codes_from(seed)
    assert second_factor.codes_to_show(holding, "another seed") is None
    assert second_factor.codes_to_show(holding, None) is None
    assert second_factor.codes_to_show(StaffSession(recovery_seed_hash=None), seed) is None  # "Continue"
    assert second_factor.codes_to_show(None, seed) is None
    assert seed not in holding.recovery_seed_hash
