"""Choosing a password from a one-time link, and "Forgotten your password?".

The link's token leaves the address bar at once: the first GET keeps only its hash in
the session and redirects to the same page without it, so a reload, the browser's
history or a screenshot of the page never shows a working link. Opening the link uses
nothing (mail scanners open links too): only choosing a password does."""

from __future__ import annotations

import hashlib

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from voice_app import password_policy
from voice_app.auth import end_staff_session
from voice_app.data import staff_accounts
from voice_app.extensions import limiter
from voice_app.forms import form_errors
from voice_app.permissions import public
from voice_app.staff import bp
from voice_app.staff.people_forms import ForgottenPasswordForm, SetPasswordForm
from voice_app.vocabulary import StaffTokenPurpose

LINK_KEY = "staff_link"
NOT_WORKING = "staff/password/link_not_working.html"


@bp.route("/set-password", methods=["GET", "POST"])
@limiter.limit("30 per minute")
@public
def set_password():
    token = request.args.get("token")
    if request.method == "GET" and token is not None:
        session[LINK_KEY] = staff_accounts.link_key(token)
        return redirect(url_for("staff.set_password"))
    token_hash = session.get(LINK_KEY)
    link = staff_accounts.usable_link(token_hash) if isinstance(token_hash, str) else None
    if link is None:
        return render_template(NOT_WORKING), 404
    form = SetPasswordForm()
    errors = {}
    if form.validate_on_submit():
        try:
            staff_accounts.set_password_from_link(link.token_hash, form.password.data)
        except staff_accounts.PasswordNotAllowed as refused:
            errors["password"] = str(password_policy.message_for(refused.problem))
        except staff_accounts.LinkNotUsable:  # used in another tab a moment ago
            return render_template(NOT_WORKING), 404
        else:
            # Whoever was signed in on this browser is signed out: the person signs in
            # afresh with their new password (and sets up their second factor then).
            end_staff_session()
            flash(_("Your password has been set. Sign in with your email address and new password."))
            return redirect(url_for("staff.sign_in"))
    elif form.is_submitted():
        errors = form_errors(form)
    return render_template(
        "staff/password/set_password.html",
        person=link.staff,
        setting_up=link.purpose == StaffTokenPurpose.SET_UP,
        form=form,
        errors=errors,
        minimum=password_policy.MINIMUM_LENGTH,
    ), (400 if errors else 200)


def _this_email() -> str:
    """A rate-limit key for one email address, hashed so the limiter's store holds none."""
    typed = staff_accounts.normalise_email(request.form.get("email", "") or "")
    return "forgotten-password:" + hashlib.sha256(typed.encode()).hexdigest()


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_this_email)
@public
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        staff_accounts.ask_for_reset(form.email.data)
        return redirect(url_for("staff.reset_link_sent"))
    errors = form_errors(form)
    return render_template("staff/password/forgotten.html", form=form, errors=errors), (
        400 if errors else 200
    )


@bp.get("/forgotten-password/sent")
@public
def reset_link_sent():
    return render_template("staff/password/sent.html")
