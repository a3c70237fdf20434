"""Invitations to give views for one review, and the messages that carry them.

A message's body holds the person's link while it waits to go; the external sender scrubs
it once delivered, so the database keeps links only as hashes. The outbox sender, used when
no messaging service is set up, keeps it (the outbox is then the record of what would have
gone), and staff only ever see it masked: they give a child a card or send it again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice_app.models.alerts import Alert
from voice_app.models.base import Base, Timestamped, UTCDateTime, stored_enum, utcnow
from voice_app.models.child import Child, Review
from voice_app.models.circle import CircleMember
from voice_app.models.staff import StaffToken
from voice_app.vocabulary import Channel, MessageKind, MessageStatus


class Invitation(Timestamped, Base):
    __tablename__ = "invitation"
    __table_args__ = (
        UniqueConstraint("review_id", "respondent_key", name="uq_invitation_review_respondent"),
    )

    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    circle_member_id: Mapped[int | None] = mapped_column(ForeignKey("circle_member.id"))
    respondent_key: Mapped[str] = mapped_column(String(30))
    channel: Mapped[Channel] = mapped_column(stored_enum(Channel, name="channel", length=10))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    review: Mapped[Review] = relationship()
    child: Mapped[Child] = relationship()
    circle_member: Mapped[CircleMember | None] = relationship()


ABOUT_ONE_THING = (
    "(CASE WHEN invitation_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN alert_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN staff_token_id IS NULL THEN 0 ELSE 1 END) = 1"
)


class Message(Timestamped, Base):
    """A message to one address: an invitation or reminder (to the child or their circle),
    an alert or escalation (to staff and the duty inbox), or a set-up or reset link (to a
    member of staff). It carries a link and nothing about the child."""

    __tablename__ = "message"
    # One message of each kind to each address: a corrected address gets its own.
    __table_args__ = (
        UniqueConstraint("invitation_id", "kind", "recipient", name="uq_message_invitation_kind_recipient"),
        UniqueConstraint("alert_id", "kind", "recipient", name="uq_message_alert_kind_recipient"),
        # Each message is about exactly one thing: an invitation, an alert, or a staff
        # member's set-up or reset link.
        CheckConstraint(ABOUT_ONE_THING, name="about_one_thing"),
    )

    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"), index=True)
    staff_token_id: Mapped[int | None] = mapped_column(ForeignKey("staff_token.id"), index=True)
    kind: Mapped[MessageKind] = mapped_column(stored_enum(MessageKind, name="kind", length=20))
    channel: Mapped[Channel] = mapped_column(stored_enum(Channel, name="channel", length=10))
    recipient: Mapped[str] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[MessageStatus] = mapped_column(
        stored_enum(MessageStatus, name="status", length=10), default=MessageStatus.QUEUED, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_reference: Mapped[str | None] = mapped_column(String(100))

    invitation: Mapped[Invitation | None] = relationship()
    alert: Mapped[Alert | None] = relationship()
    staff_token: Mapped[StaffToken | None] = relationship()
