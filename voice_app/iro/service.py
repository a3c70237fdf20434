"""Queries behind the IRO's pages. Every one is scoped to the IRO's own caseload, and each
page runs a fixed number of queries however many children or submissions there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask import request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from voice_app import schedule
from voice_app.extensions import db
from voice_app.models import (
    Answer,
    AuditEvent,
    Child,
    Review,
    StaffUser,
    Submission,
    SubmissionStatus,
)
from voice_app.questions import Form, Question, get_form


def find_staff_by_email(email: str) -> StaffUser | None:
    return db.session.scalars(select(StaffUser).where(func.lower(StaffUser.email) == email.lower())).first()


@dataclass
class CaseloadRow:
    child: Child
    next_review: Review | None
    due_on: date
    views_sent: int


def caseload(iro: StaffUser) -> list[CaseloadRow]:
    children = db.session.scalars(
        select(Child).where(Child.iro_id == iro.id).order_by(Child.last_name, Child.first_name)
    ).all()
    child_ids = [child.id for child in children]
    reviews_by_child: dict[int, list[Review]] = defaultdict(list)
    for review in db.session.scalars(select(Review).where(Review.child_id.in_(child_ids))):
        reviews_by_child[review.child_id].append(review)
    sent_counts = dict(
        db.session.execute(
            select(Submission.review_id, func.count(Submission.id))
            .join(Review, Review.id == Submission.review_id)
            .where(Review.child_id.in_(child_ids), Submission.status == SubmissionStatus.SENT)
            .group_by(Submission.review_id)
        ).all()
    )
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
        views = sent_counts.get(upcoming.id, 0) if upcoming else 0
        rows.append(CaseloadRow(child, upcoming, due_on, views))
    return sorted(rows, key=lambda row: (row.next_review.date_or_due if row.next_review else row.due_on))


def child_for_iro(iro: StaffUser, child_id: int) -> Child | None:
    return db.session.scalars(
        select(Child)
        .where(Child.id == child_id, Child.iro_id == iro.id)
        .options(selectinload(Child.reviews))
    ).first()


def review_for_iro(iro: StaffUser, review_id: int) -> Review | None:
    return db.session.scalars(
        select(Review)
        .join(Child, Child.id == Review.child_id)
        .where(Review.id == review_id, Child.iro_id == iro.id)
        .options(selectinload(Review.child))
    ).first()


def sent_submissions(review: Review) -> list[Submission]:
    return list(
        db.session.scalars(
            select(Submission)
            .where(Submission.review_id == review.id, Submission.status == SubmissionStatus.SENT)
            .options(selectinload(Submission.answers))
            .order_by(Submission.sent_at.desc(), Submission.id.desc())
        )
    )


@dataclass
class GivenAnswer:
    submission: Submission
    answer: Answer
    question: Question


@dataclass
class SummaryItem:
    question: Question
    given: list[GivenAnswer] = field(default_factory=list)


@dataclass
class ConsultationSummary:
    form: Form | None
    submissions: list[Submission]
    items: dict[str, SummaryItem]

    def for_questions(self, questions) -> list[SummaryItem]:
        return [self.items[q.key] for q in questions]

    @property
    def requests(self) -> list[SummaryItem]:
        return self.for_questions(self.form.request_questions) if self.form else []

    @property
    def topics(self) -> list[SummaryItem]:
        return self.for_questions(self.form.topic_questions) if self.form else []

    @property
    def own_words(self) -> list[SummaryItem]:
        return self.for_questions(self.form.own_words_questions) if self.form else []


def consultation_summary(submissions: list[Submission]) -> ConsultationSummary:
    """Lay every sent answer out by question, newest first, for the IRO's summary."""
    if not submissions:
        return ConsultationSummary(None, [], {})
    layout = get_form(submissions[0].form_key)
    items = {q.key: SummaryItem(q) for q in layout.questions}
    for submission in submissions:
        form = get_form(submission.form_key)
        for answer in submission.answers:
            question = form.question(answer.question_key)
            if question is not None and answer.question_key in items and not answer.is_empty:
                items[answer.question_key].given.append(GivenAnswer(submission, answer, question))
    return ConsultationSummary(layout, submissions, items)


def audit(iro: StaffUser, action: str, child_id: int, review_id: int | None = None) -> None:
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
            .where(Review.held_on.is_(None), Submission.status == SubmissionStatus.SENT)
            .group_by(Child.iro_id)
        ).all()
    )
    return [
        OverviewRow(iro, children.get(iro.id, 0), with_views.get(iro.id, 0), pending.get(iro.id, 0))
        for iro in iros
    ]
