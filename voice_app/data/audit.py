"""The audit trail: who looked at or changed a child's views, and when. Rows are only
ever added."""

from __future__ import annotations

from flask import has_request_context, request

from voice_app.data.database import db
from voice_app.models import AccessLink, AuditEvent, StaffUser
from voice_app.vocabulary import ActorKind


def record(
    actor: StaffUser | AccessLink,
    action: str,
    child_id: int | None = None,
    review_id: int | None = None,
    submission_id: int | None = None,
    about_staff_id: int | None = None,
) -> None:
    kind = ActorKind.LINK if isinstance(actor, AccessLink) else ActorKind.STAFF
    db.session.add(
        AuditEvent(
            actor_kind=kind,
            actor_id=actor.id,
            action=action,
            child_id=child_id,
            review_id=review_id,
            submission_id=submission_id,
            about_staff_id=about_staff_id,
            ip_address=request.remote_addr if has_request_context() else None,
        )
    )
