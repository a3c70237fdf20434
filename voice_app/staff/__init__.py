from flask import Blueprint, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from voice_app.vocabulary import StaffRole

bp = Blueprint("staff", __name__, url_prefix="/staff")


def _navigation() -> list[dict]:
    """The staff pages this person may open, for the bar under the header."""
    if not current_user.is_authenticated:
        return []
    role = current_user.role
    wanted = []
    if role == StaffRole.IRO:
        wanted.append(("staff.caseload", _l("Caseload")))
    if role == StaffRole.MANAGER:
        wanted.append(("staff.service_overview", _l("Overview")))
    if role in (StaffRole.MANAGER, StaffRole.ADMIN):
        wanted.append(("staff.children_records", _l("Children")))
    if current_user.administers:
        wanted.append(("staff.people", _l("Staff")))
    if role == StaffRole.MANAGER:
        wanted.append(("staff.audit_trail", _l("Audit trail")))
        wanted.append(("staff.subject_access", _l("Subject access")))
    else:
        wanted.append(("staff.audit_trail", _l("Your activity")))
    wanted.append(("staff.your_account", _l("Your account")))
    from flask import url_for

    return [
        {"href": url_for(endpoint), "text": text, "active": request.endpoint == endpoint}
        for endpoint, text in wanted
        if endpoint in current_app.view_functions
    ]


@bp.app_context_processor
def staff_navigation():
    return {"staff_navigation": _navigation}


from voice_app.staff import (  # noqa: E402,F401
    account_views,
    alert_views,
    audit_views,
    card_views,
    children_records_views,
    circle_views,
    invite_views,
    password_views,
    people_views,
    sign_in_views,
    subject_access_views,
    summary_views,
    views,
)
