"""Who is asking: a signed-in member of staff (Flask-Login) or a person who opened a
personal link (a session held on the server, checked again on every request).

Never both: a browser signed in as staff opens no child's or parent's page, and starts no
link session (a link, a sign-in code), so nothing a child sees or sends is ever done by
staff in their name. Staff give a child their link by card or message instead."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from voice_app.data import links, staff_sessions
from voice_app.extensions import login_manager
from voice_app.permissions import CHILD_LINK, RESPONDENT_LINK, landing_url, mark
from voice_app.vocabulary import SessionEnd

LINK_SESSION_KEY = "link_id"
SEEN_KEY = "link_seen"
# A staff sign-in's key: the cookie holds it, the server only its hash (data.staff_sessions).
STAFF_SESSION_KEY = "staff_key"


def init_login(app: Flask) -> None:
    login_manager.login_view = "staff.sign_in"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_staff(user_id: str):
        # Only a session the server still holds signs anyone in: a copy of a cookie whose
        # session has ended (signed out, everywhere, a new password...) is nobody.
        key = session.get(STAFF_SESSION_KEY)
        if not isinstance(key, str):
            return None
        row = staff_sessions.live(key)
        if row is None or str(row.staff_id) != user_id:
            return None
        g.staff_session = row
        return row.staff

    @login_manager.unauthorized_handler
    def unauthorised():
        return redirect(url_for("staff.sign_in", next=request.path))

    @app.context_processor
    def staff_home():
        return {"staff_home_url": lambda: landing_url(current_user)}


def start_link_session(link) -> None:
    # A new session for a new person: whoever used this browser before is signed out. The
    # cookie holds only a random key; the session itself is on the server (ended by "Leave
    # this page quickly", by staff stopping the link, or by the link running out).
    # The form token stays: a page already open in another tab ("Tell my IRO now", say)
    # must still send when the child taps their link again.
    csrf_token = session.get("csrf_token")
    end_link_session()
    if csrf_token:
        session["csrf_token"] = csrf_token
    session[LINK_SESSION_KEY] = links.start_session(link)
    session[SEEN_KEY] = int(time.time())


def end_link_session() -> None:
    key = session.get(LINK_SESSION_KEY)
    if isinstance(key, str):
        links.end_session(key)
    session.clear()


def _session_is_idle() -> bool:
    idle_seconds = current_app.config["LINK_SESSION_IDLE_MINUTES"] * 60
    return int(time.time()) - session.get(SEEN_KEY, 0) > idle_seconds


def per_link_session() -> str:
    """A rate-limit key for one child's session, not their address: children in one home or
    school share an address, and one child pressing "Tell my IRO now" must never use up
    another's. The session key is hashed, so the limiter's store holds no working key."""
    key = session.get(LINK_SESSION_KEY)
    if isinstance(key, str):
        return "link-session:" + hashlib.sha256(key.encode()).hexdigest()
    return "address:" + (request.remote_addr or "")


def current_link():
    """The personal link this browser opened, while it still works, or None."""
    key = session.get(LINK_SESSION_KEY)
    if not isinstance(key, str):  # none, or a cookie from before sessions were kept here
        return None
    if _session_is_idle():
        # Phones are shared: after a while without a page, the link must be opened again,
        # and the session ends on the server too (a copied cookie is as stale). The server
        # keeps its own time of last use and the longest a session lasts
        # (links.link_of_session): this stamp is only what the browser sends back.
        end_link_session()
        return None
    session[SEEN_KEY] = int(time.time())
    if "current_link" not in g:
        link = links.link_of_session(key)
        # A link replaced by a newer one keeps the session it started; a stopped one does not.
        g.current_link = link if link is not None and link.keeps_session() else None
    return g.current_link


STAFF_SIGNED_IN = "child/staff_signed_in.html"


def refusal_for_staff(for_child: bool = True) -> tuple[str, int] | None:
    """The page a browser signed in as staff (or halfway, before the second factor) gets
    instead of a child's or a parent's page (with a button to sign out), or None for
    anyone else."""
    if current_user.is_authenticated or half_signed_in() is not None:
        return render_template(STAFF_SIGNED_IN, for_child=for_child), 403
    return None


def refuses_staff(view: Callable[..., Any]) -> Callable[..., Any]:
    """For the pages that start a link session: opening a link, typing a sign-in code."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return refusal_for_staff() or view(*args, **kwargs)

    return wrapper


def _link_of_kind(childs: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            refusal = refusal_for_staff(for_child=childs)
            if refusal is not None:
                return refusal
            link = current_link()
            if link is None:
                return redirect(url_for("child.link_needed"))
            if link.is_childs != childs:
                # A parent's link never opens the child's pages, nor the other way round.
                return redirect(url_for("child.start" if link.is_childs else "respond.start"))
            return view(*args, **kwargs)

        return mark(wrapper, CHILD_LINK if childs else RESPONDENT_LINK)

    return decorator


child_link_required = _link_of_kind(childs=True)
respondent_link_required = _link_of_kind(childs=False)


# Staff sessions.


def start_staff_session(person, *, complete: bool) -> None:
    """A right password: a new session from scratch (whatever this browser held before is
    gone, so nobody can plant a session for someone else to sign into). `complete` when no
    second factor is asked for; otherwise the session waits for it."""
    earlier = session.get(STAFF_SESSION_KEY)
    if isinstance(earlier, str):  # a sign-in left halfway: it ends, copies of it too
        staff_sessions.end(earlier, SessionEnd.SIGNED_OUT)
    session.clear()
    key = staff_sessions.start(
        person,
        complete=complete,
        user_agent=request.user_agent.string,
        ip_address=request.remote_addr,
    )
    session[STAFF_SESSION_KEY] = key
    session.permanent = True
    if complete:
        login_user(person)


def half_signed_in():
    """The session of a person whose password was right and whose second factor is still
    to come, or None."""
    if "half_signed_in" not in g:
        key = session.get(STAFF_SESSION_KEY)
        g.half_signed_in = staff_sessions.half_signed_in(key) if isinstance(key, str) else None
    return g.half_signed_in


def complete_staff_session(pending) -> None:
    """The second factor is done: the session opens staff pages, under a new key."""
    person = pending.staff
    key = staff_sessions.complete_second_factor(pending)
    session.clear()
    session[STAFF_SESSION_KEY] = key
    session.permanent = True
    login_user(person)
    g.pop("half_signed_in", None)


def current_staff_session():
    """The server's row for this browser's staff sign-in (loaded with the person)."""
    current_user._get_current_object()  # loads the person, and with them the session row
    return g.get("staff_session")


def rotate_staff_session() -> None:
    """A new key for this browser's session (after a new password): older copies stop."""
    row = current_staff_session()
    if row is not None:
        session[STAFF_SESSION_KEY] = staff_sessions.rotate(row)


def end_staff_session(reason: SessionEnd = SessionEnd.SIGNED_OUT) -> None:
    key = session.get(STAFF_SESSION_KEY)
    if isinstance(key, str):
        staff_sessions.end(key, reason)
    logout_user()
    session.clear()
