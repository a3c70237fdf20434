"""Queries behind the IRO's pages. Every one is scoped to the IRO's own caseload, and each
page runs a fixed number of queries however many children or submissions there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from voice_app import schedule
from voice_app.data.database import db
from voice_app.models import (
    AuditEvent,
    Child,
    CircleMember,
    Invitation,
    Message,
    Review,
    StaffUser,
    Submission,
    SubmissionStatus,
)
from voice_app.staff.consultation import people_by_review


def find_staff_by_email(email: str) -> StaffUser | None:
    return db.session.scalars(select(StaffUser).where(func.lower(StaffUser.email) == email.lower())).first()


@dataclass
class CaseloadRow:
    child: Child
    next_review: Review | None
    due_on: date
    people: list  # consultation.Person: who was asked for this review, and how far they got

    @property
    def child_sent(self) -> bool:
        return any(p.key == "child" and p.submissions for p in self.people)


def caseload(iro: StaffUser) -> list[CaseloadRow]:
    children = db.session.scalars(
        select(Child).where(Child.iro_id == iro.id).order_by(Child.last_name, Child.first_name)
    ).all()
    child_ids = [child.id for child in children]
    reviews_by_child: dict[int, list[Review]] = defaultdict(list)
    for review in db.session.scalars(select(Review).where(Review.child_id.in_(child_ids))):
        reviews_by_child[review.child_id].append(review)
    rows = []
    for child in children:
        child_reviews = reviews_by_child[child.id]
        pending = sorted((r for r in child_reviews if r.held_on is None), key=lambda r: (r.date_or_due, r.id))
        upcoming = pending[0] if pending else None
        if upcoming is not None:
            due_on = upcoming.due_on
        else:
            held = [r.held_on for r in child_reviews if r.held_on is not None]
            due_on = schedule.next_review_due(child.looked_after_since, held)[1]
        rows.append(CaseloadRow(child, upcoming, due_on, []))
    upcoming_reviews = [row.next_review for row in rows if row.next_review]
    people = people_by_review(upcoming_reviews, {child.id: child for child in children}, with_answers=False)
    for row in rows:
        if row.next_review:
            row.people = people[row.next_review.id]
    return sorted(rows, key=lambda row: row.next_review.date_or_due if row.next_review else row.due_on)


def child_for_iro(iro: StaffUser, child_id: int) -> Child | None:
    return db.session.scalars(
        select(Child).where(Child.id == child_id, Child.iro_id == iro.id).options(selectinload(Child.reviews))
    ).first()


def review_for_iro(iro: StaffUser, review_id: int) -> Review | None:
    return db.session.scalars(
        select(Review)
        .join(Child, Child.id == Review.child_id)
        .where(Review.id == review_id, Child.iro_id == iro.id)
        .options(selectinload(Review.child))
    ).first()


def audit(iro: StaffUser, action: str, child_id: int | None, review_id: int | None = None) -> None:
    db.session.add(
        AuditEvent(
            actor_kind="staff",
            actor_id=iro.id,
            action=action,
            child_id=child_id,
            review_id=review_id,
            ip_address=request.remote_addr,
        )
    )


@dataclass
class OverviewRow:
    iro: StaffUser
    children: int
    reviews_with_views: int
    reviews_pending: int


def overview() -> list[OverviewRow]:
    """Figures per IRO for managers: counts only, no child's name or words."""
    iros = db.session.scalars(select(StaffUser).where(StaffUser.role == "iro").order_by(StaffUser.name)).all()
    children = dict(
        db.session.execute(select(Child.iro_id, func.count(Child.id)).group_by(Child.iro_id)).all()
    )
    pending = dict(
        db.session.execute(
            select(Child.iro_id, func.count(Review.id))
            .join(Review, Review.child_id == Child.id)
            .where(Review.held_on.is_(None))
            .group_by(Child.iro_id)
        ).all()
    )
    with_views = dict(
        db.session.execute(
            select(Child.iro_id, func.count(func.distinct(Review.id)))
            .join(Review, Review.child_id == Child.id)
            .join(Submission, Submission.review_id == Review.id)
            .where(
                Review.held_on.is_(None),
                Submission.status == SubmissionStatus.SENT,
                Submission.circle_member_id.is_(None),  # the child's own views only
            )
            .group_by(Child.iro_id)
        ).all()
    )
    return [
        OverviewRow(iro, children.get(iro.id, 0), with_views.get(iro.id, 0), pending.get(iro.id, 0))
        for iro in iros
    ]


def member_of(child: Child, member_id: int) -> CircleMember | None:
    return db.session.scalars(
        select(CircleMember).where(
            CircleMember.id == member_id, CircleMember.child_id == child.id, CircleMember.removed_at.is_(None)
        )
    ).first()


def circle_of(child: Child) -> list[CircleMember]:
    return list(
        db.session.scalars(
            select(CircleMember)
            .where(CircleMember.child_id == child.id, CircleMember.removed_at.is_(None))
            .order_by(CircleMember.id)
        )
    )


OUTBOX_PAGE_SIZE = 50


def outbox_for(iro: StaffUser, page: int = 1) -> list[Message]:
    """Messages about this IRO's children, newest first."""
    return list(
        db.session.scalars(
            select(Message)
            .join(Invitation, Invitation.id == Message.invitation_id)
            .join(Child, Child.id == Invitation.child_id)
            .where(Child.iro_id == iro.id)
            .options(selectinload(Message.invitation).selectinload(Invitation.child))
            .order_by(Message.id.desc())
            .limit(OUTBOX_PAGE_SIZE)
            .offset((page - 1) * OUTBOX_PAGE_SIZE)
        )
    )
