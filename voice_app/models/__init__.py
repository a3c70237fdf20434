"""All models, imported here so Alembic and the app see one metadata."""

from voice_app.models.alerts import Alert, AlertAction
from voice_app.models.audit import AuditEvent
from voice_app.models.base import Base, utcnow
from voice_app.models.child import CarePeriod, Child, Review
from voice_app.models.circle import CircleMember
from voice_app.models.consultation import Answer, Submission
from voice_app.models.invitations import Invitation, Message
from voice_app.models.links import AccessLink, hash_token, new_token
from voice_app.models.sessions import LinkSession, StaffSession
from voice_app.models.staff import RecoveryCode, SignInAttempts, StaffToken, StaffUser
from voice_app.vocabulary import (
    CHILD_KEY,
    LANGUAGES,
    RELATIONSHIPS,
    ActorKind,
    Channel,
    MessageKind,
    MessageStatus,
    ReviewKind,
    Role,
    StaffRole,
    SubmissionStatus,
    respondent_key,
)

__all__ = [
    "CHILD_KEY",
    "LANGUAGES",
    "RELATIONSHIPS",
    "AccessLink",
    "ActorKind",
    "Alert",
    "AlertAction",
    "Answer",
    "AuditEvent",
    "Base",
    "CarePeriod",
    "Channel",
    "Child",
    "CircleMember",
    "Invitation",
    "LinkSession",
    "Message",
    "MessageKind",
    "MessageStatus",
    "RecoveryCode",
    "Review",
    "ReviewKind",
    "Role",
    "SignInAttempts",
    "StaffRole",
    "StaffSession",
    "StaffToken",
    "StaffUser",
    "Submission",
    "SubmissionStatus",
    "hash_token",
    "new_token",
    "respondent_key",
    "utcnow",
]
