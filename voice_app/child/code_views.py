"""Signing in with the short code printed on a card, for a child who has no link to open
(no email, no phone of their own, a school computer). A code starts the same session as
opening the link it belongs to.

A code is short enough to guess, so tries are limited three ways: per code (every try of
one code, keyed by its keyed hash, so no code is written to the limiter's store), per
address and across the whole service (failed tries only, so a school full of children
behind one address can all sign in). A wrong code, an old one and one never given get
the same words, the same status and the same one query."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from wtforms import StringField

from voice_app.auth import refuses_staff, start_link_session
from voice_app.child import bp
from voice_app.data import links
from voice_app.error_pages import render_error_page
from voice_app.extensions import limiter
from voice_app.forms import TextOnlyForm
from voice_app.permissions import public

TRIES_OF_ONE_CODE = "10 per hour"
FAILED_TRIES_FROM_ONE_ADDRESS = "10 per hour"

CODE_DID_NOT_WORK = _l("That code did not work. Check it and try again, or ask your IRO for a new card.")


class CodeForm(TextOnlyForm):
    code = StringField(_l("Type your code"))


def _this_code() -> str:
    return "sign-in code " + links.code_digest(request.form.get("code", ""))


def _everyone() -> str:
    return "sign-in codes"


def _failed_tries_across_the_service() -> str:
    return f"{current_app.config['SIGN_IN_CODE_FAILURES_PER_HOUR']} per hour"


def _failed(response) -> bool:
    return response.status_code != 302


def _page(form: CodeForm, error: str | None = None, status: int = 200):
    errors = {"code": error} if error else {}
    return render_template("child/code.html", form=form, errors=errors), status


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit(TRIES_OF_ONE_CODE, methods=["POST"], key_func=_this_code)
@limiter.limit(FAILED_TRIES_FROM_ONE_ADDRESS, methods=["POST"], deduct_when=_failed)
@limiter.limit(_failed_tries_across_the_service, methods=["POST"], key_func=_everyone, deduct_when=_failed)
@public
@refuses_staff
def code_sign_in():
    form = CodeForm()
    if request.method == "GET":
        return _page(form)
    typed = form.code.data or ""
    if not typed.strip():
        return _page(form, _("Type the code from your card"), 400)
    link = links.find_by_code(typed)
    if link is None:
        return _page(form, str(CODE_DID_NOT_WORK), 400)
    links.mark_opened(link)
    start_link_session(link)
    return redirect(url_for("child.start"))


@bp.errorhandler(RateLimitExceeded)
def too_many_tries(error: RateLimitExceeded):
    """Too many codes tried: say how long to wait (an hour, not the usual minute) and
    what else works. Any other page of a child's keeps the service's usual page."""
    if request.endpoint != "child.code_sign_in":
        return render_error_page("errors/429.html", 429)
    message = _(
        "Lots of codes have been tried in a short time. Wait an hour, then try again. "
        "Or scan the QR code on your card, or ask your IRO for help."
    )
    return _page(CodeForm(), message, 429)
