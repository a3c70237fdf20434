"""Running staff accounts, for administrators (and managers given the right): the list of
staff, adding someone, and one page per person to change their role or team, deactivate
or reactivate them, send a new set-up link, or reset their second factor."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from voice_app.data import staff_accounts
from voice_app.data.staff_accounts import StaffDetails
from voice_app.forms import form_errors
from voice_app.permissions import administrators_required
from voice_app.staff import bp
from voice_app.staff.forms import ConfirmForm
from voice_app.staff.people_forms import TICKED, ChangePersonForm, PersonForm
from voice_app.vocabulary import StaffRole


@bp.get("/people")
@administrators_required
def people():
    return render_template("staff/people/list.html", people=staff_accounts.people())


@bp.route("/people/new", methods=["GET", "POST"])
@administrators_required
def add_person():
    form = PersonForm(for_administrator=_is_administrator())
    errors = {}
    if form.validate_on_submit():
        details = StaffDetails(
            name=form.name.data,
            email=form.email.data,
            role=StaffRole(form.role.data),
            team=form.team.data,
            can_administer=form.administers,
        )
        try:
            person = staff_accounts.add_person(current_user, details)
        except staff_accounts.OnlyAnAdministrator as error:
            errors = _refusal(error)
        except staff_accounts.EmailInUse:
            errors["email"] = _(
                "Someone already has an account with this email address. "
                "Find them in the list of staff to change their account or send them a new link."
            )
        else:
            flash(
                _(
                    "%(name)s has been added. We have sent a link to %(email)s to set their password.",
                    name=person.name,
                    email=person.email,
                )
            )
            return redirect(url_for("staff.person", staff_id=person.id))
    else:
        errors = form_errors(form, radios=("role",))
    return render_template("staff/people/new.html", form=form, errors=errors), (400 if errors else 200)


def _is_administrator() -> bool:
    return current_user.role == StaffRole.ADMIN


def _person_page(person, form=None, errors=None, status=200):
    if form is None:
        form = ChangePersonForm(
            for_administrator=_is_administrator(),
            data={
                "role": person.role,
                "team": person.team or "",
                "can_administer": TICKED if person.can_administer else "",
            },
        )
    return render_template(
        "staff/people/person.html",
        person=person,
        form=form,
        confirm=ConfirmForm(),
        errors=errors or {},
        is_you=person.id == current_user.id,
        may_run=staff_accounts.may_run(current_user, person),
    ), status


_REFUSALS = {
    staff_accounts.CannotChangeOwnAccount: _l(
        "You cannot change your own role or deactivate your own account. Ask another administrator."
    ),
    staff_accounts.LastAdministrator: _l(
        "This is the only active administrator. Make someone else an administrator first, "
        "so somebody can still run staff accounts."
    ),
    staff_accounts.OnlyAnAdministrator: _l(
        "Only an administrator can make someone an administrator, give or take away the right "
        "to run staff accounts, or change an administrator's account. Ask an administrator."
    ),
}
_REFUSED = (
    staff_accounts.CannotChangeOwnAccount,
    staff_accounts.LastAdministrator,
    staff_accounts.OnlyAnAdministrator,
)


def _refusal(error: Exception, field: str = "role-0") -> dict[str, str]:
    return {field: str(_REFUSALS[type(error)])}


@bp.route("/people/<int:staff_id>", methods=["GET", "POST"])
@administrators_required
def person(staff_id: int):
    person = staff_accounts.person(staff_id)
    form = ChangePersonForm(for_administrator=_is_administrator())
    if not form.is_submitted():
        return _person_page(person)
    if not form.validate():
        return _person_page(person, form, form_errors(form, radios=("role",)), 400)
    # A trusted manager is not shown the tick: unticked, it leaves the right as it is.
    administers = form.administers if _is_administrator() else (form.administers or None)
    try:
        staff_accounts.change_person(
            current_user, person, StaffRole(form.role.data), form.team.data, administers
        )
    except _REFUSED as error:
        return _person_page(person, form, _refusal(error), 400)
    flash(_("%(name)s's account has been changed.", name=person.name))
    return redirect(url_for("staff.person", staff_id=person.id))


def _confirmed_person(staff_id: int):
    person = staff_accounts.person(staff_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return person


@bp.post("/people/<int:staff_id>/deactivate")
@administrators_required
def deactivate_person(staff_id: int):
    person = _confirmed_person(staff_id)
    try:
        staff_accounts.deactivate(current_user, person)
    except _REFUSED as error:
        return _person_page(person, errors=_refusal(error, "deactivate"), status=400)
    flash(_("%(name)s's account is deactivated, and they have been signed out.", name=person.name))
    return redirect(url_for("staff.person", staff_id=person.id))


@bp.post("/people/<int:staff_id>/reactivate")
@administrators_required
def reactivate_person(staff_id: int):
    person = _confirmed_person(staff_id)
    try:
        staff_accounts.reactivate(current_user, person)
    except staff_accounts.OnlyAnAdministrator as error:
        return _person_page(person, errors=_refusal(error, "reactivate"), status=400)
    flash(
        _(
            "%(name)s's account is active again. They sign in with their password, or you can "
            "send them a new link.",
            name=person.name,
        )
    )
    return redirect(url_for("staff.person", staff_id=person.id))


@bp.post("/people/<int:staff_id>/send-link")
@administrators_required
def send_person_link(staff_id: int):
    person = _confirmed_person(staff_id)
    try:
        staff_accounts.send_new_link(current_user, person)
    except staff_accounts.OnlyAnAdministrator as error:
        return _person_page(person, errors=_refusal(error, "send-link"), status=400)
    except staff_accounts.NotActive:
        message = _("%(name)s's account is deactivated. Reactivate it first.", name=person.name)
        return _person_page(person, errors={"send-link": message}, status=400)
    flash(
        _(
            "We have sent a new link to %(email)s. Any older link of theirs has stopped working.",
            email=person.email,
        )
    )
    return redirect(url_for("staff.person", staff_id=person.id))


@bp.post("/people/<int:staff_id>/reset-second-factor")
@administrators_required
def reset_person_second_factor(staff_id: int):
    person = _confirmed_person(staff_id)
    try:
        staff_accounts.reset_second_factor(current_user, person)
    except staff_accounts.OnlyAnAdministrator as error:
        return _person_page(person, errors=_refusal(error, "reset-second-factor"), status=400)
    flash(
        _(
            "%(name)s's second factor has been reset, and they have been signed out. They set up "
            "a new one the next time they sign in.",
            name=person.name,
        )
    )
    return redirect(url_for("staff.person", staff_id=person.id))
