"""Statutory review dates. Pure functions of dates: no Flask, no database.

Care Planning, Placement and Case Review (England) Regulations 2010, reg 33:
- the first review within 20 working days of the day the child became looked after;
- the second not more than 3 months after the first;
- then at intervals of not more than 6 months.
Each interval runs from the date the previous review was actually held, so a review brought
forward moves every later date forward too.

Working days leave out Saturdays, Sundays and the bank holidays of England and Wales (the
`holidays` package computes them for any year, with no network and no data horizon).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache

import holidays

FIRST_REVIEW_WORKING_DAYS = 20
SECOND_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England's list is also Wales's: the two share every bank holiday.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (start itself is day 0)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_before(day: date, count: int) -> date:
    """The date `count` working days before `day`."""
    remaining = count
    while remaining > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_day_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def add_months(start: date, months: int) -> date:
    """Same day of the month, `months` later; the 31st becomes the last day of a short month."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def first_review_due(looked_after_since: date) -> date:
    return add_working_days(looked_after_since, FIRST_REVIEW_WORKING_DAYS)


def following_review_due(previous_held_on: date, previous_number: int) -> date:
    """Latest lawful date for the review after review number `previous_number`.

    "Not more than N months after" is a ceiling, so when it falls on a weekend or bank holiday
    the review is due on the working day before it."""
    months = SECOND_REVIEW_MONTHS if previous_number == 1 else LATER_REVIEW_MONTHS
    return working_day_on_or_before(add_months(previous_held_on, months))


def next_review_due(looked_after_since: date, held_on_dates: Sequence[date]) -> tuple[int, date]:
    """Number and due date of the review that follows the ones already held.

    `held_on_dates` are the dates of the reviews held in this period in care, in any order."""
    if not held_on_dates:
        return 1, first_review_due(looked_after_since)
    number = len(held_on_dates)
    return number + 1, following_review_due(max(held_on_dates), number)


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (28 February for a 29 February with no twin)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
