"""All models, imported here so Alembic and the app see one metadata."""

from voice_app.models.audit import AuditEvent
from voice_app.models.base import Base, utcnow
from voice_app.models.child import Child, Review, ReviewKind
from voice_app.models.circle import LANGUAGES, RELATIONSHIPS, CircleMember, Role
from voice_app.models.consultation import Answer, Submission, SubmissionStatus
from voice_app.models.invitations import (
    CHILD_KEY,
    Channel,
    Invitation,
    Message,
    MessageKind,
    MessageStatus,
    respondent_key,
)
from voice_app.models.links import AccessLink, hash_token, new_token
from voice_app.models.staff import StaffRole, StaffUser

__all__ = [
    "CHILD_KEY",
    "LANGUAGES",
    "RELATIONSHIPS",
    "AccessLink",
    "Answer",
    "AuditEvent",
    "Base",
    "Channel",
    "Child",
    "CircleMember",
    "Invitation",
    "Message",
    "MessageKind",
    "MessageStatus",
    "Review",
    "ReviewKind",
    "Role",
    "StaffRole",
    "StaffUser",
    "Submission",
    "SubmissionStatus",
    "hash_token",
    "new_token",
    "respondent_key",
    "utcnow",
]
