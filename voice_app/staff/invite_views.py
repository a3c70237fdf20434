"""Inviting people to give their views on a review; printed letters; the outbox."""

from __future__ import annotations

import segno
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice

from voice_app import invitations, links
from voice_app.auth import iro_required
from voice_app.models import CHILD_KEY
from voice_app.staff import bp, consultation, service
from voice_app.staff.forms import ConfirmForm, InviteForm


def _invitable(review):
    people = consultation.summary_for(review).people
    return [p for p in people if p.member is None or p.member.removed_at is None]


@bp.route("/reviews/<int:review_id>/invite", methods=["GET", "POST"])
@iro_required
def invite(review_id: int):
    review = service.review_for_iro(current_user, review_id) or abort(404)
    if review.held_on:  # views sent now would miss the meeting
        return redirect(url_for("staff.review", review_id=review.id))
    people = _invitable(review)
    form = InviteForm()
    form.people.choices = [SelectChoice(value=p.key, label=p.name) for p in people]
    if form.validate_on_submit():
        chosen = [p for p in people if p.key in form.people.data]
        queued = invitations.invite(review, [p.member for p in chosen], invited_by_id=current_user.id)
        service.audit(current_user, "invited_people", review.child_id, review.id)
        invitations.deliver_quietly(queued)
        return redirect(url_for("staff.review", review_id=review.id, _anchor="invitations"))
    errors = {}
    if form.errors.get("people"):
        errors["people"] = form.errors["people"][0]
    return render_template(
        "staff/invite.html",
        review=review,
        child=review.child,
        people=people,
        errors=errors,
        channel_for=invitations.channel_for,
    ), (400 if errors else 200)


@bp.post("/reviews/<int:review_id>/letters/<key>")
@iro_required
def letter(review_id: int, key: str):
    """A printable letter with a new link and its QR code, for someone without email or a
    mobile. Each letter carries a fresh link; earlier ones keep working."""
    review = service.review_for_iro(current_user, review_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if review.held_on:
        return redirect(url_for("staff.review", review_id=review.id))
    person = next((p for p in _invitable(review) if p.key == key), None) or abort(404)
    invitations.get_or_create_invitation(review, person.member, current_user.id)
    token = links.issue_link(
        review.child, person.member.id if person.member else None, review.id if person.member else None
    )
    url = links.public_url(token)
    qr_code = Markup(segno.make(url, error="m").svg_inline(scale=4, title=None, omitsize=False))
    service.audit(current_user, "printed_letter", review.child_id, review.id)
    return render_template(
        "staff/letter.html",
        review=review,
        child=review.child,
        person=person,
        url=url,
        qr_code=qr_code,
        is_child=key == CHILD_KEY,
    )


@bp.get("/outbox")
@iro_required
def outbox():
    page = min(max(request.args.get("page", 1, type=int), 1), 10_000)
    messages = service.outbox_for(current_user, page)
    service.audit(current_user, "viewed_outbox", None)
    return render_template("staff/outbox.html", messages=messages, page=page)
