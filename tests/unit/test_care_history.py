"""Periods in care built from SSDA903 episodes, on worked examples (voice_app/care_history.py)."""

from datetime import date

from voice_app import care_history, schedule
from voice_app.care_history import Episode, Overlap, Period


def test_a_single_open_episode_is_one_open_period():
    periods, overlaps = care_history.periods_of([Episode(date(2025, 3, 3), "S", row=2)])
    assert periods == [Period(date(2025, 3, 3))]
    assert overlaps == []
    assert care_history.left_care_on(periods) is None


def test_a_single_episode_that_ended_is_a_period_that_ended():
    periods, _ = care_history.periods_of([Episode(date(2025, 3, 3), "S", date(2025, 9, 1), "E13", row=2)])
    assert periods == [Period(date(2025, 3, 3), date(2025, 9, 1), "E13")]
    assert care_history.left_care_on(periods) == date(2025, 9, 1)
    assert care_history.next_review_due(periods, []) is None


def test_placement_moves_ending_x1_stay_inside_one_period():
    episodes = [
        Episode(date(2024, 1, 8), "S", date(2024, 5, 20), "X1", row=2),
        Episode(date(2024, 5, 20), "P", date(2025, 2, 3), "X1", row=3),
        Episode(date(2025, 2, 3), "L", None, None, row=4),
    ]
    periods, overlaps = care_history.periods_of(episodes)
    assert periods == [Period(date(2024, 1, 8))]
    assert overlaps == []
    # Reviews count from the start of the period, not from the latest move.
    assert care_history.next_review_due(periods, []) == (1, schedule.first_review_due(date(2024, 1, 8)))


def test_leaving_care_and_coming_back_is_two_periods_and_the_second_restarts_the_20_day_rule():
    episodes = [
        Episode(date(2023, 4, 3), "S", date(2023, 10, 2), "X1", row=2),
        Episode(date(2023, 10, 2), "P", date(2024, 6, 28), "E4A", row=3),  # returned home
        Episode(date(2025, 11, 10), "S", None, None, row=4),  # back in care
    ]
    periods, _ = care_history.periods_of(episodes)
    assert periods == [
        Period(date(2023, 4, 3), date(2024, 6, 28), "E4A"),
        Period(date(2025, 11, 10)),
    ]
    assert care_history.left_care_on(periods) is None
    # Reviews held in the first period do not count in the second.
    held = [date(2023, 4, 28), date(2023, 7, 20), date(2024, 1, 15)]
    assert care_history.next_review_due(periods, held) == (1, date(2025, 12, 8))
    assert date(2025, 12, 8) == schedule.add_working_days(date(2025, 11, 10), 20)
    # Once a review is held in the second period, the 3-month step follows from it.
    assert care_history.next_review_due(periods, [*held, date(2025, 12, 1)]) == (2, date(2026, 2, 27))


def test_an_episode_still_open_leaves_the_period_open():
    episodes = [
        Episode(date(2025, 6, 2), "S", date(2025, 8, 4), "X1", row=2),
        Episode(date(2025, 8, 4), "T", None, None, row=3),
    ]
    periods, _ = care_history.periods_of(episodes)
    assert periods == [Period(date(2025, 6, 2))]
    assert periods[0].is_open


def test_episodes_out_of_order_in_the_file_are_taken_in_date_order():
    episodes = [
        Episode(date(2025, 8, 4), "P", None, None, row=2),
        Episode(date(2025, 6, 2), "S", date(2025, 8, 4), "X1", row=3),
    ]
    assert care_history.periods_of(episodes) == ([Period(date(2025, 6, 2))], [])


def test_a_first_episode_whose_rne_is_not_s_starts_the_period_at_the_earliest_date_known():
    """A file that starts part-way through a period (a year's return, say)."""
    episodes = [
        Episode(date(2025, 4, 1), "P", date(2025, 9, 1), "X1", row=2),
        Episode(date(2025, 9, 1), "L", None, None, row=3),
    ]
    assert care_history.periods_of(episodes)[0] == [Period(date(2025, 4, 1))]


def test_an_s_straight_after_x1_continues_the_period():
    episodes = [
        Episode(date(2025, 1, 6), "S", date(2025, 3, 3), "X1", row=2),
        Episode(date(2025, 3, 3), "S", None, None, row=3),
    ]
    assert care_history.periods_of(episodes)[0] == [Period(date(2025, 1, 6))]


def test_a_last_episode_ending_x1_with_the_next_not_in_the_file_stays_in_care():
    periods, _ = care_history.periods_of([Episode(date(2025, 1, 6), "S", date(2025, 3, 3), "X1", row=2)])
    assert periods == [Period(date(2025, 1, 6))]


def test_overlapping_episodes_are_a_problem_naming_both_rows():
    episodes = [
        Episode(date(2025, 1, 6), "S", date(2025, 5, 1), "X1", row=2),
        Episode(date(2025, 4, 1), "P", None, None, row=3),
        Episode(date(2025, 6, 1), "P", None, None, row=4),
    ]
    periods, overlaps = care_history.periods_of(episodes)
    assert overlaps == [Overlap(row=3, earlier_row=2, started_on=date(2025, 4, 1))]
    assert periods == [Period(date(2025, 1, 6))]


def test_an_episode_after_one_that_never_ended_is_a_problem():
    episodes = [Episode(date(2025, 1, 6), "S", row=2), Episode(date(2025, 6, 1), "P", row=3)]
    assert care_history.periods_of(episodes)[1] == [Overlap(3, 2, date(2025, 6, 1))]


def test_no_episodes_no_periods():
    assert care_history.periods_of([]) == ([], [])
    assert care_history.current([]) is None
    assert care_history.next_review_due([], []) is None
