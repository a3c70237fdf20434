"""Personal links. The link carries a random token; only its SHA-256 is stored, so a copy
of the database cannot be turned back into working links.

A child's link may also have a short sign-in code, printed on a card beside the link's QR
code, for a child who cannot open a link (no email, no phone of their own, a school
computer). The code is kept only as a keyed hash, and it lives and dies with its link."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice_app.models.base import Base, Timestamped, UTCDateTime, utcnow
from voice_app.models.child import Child

TOKEN_BYTES = 32  # 256 bits, well over the 128 asked for

# No two characters a child could take for each other, in print or in handwriting: no
# 0/O/D/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V. 21 characters, 8 of them: about 35 bits, which
# only the rate limits on typing a code make enough (see voice_app/child/code_views.py).
CODE_ALPHABET = "ACEFHJKMNPRTVWXY34679"
CODE_LENGTH = 8
_NOT_PART_OF_A_CODE = re.compile(r"[\s\-\u2010-\u2015_.]")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """What a child typed, as the code it means: any case, with or without the dash or spaces."""
    return _NOT_PART_OF_A_CODE.sub("", typed).upper()


def is_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(character in CODE_ALPHABET for character in code)


def show_code(code: str) -> str:
    """ "ACEF-HJKM": two groups of four are easier to copy than eight in a row."""
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def hash_code(code: str, key: str) -> str:
    """A keyed hash (HMAC-SHA256 with the app's secret key), not a plain one: there are
    fewer than 4 x 10^10 codes, so a plain hash from a copy of the database would give every
    code back in seconds. Without the key, the copy gives nothing."""
    return hmac.new(key.encode(), b"sign-in code\x00" + code.encode(), hashlib.sha256).hexdigest()


class AccessLink(Timestamped, Base):
    __tablename__ = "access_link"
    # A sign-in code is only ever a child's: a parent's link is for one review, by letter.
    __table_args__ = (
        CheckConstraint("code_hash IS NULL OR circle_member_id IS NULL", name="code_only_for_a_child"),
    )

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The link's sign-in code, when it was printed on a card. Unique among every code ever
    # given, working or not: an old card must never open another child's pages.
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
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
