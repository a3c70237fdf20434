"""Inviting people to give their views on a review; printed letters; the outbox."""

from __future__ import annotations

import segno
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice

from voice_app.data import consultation, invitations, messages, reviews
from voice_app.data.errors import ReviewClosed
from voice_app.messaging import channel_for
from voice_app.permissions import IROS, staff_required
from voice_app.staff import bp
from voice_app.staff.forms import ConfirmForm, InviteForm
from voice_app.vocabulary import CHILD_KEY


@bp.errorhandler(ReviewClosed)
def review_closed(error: ReviewClosed):
    """A held review takes no invitations or letters: back to its summary."""
    return redirect(url_for("staff.review", review_id=error.review.id))


@bp.route("/reviews/<int:review_id>/invite", methods=["GET", "POST"])
@staff_required(*IROS)
def invite(review_id: int):
    review = reviews.review_for(current_user, review_id)
    reviews.ensure_takes_views(review)
    people = consultation.summary_for(review).invitable
    form = InviteForm()
    form.people.choices = [SelectChoice(value=p.key, label=p.name) for p in people]
    if form.validate_on_submit():
        chosen = [p for p in people if p.key in form.people.data]
        invitations.invite_people(current_user, review, chosen)
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
        channel_for=channel_for,
    ), (400 if errors else 200)


@bp.post("/reviews/<int:review_id>/letters/<key>")
@staff_required(*IROS)
def letter(review_id: int, key: str):
    """A printable letter with a new link and its QR code, for someone without email or a
    mobile."""
    review = reviews.review_for(current_user, review_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    person, url = invitations.letter_link(current_user, review, key)
    qr_code = Markup(segno.make(url, error="m").svg_inline(scale=4, title=None, omitsize=False))
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
@staff_required(*IROS)
def outbox():
    page = min(max(request.args.get("page", 1, type=int), 1), 10_000)
    sent = messages.outbox_for(current_user, page)
    return render_template("staff/outbox.html", messages=sent, page=page)
