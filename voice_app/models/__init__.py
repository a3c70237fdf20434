"""All models, imported here so Alembic and the app see one metadata."""

from voice_app.models.audit import AuditEvent
from voice_app.models.base import Base, utcnow
from voice_app.models.child import Child, Review, ReviewKind
from voice_app.models.consultation import Answer, Submission, SubmissionStatus
from voice_app.models.links import AccessLink, hash_token, new_token
from voice_app.models.staff import StaffRole, StaffUser

__all__ = [
    "AccessLink",
    "Answer",
    "AuditEvent",
    "Base",
    "Child",
    "Review",
    "ReviewKind",
    "StaffRole",
    "StaffUser",
    "Submission",
    "SubmissionStatus",
    "hash_token",
    "new_token",
    "utcnow",
]
