"""Everything a parent's, carer's or professional's link may reach: one child, one review,
their own paper. A member's link is for one review: the link names it, and nothing else
is reachable through it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voice_app.data import reviews
from voice_app.data.database import db
from voice_app.data.errors import NotFound, ReviewClosed
from voice_app.models import AccessLink, Child, CircleMember, Review, Submission, utcnow
from voice_app.questions import Form, form_for, form_of


@dataclass
class Respondent:
    link: AccessLink
    member: CircleMember
    child: Child
    review: Review
    paper: Form  # the paper they are asked, or the one their started paper was answered in
    submission: Submission | None = None  # their paper for this review, once started


def find_paper(member_id: int, review_id: int) -> Submission | None:
    return db.session.scalars(
        select(Submission)
        .where(Submission.circle_member_id == member_id, Submission.review_id == review_id)
        .options(selectinload(Submission.answers))
        .limit(1)
    ).first()


def respondent_for(link: AccessLink) -> Respondent:
    """The respondent behind this link. NotFound if they were removed from the circle or
    the link is not for a review of their child; ReviewClosed once the review has taken
    place (views sent after the meeting would promise what cannot happen)."""
    member = db.session.scalars(
        select(CircleMember)
        .where(CircleMember.id == link.circle_member_id, CircleMember.removed_at.is_(None))
        .options(selectinload(CircleMember.child).selectinload(Child.iro))
    ).first()
    review = db.session.get(Review, link.review_id) if link.review_id else None
    if member is None or review is None or review.child_id != member.child_id:
        raise NotFound(link.id)
    submission = find_paper(member.id, review.id)
    # A paper once started keeps its form and version, even if the IRO later changes
    # their role or the paper is revised.
    paper = form_of(submission) if submission else form_for(member.role, member.child.age_on(utcnow().date()))
    respondent = Respondent(link, member, member.child, review, paper, submission)
    if not reviews.takes_views(review):
        raise ReviewClosed(review, respondent)
    return respondent
