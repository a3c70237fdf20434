"""Alerts: a child who may not be safe is heard at once, not at the review.

An alert is raised when a child's answer is saved (or they ask for help now) and stays
open until someone records what they did. It keeps a copy of what the child said when it
was raised, so a later change to a draft never changes what staff were alerted to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice_app.models.base import Base, Timestamped, UTCDateTime, stored_enum
from voice_app.models.child import Child
from voice_app.models.staff import StaffUser
from voice_app.vocabulary import AlertKind, AlertOutcome, AlertSource


class Alert(Timestamped, Base):
    __tablename__ = "alert"
    __table_args__ = (
        # Saving the same page again never raises a second alert while the first is open.
        Index(
            "uq_alert_open_answer",
            "submission_id",
            "question_key",
            "kind",
            unique=True,
            sqlite_where=text("closed_at IS NULL AND submission_id IS NOT NULL"),
            postgresql_where=text("closed_at IS NULL AND submission_id IS NOT NULL"),
        ),
        Index("ix_alert_open", "closed_at", "created_at"),
    )

    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    kind: Mapped[AlertKind] = mapped_column(stored_enum(AlertKind, name="kind", length=10))
    source: Mapped[AlertSource] = mapped_column(stored_enum(AlertSource, name="source", length=20))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))
    question_key: Mapped[str | None] = mapped_column(String(40))
    # What the child said, as it was: their answer, their words, or their message for help.
    said: Mapped[str | None] = mapped_column(Text)
    # For a possible concern, the listed words found in it (never sent anywhere).
    matched: Mapped[str | None] = mapped_column(String(500))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[AlertOutcome | None] = mapped_column(stored_enum(AlertOutcome, name="outcome", length=20))

    child: Mapped[Child] = relationship()
    actions: Mapped[list[AlertAction]] = relationship(
        back_populates="alert", order_by="AlertAction.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class AlertAction(Timestamped, Base):
    """What someone did about an alert: recorded by staff, kept for the annual figures."""

    __tablename__ = "alert_action"

    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    action_taken: Mapped[str] = mapped_column(Text)
    who_was_told: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[AlertOutcome] = mapped_column(stored_enum(AlertOutcome, name="outcome", length=20))

    alert: Mapped[Alert] = relationship(back_populates="actions")
    staff: Mapped[StaffUser] = relationship()
