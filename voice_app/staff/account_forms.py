"""Forms for signing in with a second factor, and for a person's own account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from voice_app.staff.forms import StaffForm


class CodeForm(StaffForm):
    """A code from the person's authenticator app (or, signing in, a recovery code)."""

    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(_l("Enter the code from your authenticator app")),
            Length(max=40, message=_l("Enter the 6-digit code from your authenticator app")),
        ],
    )


class ChangePasswordForm(StaffForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password")), Length(max=1000)],
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password"))],
    )


class NewRecoveryCodesForm(StaffForm):
    """New recovery codes sign in without the phone, so they take the password too."""

    current_password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your password")), Length(max=1000)],
    )
