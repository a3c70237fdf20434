"""A child in care and their reviews."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice_app.models.base import Base, Timestamped, UTCDateTime, stored_enum
from voice_app.models.staff import StaffUser
from voice_app.vocabulary import LANGUAGES, Participation, ReviewKind


def _language_is_known() -> CheckConstraint:
    keys = ", ".join(f"'{key}'" for key in LANGUAGES)
    return CheckConstraint(f"preferred_language IN ({keys})", name="preferred_language")


class Child(Timestamped, Base):
    __tablename__ = "child"
    __table_args__ = (_language_is_known(),)

    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    # What they like to be called: the child's pages and their IRO use it when given.
    preferred_name: Mapped[str | None] = mapped_column(String(80))
    date_of_birth: Mapped[date]
    # The council's own id for the child (the SSDA903 CHILD id): how an import finds them.
    # Empty for a child added by hand without one.
    child_ref: Mapped[str | None] = mapped_column(String(20), unique=True)
    preferred_language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    # The start of the current period in care (kept in step with the last CarePeriod).
    looked_after_since: Mapped[date]
    # Set when the last period in care has ended: no more reviews, invitations or links.
    left_care_on: Mapped[date | None]
    # Brothers and sisters share a number (the id of the first of them to be linked).
    sibling_group: Mapped[int | None] = mapped_column(index=True)
    iro_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    # Optional: where the child's own invitation goes. Many children have neither.
    email: Mapped[str | None] = mapped_column(String(254))
    mobile: Mapped[str | None] = mapped_column(String(20))

    iro: Mapped[StaffUser] = relationship()
    reviews: Mapped[list[Review]] = relationship(
        back_populates="child", order_by="Review.id", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.first_name

    @property
    def in_care(self) -> bool:
        return self.left_care_on is None

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday


class Review(Timestamped, Base):
    """One statutory review. `due_on` is the latest lawful date; `scheduled_for` is the date
    booked (empty until someone books it); `held_on` is set once the meeting took place."""

    __tablename__ = "review"
    __table_args__ = (
        Index("ix_review_child_held", "child_id", "held_on"),
        UniqueConstraint("child_id", "number", name="uq_review_child_number"),
    )

    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    kind: Mapped[ReviewKind] = mapped_column(
        stored_enum(ReviewKind, name="kind", length=10), default=ReviewKind.CLA
    )
    number: Mapped[int]  # 1 for the first review of this period in care, 2 for the second...
    due_on: Mapped[date]
    scheduled_for: Mapped[date | None]
    held_on: Mapped[date | None]
    created_by_rule: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How the child took part (SSDA903 REVIEW_CODE), once the review is held.
    participation_code: Mapped[Participation | None] = mapped_column(
        stored_enum(Participation, name="participation_code", length=3)
    )
    # Who was the IRO of this review, fixed once it is held (empty before: it is then the
    # child's IRO's), so moving a child to another IRO keeps the history.
    iro_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)

    child: Mapped[Child] = relationship(back_populates="reviews")

    @property
    def date_or_due(self) -> date:
        return self.scheduled_for or self.due_on


class CarePeriod(Timestamped, Base):
    """One period in care, from the SSDA903 episodes (voice_app/care_history.py) or from the
    date a child was added as looked after. Reviews count from the start of the last one."""

    __tablename__ = "care_period"
    __table_args__ = (UniqueConstraint("child_id", "started_on", name="uq_care_period_child_started"),)

    # The retention purge deletes a child's rows table by table; their periods go with them.
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    # The SSDA903 REC code of the episode that ended the period (E11 adopted, E13 left care...).
    end_reason: Mapped[str | None] = mapped_column(String(3))
