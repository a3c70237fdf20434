"""The people around a child whose views the IRO must seek (Children Act 1989 s22(4)):
parents, carers and professionals. Removing someone keeps what they already sent."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice_app.models.base import Base, Timestamped, UTCDateTime
from voice_app.models.child import Child


class Role(enum.StrEnum):
    CHILD = "child"
    PARENT = "parent"
    CARER = "carer"
    PROFESSIONAL = "professional"


# Relationship -> (label, role). The role decides which consultation paper they get.
RELATIONSHIPS: dict[str, tuple[str, Role]] = {
    "mother": (_l("Mother"), Role.PARENT),
    "father": (_l("Father"), Role.PARENT),
    "parental_responsibility": (_l("Other person with parental responsibility"), Role.PARENT),
    "foster_carer": (_l("Foster carer"), Role.CARER),
    "kinship_carer": (_l("Kinship carer (family or friend)"), Role.CARER),
    "residential_key_worker": (_l("Residential key worker"), Role.CARER),
    "school": (_l("School or college"), Role.PROFESSIONAL),
    "health": (_l("Health"), Role.PROFESSIONAL),
    "social_worker": (_l("Social worker"), Role.PROFESSIONAL),
    "other_professional": (_l("Other professional"), Role.PROFESSIONAL),
}

# Languages people most often ask for in England and Wales; "other" is noted by the IRO.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "cy": "Cymraeg (Welsh)",
    "pl": "Polski (Polish)",
    "ro": "Română (Romanian)",
    "ur": "اردو (Urdu)",
    "pa": "ਪੰਜਾਬੀ (Punjabi)",
    "bn": "বাংলা (Bengali)",
    "ar": "العربية (Arabic)",
    "so": "Soomaali (Somali)",
    "pt": "Português (Portuguese)",
    "es": "Español (Spanish)",
    "other": "Another language",
}


class CircleMember(Timestamped, Base):
    __tablename__ = "circle_member"

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
