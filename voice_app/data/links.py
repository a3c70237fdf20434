"""Personal links: issued by staff or in a message, opened by a child or one of their circle.

The token is random (256 bits) and shown once; the database keeps only its SHA-256. Two
rules live here and nowhere else:
- one working link at a time for a child: a new link for the child (from "Make a new
  link", a printed letter, an invitation or a reminder) replaces the ones before it, so an
  old letter or message never opens beside the newest link. Replaced is not stopped: a
  child answering through the older link when a reminder goes is not cut off. Staff who
  stop a child's links (a lost phone) end its sessions at once;
- a circle member's link is for one review: it names the review, and respondents.py
  reaches nothing else through it.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from voice_app.data import audit
from voice_app.data.database import db, rows_changed
from voice_app.models import AccessLink, Child, CircleMember, Review, StaffUser, hash_token, new_token, utcnow


def _issue(child_id: int, member_id: int | None, review_id: int | None) -> str:
    token = new_token()
    lifetime = timedelta(days=current_app.config["LINK_LIFETIME_DAYS"])
    db.session.add(
        AccessLink(
            token_hash=hash_token(token),
            child_id=child_id,
            circle_member_id=member_id,
            review_id=review_id,
            expires_at=utcnow() + lifetime,
        )
    )
    return token


def issue_child_link(child: Child, stop_others: bool = False) -> str:
    """A new link for the child, which replaces their earlier ones (or, with stop_others,
    stops them: staff making a new link because one was lost). Returns the token."""
    if stop_others:
        stop_child_links(child)
    else:
        _replace_child_links(child)
    return _issue(child.id, None, None)


def _replace_child_links(child: Child) -> None:
    rows_changed(
        update(AccessLink)
        .where(
            AccessLink.child_id == child.id,
            AccessLink.circle_member_id.is_(None),
            AccessLink.revoked_at.is_(None),
            AccessLink.replaced_at.is_(None),
        )
        .values(replaced_at=utcnow())
    )


def new_link_from_staff(staff: StaffUser, child: Child) -> str:
    """Staff make the child a new link because one was lost: the old ones stop at once,
    sessions and all. Returns the token, shown once."""
    token = issue_child_link(child, stop_others=True)
    audit.record(staff, "issued_personal_link", child.id)
    return token


def stop_links_from_staff(staff: StaffUser, child: Child) -> None:
    stop_child_links(child)
    audit.record(staff, "stopped_personal_links", child.id)


def issue_member_link(member: CircleMember, review: Review) -> str:
    """A new link for a circle member, for this one review. Earlier ones keep working
    (each letter or message carries its own, and any of them reaches the same paper)."""
    return _issue(member.child_id, member.id, review.id)


def issue_link_for(child: Child, member: CircleMember | None, review: Review) -> str:
    """The link for a person asked for views on a review: the child, or a circle member."""
    return issue_child_link(child) if member is None else issue_member_link(member, review)


def public_url(token: str) -> str:
    """The link written in messages and letters (PUBLIC_BASE_URL, not the request's host)."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/c/{token}"


def find_by_token(token: str) -> AccessLink | None:
    return db.session.scalars(select(AccessLink).where(AccessLink.token_hash == hash_token(token))).first()


def get(link_id: int) -> AccessLink | None:
    return db.session.get(AccessLink, link_id)


def mark_opened(link: AccessLink) -> None:
    """When a link was last opened: the IRO sees "opened" for an invited person. The one
    write a GET may make besides the audit trail (opening a link is what a GET is for)."""
    link.last_opened_at = utcnow()


def working_child_links(child: Child) -> list[AccessLink]:
    """The child's own working links (not their circle's)."""
    return list(
        db.session.scalars(
            select(AccessLink)
            .where(
                AccessLink.child_id == child.id,
                AccessLink.circle_member_id.is_(None),
                AccessLink.revoked_at.is_(None),
                AccessLink.replaced_at.is_(None),
                AccessLink.expires_at > utcnow(),
            )
            .order_by(AccessLink.created_at.desc())
        )
    )


def stop_child_links(child: Child) -> int:
    return rows_changed(
        update(AccessLink)
        .where(
            AccessLink.child_id == child.id,
            AccessLink.circle_member_id.is_(None),
            AccessLink.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )


def stop_member_links(member_id: int) -> None:
    db.session.execute(
        update(AccessLink)
        .where(AccessLink.circle_member_id == member_id, AccessLink.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def stop_token(token: str) -> None:
    db.session.execute(
        update(AccessLink)
        .where(AccessLink.token_hash == hash_token(token), AccessLink.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
