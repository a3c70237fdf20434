"""Settings read from the environment.

Defaults are safe to run and to publish: nothing secret lives here. Outside development and
tests the app refuses to start without SECRET_KEY, so a deployment can never fall back to a
known key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

DEVELOPMENT = "development"
PRODUCTION = "production"
TEST = "test"


class MissingSetting(RuntimeError):
    """Raised at start-up when a production app lacks a setting it cannot run without."""


MissingSecretKey = MissingSetting


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if not value:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _make_instance_folder(instance_path: Path) -> None:
    # Only its owner may enter: it holds the default database, with children's words in it.
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _development_secret(instance_path: Path) -> str:
    """A random key kept in instance/, so development sessions survive a restart."""
    key_file = instance_path / "development-secret-key"
    if not key_file.exists():
        _make_instance_folder(instance_path)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


ALERT_TEMPLATES = (
    "NOTIFY_EMAIL_ALERT_TEMPLATE_ID",
    "NOTIFY_SMS_ALERT_TEMPLATE_ID",
    "NOTIFY_EMAIL_ESCALATION_TEMPLATE_ID",
    "NOTIFY_SMS_ESCALATION_TEMPLATE_ID",
    # Not alerts, but a council that cannot send them cannot add anyone to the service.
    "NOTIFY_EMAIL_STAFF_SET_UP_TEMPLATE_ID",
    "NOTIFY_EMAIL_PASSWORD_RESET_TEMPLATE_ID",
)


def _refuse_silent_alerts(config: dict[str, Any]) -> None:
    """A live service must be able to tell someone at once that a child may not be safe:
    it needs a duty inbox, and with Notify the templates alerts go through."""
    if not (config.get("DUTY_EMAIL") or config.get("DUTY_MOBILE")):
        raise MissingSetting(
            "DUTY_EMAIL (or DUTY_MOBILE) is not set. Set the service's duty inbox: every alert "
            "that a child may not be safe goes there as well as to the child's IRO."
        )
    missing = [name for name in ALERT_TEMPLATES if config.get("NOTIFY_API_KEY") and not config.get(name)]
    if missing:
        raise MissingSetting(f"NOTIFY_API_KEY is set but these templates are not: {', '.join(missing)}.")


def load_config(instance_path: Path, overrides: dict | None = None) -> dict:
    overrides = overrides or {}
    from_environment = os.environ.get("VOICE_ENV", PRODUCTION)
    if from_environment not in (DEVELOPMENT, PRODUCTION):
        # Test mode (a throwaway key, cheap password hashing) is only ever chosen by the
        # test suite's own code, never by a setting a deployment could get wrong.
        raise MissingSetting(f"VOICE_ENV must be {PRODUCTION} or {DEVELOPMENT}, not {from_environment!r}.")
    environment = overrides.get("VOICE_ENV") or from_environment
    testing = bool(overrides.get("TESTING")) or environment == TEST
    if testing:
        environment = TEST

    secret_key = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret_key:
        if environment == DEVELOPMENT:
            secret_key = _development_secret(instance_path)
        elif environment == TEST:
            secret_key = secrets.token_hex(32)
        else:
            raise MissingSecretKey(
                "SECRET_KEY is not set. Set it to a long random value "
                '(python -c "import secrets; print(secrets.token_hex(32))").'
            )

    default_database = f"sqlite:///{instance_path / 'voice.sqlite3'}"
    public_base_url = overrides.get("PUBLIC_BASE_URL") or os.environ.get("PUBLIC_BASE_URL")
    if not public_base_url:
        if environment == PRODUCTION:
            raise MissingSetting(
                "PUBLIC_BASE_URL is not set. Set it to the address people open, "
                "like https://myvoice.example.gov.uk, so links in messages and letters work."
            )
        public_base_url = "http://127.0.0.1:5000"
    production = environment == PRODUCTION
    database_url = os.environ.get("DATABASE_URL", default_database)
    config: dict[str, Any] = {
        "VOICE_ENV": environment,
        "TESTING": testing,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # hide_parameters: a database error must never write a child's words into a log.
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        # The CSRF token lasts as long as the session: a child who takes an hour over one
        # page must not lose what they wrote.
        "WTF_CSRF_TIME_LIMIT": None,
        # The strict check wants a Referer header, which our no-referrer policy (kept so
        # personal links never leak) stops browsers sending: the token and SameSite suffice.
        "WTF_CSRF_SSL_STRICT": False,
        # No form needs more; a bigger body is refused before anything reads it.
        "MAX_CONTENT_LENGTH": 256 * 1024,
        # Behind a proxy, how many hops to trust for the client's address and scheme.
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        "SESSION_REFRESH_EACH_REQUEST": False,
        # A child's or parent's session ends after this long without a page: phones are shared.
        "LINK_SESSION_IDLE_MINUTES": _int("LINK_SESSION_IDLE_MINUTES", 60),
        # And after this long at most, however busy: back to the form later in the day, but
        # not next week, without opening the link again.
        "LINK_SESSION_HOURS": _int("LINK_SESSION_HOURS", 12),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "voice_session",
        "REMEMBER_COOKIE_DURATION": 0,
        # A staff sign-in ends after this long without a page, and after this long at most
        # (the cookie's own lifetime is the same, but the server decides).
        "STAFF_SESSION_IDLE_MINUTES": _int("STAFF_SESSION_IDLE_MINUTES", 30),
        "STAFF_SESSION_HOURS": _int("STAFF_SESSION_HOURS", 8),
        "PERMANENT_SESSION_LIFETIME": _int("STAFF_SESSION_HOURS", 8) * 3600,
        # A second factor (an authenticator app) for every member of staff. Off only in
        # development, where the demo's accounts sign in with a password alone.
        "STAFF_MFA_REQUIRED": _flag("STAFF_MFA_REQUIRED", default=environment != DEVELOPMENT),
        # Set-up and reset links work once, for this long.
        "STAFF_LINK_HOURS": _int("STAFF_LINK_HOURS", 24),
        # Wrong passwords in a row for one email address before it is locked, and for how long.
        "SIGN_IN_LOCK_AFTER": _int("SIGN_IN_LOCK_AFTER", 10),
        "SIGN_IN_LOCK_MINUTES": _int("SIGN_IN_LOCK_MINUTES", 15),
        # Retention (`flask voice purge`, daily): a child's record this many years after
        # their date of birth; a circle member's personal data this many years after the
        # child's last review they were part of; drafts never sent, and the bodies of sent
        # messages, after this many days.
        "RETAIN_CHILD_YEARS_AFTER_BIRTH": _int("RETAIN_CHILD_YEARS_AFTER_BIRTH", 75),
        "RETAIN_CIRCLE_MEMBER_YEARS": _int("RETAIN_CIRCLE_MEMBER_YEARS", 2),
        "RETAIN_DRAFT_DAYS": _int("RETAIN_DRAFT_DAYS", 90),
        "RETAIN_MESSAGE_BODY_DAYS": _int("RETAIN_MESSAGE_BODY_DAYS", 30),
        # Staff sessions ended or run out, counts of failed sign-ins with no failure lately,
        # and used or expired staff links, after this many days.
        "RETAIN_STAFF_SESSION_DAYS": _int("RETAIN_STAFF_SESSION_DAYS", 90),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/London",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
        "LANGUAGES": ["en"],
        # A personal link (and a card's sign-in code) works this long unless it is stopped
        # or replaced first: 13 months, since reviews can be six months apart and one
        # card should see a child through two of them.
        "LINK_LIFETIME_DAYS": _int("LINK_LIFETIME_DAYS", 395),
        # Wrong sign-in codes allowed per hour across the whole service, however many
        # addresses they come from: what keeps guessing codes from many machines slow.
        "SIGN_IN_CODE_FAILURES_PER_HOUR": _int("SIGN_IN_CODE_FAILURES_PER_HOUR", 100),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL", "memory://"),
        "RATELIMIT_ENABLED": not testing,
        "RATELIMIT_HEADERS_ENABLED": False,
        "SERVICE_NAME": os.environ.get("SERVICE_NAME", "My Voice"),
        # Where a child in England can get help at once; councils may add their own line.
        "HELP_PHONE_NAME": os.environ.get("HELP_PHONE_NAME", "Childline"),
        "HELP_PHONE_NUMBER": os.environ.get("HELP_PHONE_NUMBER", "0800 1111"),
        # Consultation opens this many working days before a review; a reminder goes this
        # many working days before to anyone who has not answered.
        "CONSULTATION_OPENS_WORKING_DAYS": _int("CONSULTATION_OPENS_WORKING_DAYS", 15),
        "REMINDER_WORKING_DAYS": _int("REMINDER_WORKING_DAYS", 5),
        # Where links in messages and letters point, e.g. https://myvoice.example.gov.uk
        "PUBLIC_BASE_URL": public_base_url,
        "NOTIFY_API_KEY": os.environ.get("NOTIFY_API_KEY"),
        "NOTIFY_EMAIL_INVITATION_TEMPLATE_ID": os.environ.get("NOTIFY_EMAIL_INVITATION_TEMPLATE_ID"),
        "NOTIFY_EMAIL_REMINDER_TEMPLATE_ID": os.environ.get("NOTIFY_EMAIL_REMINDER_TEMPLATE_ID"),
        "NOTIFY_SMS_INVITATION_TEMPLATE_ID": os.environ.get("NOTIFY_SMS_INVITATION_TEMPLATE_ID"),
        "NOTIFY_SMS_REMINDER_TEMPLATE_ID": os.environ.get("NOTIFY_SMS_REMINDER_TEMPLATE_ID"),
        "NOTIFY_EMAIL_ALERT_TEMPLATE_ID": os.environ.get("NOTIFY_EMAIL_ALERT_TEMPLATE_ID"),
        "NOTIFY_SMS_ALERT_TEMPLATE_ID": os.environ.get("NOTIFY_SMS_ALERT_TEMPLATE_ID"),
        "NOTIFY_EMAIL_ESCALATION_TEMPLATE_ID": os.environ.get("NOTIFY_EMAIL_ESCALATION_TEMPLATE_ID"),
        "NOTIFY_SMS_ESCALATION_TEMPLATE_ID": os.environ.get("NOTIFY_SMS_ESCALATION_TEMPLATE_ID"),
        # Set-up and reset links for staff (email only); `((link))` is the link.
        "NOTIFY_EMAIL_STAFF_SET_UP_TEMPLATE_ID": os.environ.get("NOTIFY_EMAIL_STAFF_SET_UP_TEMPLATE_ID"),
        "NOTIFY_EMAIL_PASSWORD_RESET_TEMPLATE_ID": os.environ.get("NOTIFY_EMAIL_PASSWORD_RESET_TEMPLATE_ID"),
        # Where urgent and possible-concern alerts go besides the child's IRO: the service's
        # duty inbox (an email address, a mobile, or both).
        "DUTY_EMAIL": os.environ.get("DUTY_EMAIL"),
        "DUTY_MOBILE": os.environ.get("DUTY_MOBILE"),
        # An urgent alert nobody has acted on after this long goes to the managers too.
        "ALERT_ESCALATE_MINUTES": _int("ALERT_ESCALATE_MINUTES", 60),
        # A council's own lists of words that may mean danger (one file per language, like
        # voice_app/concern_words/); the shipped lists when unset.
        "CONCERN_WORDS_FOLDER": os.environ.get("CONCERN_WORDS_FOLDER"),
        # Off: only managers and administrators add and change children's records. On: an IRO
        # may add a child to their own caseload and change the details of children on it.
        "IROS_MAY_ADD_CHILDREN": _flag("IROS_MAY_ADD_CHILDREN", default=False),
    }
    config.update(overrides)
    if config["SQLALCHEMY_DATABASE_URI"] == default_database:
        # SQLite makes the file but not its folder: without this `flask db upgrade` fails.
        _make_instance_folder(instance_path)
    if production:
        _refuse_silent_alerts(config)
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server database may drop idle connections; a file never does, so SQLite is
        # spared the extra round trip on every request.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {**config["SQLALCHEMY_ENGINE_OPTIONS"], "pool_pre_ping": True}
    return config
