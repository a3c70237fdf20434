"""Live services hash with argon2's strong default; tests with its cheapest profile."""

import pytest
from flask import Flask

from voice_app import create_app, passwords
from voice_app.config import MissingSetting


def test_live_services_hash_with_the_strong_default_and_tests_cheaply():
    live, test = Flask("live"), Flask("test")
    test.testing = True
    with live.app_context():
        strong = passwords.hash_password("pw")
    with test.app_context():
        cheap = passwords.hash_password("pw")
        assert passwords.verify_password(strong, "pw") and not passwords.verify_password(strong, "no")
        assert not passwords.verify_password("not a hash", "pw")
        passwords.spend_equal_time("pw")
    assert strong.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")


def test_no_setting_can_put_a_deployment_in_test_mode(monkeypatch):
    """Test mode means a throwaway key and cheap hashing: only the test suite chooses it."""
    monkeypatch.setenv("VOICE_ENV", "test")
    with pytest.raises(MissingSetting, match="VOICE_ENV"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
