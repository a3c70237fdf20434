"""The child's journey: opening a link, saving answers as they go, sending to the IRO."""

from __future__ import annotations

from flask import request
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from voice_app import reviews
from voice_app.data.database import db
from voice_app.models import (
    AccessLink,
    AuditEvent,
    Child,
    Submission,
    SubmissionStatus,
    utcnow,
)
from voice_app.questions import Form, form_for_child, get_form


def mark_opened(link: AccessLink) -> None:
    link.last_opened_at = utcnow()


def load_child(link: AccessLink) -> Child:
    return db.session.scalars(
        select(Child).where(Child.id == link.child_id).options(selectinload(Child.iro))
    ).one()


def current_draft(child: Child) -> Submission | None:
    return db.session.scalars(
        select(Submission)
        .where(
            Submission.child_id == child.id,
            Submission.circle_member_id.is_(None),
            Submission.status == SubmissionStatus.DRAFT,
        )
        .options(selectinload(Submission.answers))
        .order_by(Submission.id.desc())
        .limit(1)
    ).first()


def start_draft(child: Child, link: AccessLink) -> Submission:
    form = form_for_child(child.age_on(utcnow().date()))
    draft = Submission(child=child, link_id=link.id, form_key=form.key, form_version=form.version, answers=[])
    db.session.add(draft)
    db.session.flush()
    return draft


def draft_or_new(child: Child, link: AccessLink) -> Submission:
    return current_draft(child) or start_draft(child, link)


def form_of(submission: Submission) -> Form:
    return get_form(submission.form_key)


def last_sent(child: Child) -> Submission | None:
    return db.session.scalars(
        select(Submission)
        .where(
            Submission.child_id == child.id,
            Submission.circle_member_id.is_(None),
            Submission.status == SubmissionStatus.SENT,
        )
        .options(selectinload(Submission.review))
        .order_by(Submission.sent_at.desc())
        .limit(1)
    ).first()


def send(draft: Submission, child: Child) -> bool:
    """Attach the draft to the child's next review and mark it sent.

    Returns False when it had already been sent (a double tap, or a second tab): the
    guarded update lets exactly one request win, so one send makes one submission."""
    review = reviews.next_review(child)
    result = db.session.execute(
        update(Submission)
        .where(Submission.id == draft.id, Submission.status == SubmissionStatus.DRAFT)
        .values(status=SubmissionStatus.SENT, review_id=review.id, sent_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.expire(draft)
    return True


def audit_own_view(link: AccessLink, submission: Submission, action: str) -> None:
    db.session.add(
        AuditEvent(
            actor_kind="link",
            actor_id=link.id,
            action=action,
            child_id=link.child_id,
            submission_id=submission.id,
            ip_address=request.remote_addr,
        )
    )
