"""The SSDA903 Episodes file: one row an episode of care. Pure.

Read: CHILD, DECOM, RNE, DEC, REC (the header must have them; DEC and REC are empty while
an episode goes on). LS, CIN, PLACE and the other 903 columns are ignored: the service
needs only the dates, and keeps no more than it needs."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from voice_app import care_history
from voice_app.care_history import Episode, Period
from voice_app.imports.csv_files import BAD_DATE, parse_date, read
from voice_app.imports.problems import EPISODES, Problem
from voice_app.vocabulary import EPISODE_START_REASONS

REQUIRED = ("CHILD", "DECOM", "RNE", "DEC", "REC")
_REC = re.compile(r"[A-Z][A-Z0-9]{0,2}")


@dataclass(frozen=True)
class EpisodeRow:
    child_ref: str
    episode: Episode


def parse(data: bytes, today: date) -> tuple[list[EpisodeRow], list[Problem]]:
    table, problems = read(EPISODES, data, REQUIRED)
    if table is None:
        return [], problems
    rows: list[EpisodeRow] = []
    first_row_of: dict[tuple[str, date], int] = {}
    for number, cells in table.rows:

        def problem(column: str, value: str | None, why) -> None:
            problems.append(Problem(EPISODES, number, column, value, str(why)))  # noqa: B023

        child, started, reason = (table.cell(cells, name) for name in ("CHILD", "DECOM", "RNE"))
        ended_text, end_reason = table.cell(cells, "DEC"), table.cell(cells, "REC").upper()
        before = len(problems)
        if not child:
            problem("CHILD", None, _l("Every episode needs the child id."))
        started_on = parse_date(started)
        if started_on is None:
            problem("DECOM", started, BAD_DATE)
        elif started_on > today:
            problem("DECOM", started, _l("This date is in the future."))
        if reason.upper() not in EPISODE_START_REASONS:
            problem("RNE", reason, _l("The reason a new episode started (RNE) is one of S, L, P, T, U or B."))
        ended_on = None
        if ended_text:
            ended_on = parse_date(ended_text)
            if ended_on is None:
                problem("DEC", ended_text, BAD_DATE)
            elif ended_on > today:
                problem("DEC", ended_text, _l("This date is in the future."))
            elif started_on is not None and ended_on < started_on:
                problem("DEC", ended_text, _l("The episode ends (DEC) before it starts (DECOM)."))
            if not end_reason:
                problem("REC", None, _l("An episode that ended (DEC) needs the reason it ended (REC)."))
        elif end_reason:
            problem("DEC", None, _l("The episode has a reason it ended (REC) but no date it ended (DEC)."))
        if end_reason and not _REC.fullmatch(end_reason):
            problem(
                "REC", end_reason, _l("This is not an SSDA903 reason for an episode ending, like E13 or X1.")
            )
        if child and started_on is not None:
            key = (child, started_on)
            if key in first_row_of:
                problem(
                    "DECOM",
                    started,
                    _l(
                        "This child has another episode starting that day, on row %(row)s.",
                        row=first_row_of[key],
                    ),
                )
            first_row_of.setdefault(key, number)
        if len(problems) == before and started_on is not None:
            episode = Episode(started_on, reason.upper(), ended_on, end_reason or None, row=number)
            rows.append(EpisodeRow(child, episode))
    return rows, problems


def periods_by_child(rows: list[EpisodeRow]) -> tuple[dict[str, list[Period]], list[Problem]]:
    """Each child's periods in care, and the episodes that overlap."""
    episodes: dict[str, list[Episode]] = defaultdict(list)
    for row in rows:
        episodes[row.child_ref].append(row.episode)
    periods: dict[str, list[Period]] = {}
    problems = []
    for child_ref, theirs in episodes.items():
        periods[child_ref], overlaps = care_history.periods_of(theirs)
        problems += [
            Problem(
                EPISODES,
                overlap.row,
                "DECOM",
                overlap.started_on.strftime("%d/%m/%Y"),
                str(
                    _l(
                        "This episode starts before the child's episode on row %(row)s ended, or that one "
                        "has no end date (DEC).",
                        row=overlap.earlier_row,
                    )
                ),
            )
            for overlap in overlaps
        ]
    return periods, problems
