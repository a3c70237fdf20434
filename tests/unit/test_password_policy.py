"""Staff passwords follow NCSC advice: at least 10 characters, no composition rules, and
not one of the passwords people use most (a list shipped with the app)."""

from __future__ import annotations

import pytest

from voice_app import password_policy
from voice_app.password_policy import (
    COMMON_PASSWORDS,
    MINIMUM_LENGTH,
    Problem,
    common_passwords,
    message_for,
    problem_with,
)


def test_ten_characters_of_anything_will_do():
    """No composition rules: lower case only, capitals only, digits only, any alphabet."""
    for fine in (
        "kettle lantern otter",
        "correcthorsebattery",
        "ĉiuj ĵaŭdoj",
        "ALL CAPITALS HERE",
        "8305729164",
    ):
        assert problem_with(fine) is None, fine


def test_too_short_and_too_long():
    assert problem_with("") == Problem.TOO_SHORT
    assert problem_with("x" * (MINIMUM_LENGTH - 1)) == "too short"
    assert problem_with("x" * 1001) == "too long"


@pytest.mark.parametrize(
    "typed", ["qwertyuiop", "Password123", "PASSWORD 123", "1q2w3e4r5t", "myvoicepassword"]
)
def test_common_passwords_are_refused_whatever_their_case(typed):
    assert problem_with(typed) == Problem.COMMON == "common"


def test_the_persons_own_name_or_email_is_refused():
    assert problem_with("Robin.Ashworth@example.org", email="robin.ashworth@example.org") == "personal"
    assert problem_with("robin.ashworth", email="Robin.Ashworth@example.org") == "personal"
    assert problem_with("Robin Ashworth", name="Robin Ashworth") == "personal"
    assert problem_with("robinashworth", name="Robin Ashworth") == "personal"
    assert problem_with("robin ashworth likes tea", name="Robin Ashworth") is None


def test_the_list_ships_with_its_source_and_only_what_the_length_rule_lets_through():
    header = [
        line for line in COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines() if line.startswith("#")
    ]
    text = "\n".join(header)
    assert "zxcvbn" in text and "MIT" in text
    passwords = common_passwords()
    assert len(passwords) > 1000
    assert all(len(entry) >= MINIMUM_LENGTH for entry in passwords)
    assert {"myvoicepassword", "password123", "qwertyuiop"} <= passwords


def test_every_problem_has_words_to_show(app):
    with app.test_request_context():
        assert str(message_for("too short")) == "Your password must be at least 10 characters"
        for problem in Problem:
            words = str(message_for(problem))
            assert words and words != problem.value
        assert "three random words" in str(message_for(password_policy.problem_with("qwertyuiop")))
