import re

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from voice_app.vocabulary import LANGUAGES, RELATIONSHIPS

# No keyboard types these, and PostgreSQL refuses NUL; line breaks and tabs stay.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _text_only(value):
    """A field's value as text without control characters; a file, or anything else that is
    not text, is nothing at all."""
    return _CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else None


def _texts_only(values):
    if isinstance(values, list) and all(isinstance(value, str) for value in values):
        return [_CONTROL_CHARACTERS.sub("", value) for value in values]
    return None


class StaffForm(FlaskForm):
    """Every staff form: its fields only ever hold text (or a list of texts, for a multiple
    choice) before their own filters and validators see them, whatever was posted. Filters
    run after a field converts its input, so a number or date field would need leaving out."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            first = _texts_only if issubclass(unbound_field.field_class, SelectMultipleField) else _text_only
            filters = [first, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, **{**options, "filters": filters})

        def wrap_formdata(self, form, formdata):
            # Flask-WTF would also read a JSON body, whose values need not be text nor even
            # come in pairs. No page sends one: read only what a page's form posted.
            if not isinstance(formdata, MultiDict) and formdata is not None and request.is_json:
                formdata = request.form
            return super().wrap_formdata(form, formdata)


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
        value = (field.data or "").strip()
        if value and not EMAIL_PATTERN.fullmatch(value):
            raise ValidationError(_l("Enter an email address in the correct format, like name@example.com"))
        field.data = value or None

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


def normalise_uk_mobile(value: str) -> str | None:
    """07700 900982, +44 7700 900982 and 0044... all become 07700900982."""
    digits = re.sub(r"[\s\-().]", "", value)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    return digits if re.fullmatch(r"07\d{9}", digits) else None


class InviteForm(StaffForm):
    """Who to invite; choices are set by the view from the child's circle."""

    people = SelectMultipleField(
        _l("Who to invite"), validators=[DataRequired(_l("Choose at least one person to invite"))]
    )
