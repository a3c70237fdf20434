"""The SSDA903 Reviews file: one row a review held. Pure.

Read: CHILD, DOB, REVIEW (the day it was held), REVIEW_CODE (how the child took part,
PN0 to PN7). DOB is checked against the children file, as the DfE checks it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from voice_app.imports.csv_files import BAD_DATE, parse_date, read
from voice_app.imports.problems import REVIEWS, Problem
from voice_app.vocabulary import Participation

REQUIRED = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")


@dataclass(frozen=True)
class ReviewRow:
    row: int
    child_ref: str
    date_of_birth: date
    held_on: date
    participation: Participation


def parse(data: bytes, today: date) -> tuple[list[ReviewRow], list[Problem]]:
    table, problems = read(REVIEWS, data, REQUIRED)
    if table is None:
        return [], problems
    rows: list[ReviewRow] = []
    first_row_of: dict[tuple[str, date], int] = {}
    codes = {code.value for code in Participation}
    for number, cells in table.rows:

        def problem(column: str, value: str | None, why) -> None:
            problems.append(Problem(REVIEWS, number, column, value, str(why)))  # noqa: B023

        child, born_text, held_text = (table.cell(cells, name) for name in ("CHILD", "DOB", "REVIEW"))
        code = table.cell(cells, "REVIEW_CODE").upper()
        before = len(problems)
        if not child:
            problem("CHILD", None, _l("Every review needs the child id."))
        born = parse_date(born_text)
        if born is None:
            problem("DOB", born_text, BAD_DATE)
        held_on = parse_date(held_text)
        if held_on is None:
            problem("REVIEW", held_text, BAD_DATE)
        elif held_on > today:
            problem("REVIEW", held_text, _l("A review held cannot be in the future."))
        elif born is not None and held_on < born:
            problem("REVIEW", held_text, _l("This is before the child's date of birth."))
        if code not in codes:
            problem("REVIEW_CODE", code, _l("How the child took part (REVIEW_CODE) is one of PN0 to PN7."))
        if child and held_on is not None:
            key = (child, held_on)
            if key in first_row_of:
                problem(
                    "REVIEW",
                    held_text,
                    _l("This child's review that day is also on row %(row)s.", row=first_row_of[key]),
                )
            first_row_of.setdefault(key, number)
        if len(problems) == before and born is not None and held_on is not None:
            rows.append(ReviewRow(number, child, born, held_on, Participation(code)))
    return rows, problems
