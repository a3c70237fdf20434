"""A person's own account: where they are signed in (and ending any of it), their
password, and new recovery codes for their second factor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from voice_app import password_policy
from voice_app.auth import current_staff_session, end_staff_session, rotate_staff_session
from voice_app.data import second_factor, staff_sessions
from voice_app.forms import form_errors
from voice_app.permissions import any_staff, landing_url
from voice_app.staff import bp
from voice_app.staff.account_forms import ChangePasswordForm, NewRecoveryCodesForm
from voice_app.staff.forms import ConfirmForm
from voice_app.staff.sign_in_views import RECOVERY_SEED_KEY, _safe_next, pause_message
from voice_app.vocabulary import SessionEnd

# What password_policy.problem_with may answer, as a person reads it. A reason this does
# not know (the policy may give its own words) is shown as it came.
PASSWORD_PROBLEMS = {
    "too short": _l("Your new password must be at least 10 characters long"),
    "too long": _l("Your new password must be 1,000 characters or fewer"),
    "common": _l("That password is one people use a lot, so it is easy to guess. Choose another"),
    "personal": _l("Your password must not be your name or email address. Choose another"),
}

# Read simply from the user agent: enough to tell one's own sign-ins apart, no more.
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def _first_match(user_agent: str, names: tuple[tuple[str, str], ...]) -> str | None:
    return next((name for marker, name in names if marker in user_agent), None)


def device_name(user_agent: str | None) -> str:
    """ "Firefox on Windows", from a browser's user agent."""
    browser = _first_match(user_agent or "", _BROWSERS)
    system = _first_match(user_agent or "", _SYSTEMS)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("An unknown browser")


@dataclass(frozen=True)
class SessionRow:
    id: int
    device: str
    ip_address: str | None
    started: datetime
    last_used: datetime
    this_device: bool


def _problem_with_new_password(password: str) -> str | None:
    problem = password_policy.problem_with(password, email=current_user.email, name=current_user.name)
    if problem is None:
        return None
    return str(PASSWORD_PROBLEMS.get(problem, problem))


@bp.get("/your-account")
@any_staff
def your_account():
    this = current_staff_session()
    rows = [
        SessionRow(
            id=row.id,
            device=device_name(row.user_agent),
            ip_address=row.ip_address,
            started=row.created_at,
            last_used=row.last_seen_at,
            this_device=this is not None and row.id == this.id,
        )
        for row in staff_sessions.active_for(current_user)
    ]
    codes_left = second_factor.unused_recovery_codes(current_user) if current_user.has_second_factor else None
    return render_template(
        "staff/account/your_account.html", sessions=rows, codes_left=codes_left, form=ConfirmForm()
    )


@bp.post("/your-account/sessions/<int:session_id>/end")
@any_staff
def end_session(session_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    this = current_staff_session()
    if not staff_sessions.end_one_of_theirs(current_user, session_id):
        abort(404)
    if this is not None and this.id == session_id:
        end_staff_session(SessionEnd.ENDED_BY_THEM)
        return redirect(url_for("staff.sign_in"))
    flash(_("That session has ended. Whoever was using it must sign in again."))
    return redirect(url_for("staff.your_account"))


@bp.post("/your-account/sign-out-everywhere")
@any_staff
def sign_out_everywhere():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    staff_sessions.sign_out_everywhere(current_user)
    end_staff_session(SessionEnd.EVERYWHERE)
    return redirect(url_for("staff.sign_in"))


@bp.route("/your-account/password", methods=["GET", "POST"])
@any_staff
def change_password():
    form = ChangePasswordForm()
    errors: dict[str, str] = {}
    status = 200
    if form.validate_on_submit():
        problem = _problem_with_new_password(form.new_password.data)
        if problem is not None:
            errors["new_password"], status = problem, 400
        else:
            result = staff_sessions.change_password(
                current_user, current_staff_session(), form.current_password.data, form.new_password.data
            )
            if result.changed:
                rotate_staff_session()
                flash(_("Your password has changed. Everywhere else you were signed in has been signed out."))
                return redirect(url_for("staff.your_account"))
            if result.pause is not None:
                errors["current_password"], status = pause_message(result.pause), 429
            else:
                errors["current_password"], status = _("Your current password is not right"), 400
    elif form.errors:
        errors, status = form_errors(form), 400
    return render_template("staff/account/password.html", form=form, errors=errors), status


@bp.route("/your-account/recovery-codes/new", methods=["GET", "POST"])
@any_staff
def new_recovery_codes():
    if not current_user.has_second_factor:
        abort(404)
    this = current_staff_session()
    if this is None:
        abort(404)
    form = NewRecoveryCodesForm()
    errors: dict[str, str] = {}
    status = 200
    if form.validate_on_submit():
        made = second_factor.new_recovery_codes_with_password(current_user, this, form.current_password.data)
        if made.seed is not None:
            session[RECOVERY_SEED_KEY] = made.seed
            return redirect(url_for("staff.recovery_codes"))
        if made.pause is not None:
            errors["current_password"], status = pause_message(made.pause), 429
        else:
            errors["current_password"], status = _("Your password is not right"), 400
    elif form.errors:
        errors, status = form_errors(form), 400
    return render_template("staff/account/new_recovery_codes.html", form=form, errors=errors), status


@bp.get("/your-account/recovery-codes")
@any_staff
def recovery_codes():
    codes = second_factor.codes_to_show(current_staff_session(), session.get(RECOVERY_SEED_KEY))
    if codes is None:
        return redirect(url_for("staff.your_account"))
    next_page = _safe_next(request.args.get("next"))
    return render_template(
        "staff/account/recovery_codes.html",
        codes=codes,
        next_page=next_page,
        form=ConfirmForm(),
    )


@bp.post("/your-account/recovery-codes/kept")
@any_staff
def recovery_codes_kept():
    """ "Continue": the codes are never shown again (nor by a copy of this cookie)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    second_factor.codes_kept(current_staff_session())
    session.pop(RECOVERY_SEED_KEY, None)
    return redirect(_safe_next(request.args.get("next")) or landing_url(current_user))
