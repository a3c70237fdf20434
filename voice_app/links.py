"""Personal links: issued by staff, opened by a child (and later by parents and carers).

The token is random (256 bits) and shown once; the database keeps only its SHA-256."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from voice_app.data.database import db
from voice_app.models import AccessLink, Child, hash_token, new_token, utcnow


def issue_link(child: Child, member_id: int | None = None, review_id: int | None = None) -> str:
    """A new link for the child, or (with member_id and review_id) for one of their circle
    for one review. Returns the token, which is never stored."""
    token = new_token()
    lifetime = timedelta(days=current_app.config["LINK_LIFETIME_DAYS"])
    db.session.add(
        AccessLink(
            token_hash=hash_token(token),
            child_id=child.id,
            circle_member_id=member_id,
            review_id=review_id,
            expires_at=utcnow() + lifetime,
        )
    )
    return token


def public_url(token: str) -> str:
    """The link written in messages and letters (PUBLIC_BASE_URL, not the request's host)."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/c/{token}"


def find_link_by_token(token: str) -> AccessLink | None:
    return db.session.scalars(select(AccessLink).where(AccessLink.token_hash == hash_token(token))).first()


def active_links(child: Child) -> list[AccessLink]:
    """The child's own working links (not their circle's)."""
    return list(
        db.session.scalars(
            select(AccessLink)
            .where(
                AccessLink.child_id == child.id,
                AccessLink.circle_member_id.is_(None),
                AccessLink.revoked_at.is_(None),
                AccessLink.expires_at > utcnow(),
            )
            .order_by(AccessLink.created_at.desc())
        )
    )


def revoke_links(child: Child) -> int:
    result = db.session.execute(
        update(AccessLink)
        .where(
            AccessLink.child_id == child.id,
            AccessLink.circle_member_id.is_(None),
            AccessLink.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def revoke_member_links(member_id: int) -> None:
    db.session.execute(
        update(AccessLink)
        .where(AccessLink.circle_member_id == member_id, AccessLink.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def revoke_token(token: str) -> None:
    db.session.execute(
        update(AccessLink)
        .where(AccessLink.token_hash == hash_token(token), AccessLink.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
