"""The benchmark's data, written with the models straight into a throwaway database.

One IRO with 200 children, each with a review and a personal link of their own (so 200
children at once each have their own session). The first child's review carries 60 sent
papers: 50 submissions from the child and one from each of a circle of 10 people. A second
IRO has a few more children whose links the one-at-a-time phases use, so they never
disturb the 200."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from voice_app.data.database import db
from voice_app.models import (
    AccessLink,
    Answer,
    Child,
    CircleMember,
    Review,
    StaffUser,
    Submission,
    hash_token,
    new_token,
    utcnow,
)

IRO_EMAIL = "bench@example.org"
IRO_PASSWORD = "bench-password"
CHILD_PAPERS = 50
CIRCLE_PAPERS = 10
ANSWERS = {
    "home": ("4", "My carers are kind. " * 5),
    "family_time": ("2", "I only see my mum once a month."),
    "school": ("3", None),
    "worries": (None, "I worry about my little sister. " * 10),
    "attend": ("part", None),
    "advocate": ("yes", None),
}


@dataclass
class Seeded:
    review_id: int  # the review with 60 papers
    child_tokens: list[str]  # one personal link for each of the IRO's 200 children
    spare_tokens: list[str]  # links of the other IRO's children


def _answers() -> list[Answer]:
    return [Answer(question_key=k, choice=c, text=t) for k, (c, t) in ANSWERS.items()]


def _children(iro: StaffUser, count: int, prefix: str) -> tuple[list[Child], list[str]]:
    today = date.today()
    children = [
        Child(
            first_name=f"{prefix}{number}",
            last_name="Bench",
            date_of_birth=date(today.year - 10, 1, 1),
            looked_after_since=today - timedelta(days=300),
            iro_id=iro.id,
        )
        for number in range(count)
    ]
    db.session.add_all(children)
    db.session.flush()
    db.session.add_all(
        Review(
            child_id=child.id,
            number=1,
            due_on=today + timedelta(days=20 + i % 60),
            scheduled_for=today + timedelta(days=20 + i % 60),
        )
        for i, child in enumerate(children)
    )
    tokens = [new_token() for _ in children]
    db.session.add_all(
        AccessLink(token_hash=hash_token(token), child_id=child.id, expires_at=utcnow() + timedelta(days=1))
        for child, token in zip(children, tokens, strict=True)
    )
    db.session.flush()
    return children, tokens


def _staff(email: str, name: str) -> StaffUser:
    iro = StaffUser(email=email, name=name, role="iro")
    iro.set_password(IRO_PASSWORD)
    db.session.add(iro)
    db.session.flush()
    return iro


def seed(children: int, spare: int) -> Seeded:
    """Call inside an app context, on an empty database made by create_all."""
    iro = _staff(IRO_EMAIL, "Bench IRO")
    kids, tokens = _children(iro, children, "Child")
    _, spare_tokens = _children(_staff("spare@example.org", "Spare IRO"), spare, "Spare")
    child = kids[0]
    review = db.session.scalars(db.select(Review).where(Review.child_id == child.id)).one()
    for _ in range(CHILD_PAPERS):
        db.session.add(
            Submission(
                child_id=child.id,
                review_id=review.id,
                form_key="child-8-12",
                form_version=1,
                status="sent",
                sent_at=utcnow(),
                answers=_answers(),
            )
        )
    for number in range(CIRCLE_PAPERS):
        member = CircleMember(
            child_id=child.id,
            name=f"Person {number}",
            relationship_key="foster_carer",
            email=f"p{number}@example.org",
        )
        db.session.add(member)
        db.session.flush()
        db.session.add(
            Submission(
                child_id=child.id,
                circle_member_id=member.id,
                review_id=review.id,
                form_key="carer",
                form_version=1,
                status="sent",
                sent_at=utcnow(),
                answers=_answers(),
            )
        )
    db.session.commit()
    return Seeded(review.id, tokens, spare_tokens)
