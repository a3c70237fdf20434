"""Template filters: dates shown in Europe/London, in words a child can read."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime


def long_date(value: date | None) -> str:
    return format_date(value, "EEEE d MMMM y") if value else ""


def short_date(value: date | None) -> str:
    return format_date(value, "d MMM y") if value else ""


def date_time(value: datetime | None) -> str:
    # format_datetime converts from UTC to BABEL_DEFAULT_TIMEZONE (Europe/London).
    if not value:
        return ""
    return format_datetime(value, "d MMMM y 'at' h:mm a").replace("AM", "am").replace("PM", "pm")


def init_filters(app: Flask) -> None:
    app.add_template_filter(long_date)
    app.add_template_filter(short_date)
    app.add_template_filter(date_time)
    app.add_template_global(error_list)


def error_list(errors: dict[str, str]) -> list[dict[str, str]]:
    """The error summary's list: each message links to the field it is about."""
    return [{"text": message, "href": f"#{field}"} for field, message in errors.items()]
