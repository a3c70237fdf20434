"""Small builders for test data. Each returns a saved object."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from voice_app.data import links
from voice_app.data.database import db
from voice_app.models import (
    AccessLink,
    Answer,
    CarePeriod,
    Child,
    CircleMember,
    Review,
    StaffRole,
    StaffUser,
    Submission,
    SubmissionStatus,
    hash_token,
    new_token,
    utcnow,
)

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_staff(role: str = StaffRole.IRO, name: str = "Ira Reed", email: str | None = None) -> StaffUser:
    user = StaffUser(email=email or f"staff{next(_numbers)}@example.org", name=name, role=role)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def make_child(
    iro: StaffUser,
    first_name: str = "Sam",
    looked_after_since: date | None = None,
    age: int = 10,
    child_ref: str | None = None,
    with_period: bool = False,
) -> Child:
    """A child in care; `with_period` also records their current period in care (as the
    import and "Add a child" do; most tests need only `looked_after_since`)."""
    today = date.today()
    child = Child(
        first_name=first_name,
        last_name=f"Tester{next(_numbers)}",
        date_of_birth=today.replace(year=today.year - age) - timedelta(days=30),
        looked_after_since=looked_after_since or today - timedelta(days=200),
        iro_id=iro.id,
        child_ref=child_ref,
    )
    db.session.add(child)
    db.session.flush()
    if with_period:
        db.session.add(CarePeriod(child_id=child.id, started_on=child.looked_after_since))
    db.session.commit()
    return child


def make_care_period(
    child: Child, started_on: date, ended_on: date | None = None, end_reason: str | None = None
) -> CarePeriod:
    period = CarePeriod(child_id=child.id, started_on=started_on, ended_on=ended_on, end_reason=end_reason)
    db.session.add(period)
    db.session.commit()
    return period


def make_review(
    child: Child,
    number: int = 1,
    scheduled_for: date | None = None,
    held_on: date | None = None,
    due_on: date | None = None,
) -> Review:
    review = Review(
        child_id=child.id,
        number=number,
        due_on=due_on or scheduled_for or date.today() + timedelta(days=30),
        scheduled_for=scheduled_for,
        held_on=held_on,
    )
    db.session.add(review)
    db.session.commit()
    return review


def make_link(child: Child, expires_in_days: int = 30, revoked: bool = False) -> str:
    token = new_token()
    db.session.add(
        AccessLink(
            token_hash=hash_token(token),
            child_id=child.id,
            expires_at=utcnow() + timedelta(days=expires_in_days),
            revoked_at=utcnow() if revoked else None,
        )
    )
    db.session.commit()
    return token


def make_sent_submission(
    child: Child, review: Review, answers: dict[str, tuple[str | None, str | None]]
) -> Submission:
    submission = Submission(
        child_id=child.id,
        review_id=review.id,
        form_key="child-8-12",
        form_version=1,
        status=SubmissionStatus.SENT,
        sent_at=utcnow(),
        answers=[Answer(question_key=k, choice=c, text=t) for k, (c, t) in answers.items()],
    )
    db.session.add(submission)
    db.session.commit()
    return submission


__all__ = [
    "PASSWORD",
    "links",
    "make_care_period",
    "make_child",
    "make_link",
    "make_review",
    "make_sent_submission",
    "make_staff",
]


def make_member(
    child: Child,
    name: str = "Karen Taylor",
    relationship: str = "mother",
    email: str | None = None,
    mobile: str | None = None,
) -> CircleMember:
    member = CircleMember(
        child_id=child.id, name=name, relationship_key=relationship, email=email, mobile=mobile
    )
    db.session.add(member)
    db.session.commit()
    return member


def make_member_link(
    member: CircleMember, review: Review, expires_in_days: int = 30, revoked: bool = False
) -> str:
    token = new_token()
    db.session.add(
        AccessLink(
            token_hash=hash_token(token),
            child_id=member.child_id,
            circle_member_id=member.id,
            review_id=review.id,
            expires_at=utcnow() + timedelta(days=expires_in_days),
            revoked_at=utcnow() if revoked else None,
        )
    )
    db.session.commit()
    return token


def make_member_submission(member: CircleMember, review: Review, answers: dict) -> Submission:
    submission = Submission(
        child_id=member.child_id,
        circle_member_id=member.id,
        review_id=review.id,
        form_key=member.role,
        form_version=1,
        status=SubmissionStatus.SENT,
        sent_at=utcnow(),
        answers=[Answer(question_key=k, choice=c, text=t) for k, (c, t) in answers.items()],
    )
    db.session.add(submission)
    db.session.commit()
    return submission
