"""Worked examples of the reg 33 review dates, checked by hand against a calendar."""

from datetime import date

import pytest

from voice_app import schedule


def test_weekends_and_bank_holidays_are_not_working_days():
    assert schedule.is_working_day(date(2026, 11, 23))  # a Monday
    assert not schedule.is_working_day(date(2026, 11, 21))  # Saturday
    assert not schedule.is_working_day(date(2026, 12, 25))  # Christmas Day
    assert not schedule.is_working_day(date(2026, 12, 28))  # Boxing Day moved to Monday
    assert not schedule.is_working_day(date(2027, 3, 26))  # Good Friday 2027
    assert not schedule.is_working_day(date(2027, 5, 31))  # spring bank holiday


def test_first_review_counts_twenty_working_days():
    # Looked after from Monday 2 November 2026: no bank holidays in the next four weeks.
    assert schedule.first_review_due(date(2026, 11, 2)) == date(2026, 11, 30)


def test_first_review_skips_christmas_bank_holidays():
    # From Monday 14 December 2026: 25 Dec, 28 Dec (Boxing Day substitute) and 1 Jan are
    # skipped as well as weekends, so 20 working days land on Thursday 14 January 2027.
    assert schedule.first_review_due(date(2026, 12, 14)) == date(2027, 1, 14)


def test_first_review_skips_easter():
    # From Monday 23 March 2026: Good Friday 3 April and Easter Monday 6 April are skipped.
    assert schedule.first_review_due(date(2026, 3, 23)) == date(2026, 4, 22)


def test_first_review_from_a_weekend_start():
    # Became looked after on Saturday 7 November 2026: day 1 is Monday 9 November.
    assert schedule.first_review_due(date(2026, 11, 7)) == date(2026, 12, 4)


def test_second_review_within_three_months_of_the_first_held():
    assert schedule.following_review_due(date(2026, 12, 10), previous_number=1) == date(2027, 3, 10)


def test_later_reviews_within_six_months():
    assert schedule.following_review_due(date(2027, 3, 10), previous_number=2) == date(2027, 9, 10)


def test_a_deadline_on_a_weekend_moves_to_the_working_day_before():
    # 30 Nov 2026 + 3 months = 28 Feb 2027 (clamped, a Sunday): due Friday 26 February.
    assert schedule.following_review_due(date(2026, 11, 30), previous_number=1) == date(2027, 2, 26)


def test_a_deadline_on_a_bank_holiday_moves_to_the_working_day_before():
    # 25 June 2026 + 6 months = Friday 25 December 2026, a bank holiday: due Thursday 24th.
    assert schedule.following_review_due(date(2026, 6, 25), previous_number=3) == date(2026, 12, 24)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 5, 10), -12, date(2025, 5, 10)),
    ],
)
def test_add_months_keeps_the_day_or_uses_the_month_end(start, months, expected):
    assert schedule.add_months(start, months) == expected


def test_next_review_runs_from_the_date_actually_held():
    since = date(2026, 1, 5)
    assert schedule.next_review_due(since, []) == (1, schedule.first_review_due(since))
    # Review 1 brought forward to 20 January: review 2 is due 3 months from then.
    assert schedule.next_review_due(since, [date(2026, 1, 20)]) == (2, date(2026, 4, 20))
    # Review 2 held 1 April: review 3 is due within 6 months of it, order of input aside.
    assert schedule.next_review_due(since, [date(2026, 4, 1), date(2026, 1, 20)]) == (3, date(2026, 10, 1))


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [(date(2026, 12, 1), 75, date(1951, 12, 1)), (date(2028, 2, 29), 2, date(2026, 2, 28))],
)
def test_years_before(day, years, expected):
    assert schedule.years_before(day, years) == expected
