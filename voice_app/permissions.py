"""Who may open which page: the one place that decides it.

Every view names who it is for with exactly one of these decorators:
- `public` (anyone: the home page, help, sign-in);
- `staff_required(*roles)` (a signed-in member of staff with one of these roles; anyone
  else signed in gets "Page not found", so a page's existence is not given away);
- `administrators_required` (whoever runs staff accounts: an administrator, or a manager
  given that right; see StaffUser.administers);
- `record_keepers_or_iros_if_allowed` (managers and administrators, and IROs too where
  the council lets IROs add children: adding and changing a child's details);
- `any_staff` (every signed-in member of staff: their own account and sessions);
- `child_link_required` / `respondent_link_required` (voice_app/auth.py: someone who opened
  a personal link of that kind).
Each decorator marks the view with `access`, and tests/integration/test_permissions.py walks
the URL map and fails for any endpoint without a mark. Which children a member of staff
sees within their pages is decided by `data.children.visible_to`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, url_for
from flask_login import current_user

from voice_app.extensions import login_manager
from voice_app.vocabulary import StaffRole

PUBLIC = "public"
ADMINISTRATORS = "administrators"
ANY_STAFF = "any staff"
CHILD_LINK = "child link"
RESPONDENT_LINK = "respondent link"
RECORD_KEEPERS_OR_IROS_IF_ALLOWED = "record keepers, or IROs where IROS_MAY_ADD_CHILDREN"

# Who works with children's views, and who sees the service's figures.
IROS = (StaffRole.IRO,)
MANAGERS = (StaffRole.MANAGER,)
ADMINS = (StaffRole.ADMIN,)
# Who keeps children's records (adding, importing, moving, leaving care): never their words.
RECORD_KEEPERS = (StaffRole.MANAGER, StaffRole.ADMIN)

# Where each role lands after signing in.
LANDING = {
    StaffRole.IRO: "staff.caseload",
    StaffRole.MANAGER: "staff.service_overview",
    StaffRole.ADMIN: "staff.people",
}


def mark(view: Callable[..., Any], access: str | tuple[str, ...]) -> Callable[..., Any]:
    view.access = access  # type: ignore[attr-defined]
    return view


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    return mark(view, PUBLIC)


def has_role(user: Any, roles: tuple[str, ...]) -> bool:
    return bool(user.is_authenticated and user.role in roles)


def staff_required(*roles: StaffRole) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    if not roles:
        raise ValueError("staff_required needs at least one role")

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return mark(wrapper, tuple(roles))

    return decorator


def _signed_in_staff(
    allowed: Callable[[Any], bool], access: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not allowed(current_user):
                abort(404)
            return view(*args, **kwargs)

        return mark(wrapper, access)

    return decorator


administrators_required = _signed_in_staff(lambda user: user.administers, ADMINISTRATORS)
any_staff = _signed_in_staff(lambda user: True, ANY_STAFF)


def _may_add_children(user: Any) -> bool:
    if user.role in RECORD_KEEPERS:
        return True
    return bool(user.role == StaffRole.IRO and current_app.config.get("IROS_MAY_ADD_CHILDREN"))


# Adding a child and changing their details: managers and administrators, and an IRO only
# where the council has switched IROS_MAY_ADD_CHILDREN on (which children an IRO may then
# change, their own caseload only, is `data.children.records_of`).
record_keepers_or_iros_if_allowed = _signed_in_staff(_may_add_children, RECORD_KEEPERS_OR_IROS_IF_ALLOWED)


def landing_url(user: Any) -> str:
    """The signed-in person's home page, or the sign-in page."""
    if user.is_authenticated and user.role in LANDING:
        return url_for(LANDING[user.role])
    return url_for("staff.sign_in")
