"""Sessions started by opening a personal link, held on the server: the browser keeps only
a random key (its hash is stored), so "Leave this page quickly" ends the session for good,
even for a copy of the cookie."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice_app.models.base import Base, Timestamped, UTCDateTime
from voice_app.models.links import AccessLink


class LinkSession(Timestamped, Base):
    __tablename__ = "link_session"

    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("access_link.id"), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    link: Mapped[AccessLink] = relationship()
