"""The IRO manages a child's circle (parents, carers and professionals) and where the
child's own invitations go."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from voice_app.data import children, circle
from voice_app.data.circle import MemberDetails
from voice_app.forms import form_errors
from voice_app.permissions import IROS, staff_required
from voice_app.staff import bp
from voice_app.staff.forms import CircleMemberForm, ConfirmForm, ContactForm


def _details(form: CircleMemberForm) -> MemberDetails:
    return MemberDetails(
        name=form.name.data,
        relationship_key=form.relationship_key.data,
        email=form.email.data,
        mobile=form.mobile.data,
        preferred_language=form.preferred_language.data,
    )


@bp.route("/children/<int:child_id>/circle/new", methods=["GET", "POST"])
@staff_required(*IROS)
def add_member(child_id: int):
    child = children.child_for(current_user, child_id)
    form = CircleMemberForm()
    if form.validate_on_submit():
        circle.add_member(current_user, child, _details(form))
        return redirect(url_for("staff.child", child_id=child.id))
    errors = form_errors(form, radios=("relationship_key",))
    return render_template("staff/circle_member.html", child=child, form=form, errors=errors, member=None), (
        400 if errors else 200
    )


@bp.route("/children/<int:child_id>/circle/<int:member_id>", methods=["GET", "POST"])
@staff_required(*IROS)
def edit_member(child_id: int, member_id: int):
    child = children.child_for(current_user, child_id)
    member = circle.member_of(child, member_id)
    form = CircleMemberForm(obj=member)
    if form.validate_on_submit():
        circle.change_member(current_user, child, member, _details(form))
        return redirect(url_for("staff.child", child_id=child.id))
    errors = form_errors(form, radios=("relationship_key",))
    return render_template(
        "staff/circle_member.html", child=child, form=form, errors=errors, member=member
    ), (400 if errors else 200)


@bp.route("/children/<int:child_id>/circle/<int:member_id>/remove", methods=["GET", "POST"])
@staff_required(*IROS)
def remove_member(child_id: int, member_id: int):
    child = children.child_for(current_user, child_id)
    member = circle.member_of(child, member_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        circle.remove_member(current_user, child, member)
        return redirect(url_for("staff.child", child_id=child.id))
    return render_template("staff/remove_member.html", child=child, member=member)


@bp.route("/children/<int:child_id>/contact", methods=["GET", "POST"])
@staff_required(*IROS)
def child_contact(child_id: int):
    """The child's own email or mobile, for their invitations. Many children have neither:
    then the IRO gives them their link, or prints a letter."""
    child = children.child_for(current_user, child_id)
    form = ContactForm(obj=child)
    if form.validate_on_submit():
        children.change_contact(current_user, child, form.email.data, form.mobile.data)
        return redirect(url_for("staff.child", child_id=child.id))
    errors = form_errors(form, radios=("relationship_key",))
    return render_template("staff/child_contact.html", child=child, form=form, errors=errors), (
        400 if errors else 200
    )
