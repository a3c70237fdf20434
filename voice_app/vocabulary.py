"""The fixed words of the domain: roles, statuses, channels and code lists.

Plain Python, no database: views, forms, templates and rules use these, and the models
store them (each as a CHECK-constrained column, so the database holds the same list)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class StaffRole(enum.StrEnum):
    IRO = "iro"
    MANAGER = "manager"
    ADMIN = "admin"  # runs staff accounts; sees no child's views


class StaffTokenPurpose(enum.StrEnum):
    """What a one-time link sent to a member of staff is for."""

    SET_UP = "set_up"  # a new account: choose a password
    RESET = "reset"  # a forgotten password, or one an administrator asked to be reset


class SessionEnd(enum.StrEnum):
    """Why a staff member's session ended (shown on their sessions page, kept for audit)."""

    SIGNED_OUT = "signed_out"
    ENDED_BY_THEM = "ended_by_them"  # "End this session" on their sessions page
    EVERYWHERE = "everywhere"  # "Sign out everywhere"
    PASSWORD_CHANGED = "password_changed"
    DEACTIVATED = "deactivated"
    SECOND_FACTOR_RESET = "second_factor_reset"
    ROLE_CHANGED = "role_changed"
    IDLE = "idle"
    EXPIRED = "expired"  # the absolute timeout


class ReviewKind(enum.StrEnum):
    CLA = "cla"  # child looked after: Care Planning Regulations 2010 reg 33


class Role(enum.StrEnum):
    """Who a respondent is to the child; the role decides which paper they get."""

    CHILD = "child"
    PARENT = "parent"
    CARER = "carer"
    PROFESSIONAL = "professional"


class SubmissionStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"


class MessageKind(enum.StrEnum):
    INVITATION = "invitation"
    REMINDER = "reminder"
    ALERT = "alert"  # to the child's IRO and the duty inbox: a child may not be safe
    ESCALATION = "escalation"  # to the managers: an urgent alert nobody has acted on
    STAFF_SET_UP = "staff_set_up"  # to a new member of staff: a link to set their password
    PASSWORD_RESET = "password_reset"  # to a member of staff: a link to choose a new password


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by one run of the sender, so no other run sends it too
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"  # the person was removed or their address changed before it went


class AlertKind(enum.StrEnum):
    URGENT = "urgent"  # the child said they are not safe, or asked for help now
    CONCERN = "concern"  # words in an answer that may mean danger: someone must look


class AlertSource(enum.StrEnum):
    SAFETY_ANSWER = "safety_answer"  # "no" or "not sure" to a question about feeling safe
    HELP_NOW = "help_now"  # "Tell my IRO now" on the help page
    WORDS = "words"  # words that may mean danger, in any free-text answer


class AlertOutcome(enum.StrEnum):
    ACTED = "acted"  # someone acted and recorded what they did
    NOT_A_CONCERN = "not_a_concern"  # a possible concern looked at and found not to be one


class ActorKind(enum.StrEnum):
    """Who did something in the audit trail."""

    STAFF = "staff"
    LINK = "link"  # whoever holds a personal link: the child, or one of their circle
    SYSTEM = "system"  # the service itself, acting for nobody (the retention purge)


# Relationship -> (label, role). The role decides which consultation paper they get.
RELATIONSHIPS: dict[str, tuple[str, Role]] = {
    "mother": (_l("Mother"), Role.PARENT),
    "father": (_l("Father"), Role.PARENT),
    "parental_responsibility": (_l("Other person with parental responsibility"), Role.PARENT),
    "foster_carer": (_l("Foster carer"), Role.CARER),
    "kinship_carer": (_l("Kinship carer (family or friend)"), Role.CARER),
    "residential_key_worker": (_l("Residential key worker"), Role.CARER),
    "school": (_l("School or college"), Role.PROFESSIONAL),
    "health": (_l("Health"), Role.PROFESSIONAL),
    "social_worker": (_l("Social worker"), Role.PROFESSIONAL),
    "other_professional": (_l("Other professional"), Role.PROFESSIONAL),
}

# Languages people most often ask for in England and Wales; "other" is noted by the IRO.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "cy": "Cymraeg (Welsh)",
    "pl": "Polski (Polish)",
    "ro": "Română (Romanian)",
    "ur": "اردو (Urdu)",
    "pa": "ਪੰਜਾਬੀ (Punjabi)",
    "bn": "বাংলা (Bengali)",
    "ar": "العربية (Arabic)",
    "so": "Soomaali (Somali)",
    "pt": "Português (Portuguese)",
    "es": "Español (Spanish)",
    "other": "Another language",
}

# How the child and each circle member are told apart among a review's respondents.
CHILD_KEY = "child"


def respondent_key(member_id: int | None) -> str:
    return CHILD_KEY if member_id is None else f"member:{member_id}"
