"""Template filters: dates shown in Europe/London, in words a child can read."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, gettext, ngettext


def long_date(value: date | None) -> str:
    return format_date(value, "EEEE d MMMM y") if value else ""


def short_date(value: date | None) -> str:
    return format_date(value, "d MMM y") if value else ""


def date_time(value: datetime | None) -> str:
    # format_datetime converts from UTC to BABEL_DEFAULT_TIMEZONE (Europe/London).
    if not value:
        return ""
    return format_datetime(value, "d MMMM y 'at' h:mm a").replace("AM", "am").replace("PM", "pm")


def time_since(value: datetime | None) -> str:
    """How long ago, in words, never rounded up: "90 minutes", "3 hours", "2 days". An
    alert's age matters to the minute while it is young."""
    if not value:
        return ""
    minutes = max(int((datetime.now(UTC) - value).total_seconds() // 60), 0)
    if minutes < 1:
        return gettext("less than a minute")
    if minutes < 120:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    if minutes < 48 * 60:
        return ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return ngettext("%(num)d day", "%(num)d days", minutes // (24 * 60))


def init_filters(app: Flask) -> None:
    app.add_template_filter(time_since)
    app.add_template_filter(long_date)
    app.add_template_filter(short_date)
    app.add_template_filter(date_time)
    app.add_template_global(error_list)


def error_list(errors: dict[str, str]) -> list[dict[str, str]]:
    """The error summary's list: each message links to the field it is about."""
    return [{"text": message, "href": f"#{field}"} for field, message in errors.items()]
