"""Sessions held on the server: the browser keeps only a random key (its hash is stored),
so signing out, "Leave this page quickly", deactivation or a password change ends the
session for good, even for a copy of the cookie.

Two kinds: one started by opening a personal link (a child's or their circle's), and one
per staff sign-in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice_app.models.base import Base, Timestamped, UTCDateTime, stored_enum, utcnow
from voice_app.models.links import AccessLink
from voice_app.models.staff import StaffUser
from voice_app.vocabulary import SessionEnd


class LinkSession(Timestamped, Base):
    __tablename__ = "link_session"

    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("access_link.id"), index=True)
    # For the idle timeout, judged on the server (LINK_SESSION_IDLE_MINUTES); created_at
    # is the start of the longest a session lasts (LINK_SESSION_HOURS).
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    link: Mapped[AccessLink] = relationship()


class StaffSession(Timestamped, Base):
    """One sign-in by a member of staff. `second_factor_at` is empty while the password is
    checked but the second factor is not: such a session opens no staff page."""

    __tablename__ = "staff_session"

    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[SessionEnd | None] = mapped_column(
        stored_enum(SessionEnd, name="ended_reason", length=30)
    )
    # What the person sees on their sessions page to tell one sign-in from another.
    user_agent: Mapped[str | None] = mapped_column(String(200))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    # A hash of the seed of recovery codes just made, while they may be shown (until
    # "Continue"): the cookie holds the seed, but only this row lets it show the codes, so
    # a copy of the cookie shows nothing once they were seen.
    recovery_seed_hash: Mapped[str | None] = mapped_column(String(64))

    staff: Mapped[StaffUser] = relationship()
