"""Forms for running staff accounts and for choosing a password from a link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from voice_app.staff.forms import StaffForm, email_format
from voice_app.vocabulary import StaffRole

ROLE_CHOICES = [
    SelectChoice(value=StaffRole.IRO, label=_l("IRO")),
    SelectChoice(value=StaffRole.MANAGER, label=_l("Manager")),
    SelectChoice(value=StaffRole.ADMIN, label=_l("Administrator")),
]
TICKED = "yes"


class RoleFields(StaffForm):
    """What a member of staff may do. A checkbox is a text field here (TextOnlyForm keeps
    every field text): ticked, it holds "yes"."""

    role = RadioField(
        _l("Role"),
        choices=ROLE_CHOICES,
        validators=[InputRequired(_l("Choose their role"))],
    )
    can_administer = StringField(_l("May run staff accounts"), validators=[Optional()])
    team = StringField(
        _l("Team (optional)"),
        validators=[Optional(), Length(max=120, message=_l("Team must be 120 characters or fewer"))],
    )

    def __init__(self, *args, for_administrator: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Only an administrator gives the administrator role or the right to run accounts:
        # a trusted manager is offered neither (and the data layer refuses both from them).
        self.for_administrator = for_administrator

    @property
    def offered_roles(self) -> list[SelectChoice]:
        if self.for_administrator:
            return list(ROLE_CHOICES)
        return [choice for choice in ROLE_CHOICES if choice.value != StaffRole.ADMIN]

    @property
    def administers(self) -> bool:
        return self.role.data == StaffRole.MANAGER and self.can_administer.data == TICKED


class PersonForm(RoleFields):
    name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(_l("Enter their full name")),
            Length(max=120, message=_l("Name must be 120 characters or fewer")),
        ],
    )
    email = StringField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter their email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            email_format,
        ],
    )


class ChangePersonForm(RoleFields):
    pass


class SetPasswordForm(StaffForm):
    password = PasswordField(
        _l("Create a password"),
        validators=[DataRequired(_l("Enter a password"))],
    )
    password_again = PasswordField(
        _l("Confirm your password"),
        validators=[DataRequired(_l("Enter your password again"))],
    )

    def validate_password_again(self, field):
        if self.password.data and field.data != self.password.data:
            raise ValidationError(_l("The passwords do not match. Enter the same password twice"))


class ForgottenPasswordForm(StaffForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            email_format,
        ],
    )
