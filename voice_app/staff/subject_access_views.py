"""Subject access: a manager finds a child and downloads everything held about them, as a
ZIP of JSON files and one readable page."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user

from voice_app.data import subject_access as records
from voice_app.forms import form_errors
from voice_app.permissions import MANAGERS, staff_required
from voice_app.staff import bp
from voice_app.staff.audit_forms import ChildSearchForm
from voice_app.staff.forms import ConfirmForm


@bp.get("/subject-access")
@staff_required(*MANAGERS)
def subject_access():
    form = ChildSearchForm(formdata=request.args, meta={"csrf": False})
    searched = "name" in request.args
    found, errors = [], {}
    if searched:
        if form.validate():
            found = records.find_children(form.name.data)
        else:
            errors = form_errors(form)
    return render_template(
        "staff/subject_access/search.html", form=form, searched=searched, found=found, errors=errors
    ), (400 if errors else 200)


@bp.post("/subject-access/<int:child_id>.zip")
@staff_required(*MANAGERS)
def subject_access_export(child_id: int):
    # A POST with the form's token: making the export writes an audit row, and a GET could
    # be set off by another site's link in a signed-in manager's name.
    if not ConfirmForm().validate_on_submit():
        abort(400)
    record = records.export_for(current_user, child_id)
    index = render_template("staff/subject_access/export.html", record=record)
    made_on = record.made_at.date().isoformat()
    return Response(
        records.as_zip(record, index),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="subject-access-{child_id}-{made_on}.zip"',
            "Cache-Control": "no-store",
        },
    )
