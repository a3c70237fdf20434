"""The filters of the audit trail, and the search for a child whose records a manager
exports. Both are GET forms (they change nothing), so they carry no CSRF token."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from voice_app.staff.forms import StaffForm

# A date input sends 2026-11-27; a browser without one sends what was typed: 27/11/2026.
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})[/.\- ]+(\d{1,2})[/.\- ]+(\d{4})")
_EARLIEST_YEAR, _LATEST_YEAR = 2000, 2999


def parse_date(typed: str | None) -> date | None:
    """The day a person meant, or None for nothing typed. Raises ValueError for anything
    that is not a real date."""
    text = (typed or "").strip()
    if not text:
        return None
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _UK_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValueError(text)
    if not _EARLIEST_YEAR <= year <= _LATEST_YEAR:
        raise ValueError(text)
    return date(year, month, day)


def _real_date(form, field) -> None:
    try:
        field.parsed = parse_date(field.data)
    except ValueError:
        field.parsed = None
        raise ValidationError(_l("Enter a real date, like 27/11/2026")) from None


def _whole_number(form, field) -> None:
    text = (field.data or "").strip()
    field.parsed = int(text) if text.isdigit() and len(text) <= 9 else None
    if text and field.parsed is None:
        raise ValidationError(_l("Choose a child from the list"))


class AuditFilterForm(StaffForm):
    child = StringField(
        _l("Child's name"),
        validators=[
            Optional(),
            Length(max=160, message=_l("A child's name must be 160 characters or fewer")),
        ],
    )
    child_id = StringField(_l("Child"), validators=[Optional(), _whole_number])
    staff = SelectField(
        _l("Member of staff"),
        choices=[SelectChoice(value="", label=_l("Anyone"))],
        default="",
        validate_choice=False,
    )
    date_from = StringField(_l("From"), validators=[Optional(), _real_date])
    date_to = StringField(_l("To"), validators=[Optional(), _real_date])

    def __init__(self, *args, staff_choices: Sequence[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.staff.choices = [SelectChoice(value="", label=_l("Anyone"))] + [
            SelectChoice(value=str(person_id), label=name) for person_id, name in staff_choices
        ]

    def validate_staff(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a member of staff from the list"))

    def validate_date_to(self, field) -> None:
        start = getattr(self.date_from, "parsed", None)
        end = getattr(field, "parsed", None)
        if start and end and end < start:
            raise ValidationError(_l("The date to must be the same as or after the date from"))

    def parsed(self, name: str):
        """A field's value as its validator read it (a date, a whole number), or None."""
        return getattr(getattr(self, name), "parsed", None)


class ChildSearchForm(StaffForm):
    name = StringField(
        _l("Child's name"),
        validators=[
            DataRequired(_l("Enter the child's name, or part of it")),
            Length(max=160, message=_l("A child's name must be 160 characters or fewer")),
        ],
    )
