"""Children's records, for managers and administrators (and, where the council allows it,
an IRO adding and changing children on their own caseload): the list and search, a child's
record (details, periods in care, reviews held, brothers and sisters), adding and changing
a child by hand, moving them to another IRO, linking siblings, leaving care, and importing
the council's files.

These pages show records, never what a child or their circle said. Reading a record is
audited here; every change is audited by the data functions.

The import takes files (the one page that does, see voice_app/input_guard.py) and keeps
none of them: the preview reads the files in memory and writes nothing, and "Confirm and
import" asks for the same files again and imports them only if their fingerprint is the
preview's. Holding the files between the two steps (a temporary file, the database, the
session) would keep a council's personal data on the server, and a refused file's too."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from voice_app.data import children, imports
from voice_app.data.children import ChildDetails
from voice_app.data.errors import NotFound
from voice_app.input_guard import IMPORT_MAX_MEGABYTES
from voice_app.permissions import RECORD_KEEPERS, record_keepers_or_iros_if_allowed, staff_required
from voice_app.staff import bp
from voice_app.staff.children_records_forms import (
    TICKED,
    ChildDetailsForm,
    ImportForm,
    LeaveCareForm,
    MoveForm,
    SearchForm,
    SiblingForm,
    details_errors,
)
from voice_app.staff.forms import ConfirmForm
from voice_app.vocabulary import LANGUAGES, PARTICIPATION_WORDS, StaffRole


def _is_iro() -> bool:
    return current_user.role == StaffRole.IRO


@bp.get("/children-records")
@staff_required(*RECORD_KEEPERS)
def children_records():
    form = SearchForm(formdata=request.args, meta={"csrf": False})
    if not form.validate():
        return render_template(
            "staff/children/list.html", form=form, found=None, errors={"q": form.errors["q"][0]}
        ), 400
    found = children.search_records(current_user, form.q.data)
    return render_template("staff/children/list.html", form=form, found=found, errors={})


@bp.get("/children-records/<int:child_id>")
@staff_required(*RECORD_KEEPERS)
def child_record(child_id: int):
    record = children.record_page(current_user, child_id)
    return render_template(
        "staff/children/record.html",
        record=record,
        participation_words=PARTICIPATION_WORDS,
        languages=LANGUAGES,
        form=ConfirmForm(),
    )


def _back_to(child) -> str:
    """Where a change leads: the record page, or for an IRO their own child page."""
    if _is_iro():
        return url_for("staff.child", child_id=child.id)
    return url_for("staff.child_record", child_id=child.id)


def _details_page(form, child=None, errors=None):
    return render_template("staff/children/details.html", form=form, child=child, errors=errors or {}), (
        400 if errors else 200
    )


def _details_of(form: ChildDetailsForm) -> ChildDetails:
    assert form.born_on is not None and form.since is not None
    return ChildDetails(
        first_name=form.first_name.data,
        last_name=form.last_name.data,
        preferred_name=form.preferred_name.data,
        date_of_birth=form.born_on,
        child_ref=form.child_ref.data,
        preferred_language=form.preferred_language.data,
        looked_after_since=form.since,
        # An IRO adds and changes children on their own caseload only.
        iro_id=current_user.id if _is_iro() else (form.iro_id() or 0),
    )


def _ref_in_use(form) -> dict[str, str]:
    errors = details_errors(form)
    errors["child_ref"] = _(
        "Another child already has this child id. Check the id, or find that child in the list."
    )
    return errors


@bp.route("/children-records/new", methods=["GET", "POST"])
@record_keepers_or_iros_if_allowed
def add_child_record():
    form = ChildDetailsForm(iros=children.active_iros(), choose_iro=not _is_iro())
    if not form.is_submitted():
        return _details_page(form)
    if not form.validate():
        return _details_page(form, errors=details_errors(form))
    try:
        child = children.add_child(current_user, _details_of(form))
    except children.ChildRefInUse:
        return _details_page(form, errors=_ref_in_use(form))
    except children.NotAnIro:
        return _details_page(form, errors={"iro": _("Choose their IRO from the list")})
    flash(_("%(name)s has been added.", name=child.full_name))
    return redirect(_back_to(child))


def _typed_date(form, name: str, day: date) -> None:
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        getattr(form, f"{name}_{part}").data = str(value)


@bp.route("/children-records/<int:child_id>/edit", methods=["GET", "POST"])
@record_keepers_or_iros_if_allowed
def edit_child_record(child_id: int):
    child = children.record_for(current_user, child_id)
    form = ChildDetailsForm(iros=children.active_iros(), choose_iro=not _is_iro())
    if not form.is_submitted():
        form.first_name.data, form.last_name.data = child.first_name, child.last_name
        form.preferred_name.data, form.child_ref.data = child.preferred_name, child.child_ref
        form.preferred_language.data = child.preferred_language
        _typed_date(form, "date_of_birth", child.date_of_birth)
        _typed_date(form, "looked_after_since", child.looked_after_since)
        if form.choose_iro:
            form.iro.data = str(child.iro_id)
        return _details_page(form, child)
    if not form.validate():
        return _details_page(form, child, details_errors(form))
    try:
        children.change_details(current_user, child, _details_of(form))
    except children.ChildRefInUse:
        return _details_page(form, child, _ref_in_use(form))
    except children.NotAnIro:
        return _details_page(form, child, {"iro": _("Choose their IRO from the list")})
    except children.PeriodClash:
        errors = details_errors(form)
        errors["looked_after_since_day"] = _(
            "An earlier period in care began on this day. Enter the day their current period began."
        )
        return _details_page(form, child, errors)
    flash(_("%(name)s's details have been changed.", name=child.full_name))
    return redirect(_back_to(child))


# Moving a child to another IRO.


def _move_page(child, form, errors=None):
    return render_template(
        "staff/children/move.html",
        child=child,
        form=form,
        siblings=[s for s in children.siblings_of(child) if s.in_care],
        errors=errors or {},
    ), (400 if errors else 200)


@bp.route("/children-records/<int:child_id>/move", methods=["GET", "POST"])
@staff_required(*RECORD_KEEPERS)
def move_child_record(child_id: int):
    child = children.record_for(current_user, child_id)
    if not child.in_care:
        abort(404)  # a child who left care has no IRO's caseload to move between
    iros = [person for person in children.active_iros() if person.id != child.iro_id]
    form = MoveForm(iros=iros)
    if not form.is_submitted():
        form.with_siblings.data = TICKED  # siblings usually share an IRO
        return _move_page(child, form)
    if not form.validate():
        return _move_page(
            child, form, {"iro": form.errors["iro"][0]} if "iro" in form.errors else {"iro": ""}
        )
    new_iro = next(person for person in iros if str(person.id) == form.iro.data)
    try:
        moved = children.move_to_iro(
            current_user, child, new_iro, with_siblings=form.with_siblings.data == TICKED
        )
    except children.NotAnIro:
        return _move_page(child, form, {"iro": _("Choose their new IRO from the list")})
    flash(
        _(
            "%(names)s moved to %(iro)s's caseload.",
            names=", ".join(each.full_name for each in moved),
            iro=new_iro.name,
        )
    )
    return redirect(url_for("staff.child_record", child_id=child.id))


# Brothers and sisters.


@bp.route("/children-records/<int:child_id>/siblings", methods=["GET", "POST"])
@staff_required(*RECORD_KEEPERS)
def child_record_siblings(child_id: int):
    child = children.record_for(current_user, child_id)
    search = SearchForm(formdata=request.args, meta={"csrf": False})
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = SiblingForm()
        other = None
        if form.validate():
            try:
                other = children.record_for(current_user, int(form.sibling.data))
            except NotFound:
                other = None
        if other is not None and other.id != child.id:
            children.link_siblings(current_user, child, [other])
            flash(
                _(
                    "%(name)s and %(other)s are linked as brothers and sisters.",
                    name=child.full_name,
                    other=other.full_name,
                )
            )
            return redirect(url_for("staff.child_record", child_id=child.id, _anchor="siblings"))
        errors["q"] = _("Choose a brother or sister from the list")
    typed = search.q.data if search.validate() else ""
    if search.errors:
        errors["q"] = search.errors["q"][0]
    found = children.sibling_candidates(current_user, child, typed) if typed else None
    return render_template(
        "staff/children/siblings.html", child=child, search=search, found=found, errors=errors
    ), (400 if errors else 200)


@bp.post("/children-records/<int:child_id>/siblings/<int:sibling_id>/unlink")
@staff_required(*RECORD_KEEPERS)
def unlink_child_record_sibling(child_id: int, sibling_id: int):
    child = children.record_for(current_user, child_id)
    sibling = children.record_for(current_user, sibling_id)
    if sibling.id == child.id or sibling not in children.siblings_of(child):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    children.unlink_sibling(current_user, sibling)
    flash(_("%(name)s is no longer linked to %(other)s.", name=sibling.full_name, other=child.full_name))
    return redirect(url_for("staff.child_record", child_id=child.id, _anchor="siblings"))


# Leaving care.


@bp.route("/children-records/<int:child_id>/leave-care", methods=["GET", "POST"])
@staff_required(*RECORD_KEEPERS)
def child_record_leaves_care(child_id: int):
    child = children.record_for(current_user, child_id)
    if not child.in_care:
        abort(404)
    form = LeaveCareForm()
    if not form.is_submitted():
        _typed_date(form, "left_on", date.today())
        return render_template("staff/children/leave_care.html", child=child, form=form, errors={})
    problem = None
    if not form.validate():
        problem = form.problem or _("Enter the date they left care")
    else:
        assert form.day is not None
        try:
            children.leave_care(current_user, child, form.day)
        except children.StillInCare:
            problem = _(
                "The date they left care must be on or after the day their current period in "
                "care began, %(day)s.",
                day=child.looked_after_since.strftime("%d/%m/%Y"),
            )
    if problem:
        return render_template(
            "staff/children/leave_care.html", child=child, form=form, errors={"left_on_day": problem}
        ), 400
    flash(_("%(name)s has left care. Their links have stopped.", name=child.full_name))
    return redirect(url_for("staff.child_record", child_id=child.id))


# Importing the council's files.

_FILES = ("children", "episodes", "reviews")


def _uploaded() -> tuple[dict[str, bytes | None], dict[str, str]]:
    """The files chosen, read into memory (never to disk: see input_guard.py), and kind
    words for a required file not chosen or empty."""
    files: dict[str, bytes | None] = {}
    errors: dict[str, str] = {}
    for name in _FILES:
        storage = request.files.get(name)
        data = storage.read() if storage is not None and storage.filename else None
        files[name] = data if data else None
        if storage is not None and storage.filename and not data:
            errors[name] = _("The file you chose is empty. Choose the file again.")
    if files["children"] is None and "children" not in errors:
        errors["children"] = _("Choose the children file")
    for name in request.form:
        if name not in ("csrf_token", "fingerprint"):
            abort(400)  # a field no form of this page has
    return files, errors


def _import_page(report=None, errors=None, changed_files=False, status=200):
    return render_template(
        "staff/children/import.html",
        report=report,
        errors=errors or {},
        changed_files=changed_files,
        max_megabytes=IMPORT_MAX_MEGABYTES,
        change_words=imports.CHANGE_WORDS,
    ), status


@bp.route("/children-records/import", methods=["GET", "POST"])
@staff_required(*RECORD_KEEPERS)
def import_children():
    if request.method == "GET":
        return _import_page()
    if not ImportForm().validate():
        abort(400)
    files, errors = _uploaded()
    if errors:
        return _import_page(errors=errors, status=400)
    report = imports.preview(files["children"] or b"", files["episodes"], files["reviews"])
    return _import_page(report, status=200 if report.ok else 400)


@bp.post("/children-records/import/confirm")
@staff_required(*RECORD_KEEPERS)
def confirm_import():
    form = ImportForm()
    if not form.validate():
        abort(400)
    files, errors = _uploaded()
    if errors:
        return _import_page(errors=errors, status=400)
    data = (files["children"] or b"", files["episodes"], files["reviews"])
    if imports.fingerprint(*data) != (form.fingerprint.data or ""):
        # Not the files previewed: show what these would do, and import nothing yet.
        return _import_page(imports.preview(*data), changed_files=True, status=400)
    try:
        report = imports.apply_now(current_user, *data)
    except imports.ImportClash:
        errors = {
            "children": _(
                "Another import changed these children at the same time, so nothing was "
                "imported. Choose the files again to see what would change now."
            )
        }
        return _import_page(errors=errors, status=409)
    if not report.ok:  # something changed since the preview (an IRO switched off)
        return _import_page(report, status=400)
    flash(
        _(
            "The files are imported: %(added)d added, %(changed)d changed, %(unchanged)d "
            "unchanged, %(moved)d moved to another IRO, %(left)d left care, %(back)d back in care, "
            "%(reviews)d reviews recorded.",
            added=report.added,
            changed=report.changed,
            unchanged=report.unchanged,
            moved=report.moved,
            left=report.left_care,
            back=report.back_in_care,
            reviews=report.reviews_recorded,
        )
    )
    return redirect(url_for("staff.children_records"))
