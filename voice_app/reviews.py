"""Which review a submission belongs to.

"The next review" of a child is the earliest of their reviews that has not been held. When
none is scheduled, the app creates the one due next under reg 33 (see schedule.py). A review
held today has been held, so it is never "next" again.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from voice_app import schedule
from voice_app.data.database import db
from voice_app.models import Child, Review, ReviewKind


def find_next_review(child_id: int) -> Review | None:
    return db.session.scalars(
        select(Review)
        .where(Review.child_id == child_id, Review.held_on.is_(None))
        .order_by(func.coalesce(Review.scheduled_for, Review.due_on), Review.id)
        .limit(1)
    ).first()


def next_review(child: Child) -> Review:
    """The child's next review, created from the statutory rule when none is scheduled."""
    review = find_next_review(child.id)
    if review is not None:
        return review
    # Only reviews of this period in care count towards the 20-day, 3-month, 6-month steps.
    held_dates = db.session.scalars(
        select(Review.held_on).where(
            Review.child_id == child.id,
            Review.held_on.is_not(None),
            Review.held_on >= child.looked_after_since,
        )
    ).all()
    _step, due_on = schedule.next_review_due(child.looked_after_since, held_dates)
    highest = db.session.scalar(select(func.max(Review.number)).where(Review.child_id == child.id)) or 0
    number = highest + 1
    review = Review(
        child_id=child.id,
        kind=ReviewKind.CLA,
        number=number,
        due_on=due_on,
        scheduled_for=None,
        created_by_rule=True,
    )
    try:
        # Two sends at the same moment could both create the review: the unique
        # (child, number) constraint lets only one win, and the other reads the winner's.
        with db.session.begin_nested():
            db.session.add(review)
    except IntegrityError:
        winner = find_next_review(child.id)
        if winner is None:
            raise
        return winner
    return review
