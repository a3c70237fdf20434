"""Staff pages: sign in, the IRO's caseload, a child, and a review's consultation summary."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from voice_app import links
from voice_app.auth import iro_required
from voice_app.extensions import limiter
from voice_app.models import StaffRole, StaffUser
from voice_app.staff import bp, consultation, service
from voice_app.staff.forms import ConfirmForm, SignInForm


def _landing_for(user: StaffUser) -> str:
    return url_for("staff.caseload") if user.role == StaffRole.IRO else url_for("staff.service_overview")


def _safe_next(target: str | None) -> str | None:
    # Only a path on this site: never send a person somewhere else after sign-in.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return None


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(_landing_for(current_user))
    form = SignInForm()
    errors = {}
    if form.validate_on_submit():
        user = service.find_staff_by_email(form.email.data.strip())
        if user is None:
            StaffUser.spend_equal_time(form.password.data)
        if user is not None and user.is_active and user.check_password(form.password.data):
            session.clear()
            login_user(user)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")) or _landing_for(user))
        errors["email"] = _("Enter a correct email address and password")
    elif form.errors:
        errors = {name: messages[0] for name, messages in form.errors.items() if name != "csrf_token"}
    return render_template("staff/sign_in.html", form=form, errors=errors), (400 if errors else 200)


@bp.post("/sign-out")
def sign_out():
    logout_user()
    session.clear()
    return redirect(url_for("staff.sign_in"))


@bp.get("/")
@iro_required
def caseload():
    return render_template("staff/caseload.html", rows=service.caseload(current_user))


@bp.get("/children/<int:child_id>")
@iro_required
def child(child_id: int):
    child = service.child_for_iro(current_user, child_id) or abort(404)
    return render_template(
        "staff/child.html",
        child=child,
        active_links=links.active_links(child),
        form=ConfirmForm(),
        circle=service.circle_of(child),
    )


@bp.post("/children/<int:child_id>/links")
@iro_required
def new_link(child_id: int):
    child = service.child_for_iro(current_user, child_id) or abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    # One working link at a time: a new one stops any old one a child may have lost.
    links.revoke_links(child)
    token = links.issue_link(child)
    service.audit(current_user, "issued_personal_link", child.id)
    new_url = links.public_url(token)
    return render_template(
        "staff/child.html",
        child=child,
        active_links=links.active_links(child),
        form=form,
        new_url=new_url,
        circle=service.circle_of(child),
    )


@bp.post("/children/<int:child_id>/links/stop")
@iro_required
def stop_links(child_id: int):
    child = service.child_for_iro(current_user, child_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    links.revoke_links(child)
    service.audit(current_user, "stopped_personal_links", child.id)
    return redirect(url_for("staff.child", child_id=child.id))


@bp.get("/reviews/<int:review_id>")
@iro_required
def review(review_id: int):
    review = service.review_for_iro(current_user, review_id) or abort(404)
    summary = consultation.summary_for(review)
    service.audit(current_user, "viewed_consultation_summary", review.child_id, review.id)
    return render_template(
        "staff/review.html", review=review, child=review.child, summary=summary, form=ConfirmForm()
    )


@bp.get("/overview")
def service_overview():
    if not current_user.is_authenticated:
        return redirect(url_for("staff.sign_in", next=request.path))
    if current_user.role != StaffRole.MANAGER:
        abort(404)
    return render_template("staff/overview.html", rows=service.overview())
