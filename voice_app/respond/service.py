"""A parent's, carer's or professional's consultation paper for one review."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from voice_app.data.database import db
from voice_app.models import (
    AccessLink,
    AuditEvent,
    Child,
    CircleMember,
    Review,
    Submission,
    SubmissionStatus,
    utcnow,
)
from voice_app.questions import Form, get_form, paper_for_role


@dataclass
class Respondent:
    """Everything a respondent's link may reach: one child, one review, their own answers."""

    link: AccessLink
    member: CircleMember
    child: Child
    review: Review
    paper: Form
    submission: Submission | None = None  # their paper for this review, once started


def respondent_for(link: AccessLink) -> Respondent:
    member = db.session.scalars(
        select(CircleMember)
        .where(CircleMember.id == link.circle_member_id, CircleMember.removed_at.is_(None))
        .options(selectinload(CircleMember.child).selectinload(Child.iro))
    ).first()
    review = db.session.get(Review, link.review_id) if link.review_id else None
    if member is None or review is None or review.child_id != member.child_id:
        abort(404)
    respondent = Respondent(link, member, member.child, review, paper_for_role(member.role))
    respondent.submission = _find_submission(respondent)
    if respondent.submission is not None:
        # A paper once started keeps its form, even if the IRO later changes their role.
        respondent.paper = get_form(respondent.submission.form_key)
    return respondent


def _find_submission(respondent: Respondent) -> Submission | None:
    return db.session.scalars(
        select(Submission)
        .where(
            Submission.circle_member_id == respondent.member.id,
            Submission.review_id == respondent.review.id,
        )
        .options(selectinload(Submission.answers))
        .order_by(Submission.id)
        .limit(1)
    ).first()


def draft_or_new(respondent: Respondent) -> Submission:
    submission = respondent.submission
    if submission is None:
        submission = Submission(
            child_id=respondent.child.id,
            link_id=respondent.link.id,
            circle_member_id=respondent.member.id,
            review_id=respondent.review.id,
            form_key=respondent.paper.key,
            form_version=respondent.paper.version,
            answers=[],
        )
        db.session.add(submission)
        db.session.flush()
        respondent.submission = submission
    return submission


def send(submission: Submission) -> bool:
    """Mark the paper sent. Only one request can win, so sending twice makes one submission."""
    result = db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.status == SubmissionStatus.DRAFT)
        .values(status=SubmissionStatus.SENT, sent_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(submission)
    return result.rowcount == 1


def audit_own_view(respondent: Respondent, submission: Submission, action: str) -> None:
    db.session.add(
        AuditEvent(
            actor_kind="link",
            actor_id=respondent.link.id,
            action=action,
            child_id=respondent.child.id,
            review_id=respondent.review.id,
            submission_id=submission.id,
            ip_address=request.remote_addr,
        )
    )
