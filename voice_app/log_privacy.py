"""No personal link's token and no answer in any log line, whichever logger writes it.

A token in a log is a working key to a child's answers for as long as the link lives, and logs
are kept, copied and read far more widely than the database.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

HIDDEN = "[hidden]"

# "/c/<token>", also percent-encoded ("%2Fc%2F<token>", as in a query string). The token ends
# at anything that cannot be in a path segment; "[" is among them, so hiding twice is harmless.
_LINK_PATH = re.compile(r"((?:/|%2[Ff])c(?:/|%2[Ff]))[^\s/?#&\"'<>\\\[\]]+")
# A token's bare value (43 characters from secrets.token_urlsafe(32); 32 or more to be safe)
# just after the word "token": "token=...", "{'token': '...'}", "find_link_by_token('...')".
_BARE_TOKEN = re.compile(r"(?i)(token[^A-Za-z0-9_\-]{1,4})[A-Za-z0-9_\-]{32,}(?![A-Za-z0-9_\-])")
# SQL parameters are hidden (hide_parameters), but PostgreSQL's own error text repeats the
# values: "DETAIL:  Failing row contains (..., 'what the child wrote', ...)" for a CHECK or NOT
# NULL violation, "Key (email)=(...) already exists" for a unique one. The row ends where
# SQLAlchemy's "[SQL: ...]" or the next part of the traceback begins.
_FAILING_ROW = re.compile(
    r"(Failing row contains ).*?(?=\n\[SQL: |\nThe above exception|\nDuring handling of|\Z)", re.DOTALL
)
_KEY_VALUES = re.compile(
    r"(Key \([^)]*\)=).*?(?= already exists| is not present in table| is still referenced|"
    r" conflicts with|\n|\Z)",
    re.DOTALL,
)


def _keep_first(match: re.Match) -> str:
    return match.group(1) + HIDDEN


def hide_private_text(text: str) -> str:
    # Every access line passes through here, dozens of values each: look before searching.
    if "c/" in text or "%2" in text:
        text = _LINK_PATH.sub(_keep_first, text)
    if "oken" in text or "OKEN" in text:
        text = _BARE_TOKEN.sub(_keep_first, text)
    if "DETAIL" in text:
        text = _KEY_VALUES.sub(_keep_first, _FAILING_ROW.sub(_keep_first, text))
    return text


def _hide(value: Any) -> Any:
    if isinstance(value, str):
        return hide_private_text(value)
    if value is None or isinstance(value, int | float):
        return value
    kind = type(value)
    if kind.__str__ is object.__str__ and kind.__repr__ is object.__repr__:
        return value  # "<Thing object at 0x...>" cannot hold a token
    # An object whose text shows a link (a request, a URL, a list of paths) is logged as its
    # text with the token hidden; anything else keeps its type, so "%d" and "%r" still work.
    try:
        text = str(value)
        shown = text + repr(value)
    except Exception:  # noqa: BLE001 - logging it would fail the same way; not ours to raise
        return value
    return hide_private_text(text) if hide_private_text(shown) != shown else value


def scrub_record(record: logging.LogRecord) -> None:
    """Hides tokens and database values in a record's message, arguments, traceback and stack."""
    args = record.args
    if isinstance(args, tuple):
        record.args = tuple(_hide(arg) for arg in args)
    elif isinstance(args, MutableMapping):
        # In place: gunicorn passes a SafeAtoms, a dict that answers "-" for a header the
        # request lacks; a plain dict copy would raise on that atom and drop the line.
        for key, value in list(args.items()):
            hidden = _hide(value)
            if hidden is not value:
                args[key] = hidden
    elif isinstance(args, Mapping):
        record.args = {key: _hide(value) for key, value in args.items()}
    try:
        message = record.getMessage() if record.args else None
    except Exception:  # noqa: BLE001 - the handler reports a broken format, not the caller
        message = None
    if message is None:
        record.msg = _hide(record.msg)
    elif hide_private_text(message) != message:
        # The format string holds a token, or puts one together ("/c/%s" and the token):
        # the record carries the finished, hidden text instead.
        record.msg, record.args = hide_private_text(message), ()
    exc_info = record.exc_info
    if exc_info is True:
        exc_info = sys.exc_info()
    elif isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    if exc_info and exc_info[0] is not None:
        try:
            text = logging.Formatter().formatException(exc_info)
        except Exception:  # noqa: BLE001 - a log call must never raise
            text = "Traceback hidden: it could not be checked for personal links."
        record.exc_text = hide_private_text(text)
        # logging.Formatter prints exc_text and only formats exc_info when exc_text is empty;
        # formatters that render exc_info themselves (JSON formatters, error trackers, which
        # also send the frames' variables) would print the token, so they get the text only.
        record.exc_info = None
    elif isinstance(record.exc_text, str):
        record.exc_text = hide_private_text(record.exc_text)
    if isinstance(record.stack_info, str):
        record.stack_info = hide_private_text(record.stack_info)


def _private_record_factory(wrapped):
    def make_record(*args, **kwargs) -> logging.LogRecord:
        record = wrapped(*args, **kwargs)
        scrub_record(record)
        return record

    make_record.hides_link_tokens = True  # type: ignore[attr-defined]
    return make_record


class HideLinkTokens(logging.Filter):
    """Hides tokens in a record that reaches a logger without being made by one."""

    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record)
        return True


# Loggers whose records carry request lines (the development server's and gunicorn's).
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


def install_log_privacy() -> None:
    """Safe to call any number of times (create_app runs once per app).

    Every record any logger makes (ours, Flask's error log, werkzeug, gunicorn, libraries)
    comes from the log record factory, so it is scrubbed there, before any filter, handler or
    formatter sees it. Filters would not do: a logger's filters skip records propagated from
    its children, and a filter on the root logger's handlers misses the handlers added later
    and gunicorn's, which do not propagate to the root. The factory does not see fields passed
    as extra= (set after it runs): never put a link in one. A record built by hand and passed
    to logger.handle() skips the factory, so the access loggers also keep a filter.
    """
    current = logging.getLogRecordFactory()
    if not getattr(current, "hides_link_tokens", False):
        logging.setLogRecordFactory(_private_record_factory(current))
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideLinkTokens) for f in logger.filters):
            logger.addFilter(HideLinkTokens())
