"""Reading the import files, with no database (voice_app/imports/)."""

from datetime import date

import pytest

from voice_app.care_history import Period
from voice_app.imports import children, episodes, read_files, reviews
from voice_app.imports.csv_files import parse_date
from voice_app.imports.problems import Problem

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("25/12/2015", date(2015, 12, 25)),
        ("5/1/2016", date(2016, 1, 5)),
        ("2015-12-25", date(2015, 12, 25)),
        ("29/02/2024", date(2024, 2, 29)),
        ("29/02/2025", None),
        ("12/25/2015", None),
        ("25-12-2015", None),
        ("2015-12-25T00:00", None),
        ("", None),
    ],
)
def test_dates_are_dd_mm_yyyy_as_the_903_writes_them_or_iso(text, day):
    assert parse_date(text) == day


def test_headers_in_any_case_and_order_and_extra_columns_are_ignored():
    data = b"Notes,DATE OF BIRTH,IRO Email,Last-Name,first_name,Child ID\nhi,03/04/2014,Ira@Example.org,Taylor,Sam,C1\n"
    rows, problems = children.parse(data, TODAY)
    assert problems == []
    [row] = rows
    assert (row.child_ref, row.first_name, row.last_name, row.iro_email) == (
        "C1",
        "Sam",
        "Taylor",
        "ira@example.org",
    )
    assert (row.preferred_language, row.preferred_name, row.looked_after_since) == ("en", None, None)


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("", "en"),
        ("cy", "cy"),
        ("Welsh", "cy"),
        ("POLISH", "pl"),
        ("Polski (Polish)", "pl"),
        ("other", "other"),
    ],
)
def test_a_language_may_be_written_as_its_code_or_its_name(written, key):
    assert children.language_key(written) == key


def test_an_unknown_language_is_not_guessed():
    assert children.language_key("Klingon") is None


def test_a_missing_column_is_named_and_nothing_else_is_read():
    rows, problems = children.parse(b"child_id,first_name,date_of_birth\nC1,Sam,03/04/2014\n", TODAY)
    assert rows == []
    assert [(p.row, p.column) for p in problems] == [(1, "last_name"), (1, "iro_email")]


def test_a_file_that_is_not_csv_is_a_problem_not_an_error():
    for data in (b"child_id,first_name\nC1," + b"S" * 200_000 + b"\n", b"child_id,first_name\nC1,\x00Sam\n"):
        [problem] = children.parse(data, TODAY)[1]
        assert "cannot be read as CSV" in problem.why


def test_an_empty_file_is_a_problem():
    assert [p.row for p in children.parse(b"", TODAY)[1]] == [None]


def test_names_are_not_echoed_in_a_problem():
    data = f"child_id,first_name,last_name,date_of_birth,iro_email\nC1,{'A' * 81},Taylor,03/04/2014,i@x.org\n"
    [problem] = children.parse(data.encode(), TODAY)[1]
    assert (problem.column, problem.value) == ("first_name", None)
    assert "at most 80" in problem.why


def test_episode_rows_must_hold_together():
    data = (
        b"CHILD,DECOM,RNE,DEC,REC\n"
        b"C1,01/02/2024,S,01/03/2024,\n"  # ended with no reason
        b"C1,01/03/2024,P,,E13\n"  # a reason with no end
        b"C1,01/04/2024,P,01/05/2024,13\n"  # not a 903 code
        b"C1,01/06/2024,S,01/01/2027,E13\n"  # ends in the future
    )
    _rows, problems = episodes.parse(data, TODAY)
    assert {(p.row, p.column) for p in problems} == {(2, "REC"), (3, "DEC"), (4, "REC"), (5, "DEC")}


def test_a_review_code_is_pn0_to_pn7_and_a_review_held_is_not_in_the_future():
    data = b"CHILD,DOB,REVIEW,REVIEW_CODE\nC1,03/04/2014,01/01/2027,pn1\nC1,03/04/2014,01/01/2026,PN8\n"
    rows, problems = reviews.parse(data, TODAY)
    assert rows == []
    assert {(p.row, p.column) for p in problems} == {(2, "REVIEW"), (3, "REVIEW_CODE")}


def test_the_files_are_checked_against_each_other():
    found = read_files(
        b"child_id,first_name,last_name,date_of_birth,iro_email\nC1,Sam,Taylor,03/04/2014,i@x.org\n",
        b"CHILD,DECOM,RNE,DEC,REC\nC1,01/02/2024,S,,\nC2,01/02/2024,S,,\n",
        b"CHILD,DOB,REVIEW,REVIEW_CODE\nC1,03/04/2014,20/02/2024,PN6\nC1,04/04/2014,20/08/2024,PN6\n",
        TODAY,
    )
    assert [(p.file, p.row, p.column) for p in found.problems] == [
        ("episodes", 3, "CHILD"),
        ("reviews", 3, "DOB"),
    ]
    assert found.periods == {"C1": [Period(date(2024, 2, 1))], "C2": [Period(date(2024, 2, 1))]}
    assert [r.held_on for r in found.reviews["C1"]] == [date(2024, 2, 20)]


def test_a_row_refused_in_the_children_file_is_not_reported_again_in_the_others():
    found = read_files(
        b"child_id,first_name,last_name,date_of_birth,iro_email\nC1,Sam,Taylor,31/02/2014,i@x.org\n",
        b"CHILD,DECOM,RNE,DEC,REC\nC1,01/02/2024,S,,\n",
        None,
        TODAY,
    )
    assert [(p.file, p.column) for p in found.problems] == [("children", "date_of_birth")]


def test_a_problem_reads_as_one_line():
    problem = Problem("episodes", 4, "DEC", "01/01/2023", "The episode ends (DEC) before it starts (DECOM).")
    assert problem.in_words() == (
        'Episodes file (SSDA903), row 4, column DEC: "01/01/2023" The episode ends (DEC) before it starts (DECOM).'
    )
    assert Problem("children", None, None, None, "Not UTF-8.").in_words() == "Children file: Not UTF-8."
    assert Problem("children", 2, "child_id", "X" * 50, "Too long.").value_shown == "X" * 40 + "…"
