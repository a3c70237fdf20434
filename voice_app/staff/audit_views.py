"""The audit trail, readable: managers see every row, filtered by child, member of staff and
date; everyone else sees their own actions. As a page, or downloaded as CSV."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_login import current_user

from voice_app.data import audit
from voice_app.data.audit import TrailFilter
from voice_app.forms import form_errors
from voice_app.permissions import any_staff
from voice_app.staff import bp
from voice_app.staff.audit_forms import AuditFilterForm

_LAST_PAGE = 100_000


def _filters() -> tuple[AuditFilterForm, TrailFilter | None, dict[str, str]]:
    """The filters asked for in the address; a manager's include child and staff."""
    manager = audit.sees_everything(current_user)
    form = AuditFilterForm(
        formdata=request.args,
        meta={"csrf": False},
        staff_choices=audit.staff_to_filter_by() if manager else (),
    )
    if not manager:  # their own actions only: the child and staff filters are not theirs
        del form.child, form.child_id, form.staff
    if not form.validate():
        return form, None, form_errors(form)
    wanted = TrailFilter(
        child_id=form.parsed("child_id") if manager else None,
        child_name=(form.child.data or "").strip() or None if manager else None,
        staff_id=int(form.staff.data) if manager and form.staff.data else None,
        on_or_after=form.parsed("date_from"),
        on_or_before=form.parsed("date_to"),
    )
    return form, wanted, {}


def _page_number() -> int:
    page = request.args.get("page", default=1, type=int) or 1
    return min(max(page, 1), _LAST_PAGE)


def _filter_arguments() -> dict[str, str]:
    """The filters as they came, for the next page's and the CSV's addresses."""
    keep = ("child", "child_id", "staff", "date_from", "date_to")
    return {name: request.args[name] for name in keep if request.args.get(name)}


def _upto() -> int | None:
    upto = request.args.get("upto", type=int)
    return upto if upto is not None and 0 <= upto < 2**31 else None


@bp.get("/audit")
@any_staff
def audit_trail():
    form, wanted, errors = _filters()
    trail = None if wanted is None else audit.trail_page(current_user, wanted, _page_number(), _upto())
    return render_template(
        "staff/audit/trail.html",
        form=form,
        trail=trail,
        errors=errors,
        manager=audit.sees_everything(current_user),
        arguments=_filter_arguments(),
        pick_arguments={k: v for k, v in _filter_arguments().items() if k not in ("child", "child_id")},
    ), (400 if errors else 200)


@bp.get("/audit.csv")
@any_staff
def audit_trail_csv():
    form, wanted, errors = _filters()
    if wanted is None:
        return render_template(
            "staff/audit/trail.html",
            form=form,
            trail=None,
            errors=errors,
            manager=audit.sees_everything(current_user),
            arguments=_filter_arguments(),
            pick_arguments={},
        ), 400
    return Response(
        audit.trail_csv(current_user, wanted),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-trail.csv"'},
    )
