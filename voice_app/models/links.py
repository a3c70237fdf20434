"""Personal links. The link carries a random token; only its SHA-256 is stored, so a copy
of the database cannot be turned back into working links."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice_app.models.base import Base, Timestamped, UTCDateTime, utcnow
from voice_app.models.child import Child

TOKEN_BYTES = 32  # 256 bits, well over the 128 asked for


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccessLink(Timestamped, Base):
    __tablename__ = "access_link"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    # Set for a parent's, carer's or professional's link, which is for one review only.
    circle_member_id: Mapped[int | None] = mapped_column(ForeignKey("circle_member.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Stopped by staff (a lost phone, a wrong address): it opens nothing, and any session
    # it started ends at once.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Replaced by a newer link for the same child (a reminder, a letter): it opens nothing
    # new, but a child already answering through it is not cut off mid-question.
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    child: Mapped[Child] = relationship()

    @property
    def is_childs(self) -> bool:
        return self.circle_member_id is None

    def is_usable(self, now: datetime | None = None) -> bool:
        """Whether opening the link starts a session."""
        now = now or utcnow()
        return self.revoked_at is None and self.replaced_at is None and self.expires_at > now

    def keeps_session(self, now: datetime | None = None) -> bool:
        """Whether a session it already started carries on."""
        now = now or utcnow()
        return self.revoked_at is None and self.expires_at > now
