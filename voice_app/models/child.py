"""A child in care and their reviews."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice_app.models.base import Base, Timestamped, UTCDateTime, stored_enum
from voice_app.models.staff import StaffUser
from voice_app.vocabulary import ReviewKind


class Child(Timestamped, Base):
    __tablename__ = "child"

    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    date_of_birth: Mapped[date]
    looked_after_since: Mapped[date]
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

    child: Mapped[Child] = relationship(back_populates="reviews")

    @property
    def date_or_due(self) -> date:
        return self.scheduled_for or self.due_on
