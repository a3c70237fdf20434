"""Consultation forms as data, kept by (key, version), and the choice of form for a person.

A form once used is never changed or removed: a new wording is a new version, added to
FORMS beside the old one, so every submission is read back through the version it was
answered in (`form_of`)."""

from __future__ import annotations

from typing import Protocol

from voice_app.questions.adult_papers import CARER, PARENT, PROFESSIONAL
from voice_app.questions.child_8_12 import CHILD_8_12, CHILD_8_12_V2
from voice_app.questions.child_message import CHILD_MESSAGE
from voice_app.questions.model import Form, Kind, Option, Question, Topic

# Every version of every form, old ones included.
FORMS: dict[tuple[str, int], Form] = {
    (form.key, form.version): form
    for form in (CHILD_8_12, CHILD_8_12_V2, CHILD_MESSAGE, PARENT, CARER, PROFESSIONAL)
}


class UnknownForm(LookupError):
    """No form has this key and version (or none is written for this audience and age)."""


class AnsweredForm(Protocol):
    form_key: str
    form_version: int


def get_form(key: str, version: int) -> Form:
    try:
        return FORMS[(key, version)]
    except KeyError:
        raise UnknownForm(f"{key} version {version}") from None


def form_of(submission: AnsweredForm) -> Form:
    """The form exactly as it was when this submission was answered."""
    return get_form(submission.form_key, submission.form_version)


def current_forms() -> list[Form]:
    """The newest version of each form: what new submissions are asked."""
    newest: dict[str, Form] = {}
    for form in FORMS.values():
        if form.key not in newest or form.version > newest[form.key].version:
            newest[form.key] = form
    return list(newest.values())


def form_for(audience: str, age: int) -> Form:
    """The form a new submission from this audience ("child", "parent", "carer",
    "professional") is asked, for a child of this age (the child's age, for an adult's
    paper too), chosen by each current form's min_age and max_age."""
    matching = [f for f in current_forms() if f.audience == audience and f.min_age <= age <= f.max_age]
    if len(matching) != 1:
        raise UnknownForm(f"{len(matching)} forms for {audience} aged {age}")
    return matching[0]


__all__ = [
    "FORMS",
    "Form",
    "Kind",
    "Option",
    "Question",
    "Topic",
    "UnknownForm",
    "current_forms",
    "form_for",
    "form_of",
    "get_form",
]
