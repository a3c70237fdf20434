"""Reading an uploaded CSV file: its encoding, its header, its rows. Pure.

Encoding: UTF-8, with or without the byte-order mark Excel writes ("CSV UTF-8"). Anything
else is refused with a problem that says how to save the file again: guessing another
encoding would quietly garble names with accents (Zoë, Łukasz), which nobody would notice
until a child saw their name spelt wrong."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from voice_app.imports.problems import Problem


@dataclass
class Table:
    columns: dict[str, int]  # normalised header name -> position
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells)

    def cell(self, cells: list[str], name: str) -> str:
        position = self.columns.get(_column_key(name))
        if position is None or position >= len(cells):
            return ""
        return cells[position].strip()


def normalise(header: str) -> str:
    """`Date of birth`, `DATE_OF_BIRTH` and ` date-of-birth ` are one column."""
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


# The code's own column names, normalised once (never a file's headers: they stay unkept).
_column_key = lru_cache(maxsize=64)(normalise)


def read(file: str, data: bytes, required: tuple[str, ...]) -> tuple[Table | None, list[Problem]]:
    """The file's rows, or the problems that stop it being read at all."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [
            Problem(
                file,
                None,
                None,
                None,
                str(
                    _l(
                        "The file is not in UTF-8. In Excel, choose Save As and then "
                        "'CSV UTF-8 (Comma delimited)'."
                    )
                ),
            )
        ]
    try:
        if "\x00" in text:  # no spreadsheet writes one, and no database column takes one
            raise csv.Error("NUL")
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:  # a NUL character, a cell too long: not a spreadsheet's CSV
        return None, [
            Problem(
                file,
                None,
                None,
                None,
                str(
                    _l(
                        "The file cannot be read as CSV. Save it from the spreadsheet as 'CSV UTF-8' and try again."
                    )
                ),
            )
        ]
    if not lines or not any(cell.strip() for cell in lines[0]):
        return None, [Problem(file, None, None, None, str(_l("The file is empty: it needs a header row.")))]
    columns: dict[str, int] = {}
    for position, header in enumerate(lines[0]):
        columns.setdefault(normalise(header), position)
    missing = [name for name in required if normalise(name) not in columns]
    if missing:
        return None, [
            Problem(file, 1, name, None, str(_l("This column is missing from the header row.")))
            for name in missing
        ]
    rows = [
        (number, cells) for number, cells in enumerate(lines[1:], start=2) if any(c.strip() for c in cells)
    ]
    return Table(columns, rows), []


_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(value: str) -> date | None:
    """dd/mm/yyyy as the SSDA903 writes dates (25/12/2015), or ISO (2015-12-25); None if
    it is neither, or no such day."""
    try:
        if match := _UK_DATE.fullmatch(value):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        if match := _ISO_DATE.fullmatch(value):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


BAD_DATE = _l("This is not a date: write it as dd/mm/yyyy, like 25/12/2015.")
