"""Staff accounts: IROs and managers. Passwords are argon2 hashes."""

from __future__ import annotations

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from voice_app import passwords
from voice_app.models.base import Base, Timestamped, stored_enum
from voice_app.vocabulary import StaffRole


class StaffUser(Timestamped, UserMixin, Base):
    __tablename__ = "staff_user"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[StaffRole] = mapped_column(
        stored_enum(StaffRole, name="role", length=20), default=StaffRole.IRO
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    is_active_account: Mapped[bool] = mapped_column(default=True)

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.is_active_account

    @property
    def is_iro(self) -> bool:
        return self.role == StaffRole.IRO

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)

    def check_password(self, password: str) -> bool:
        return passwords.verify_password(self.password_hash, password)

    @staticmethod
    def spend_equal_time(password: str) -> None:
        """Keeps sign-in time the same whether or not the email has an account."""
        passwords.spend_equal_time(password)
