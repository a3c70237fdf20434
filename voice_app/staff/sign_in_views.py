"""Signing in and out: a password, then (where STAFF_MFA_REQUIRED) a code from an
authenticator app, set up with a QR code the first time. Each sign-in is a session held on
the server (data.staff_sessions); wrong tries are counted per email address in the
database (data.sign_in_attempts)."""

from __future__ import annotations

from urllib.parse import urlsplit

import segno
from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from voice_app.auth import complete_staff_session, end_staff_session, half_signed_in, start_staff_session
from voice_app.data import second_factor, sign_in_attempts
from voice_app.extensions import limiter
from voice_app.forms import form_errors
from voice_app.permissions import landing_url, public
from voice_app.staff import bp
from voice_app.staff.account_forms import CodeForm
from voice_app.staff.forms import SignInForm

# Where the recovery codes just made are shown from, once: the seed is here, but only the
# session row held on the server lets it show them (data.second_factor.codes_to_show).
RECOVERY_SEED_KEY = "recovery_seed"


def _safe_next(target: str | None) -> str | None:
    # Only a path on this site: never send a person somewhere else after sign-in.
    # Printable only: a line break in a header would be refused at the redirect.
    if (
        target
        and target.isprintable()
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return None


def _next() -> str | None:
    return _safe_next(request.args.get("next"))


def wrong_sign_in_message() -> str:
    return _(
        "Enter a correct email address and password. After %(count)d wrong tries in a row, "
        "signing in is paused for %(minutes)d minutes.",
        count=current_app.config["SIGN_IN_LOCK_AFTER"],
        minutes=current_app.config["SIGN_IN_LOCK_MINUTES"],
    )


def pause_message(pause: sign_in_attempts.Pause) -> str:
    """The same words whether or not the address has an account."""
    if pause.locked:
        return ngettext(
            "There have been too many wrong tries for this email address, so signing in is "
            "paused. Try again in %(num)d minute.",
            "There have been too many wrong tries for this email address, so signing in is "
            "paused. Try again in %(num)d minutes.",
            -(-pause.seconds // 60),
        )
    return ngettext(
        "There have been wrong tries for this email address. Wait %(num)d second, then try again.",
        "There have been wrong tries for this email address. Wait %(num)d seconds, then try again.",
        pause.seconds,
    )


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = SignInForm()
    errors = {}
    status = 200
    if form.validate_on_submit():
        needs_code = bool(current_app.config["STAFF_MFA_REQUIRED"])
        outcome = sign_in_attempts.try_password(
            form.email.data, form.password.data, completes_sign_in=not needs_code
        )
        if outcome.person is not None:
            start_staff_session(outcome.person, complete=not needs_code)
            if not needs_code:
                return redirect(_next() or landing_url(outcome.person))
            step = "staff.second_factor" if outcome.person.has_second_factor else "staff.set_up_second_factor"
            return redirect(url_for(step, next=_next()))
        if outcome.pause is not None:
            errors["email"], status = pause_message(outcome.pause), 429
        else:
            errors["email"], status = wrong_sign_in_message(), 400
    elif form.errors:
        errors, status = form_errors(form), 400
    return render_template("staff/sign_in.html", form=form, errors=errors), status


@bp.post("/sign-out")
@public
def sign_out():
    end_staff_session()
    return redirect(url_for("staff.sign_in"))


def _code_problem(outcome: second_factor.CodeOutcome) -> tuple[str, int]:
    if outcome.pause is not None:
        return pause_message(outcome.pause), 429
    return _("That code did not work. Check it and try again."), 400


@bp.route("/sign-in/code", methods=["GET", "POST"], endpoint="second_factor")
@limiter.limit("10 per minute", methods=["POST"])
@public  # for a person halfway through signing in: their password was right
def second_factor_code():
    pending = half_signed_in()
    if pending is None:
        return redirect(url_for("staff.sign_in", next=_next()))
    person = pending.staff
    if not person.has_second_factor:
        return redirect(url_for("staff.set_up_second_factor", next=_next()))
    form = CodeForm()
    errors: dict[str, str] = {}
    status = 200
    if form.validate_on_submit():
        outcome = second_factor.try_sign_in_code(person, form.code.data)
        if outcome.right:
            complete_staff_session(pending)
            return redirect(_next() or landing_url(person))
        errors["code"], status = _code_problem(outcome)
    elif form.errors:
        errors, status = form_errors(form), 400
    return render_template("staff/sign_in/code.html", form=form, errors=errors), status


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@public  # for a person halfway through signing in: their password was right
def set_up_second_factor():
    pending = half_signed_in()
    if pending is None:
        return redirect(url_for("staff.sign_in", next=_next()))
    person = pending.staff
    if person.has_second_factor:
        return redirect(url_for("staff.second_factor", next=_next()))
    form = CodeForm()
    errors: dict[str, str] = {}
    status = 200
    if form.validate_on_submit():
        outcome = second_factor.try_set_up_code(person, pending, form.code.data)
        if outcome.right:
            complete_staff_session(pending)
            session[RECOVERY_SEED_KEY] = second_factor.new_recovery_codes(person, pending)
            return redirect(url_for("staff.recovery_codes", next=_next()))
        errors["code"], status = _code_problem(outcome)
    elif form.errors:
        errors, status = form_errors(form), 400
    offered = second_factor.secret_for_set_up(person, pending)
    qr_code = Markup(segno.make(offered.uri, error="m").svg_inline(scale=4, title=None, omitsize=True))
    return render_template(
        "staff/sign_in/set_up.html", form=form, errors=errors, secret=offered.grouped, qr_code=qr_code
    ), status
