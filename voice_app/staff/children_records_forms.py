"""Forms of the children's records pages: a child's details (added or changed by hand),
the search, moving to another IRO, leaving care, and the import's files.

Dates are GOV.UK date inputs (day, month, year): each part is a text field, read together
by `_day_of`, so whatever was typed comes back to the page as it was."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from voice_app.staff.forms import StaffForm
from voice_app.vocabulary import LANGUAGES

TICKED = "yes"
_EARLIEST_YEAR = 1900


def _blank_is_none(value):
    return (value or "").strip() or None


def _stripped(value):
    return (value or "").strip()


class DateParts:
    """The three fields of a date input, named `<name>_day`, `<name>_month`, `<name>_year`."""

    def __init__(self, form: StaffForm, name: str, label: str):
        self.form, self.name, self.label = form, name, label

    def parts(self) -> tuple[str, str, str]:
        return tuple(  # type: ignore[return-value]
            (getattr(self.form, f"{self.name}_{part}").data or "").strip()
            for part in ("day", "month", "year")
        )

    def read(self) -> tuple[date | None, str | None]:
        """The day typed, or the kind words saying what is wrong with it."""
        day, month, year = self.parts()
        missing = [
            word
            for word, value in ((_l("a day"), day), (_l("a month"), month), (_l("a year"), year))
            if not value
        ]
        if len(missing) == 3:
            return None, str(_l("Enter %(what)s", what=self.label))
        if missing:
            return None, str(
                _l("%(what)s must include %(part)s", what=self.label, part=missing[0])
            ).capitalize()
        digits = all(part.isdigit() and part.isascii() for part in (day, month, year))
        if not digits or len(day) > 2 or len(month) > 2 or len(year) != 4:
            return None, str(_l("%(what)s must be a real date, like 27 3 2015", what=self.label)).capitalize()
        try:
            typed = date(int(year), int(month), int(day))
        except ValueError:
            return None, str(_l("%(what)s must be a real date, like 27 3 2015", what=self.label)).capitalize()
        if typed.year < _EARLIEST_YEAR:
            return None, str(_l("%(what)s must be a real date, like 27 3 2015", what=self.label)).capitalize()
        return typed, None


def _date_fields(name: str):
    """The three text fields of a date input, added to a form class with
    `locals().update(...)` in its body (a class body's namespace is a plain dict)."""
    return {
        f"{name}_{part}": StringField(filters=[_stripped], validators=[Optional(), Length(max=10)])
        for part in ("day", "month", "year")
    }


class ChildDetailsForm(StaffForm):
    first_name = StringField(
        _l("First name"),
        filters=[_stripped],
        validators=[
            DataRequired(_l("Enter their first name")),
            Length(max=80, message=_l("First name must be 80 characters or fewer")),
        ],
    )
    last_name = StringField(
        _l("Last name"),
        filters=[_stripped],
        validators=[
            DataRequired(_l("Enter their last name")),
            Length(max=80, message=_l("Last name must be 80 characters or fewer")),
        ],
    )
    preferred_name = StringField(
        _l("The name they like to be called (optional)"),
        filters=[_blank_is_none],
        validators=[
            Optional(),
            Length(max=80, message=_l("The name they like must be 80 characters or fewer")),
        ],
    )
    locals().update(_date_fields("date_of_birth"))
    child_ref = StringField(
        _l("The council's child id (optional)"),
        filters=[_blank_is_none],
        validators=[Optional(), Length(max=20, message=_l("The child id must be 20 characters or fewer"))],
    )
    preferred_language = SelectField(
        _l("Preferred language"),
        choices=[SelectChoice(value=key, label=label) for key, label in LANGUAGES.items()],
        default="en",
        validate_choice=False,
    )
    locals().update(_date_fields("looked_after_since"))
    iro = SelectField(_l("Their IRO"), choices=[], validate_choice=False)

    def __init__(self, *args, iros=(), choose_iro: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.choose_iro = choose_iro
        self.iro.choices = [SelectChoice(value="", label=_l("Choose their IRO"))] + [
            SelectChoice(value=str(person.id), label=person.name) for person in iros
        ]
        if not choose_iro:
            del self.iro
        self.date_of_birth = DateParts(self, "date_of_birth", str(_l("Date of birth")))
        self.looked_after_since = DateParts(
            self, "looked_after_since", str(_l("The date they became looked after"))
        )
        self.born_on: date | None = None
        self.since: date | None = None

    def validate_preferred_language(self, field) -> None:
        if field.data not in LANGUAGES:
            raise ValidationError(_l("Choose a language from the list"))

    def validate_iro(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices if choice.value}:
            raise ValidationError(_l("Choose their IRO from the list"))

    def validate(self, extra_validators=None) -> bool:
        fine = super().validate(extra_validators)
        today = date.today()
        born_on, problem = self.date_of_birth.read()
        if problem is None and born_on is not None and born_on > today:
            problem = str(_l("Date of birth must be in the past"))
        if problem:
            self.errors_extra["date_of_birth_day"] = problem
        since, later = self.looked_after_since.read()
        if later is None and since is not None:
            if since > today:
                later = str(_l("The date they became looked after must be today or in the past"))
            elif born_on is not None and since < born_on:
                later = str(_l("The date they became looked after must be after their date of birth"))
        if later:
            self.errors_extra["looked_after_since_day"] = later
        self.born_on, self.since = born_on, since
        return fine and not self.errors_extra

    @property
    def errors_extra(self) -> dict[str, str]:
        if not hasattr(self, "_errors_extra"):
            self._errors_extra: dict[str, str] = {}
        return self._errors_extra

    def iro_id(self) -> int | None:
        return int(self.iro.data) if self.choose_iro and (self.iro.data or "").isdigit() else None


def details_errors(form: ChildDetailsForm) -> dict[str, str]:
    """Each problem once, in the order of the page, keyed by the id its message links to."""
    order = [
        "first_name",
        "last_name",
        "preferred_name",
        "date_of_birth_day",
        "child_ref",
        "preferred_language",
        "looked_after_since_day",
        "iro",
    ]
    found = {name: messages[0] for name, messages in form.errors.items() if name != "csrf_token"}
    for part in ("day", "month", "year"):
        for name in ("date_of_birth", "looked_after_since"):
            if f"{name}_{part}" in found and f"{name}_day" not in form.errors_extra:
                form.errors_extra[f"{name}_day"] = str(
                    _l("%(what)s must be a real date, like 27 3 2015", what=getattr(form, name).label)
                ).capitalize()
            found.pop(f"{name}_{part}", None)
    found.update(form.errors_extra)
    return {name: found[name] for name in order if name in found}


class SearchForm(StaffForm):
    """The search of the list (a GET form: it changes nothing, so it has no token)."""

    q = StringField(
        _l("Search by name or child id"),
        filters=[_stripped],
        validators=[Optional(), Length(max=160, message=_l("Search for 160 characters or fewer"))],
    )


class MoveForm(StaffForm):
    iro = SelectField(_l("Their new IRO"), choices=[], validate_choice=False)
    with_siblings = StringField(_l("Move their brothers and sisters too"), validators=[Optional()])

    def __init__(self, *args, iros=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.iro.choices = [SelectChoice(value="", label=_l("Choose their new IRO"))] + [
            SelectChoice(value=str(person.id), label=person.name) for person in iros
        ]

    def validate_iro(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices if choice.value}:
            raise ValidationError(_l("Choose their new IRO from the list"))


class SiblingForm(StaffForm):
    sibling = StringField(validators=[DataRequired(_l("Choose a brother or sister from the list"))])

    def validate_sibling(self, field) -> None:
        if not (field.data.isdigit() and len(field.data) <= 9):
            raise ValidationError(_l("Choose a brother or sister from the list"))


class LeaveCareForm(StaffForm):
    locals().update(_date_fields("left_on"))
    confirmed = StringField(validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.left_on = DateParts(self, "left_on", str(_l("The date they left care")))
        self.day: date | None = None
        self.problem: str | None = None

    def validate(self, extra_validators=None) -> bool:
        fine = super().validate(extra_validators)
        day, problem = self.left_on.read()
        if problem is None and day is not None and day > date.today():
            problem = str(_l("The date they left care must be today or in the past"))
        self.day, self.problem = day, problem
        return fine and problem is None


class ImportForm(StaffForm):
    """Only the token and the fingerprint are text: the files are read by the view from
    `request.files` (the one page that takes files, see voice_app/input_guard.py)."""

    fingerprint = StringField(validators=[Optional(), Length(max=64)])
