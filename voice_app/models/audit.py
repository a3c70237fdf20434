"""Audit trail: who looked at or changed a child's records or a staff account, and when
(UTC). Rows are only ever added."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from voice_app.models.base import Base, Timestamped, stored_enum
from voice_app.vocabulary import ActorKind


class AuditEvent(Timestamped, Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_child_created", "child_id", "created_at"),)

    actor_kind: Mapped[ActorKind] = mapped_column(stored_enum(ActorKind, name="actor_kind", length=20))
    actor_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(60))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))
    # A staff account the action was about (added, deactivated, a second factor reset).
    about_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    ip_address: Mapped[str | None] = mapped_column(String(45))
