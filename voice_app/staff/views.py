"""Staff pages: the IRO's caseload, a child, and a review's consultation summary."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from voice_app.data import alerts, children, circle, consultation, links, reviews, staff
from voice_app.permissions import IROS, MANAGERS, staff_required
from voice_app.staff import bp
from voice_app.staff.forms import ConfirmForm


@bp.get("/")
@staff_required(*IROS)
def caseload():
    return render_template(
        "staff/caseload.html",
        rows=children.caseload(current_user),
        alerts=alerts.open_alerts_for(current_user),
    )


def _child_page(child, errors=None):
    return render_template(
        "staff/child.html",
        child=child,
        active_links=links.working_child_links(child),
        form=ConfirmForm(),
        circle=circle.members_of(child),
        alerts=alerts.open_alerts_for(current_user, child),
        errors=errors or {},
    )


@bp.get("/children/<int:child_id>")
@staff_required(*IROS)
def child(child_id: int):
    return _child_page(children.child_for(current_user, child_id))


@bp.post("/children/<int:child_id>/links/send")
@staff_required(*IROS)
def send_link(child_id: int):
    """ "Send the link again": a new link by email or text message. Staff never see it
    whole, so nobody can open a child's pages in their name."""
    child = children.child_for(current_user, child_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        sent = links.send_link_again(current_user, child)
    except links.NowhereToSend:
        message = _(
            "%(name)s has no email address or mobile number, so their link cannot be sent. "
            "Print a card for them instead.",
            name=child.first_name,
        )
        return _child_page(child, errors={"personal-link": message}), 400
    except links.LeftCare:
        message = _("%(name)s has left care, so they get no new link.", name=child.first_name)
        return _child_page(child, errors={"personal-link": message}), 409
    except links.SendingNow:
        message = _(
            "A message to %(name)s is going this moment. Wait a minute, then try again.",
            name=child.first_name,
        )
        return _child_page(child, errors={"personal-link": message}), 409
    flash(
        _(
            "A new link (%(link)s) is on its way to %(address)s. It replaces %(name)s's old link.",
            link=sent.link,
            address=sent.recipient,
            name=child.first_name,
        )
    )
    return redirect(url_for("staff.child", child_id=child.id, _anchor="personal-link"))


@bp.post("/children/<int:child_id>/links/stop")
@staff_required(*IROS)
def stop_links(child_id: int):
    """A lost phone or card: the link and its code stop at once, and so does any session
    they started. The page then offers a card or a message with a new link."""
    child = children.child_for(current_user, child_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    links.stop_links_from_staff(current_user, child)
    flash(
        _(
            "%(name)s's link has stopped, and anyone using it has been signed out. "
            "To give %(name)s a new link, print a card or send the link again.",
            name=child.first_name,
        )
    )
    return redirect(url_for("staff.child", child_id=child.id, _anchor="personal-link"))


@bp.get("/reviews/<int:review_id>")
@staff_required(*IROS)
def review(review_id: int):
    review = reviews.review_for(current_user, review_id)
    summary = consultation.read_by(current_user, review)
    return render_template(
        "staff/review.html", review=review, child=review.child, summary=summary, form=ConfirmForm()
    )


@bp.get("/overview")
@staff_required(*MANAGERS)
def service_overview():
    return render_template(
        "staff/overview.html", rows=staff.overview(), alerts=alerts.open_alerts_for(current_user)
    )
