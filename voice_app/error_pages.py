"""Error pages that keep the layout of the part of the service they are in: the staff
header, a respondent's "Your views", or a child's "Leave this page quickly" and "Get help
now" (a child who meets an error still needs their quick exit)."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

# Part of the app's wiring, like create_app: a failed request's session is reset here
# before its error page renders.
from voice_app.data.database import rollback
from voice_app.data.errors import NotFound as NotVisible

STAFF_BASE = "staff/base.html"
_BASES = {"staff": STAFF_BASE, "respond": "respond/base.html"}


def render_error_page(template: str, status: int):
    base = _BASES.get(request.blueprint or "", "child/base.html")
    if base == STAFF_BASE:
        current_user.get_id()  # load who is signed in now, not while the page renders
    return render_template(template, base_template=base), status


def register_error_pages(app: Flask) -> None:
    def page(template: str, status: int):
        def handler(error):
            rollback()  # nothing of a request that failed is kept
            return render_error_page(template, status)

        return handler

    app.register_error_handler(404, page("errors/404.html", 404))
    # Something that does not exist, or that this person may not see: the same answer.
    app.register_error_handler(NotVisible, page("errors/404.html", 404))
    app.register_error_handler(403, page("errors/404.html", 404))
    app.register_error_handler(413, page("errors/413.html", 413))
    app.register_error_handler(429, page("errors/429.html", 429))
    app.register_error_handler(CSRFError, page("errors/csrf.html", 400))
    app.register_error_handler(500, page("errors/500.html", 500))
