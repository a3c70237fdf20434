"""Consultation forms as data, and the lookup of the right form for a person."""

from __future__ import annotations

from voice_app.questions.adult_papers import CARER, PAPERS_BY_ROLE, PARENT, PROFESSIONAL
from voice_app.questions.child_8_12 import CHILD_8_12
from voice_app.questions.model import Form, Kind, Option, Question, Topic

FORMS: dict[str, Form] = {form.key: form for form in (CHILD_8_12, PARENT, CARER, PROFESSIONAL)}


def form_for_child(age: int) -> Form:
    """The children's form for this age. Only the 8-12 band is written so far; younger and
    older children get it too until their own bands exist."""
    return CHILD_8_12


def get_form(key: str) -> Form:
    return FORMS[key]


def paper_for_role(role: str) -> Form:
    """The consultation paper for a parent, carer or professional."""
    return PAPERS_BY_ROLE[role]


__all__ = [
    "FORMS",
    "Form",
    "Kind",
    "Option",
    "Question",
    "Topic",
    "form_for_child",
    "get_form",
    "paper_for_role",
]
