"""The people around a child whose views the IRO seeks (Children Act 1989 s22(4)):
parents, carers and professionals. Removing someone keeps what they already sent."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from voice_app.data import audit, invitations, links, messages
from voice_app.data.database import db
from voice_app.data.errors import NotFound
from voice_app.models import Child, CircleMember, StaffUser, utcnow


@dataclass
class MemberDetails:
    """What the IRO types about a circle member (already checked by the form)."""

    name: str
    relationship_key: str
    email: str | None
    mobile: str | None
    preferred_language: str


def members_of(child: Child) -> list[CircleMember]:
    return list(
        db.session.scalars(
            select(CircleMember)
            .where(CircleMember.child_id == child.id, CircleMember.removed_at.is_(None))
            .order_by(CircleMember.id)
        )
    )


def member_of(child: Child, member_id: int) -> CircleMember:
    member = db.session.scalars(
        select(CircleMember).where(
            CircleMember.id == member_id, CircleMember.child_id == child.id, CircleMember.removed_at.is_(None)
        )
    ).first()
    if member is None:
        raise NotFound(member_id)
    return member


def _apply(member: CircleMember, details: MemberDetails) -> None:
    member.name = details.name
    member.relationship_key = details.relationship_key
    member.email = details.email
    member.mobile = details.mobile
    member.preferred_language = details.preferred_language


def add_member(staff: StaffUser, child: Child, details: MemberDetails) -> CircleMember:
    member = CircleMember(child_id=child.id)
    _apply(member, details)
    db.session.add(member)
    db.session.flush()
    audit.record(staff, "added_circle_member", child.id)
    return member


def change_member(staff: StaffUser, child: Child, member: CircleMember, details: MemberDetails) -> None:
    """Change someone's details. A new email or mobile re-sends their open invitations to
    it, once this request has committed."""
    before = (member.email, member.mobile)
    _apply(member, details)
    audit.record(staff, "changed_circle_member", child.id)
    if (member.email, member.mobile) != before:
        messages.deliver_after_commit(invitations.contact_changed(child, member))


def remove_member(staff: StaffUser, child: Child, member: CircleMember) -> None:
    """What they already sent stays with the review; their links stop working and nothing
    more goes to them, not even a retry."""
    member.removed_at = utcnow()
    links.stop_member_links(member.id)
    messages.cancel_unsent(invitations.invitation_ids_of(member))
    audit.record(staff, "removed_circle_member", child.id)
