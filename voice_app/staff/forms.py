import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from voice_app.forms import TextOnlyForm
from voice_app.messaging import normalise_uk_mobile
from voice_app.vocabulary import LANGUAGES, RELATIONSHIPS, AlertOutcome


class StaffForm(TextOnlyForm):
    """Every staff form (see TextOnlyForm: whatever is posted, fields only hold text)."""


class SignInForm(StaffForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password")), Length(max=1000)],
    )


class ConfirmForm(StaffForm):
    """A form with nothing but its CSRF token, for buttons that change something."""


def _blank_is_none(value):
    return (value or "").strip() or None


class ContactForm(StaffForm):
    """Where invitations go: email first, else a text message, else a printed letter."""

    email = StringField(
        _l("Email address (optional)"), filters=[_blank_is_none], validators=[Optional(), Length(max=254)]
    )
    mobile = StringField(
        _l("Mobile number (optional)"), filters=[_blank_is_none], validators=[Optional(), Length(max=30)]
    )

    def validate_email(self, field):
        email_format(self, field)
        field.data = field.data or None

    def validate_mobile(self, field):
        value = (field.data or "").strip()
        if not value:
            field.data = None
            return
        normalised = normalise_uk_mobile(value)
        if normalised is None:
            raise ValidationError(_l("Enter a UK mobile number, like 07700 900 982"))
        field.data = normalised


class CircleMemberForm(ContactForm):
    name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(_l("Enter their name")),
            Length(max=120, message=_l("Name must be 120 characters or fewer")),
        ],
    )
    relationship_key = RadioField(
        _l("Relationship to the child"),
        choices=[SelectChoice(value=key, label=label) for key, (label, _role) in RELATIONSHIPS.items()],
        validators=[InputRequired(_l("Choose their relationship to the child"))],
    )
    preferred_language = SelectField(
        _l("Preferred language"),
        choices=[SelectChoice(value=key, label=label) for key, label in LANGUAGES.items()],
        default="en",
    )


EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def email_format(form, field):
    """A validator: the email address, stripped, looks like one (an empty one passes)."""
    value = (field.data or "").strip()
    if value and not EMAIL_PATTERN.fullmatch(value):
        raise ValidationError(_l("Enter an email address in the correct format, like name@example.com"))
    field.data = value


class InviteForm(StaffForm):
    """Who to invite; choices are set by the view from the child's circle."""

    people = SelectMultipleField(
        _l("Who to invite"), validators=[DataRequired(_l("Choose at least one person to invite"))]
    )


class AlertActionForm(StaffForm):
    """What someone did about an alert."""

    action_taken = TextAreaField(
        _l("What did you do?"),
        validators=[
            DataRequired(_l("Say what you did, for example who you spoke to and what happens next")),
            Length(max=5000, message=_l("What you did must be 5,000 characters or fewer")),
        ],
    )
    who_was_told = StringField(
        _l("Who was told? (optional)"),
        validators=[Optional(), Length(max=500, message=_l("Who was told must be 500 characters or fewer"))],
    )
    outcome = RadioField(
        _l("Outcome"),
        choices=[
            SelectChoice(value=AlertOutcome.ACTED, label=_l("I acted on it")),
            SelectChoice(value=AlertOutcome.NOT_A_CONCERN, label=_l("It is not a concern")),
        ],
        default=AlertOutcome.ACTED,
        validators=[InputRequired(_l("Choose an outcome"))],
    )
