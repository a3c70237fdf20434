"""The IRO manages a child's circle: parents, carers and professionals."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_login import current_user

from voice_app import invitations
from voice_app.auth import iro_required
from voice_app.data.database import db
from voice_app.models import CircleMember, utcnow
from voice_app.staff import bp, service
from voice_app.staff.forms import CircleMemberForm, ConfirmForm, ContactForm


def _form_errors(form) -> dict[str, str]:
    errors = {name: messages[0] for name, messages in form.errors.items() if name != "csrf_token"}
    # The error summary links to the first radio of a group.
    if "relationship_key" in errors:
        errors["relationship_key-0"] = errors.pop("relationship_key")
    return errors


@bp.route("/children/<int:child_id>/circle/new", methods=["GET", "POST"])
@iro_required
def add_member(child_id: int):
    child = service.child_for_iro(current_user, child_id) or abort(404)
    form = CircleMemberForm()
    if form.validate_on_submit():
        member = CircleMember(child_id=child.id)
        form.populate_obj(member)
        db.session.add(member)
        db.session.flush()
        service.audit(current_user, "added_circle_member", child.id)
        return redirect(url_for("staff.child", child_id=child.id))
    errors = _form_errors(form)
    return render_template("staff/circle_member.html", child=child, form=form, errors=errors, member=None), (
        400 if errors else 200
    )


@bp.route("/children/<int:child_id>/circle/<int:member_id>", methods=["GET", "POST"])
@iro_required
def edit_member(child_id: int, member_id: int):
    child = service.child_for_iro(current_user, child_id) or abort(404)
    member = service.member_of(child, member_id) or abort(404)
    form = CircleMemberForm(obj=member)
    if form.validate_on_submit():
        before = (member.email, member.mobile)
        form.populate_obj(member)
        service.audit(current_user, "changed_circle_member", child.id)
        if (member.email, member.mobile) != before:
            invitations.deliver_quietly(invitations.contact_changed(child, member))
        return redirect(url_for("staff.child", child_id=child.id))
    errors = _form_errors(form)
    return render_template(
        "staff/circle_member.html", child=child, form=form, errors=errors, member=member
    ), (400 if errors else 200)


@bp.route("/children/<int:child_id>/circle/<int:member_id>/remove", methods=["GET", "POST"])
@iro_required
def remove_member(child_id: int, member_id: int):
    child = service.child_for_iro(current_user, child_id) or abort(404)
    member = service.member_of(child, member_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        # What they already sent stays with the review; their links stop working.
        member.removed_at = utcnow()
        invitations.member_removed(member)
        service.audit(current_user, "removed_circle_member", child.id)
        return redirect(url_for("staff.child", child_id=child.id))
    return render_template("staff/remove_member.html", child=child, member=member)


@bp.route("/children/<int:child_id>/contact", methods=["GET", "POST"])
@iro_required
def child_contact(child_id: int):
    """The child's own email or mobile, for their invitations. Many children have neither:
    then the IRO gives them their link, or prints a letter."""
    child = service.child_for_iro(current_user, child_id) or abort(404)
    form = ContactForm(obj=child)
    if form.validate_on_submit():
        before = (child.email, child.mobile)
        child.email, child.mobile = form.email.data, form.mobile.data
        service.audit(current_user, "changed_child_contact", child.id)
        if (child.email, child.mobile) != before:
            invitations.deliver_quietly(invitations.contact_changed(child, None))
        return redirect(url_for("staff.child", child_id=child.id))
    errors = _form_errors(form)
    return render_template("staff/child_contact.html", child=child, form=form, errors=errors), (
        400 if errors else 200
    )
