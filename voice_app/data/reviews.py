"""Which review is next, and the reviews a member of staff may open.

"The next review" of a child is the earliest of their reviews that still takes views (not
held). When none is scheduled, the app creates the one due next under reg 33 (schedule.py),
counting only the reviews held in the child's current period in care. The caseload, the
child's start page, send-due and the moment a submission is sent all use `pick_next` and
`planned_next` below, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from voice_app import schedule
from voice_app.data import children
from voice_app.data.database import db, savepoint
from voice_app.data.errors import NotFound, ReviewClosed
from voice_app.models import Child, Review, StaffUser
from voice_app.vocabulary import ReviewKind


def takes_views(review: Review) -> bool:
    """A review takes views until it has been held. (The same rule as SQL: TAKES_VIEWS.)"""
    return review.held_on is None


TAKES_VIEWS = Review.held_on.is_(None)


def pick_next(reviews: Iterable[Review]) -> Review | None:
    """The earliest review that still takes views, by booked date or else due date."""
    pending = [review for review in reviews if takes_views(review)]
    return min(pending, key=lambda r: (r.date_or_due, r.id), default=None)


def planned_next(child: Child, reviews: Iterable[Review]) -> tuple[int, date]:
    """Number and due date of the review the rules call for when none is scheduled.

    Only reviews held in this period in care count towards the 20-day, 3-month, 6-month
    steps: a child who came back into care starts again from their first review. The number
    carries on from the highest number ever used, so it stays unique for the child."""
    reviews = list(reviews)
    held = [r.held_on for r in reviews if r.held_on is not None and r.held_on >= child.looked_after_since]
    _step, due_on = schedule.next_review_due(child.looked_after_since, held)
    return max((r.number for r in reviews), default=0) + 1, due_on


def _reviews_of(child_id: int) -> list[Review]:
    return list(db.session.scalars(select(Review).where(Review.child_id == child_id)))


def find_next_review(child: Child) -> Review | None:
    """The child's next review if one is scheduled (nothing is created)."""
    return pick_next(_reviews_of(child.id))


def next_review(child: Child) -> Review:
    """The child's next review, created from the statutory rule when none is scheduled."""
    reviews = _reviews_of(child.id)
    review = pick_next(reviews)
    if review is not None:
        return review
    number, due_on = planned_next(child, reviews)
    review = Review(
        child_id=child.id, kind=ReviewKind.CLA, number=number, due_on=due_on, created_by_rule=True
    )
    try:
        # Two sends at the same moment could both create the review: the unique
        # (child, number) constraint lets only one win, and the other reads the winner's.
        with savepoint():
            db.session.add(review)
    except IntegrityError:
        winner = pick_next(_reviews_of(child.id))
        if winner is None:
            raise
        return winner
    return review


def ensure_next_reviews() -> None:
    """Every child in care has a next review (send-due opens consultations from them). A
    child who has left care has none."""
    children = db.session.scalars(select(Child).where(Child.left_care_on.is_(None))).all()
    reviews_by_child: dict[int, list[Review]] = {child.id: [] for child in children}
    for review in db.session.scalars(select(Review)):
        reviews_by_child.setdefault(review.child_id, []).append(review)
    for child in children:
        if pick_next(reviews_by_child[child.id]) is None:
            next_review(child)


def pending_reviews() -> list[Review]:
    """Reviews still to be held of children in care (no invitation goes to a child who left)."""
    return list(
        db.session.scalars(
            select(Review)
            .join(Child, Child.id == Review.child_id)
            .where(TAKES_VIEWS, Child.left_care_on.is_(None))
        )
    )


def follow_history(child: Child, reviews: list[Review]) -> int:
    """After the child's care history or held reviews changed (an import): a review the
    rule created and nobody booked takes the due date the rule now gives. Booked reviews
    keep their date. Returns how many changed."""
    if child.left_care_on is not None:
        return 0
    _number, due_on = planned_next(child, [r for r in reviews if r.held_on is not None])
    changed = 0
    for review in reviews:
        if (
            takes_views(review)
            and review.created_by_rule
            and review.scheduled_for is None
            and review.due_on != due_on
        ):
            review.due_on = due_on
            changed += 1
    return changed


def review_for(staff: StaffUser, review_id: int) -> Review:
    """A review of a child this member of staff may see, or NotFound."""
    review = db.session.scalars(
        select(Review)
        .join(Child, Child.id == Review.child_id)
        .where(Review.id == review_id, children.visible_to(staff))
        .options(selectinload(Review.child).selectinload(Child.iro))
    ).first()
    if review is None:
        raise NotFound(review_id)
    return review


def ensure_takes_views(review: Review) -> None:
    """Views, invitations and letters are only for a review that still takes views."""
    if not takes_views(review):
        raise ReviewClosed(review)
