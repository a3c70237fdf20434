"""Staff accounts (IROs, managers, administrators) and what keeps them safe: one-time
set-up and reset links, second-factor recovery codes, and the count of failed sign-ins
for each email address. Passwords are argon2id hashes; links and codes are kept only as
hashes."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice_app import passwords
from voice_app.models.base import Base, Timestamped, UTCDateTime, stored_enum
from voice_app.vocabulary import StaffRole, StaffTokenPurpose


class StaffUser(Timestamped, UserMixin, Base):
    __tablename__ = "staff_user"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[StaffRole] = mapped_column(
        stored_enum(StaffRole, name="role", length=20), default=StaffRole.IRO
    )
    # None until the person chooses one from their set-up link.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phone: Mapped[str | None] = mapped_column(String(40))
    team: Mapped[str | None] = mapped_column(String(120))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # A manager an administrator has trusted to run staff accounts too.
    can_administer: Mapped[bool] = mapped_column(default=False)
    # The second factor: a TOTP secret (base32), set once the person has proved their app
    # works; the last time-step used, so no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.is_active_account

    @property
    def is_iro(self) -> bool:
        return self.role == StaffRole.IRO

    @property
    def administers(self) -> bool:
        """May run staff accounts: an administrator, or a manager given the right."""
        return self.role == StaffRole.ADMIN or (self.role == StaffRole.MANAGER and self.can_administer)

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None and self.second_factor_at is not None

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)

    def check_password(self, password: str) -> bool:
        if self.password_hash is None:  # not set up yet: as slow as a wrong password
            passwords.spend_equal_time(password)
            return False
        return passwords.verify_password(self.password_hash, password)

    @staticmethod
    def spend_equal_time(password: str) -> None:
        """Keeps sign-in time the same whether or not the email has an account."""
        passwords.spend_equal_time(password)


class StaffToken(Timestamped, Base):
    """A one-time link to set a password: for a new account, or a forgotten password.
    Only its hash is kept; it works once, and not after `expires_at`."""

    __tablename__ = "staff_token"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    purpose: Mapped[StaffTokenPurpose] = mapped_column(
        stored_enum(StaffTokenPurpose, name="purpose", length=10)
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who asked for it: an administrator, or nobody (the "Forgotten your password?" page,
    # or the create-admin command).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    staff: Mapped[StaffUser] = relationship(foreign_keys=[staff_id])


class RecoveryCode(Timestamped, Base):
    """One of ten single-use codes that sign a person in when their phone is lost."""

    __tablename__ = "recovery_code"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInAttempts(Timestamped, Base):
    """Failed sign-ins for one email address, kept by a keyed hash of the address whether
    or not it has an account, so every worker sees the same count and a locked address
    answers exactly like an unknown one."""

    __tablename__ = "sign_in_attempts"

    email_digest: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
