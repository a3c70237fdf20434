"""What is wrong with an import, one problem a line, in plain words: which file, which row
(as a spreadsheet numbers it: the header is row 1), which column, the value found and why
it cannot be used. A file with any problem imports nothing.

The value is shown to the person importing so they can find and correct it, and is never
written to the database or a log. Names are not echoed (a name is only a problem when it is
missing or too long, which the reason says)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

CHILDREN = "children"
EPISODES = "episodes"
REVIEWS = "reviews"

FILE_NAMES = {
    CHILDREN: _l("Children file"),
    EPISODES: _l("Episodes file (SSDA903)"),
    REVIEWS: _l("Reviews file (SSDA903)"),
}

MAX_VALUE_SHOWN = 40


@dataclass(frozen=True)
class Problem:
    file: str  # CHILDREN, EPISODES or REVIEWS
    row: int | None  # None: the whole file (a missing column, the wrong encoding)
    column: str | None
    value: str | None
    why: str

    @property
    def file_name(self) -> str:
        return str(FILE_NAMES[self.file])

    @property
    def value_shown(self) -> str:
        if self.value is None:
            return ""
        return self.value if len(self.value) <= MAX_VALUE_SHOWN else self.value[:MAX_VALUE_SHOWN] + "…"

    def in_words(self) -> str:
        """One line for the command's output."""
        where = [self.file_name]
        if self.row is not None:
            where.append(str(_l("row %(row)s", row=self.row)))
        if self.column:
            where.append(str(_l("column %(column)s", column=self.column)))
        shown = f' "{self.value_shown}"' if self.value is not None else ""
        return f"{', '.join(where)}:{shown} {self.why}"


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    order = {CHILDREN: 0, EPISODES: 1, REVIEWS: 2}
    return sorted(problems, key=lambda p: (order[p.file], p.row or 0, p.column or ""))
