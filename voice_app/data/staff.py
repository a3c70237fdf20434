"""Staff accounts, and the service figures managers see (counts only: no child's name or
words)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from voice_app.data.database import db
from voice_app.data.reviews import TAKES_VIEWS
from voice_app.models import Child, Review, StaffUser, Submission
from voice_app.questions.child_message import CHILD_MESSAGE
from voice_app.vocabulary import StaffRole, SubmissionStatus


def get(user_id: int) -> StaffUser | None:
    return db.session.get(StaffUser, user_id)


def find_by_email(email: str) -> StaffUser | None:
    return db.session.scalars(select(StaffUser).where(func.lower(StaffUser.email) == email.lower())).first()


@dataclass
class OverviewRow:
    iro: StaffUser
    children: int
    reviews_with_views: int
    reviews_pending: int


def _counts(query: Select[tuple[int, int]]) -> dict[int, int]:
    return {key: count for key, count in db.session.execute(query).tuples()}


def overview() -> list[OverviewRow]:
    """Figures per IRO for managers."""
    iros = db.session.scalars(
        select(StaffUser).where(StaffUser.role == StaffRole.IRO).order_by(StaffUser.name)
    ).all()
    children = _counts(select(Child.iro_id, func.count(Child.id)).group_by(Child.iro_id))
    pending = _counts(
        select(Child.iro_id, func.count(Review.id))
        .join(Review, Review.child_id == Child.id)
        .where(TAKES_VIEWS)
        .group_by(Child.iro_id)
    )
    with_views = _counts(
        select(Child.iro_id, func.count(func.distinct(Review.id)))
        .join(Review, Review.child_id == Child.id)
        .join(Submission, Submission.review_id == Review.id)
        .where(
            TAKES_VIEWS,
            Submission.status == SubmissionStatus.SENT,
            Submission.circle_member_id.is_(None),  # the child's own views only,
            Submission.form_key != CHILD_MESSAGE.key,  # not a message sent outside the form
        )
        .group_by(Child.iro_id)
    )
    return [
        OverviewRow(iro, children.get(iro.id, 0), with_views.get(iro.id, 0), pending.get(iro.id, 0))
        for iro in iros
    ]


def spend_equal_time(password: str) -> None:
    """Check a password against nothing, as long as a real check takes: a sign-in with an
    unknown email answers as slowly as a wrong password."""
    StaffUser.spend_equal_time(password)
