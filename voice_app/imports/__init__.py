"""Reading a council's import files: the children file, and optionally the SSDA903 Episodes
and Reviews files. Pure: no Flask app state, no database. `read_files` checks each file and
the files against each other, and returns what they hold or every problem found; the data
layer (voice_app/data/imports.py) checks what needs the database (IRO accounts) and applies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from voice_app.care_history import Period
from voice_app.imports import children, episodes, reviews
from voice_app.imports.children import ChildRow
from voice_app.imports.csv_files import read
from voice_app.imports.problems import CHILDREN, EPISODES, REVIEWS, Problem, sorted_problems
from voice_app.imports.reviews import ReviewRow


@dataclass
class Files:
    children: list[ChildRow] = field(default_factory=list)
    # child id -> periods in care; only children in the episodes file are here
    periods: dict[str, list[Period]] | None = None
    reviews: dict[str, list[ReviewRow]] | None = None  # child id -> reviews held, oldest first
    problems: list[Problem] = field(default_factory=list)


def read_files(
    children_file: bytes, episodes_file: bytes | None, reviews_file: bytes | None, today: date
) -> Files:
    rows, problems = children.parse(children_file, today)
    known = {row.child_ref: row for row in rows}
    found = Files(children=rows)
    # A row refused in the children file is still a child the other files may name.
    refused = _refs_on_refused_rows(children_file, rows, problems)
    if episodes_file is not None:
        episode_rows, episode_problems = episodes.parse(episodes_file, today)
        for row in episode_rows:
            if row.child_ref not in known and row.child_ref not in refused:
                episode_problems.append(
                    Problem(EPISODES, row.episode.row, "CHILD", row.child_ref, str(_NOT_IN_CHILDREN_FILE))
                )
        found.periods, overlap_problems = episodes.periods_by_child(episode_rows)
        problems += episode_problems + overlap_problems
    if reviews_file is not None:
        review_rows, review_problems = reviews.parse(reviews_file, today)
        found.reviews = defaultdict(list)
        for review in sorted(review_rows, key=lambda r: r.held_on):
            child = known.get(review.child_ref)
            if child is None:
                if review.child_ref not in refused:
                    review_problems.append(
                        Problem(REVIEWS, review.row, "CHILD", review.child_ref, str(_NOT_IN_CHILDREN_FILE))
                    )
            elif child.date_of_birth != review.date_of_birth:
                review_problems.append(
                    Problem(
                        REVIEWS,
                        review.row,
                        "DOB",
                        review.date_of_birth.strftime("%d/%m/%Y"),
                        str(_l("This is not the date of birth the children file gives for this child.")),
                    )
                )
            else:
                found.reviews[review.child_ref].append(review)
        problems += review_problems
    found.problems = sorted_problems(problems)
    return found


_NOT_IN_CHILDREN_FILE = _l("This child id is not in the children file.")


def _refs_on_refused_rows(data: bytes, rows: list[ChildRow], problems: list[Problem]) -> set[str]:
    """Child ids on rows of the children file that had a problem: the other files may name
    them without a second problem each."""
    if not problems:
        return set()
    table, _ = read(CHILDREN, data, ())
    if table is None:
        return set()
    kept = {row.row for row in rows}
    return {table.cell(cells, "child_id") for number, cells in table.rows if number not in kept} - {""}
