"""The people around a child whose views the IRO must seek (Children Act 1989 s22(4)):
parents, carers and professionals. Removing someone keeps what they already sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice_app.models.base import Base, Timestamped, UTCDateTime
from voice_app.models.child import Child
from voice_app.vocabulary import LANGUAGES, RELATIONSHIPS, Role


def _relationship_is_known() -> CheckConstraint:
    """Only the relationships the service knows: each decides which paper the person gets."""
    keys = ", ".join(f"'{key}'" for key in RELATIONSHIPS)
    return CheckConstraint(f"relationship_key IN ({keys})", name="relationship_key")


class CircleMember(Timestamped, Base):
    __tablename__ = "circle_member"
    __table_args__ = (_relationship_is_known(),)

    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    relationship_key: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    mobile: Mapped[str | None] = mapped_column(String(20))
    preferred_language: Mapped[str] = mapped_column(String(10), default="en")
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    child: Mapped[Child] = relationship()

    @property
    def role(self) -> Role:
        return RELATIONSHIPS[self.relationship_key][1]

    @property
    def relationship_label(self) -> str:
        return str(RELATIONSHIPS[self.relationship_key][0])

    @property
    def language_label(self) -> str:
        return LANGUAGES.get(self.preferred_language, self.preferred_language)
