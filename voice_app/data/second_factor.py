"""Second factors for staff: a TOTP secret per person, and ten single-use recovery codes."""

from __future__ import annotations

from sqlalchemy import delete

from voice_app.data import audit, staff_sessions
from voice_app.data.database import db
from voice_app.models import RecoveryCode, StaffUser
from voice_app.vocabulary import SessionEnd


def reset_for(admin: StaffUser, person: StaffUser) -> None:
    """An administrator clears a colleague's second factor (a lost phone): their sessions
    end, and they set a new one up the next time they sign in."""
    person.totp_secret = None
    person.totp_last_step = None
    person.second_factor_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == person.id))
    staff_sessions.end_all_for(person, SessionEnd.SECOND_FACTOR_RESET)
    audit.record(admin, "reset_second_factor", about_staff_id=person.id)
