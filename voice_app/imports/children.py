"""The children file: one row a child. Pure.

Columns (the header row names them, in any order, in any case; other columns are ignored):

| column | needed | what |
|---|---|---|
| `child_id` | yes | the council's id for the child, as in the SSDA903 return (CHILD) |
| `first_name`, `last_name` | yes | |
| `preferred_name` | no | the name they like to be called |
| `date_of_birth` | yes | dd/mm/yyyy (or yyyy-mm-dd) |
| `iro_email` | yes | the email address of their IRO's account |
| `preferred_language` | no | a language code (`en`, `cy`, `pl`...) or its name (Welsh, Polish); English if empty |
| `looked_after_since` | for a new child with no episodes | the day their current period in care began |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from voice_app.imports.csv_files import BAD_DATE, parse_date, read
from voice_app.imports.problems import CHILDREN, Problem
from voice_app.vocabulary import LANGUAGES

REQUIRED = ("child_id", "first_name", "last_name", "date_of_birth", "iro_email")
OPTIONAL = ("preferred_name", "preferred_language", "looked_after_since")
CHILD_REF_LENGTH = 20
NAME_LENGTH = 80
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class ChildRow:
    row: int
    child_ref: str
    first_name: str
    last_name: str
    preferred_name: str | None
    date_of_birth: date
    iro_email: str  # lower case
    preferred_language: str  # a key of vocabulary.LANGUAGES
    looked_after_since: date | None


def _language_names() -> dict[str, str]:
    """Every way a language may be written in the file -> its key."""
    names: dict[str, str] = {}
    for key, label in LANGUAGES.items():
        names[key] = key
        names[label.lower()] = key
        if match := re.search(r"\(([^)]+)\)", label):
            names[match.group(1).lower()] = key
    names["english"] = "en"
    return names


LANGUAGE_NAMES = _language_names()


def language_key(value: str) -> str | None:
    return LANGUAGE_NAMES.get(value.strip().lower()) if value.strip() else "en"


def parse(data: bytes, today: date) -> tuple[list[ChildRow], list[Problem]]:
    table, problems = read(CHILDREN, data, REQUIRED)
    if table is None:
        return [], problems
    rows: list[ChildRow] = []
    first_row_of: dict[str, int] = {}
    for number, cells in table.rows:

        def problem(column: str, value: str | None, why) -> None:
            problems.append(Problem(CHILDREN, number, column, value, str(why)))  # noqa: B023

        found = {name: table.cell(cells, name) for name in REQUIRED + OPTIONAL}
        before = len(problems)
        child_ref = found["child_id"]
        if not child_ref:
            problem("child_id", None, _l("Every child needs their child id."))
        elif len(child_ref) > CHILD_REF_LENGTH:
            problem("child_id", child_ref, _l("A child id is at most 20 characters."))
        elif child_ref in first_row_of:
            problem(
                "child_id",
                child_ref,
                _l(
                    "This child id is also on row %(row)s: each child is on one row.",
                    row=first_row_of[child_ref],
                ),
            )
        else:
            first_row_of[child_ref] = number
        for column in ("first_name", "last_name", "preferred_name"):
            if column != "preferred_name" and not found[column]:
                problem(column, None, _l("This name is missing."))
            elif len(found[column]) > NAME_LENGTH:
                problem(column, None, _l("A name is at most 80 characters."))
        born = parse_date(found["date_of_birth"])
        if born is None:
            problem("date_of_birth", found["date_of_birth"], BAD_DATE)
        elif born > today:
            problem("date_of_birth", found["date_of_birth"], _l("A date of birth cannot be in the future."))
        email = found["iro_email"].lower()
        if not _EMAIL.fullmatch(email):
            problem("iro_email", found["iro_email"], _l("This is not an email address."))
        language = language_key(found["preferred_language"])
        if language is None:
            problem(
                "preferred_language",
                found["preferred_language"],
                _l(
                    "This language is not one the service knows: use a code such as en, cy or pl, or 'other'."
                ),
            )
        since = None
        if found["looked_after_since"]:
            since = parse_date(found["looked_after_since"])
            if since is None:
                problem("looked_after_since", found["looked_after_since"], BAD_DATE)
            elif since > today:
                problem("looked_after_since", found["looked_after_since"], _l("This date is in the future."))
            elif born is not None and since < born:
                problem(
                    "looked_after_since",
                    found["looked_after_since"],
                    _l("This is before the child's date of birth."),
                )
        if len(problems) == before and born is not None and language is not None:
            rows.append(
                ChildRow(
                    row=number,
                    child_ref=child_ref,
                    first_name=found["first_name"],
                    last_name=found["last_name"],
                    preferred_name=found["preferred_name"] or None,
                    date_of_birth=born,
                    iro_email=email,
                    preferred_language=language,
                    looked_after_since=since,
                )
            )
    return rows, problems
