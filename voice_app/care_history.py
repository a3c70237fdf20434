"""Periods in care, built from a child's SSDA903 episodes. Pure: no Flask, no database.

An episode is one stretch of a child's care with the same placement and legal status. The
903 return records each one: DECOM (the day it started), RNE (why it started), DEC (the day
it ended, empty while it goes on) and REC (why it ended). A *period of care* is what the
review timetable counts from (reg 33: the first review within 20 working days of becoming
looked after):

- a period starts at an episode whose RNE is `S` ("started to be looked after");
- it continues through every episode that ends `X1` ("episode ceases, and a new episode
  begins on the same day"): a change of placement or legal status, not of being in care;
- it ends at a DEC with any other REC (adopted, returned home, special guardianship...);
- an episode still open (no DEC) leaves the period open: the child is in care today.

Files are not always tidy, so, where the rules above say nothing:

- episodes are taken in date order (DECOM), whatever order the file lists them in;
- a first episode whose RNE is not `S` (a file that starts part-way through a period, say
  a year's return) starts the period anyway: its DECOM is the earliest date the file knows;
- likewise an episode after a period has ended starts a new period, whatever its RNE;
- an episode with RNE `S` straight after one that ended `X1` continues the period: `X1`
  says the care went on, and the reviews must not start again (so does a gap of some days
  after an `X1`, and a last episode that ended `X1` with the next not in the file yet);
- an episode that starts before the one before it ended, or after one that never ended,
  is a problem in the file (`Overlap`): the import refuses the file and says which rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from voice_app import schedule
from voice_app.vocabulary import EPISODE_CONTINUES


@dataclass(frozen=True)
class Episode:
    started_on: date  # DECOM
    start_reason: str  # RNE
    ended_on: date | None = None  # DEC
    end_reason: str | None = None  # REC
    row: int = 0  # where it is in the file, to name it in a problem


@dataclass(frozen=True)
class Period:
    started_on: date
    ended_on: date | None = None
    end_reason: str | None = None

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    def holds(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


@dataclass(frozen=True)
class Overlap:
    """Two episodes that cannot both be true: `row` starts before `earlier_row` ended (or
    `earlier_row` never ended)."""

    row: int
    earlier_row: int
    started_on: date


def periods_of(episodes: Iterable[Episode]) -> tuple[list[Period], list[Overlap]]:
    """The child's periods in care, oldest first, and the episodes that overlap."""
    periods: list[Period] = []
    overlaps: list[Overlap] = []
    start: date | None = None
    previous: Episode | None = None
    for episode in sorted(episodes, key=lambda e: (e.started_on, e.ended_on or date.max, e.row)):
        if previous is not None and (previous.ended_on is None or episode.started_on < previous.ended_on):
            overlaps.append(Overlap(episode.row, previous.row, episode.started_on))
            continue
        if start is None:
            start = episode.started_on
        previous = episode
        if episode.ended_on is not None and episode.end_reason != EPISODE_CONTINUES:
            periods.append(Period(start, episode.ended_on, episode.end_reason))
            start = None
    if start is not None:
        # The last episode is still open, or ended `X1` with the next not in the file yet:
        # either way the care goes on.
        periods.append(Period(start))
    return periods, overlaps


def current(periods: Sequence[Period]) -> Period | None:
    """The child's last period in care (open if they are in care today)."""
    return periods[-1] if periods else None


def left_care_on(periods: Sequence[Period]) -> date | None:
    """The day the child left care, if their last period has ended."""
    last = current(periods)
    return last.ended_on if last is not None else None


def held_in(period: Period, held_on_dates: Iterable[date]) -> list[date]:
    """The reviews held in this period, oldest first: only they count towards its timetable."""
    return sorted(day for day in held_on_dates if period.holds(day))


def next_review_due(periods: Sequence[Period], held_on_dates: Iterable[date]) -> tuple[int, date] | None:
    """Number (in this period) and due date of the next review, or None once care has ended.
    A period that starts again restarts the 20-working-day rule."""
    last = current(periods)
    if last is None or not last.is_open:
        return None
    return schedule.next_review_due(last.started_on, held_in(last, held_on_dates))
