"""Refuses what no page of the service asks for before any view reads it: no page takes a
file, so a request carrying one gets a kind page saying so, never a confused form.

The one exception is the import of a council's files (staff.import_children and
staff.confirm_import): there the limit on what may be sent is IMPORT_MAX_MEGABYTES instead
of MAX_CONTENT_LENGTH, with a kind page beyond it, and the files are held in memory only,
never in a temporary file, so nothing of them (a refused file's personal data included) is
ever written to the server's disk."""

from __future__ import annotations

import io
from typing import IO

from flask import Flask, render_template, request
from flask_login import current_user

from voice_app.error_pages import render_error_page

# A council's 10,000 children with 60,000 episodes and 30,000 reviews are about 6 MB of CSV.
IMPORT_MAX_MEGABYTES = 20
IMPORT_MAX_BYTES = IMPORT_MAX_MEGABYTES * 1024 * 1024
TAKES_FILES = frozenset({"staff.import_children", "staff.confirm_import"})


def _in_memory(
    total_content_length: int | None,
    content_type: str | None,
    filename: str | None,
    content_length: int | None = None,
) -> IO[bytes]:
    return io.BytesIO()


def init_input_guard(app: Flask) -> None:
    def make_room_for_the_import():
        # Only a body of files gets the import's room: its form sends nothing else, and a
        # text field stays within MAX_CONTENT_LENGTH (and MAX_FORM_MEMORY_SIZE) as anywhere.
        if request.endpoint not in TAKES_FILES or request.mimetype != "multipart/form-data":
            return None
        if request.content_length is not None and request.content_length > IMPORT_MAX_BYTES:
            current_user.get_id()  # who is signed in, loaded before the page renders
            return render_template("staff/children/too_big.html", max_megabytes=IMPORT_MAX_MEGABYTES), 413
        request.max_content_length = IMPORT_MAX_BYTES
        # Werkzeug would spill a file over 500 KB into a temporary file on disk: for this
        # request only, files are held in memory (IMPORT_MAX_BYTES at most).
        request._get_file_stream = _in_memory  # type: ignore[method-assign,assignment]
        return None

    # First of all: the CSRF check, the first to read the body, must already see the
    # import's limit and keep its files in memory.
    app.before_request_funcs.setdefault(None, []).insert(0, make_room_for_the_import)

    @app.before_request
    def refuse_files():
        if request.files and request.endpoint not in TAKES_FILES:
            return render_error_page("errors/400.html", 400)
        return None
