"""Staff sessions held on the server: one row per sign-in."""

from __future__ import annotations

from sqlalchemy import update

from voice_app.data.database import db
from voice_app.models import StaffSession, StaffUser, utcnow
from voice_app.vocabulary import SessionEnd


def end_all_for(person: StaffUser, reason: SessionEnd, keep_key_hash: str | None = None) -> None:
    """End every open session of this person (but the one whose key hash is `keep_key_hash`)."""
    query = (
        update(StaffSession)
        .where(StaffSession.staff_id == person.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )
    if keep_key_hash is not None:
        query = query.where(StaffSession.key_hash != keep_key_hash)
    db.session.execute(query)
