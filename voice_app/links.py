"""Personal links: issued by staff, opened by a child (and later by parents and carers).

The token is random (256 bits) and shown once; the database keeps only its SHA-256."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from voice_app.extensions import db
from voice_app.models import AccessLink, Child, hash_token, new_token, utcnow


def issue_link(child: Child) -> str:
    token = new_token()
    lifetime = timedelta(days=current_app.config["LINK_LIFETIME_DAYS"])
    db.session.add(AccessLink(token_hash=hash_token(token), child_id=child.id, expires_at=utcnow() + lifetime))
    return token


def find_link_by_token(token: str) -> AccessLink | None:
    return db.session.scalars(select(AccessLink).where(AccessLink.token_hash == hash_token(token))).first()


def active_links(child: Child) -> list[AccessLink]:
    return list(
        db.session.scalars(
            select(AccessLink)
            .where(
                AccessLink.child_id == child.id,
                AccessLink.revoked_at.is_(None),
                AccessLink.expires_at > utcnow(),
            )
            .order_by(AccessLink.created_at.desc())
        )
    )


def revoke_links(child: Child) -> int:
    result = db.session.execute(
        update(AccessLink)
        .where(AccessLink.child_id == child.id, AccessLink.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
