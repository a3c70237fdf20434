"""Children, and who may see them.

`visible_to(staff)` is the one rule of who may see a child: every staff query about a
child, a review, a circle or a message goes through it. An IRO sees their own caseload;
a manager sees the whole service (today managers have only figures pages, which name no
child; the children's own pages are for IROs, see voice_app/permissions.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import joinedload, selectinload

from voice_app.data import audit, child_messages, consultation, invitations, messages, reviews
from voice_app.data.database import db
from voice_app.data.errors import NotFound
from voice_app.models import AccessLink, Child, Review, StaffUser
from voice_app.vocabulary import StaffRole


def visible_to(staff: StaffUser) -> ColumnElement[bool]:
    """A filter on Child: the children this member of staff may see."""
    if staff.role == StaffRole.IRO:
        return Child.iro_id == staff.id
    if staff.role == StaffRole.MANAGER:
        return true()
    return false()


def child_for(staff: StaffUser, child_id: int) -> Child:
    """A child this member of staff may see, with their reviews, or NotFound."""
    child = db.session.scalars(
        select(Child).where(Child.id == child_id, visible_to(staff)).options(selectinload(Child.reviews))
    ).first()
    if child is None:
        raise NotFound(child_id)
    return child


def child_of_link(link: AccessLink) -> Child:
    """The child a personal link is about, with their IRO (named on the child's pages)."""
    return db.session.scalars(
        select(Child).where(Child.id == link.child_id).options(joinedload(Child.iro))
    ).one()


@dataclass
class CaseloadRow:
    child: Child
    next_review: Review | None
    due_on: date
    people: list = field(default_factory=list)  # consultation.Person: who was asked, how far they got
    new_messages: int = 0  # the child's messages nobody has read yet


def caseload(staff: StaffUser) -> list[CaseloadRow]:
    """The children this member of staff may see, soonest review first, with who has been
    asked for views on each next review. A fixed number of queries for any caseload."""
    children = db.session.scalars(
        select(Child).where(visible_to(staff)).order_by(Child.last_name, Child.first_name)
    ).all()
    reviews_by_child: dict[int, list[Review]] = {child.id: [] for child in children}
    if children:
        for review in db.session.scalars(select(Review).where(Review.child_id.in_(reviews_by_child))):
            reviews_by_child[review.child_id].append(review)
    rows = []
    for child in children:
        upcoming = reviews.pick_next(reviews_by_child[child.id])
        due_on = upcoming.due_on if upcoming else reviews.planned_next(child, reviews_by_child[child.id])[1]
        rows.append(CaseloadRow(child, upcoming, due_on))
    upcoming_reviews = [row.next_review for row in rows if row.next_review]
    people = consultation.people_by_review(
        upcoming_reviews, {child.id: child for child in children}, with_answers=False
    )
    new_messages = child_messages.new_messages_by_review([r.id for r in upcoming_reviews])
    for row in rows:
        if row.next_review:
            row.people = people[row.next_review.id]
            row.new_messages = new_messages.get(row.next_review.id, 0)
    return sorted(rows, key=lambda row: row.next_review.date_or_due if row.next_review else row.due_on)


def change_contact(staff: StaffUser, child: Child, email: str | None, mobile: str | None) -> None:
    """Where the child's own invitations go. When it changes, open invitations go again to
    the new address once this request has committed (see invitations.contact_changed)."""
    changed = (child.email, child.mobile) != (email, mobile)
    child.email, child.mobile = email, mobile
    audit.record(staff, "changed_child_contact", child.id)
    if changed:
        messages.deliver_after_commit(invitations.contact_changed(child, None))
