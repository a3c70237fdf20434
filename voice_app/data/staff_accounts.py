"""Running staff accounts: adding people, changing their role, deactivating and
reactivating them, and the one-time links with which they choose a password.

A link is a random token of which only the hash is kept (StaffToken). It works once
(`set_password_from_link` uses it in one guarded UPDATE, so two tabs cannot both) and until
STAFF_LINK_HOURS have passed; a newer link for the same person stops their older ones.
Nobody but the person ever chooses their password: there are no default passwords."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from flask import after_this_request, current_app, has_request_context
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from voice_app import password_policy
from voice_app.data import audit, second_factor, staff, staff_sessions
from voice_app.data.database import db, rows_changed, savepoint
from voice_app.data.errors import NotFound
from voice_app.data.messages import deliver_after_commit, deliver_due
from voice_app.messaging import staff_link_text
from voice_app.models import Message, StaffToken, StaffUser, hash_token, new_token, utcnow
from voice_app.vocabulary import Channel, MessageKind, SessionEnd, StaffRole, StaffTokenPurpose

LINK_PATH = "/staff/set-password?token="
KIND_OF_LINK = {
    StaffTokenPurpose.SET_UP: MessageKind.STAFF_SET_UP,
    StaffTokenPurpose.RESET: MessageKind.PASSWORD_RESET,
}
# "Forgotten your password?" answers no sooner than this, whether or not a link was queued,
# so how long it takes says nothing of whether the address has an account.
FORGOTTEN_PASSWORD_ANSWERS_AFTER = 0.25


class EmailInUse(Exception):
    """Another account has this email address (compared ignoring case)."""


class CannotChangeOwnAccount(Exception):
    """An administrator may not deactivate themselves or change their own role: another
    administrator must, so nobody locks themselves out by mistake."""


class LastAdministrator(Exception):
    """The change would leave nobody able to run staff accounts."""


class OnlyAnAdministrator(Exception):
    """Only an administrator gives or takes the administrator role or the right to run staff
    accounts, or changes an administrator's account: a manager trusted to run accounts runs
    IRO and manager accounts, so they can never make themselves, or anyone, more than that
    nor strip the real administrators."""


class NotActive(Exception):
    """The account is deactivated: reactivate it first."""


class LinkNotUsable(Exception):
    """The link is unknown, used, stopped or out of date, or its account is deactivated."""


class PasswordNotAllowed(Exception):
    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class StaffDetails:
    name: str
    email: str
    role: StaffRole
    team: str | None
    can_administer: bool  # only ever kept for a manager


def normalise_email(email: str) -> str:
    """Addresses are kept in lower case, so the database's unique index holds them unique
    ignoring case, even when two administrators add the same person at once."""
    return email.strip().lower()


def people() -> list[StaffUser]:
    """Every member of staff, for the administrators' list: active first, then by name."""
    return list(
        db.session.scalars(
            select(StaffUser).order_by(
                StaffUser.is_active_account.desc(), func.lower(StaffUser.name), StaffUser.id
            )
        )
    )


def person(staff_id: int) -> StaffUser:
    found = staff.get(staff_id)
    if found is None:
        raise NotFound(staff_id)
    return found


# Links


def link_url(token: str) -> str:
    """The link written in the message (PUBLIC_BASE_URL, not the request's host). The token
    is a query parameter named `token`, which the log filter hides from every log line."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}{LINK_PATH}{token}"


def link_key(token: str) -> str:
    """What a browser keeps of a link it opened: the token's hash, the key it is stored by."""
    return hash_token(token)


def _working_tokens(person: StaffUser):
    return (
        StaffToken.staff_id == person.id,
        StaffToken.used_at.is_(None),
        StaffToken.expires_at > utcnow(),
    )


def stop_links(person: StaffUser) -> None:
    """Every link of theirs not yet used stops now (it runs out, rather than being marked
    used: nobody used it)."""
    rows_changed(update(StaffToken).where(*_working_tokens(person)).values(expires_at=utcnow()))


def issue_link(
    person: StaffUser, purpose: StaffTokenPurpose, created_by: StaffUser | None = None
) -> tuple[StaffToken, str]:
    """A new link for this person, stopping their older ones. Returns the row and the token
    (which is never stored)."""
    stop_links(person)
    token = new_token()
    row = StaffToken(
        staff_id=person.id,
        purpose=purpose,
        token_hash=hash_token(token),
        expires_at=utcnow() + timedelta(hours=current_app.config["STAFF_LINK_HOURS"]),
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(row)
    db.session.flush()
    return row, token


def _send_link(person: StaffUser, purpose: StaffTokenPurpose, created_by: StaffUser | None = None) -> Message:
    """Issue a link and queue the email that carries it."""
    row, token = issue_link(person, purpose, created_by)
    url = link_url(token)
    kind = KIND_OF_LINK[purpose]
    message = Message(
        staff_token_id=row.id,
        kind=kind,
        channel=Channel.EMAIL,
        recipient=person.email,
        body=staff_link_text(kind, url, current_app.config["STAFF_LINK_HOURS"]),
        link=url,
    )
    db.session.add(message)
    db.session.flush()
    return message


def usable_link(token_hash: str) -> StaffToken | None:
    """The link with this hash, if it still works (read only: opening it uses nothing)."""
    return db.session.scalars(
        select(StaffToken)
        .join(StaffUser, StaffUser.id == StaffToken.staff_id)
        .where(
            StaffToken.token_hash == token_hash,
            StaffToken.used_at.is_(None),
            StaffToken.expires_at > utcnow(),
            StaffUser.is_active_account.is_(True),
        )
    ).first()


def set_password_from_link(token_hash: str, password: str) -> StaffUser:
    """The person behind a working link chooses their password. The link is used at once
    (only one request can), every session of theirs ends, and they sign in afresh."""
    link = usable_link(token_hash)
    if link is None:
        raise LinkNotUsable()
    person = link.staff
    problem = password_policy.problem_with(password, email=person.email, name=person.name)
    if problem is not None:
        raise PasswordNotAllowed(problem)
    used = rows_changed(
        update(StaffToken)
        .where(
            StaffToken.id == link.id,
            StaffToken.used_at.is_(None),
            StaffToken.expires_at > utcnow(),
        )
        .values(used_at=utcnow())
    )
    if used != 1:  # another request used it a moment ago
        raise LinkNotUsable()
    person.set_password(password)
    person.password_changed_at = utcnow()
    stop_links(person)
    staff_sessions.end_all_for(person, SessionEnd.PASSWORD_CHANGED)
    audit.record(
        person,
        "set_password" if link.purpose == StaffTokenPurpose.SET_UP else "reset_password",
        about_staff_id=person.id,
    )
    return person


def _deliver_after_response(messages: list[Message]) -> None:
    """Send once the answer has gone to the browser: a messaging service's round trip must
    not make "Forgotten your password?" slower for an address that has an account."""
    ids = [message.id for message in messages]
    if not has_request_context():
        deliver_after_commit(messages)
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def deliver() -> None:
        with app.app_context():
            try:
                deliver_due(only_ids=ids)
            except Exception:  # send-due tries again; the answer has gone already
                db.session.rollback()
                app.logger.exception("sending a reset link failed; send-due will try again")

    @after_this_request
    def later(response):
        response.call_on_close(deliver)
        return response


def ask_for_reset(email: str, answers_after: float = FORGOTTEN_PASSWORD_ANSWERS_AFTER) -> None:
    """ "Forgotten your password?": a reset link for an active account with this address,
    and nothing for any other; either way the same answer, in about the same time."""
    started = time.monotonic()
    person = staff.find_by_email(normalise_email(email))
    if person is not None and person.is_active_account:
        message = _send_link(person, StaffTokenPurpose.RESET)
        audit.record(person, "asked_for_password_reset", about_staff_id=person.id)
        db.session.flush()
        _deliver_after_response([message])
    time.sleep(max(0.0, answers_after - (time.monotonic() - started)))


# Administration


def _other_active_administrators(person: StaffUser) -> int:
    """How many other active administrators there are, with their rows locked until the
    request's transaction ends: two administrators deactivating (or demoting) each other
    at once would otherwise each count the other, and leave none.

    On PostgreSQL the rows are locked FOR UPDATE, so a twin request waits here and then
    counts what the first wrote. SQLite locks the whole database instead: `savepoint` opens
    the transaction with BEGIN IMMEDIATE (a write lock) before the count, if no write has
    taken it yet. The rows are read afresh (populate_existing), not from the session."""
    with savepoint():
        administrators = db.session.scalars(
            select(StaffUser)
            .where(StaffUser.role == StaffRole.ADMIN, StaffUser.is_active_account.is_(True))
            .order_by(StaffUser.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        db.session.refresh(person)
    return sum(1 for administrator in administrators if administrator.id != person.id)


def _refuse_if_it_locks_out(admin: StaffUser, person: StaffUser) -> None:
    """Nobody deactivates or demotes themselves, and the service always keeps one active
    administrator (a manager's right to run accounts can be taken away; theirs cannot)."""
    if person.id == admin.id:
        raise CannotChangeOwnAccount()
    if person.role == StaffRole.ADMIN:
        others = _other_active_administrators(person)  # locks, and reads `person` afresh
        if person.is_active_account and others == 0:
            raise LastAdministrator()


def _administers(role: StaffRole, can_administer: bool) -> bool:
    return role == StaffRole.MANAGER and can_administer


def _refuse_unless_an_administrator(actor: StaffUser, person: StaffUser) -> None:
    """A manager trusted to run accounts runs IRO and manager accounts only."""
    if actor.role != StaffRole.ADMIN and person.role == StaffRole.ADMIN:
        raise OnlyAnAdministrator()


def may_run(actor: StaffUser, person: StaffUser) -> bool:
    """Whether this person's account is the actor's to change (for the pages' words)."""
    return actor.role == StaffRole.ADMIN or person.role != StaffRole.ADMIN


def add_person(admin: StaffUser, details: StaffDetails) -> StaffUser:
    """A new active account without a password; its set-up link goes by email."""
    if admin.role != StaffRole.ADMIN and (
        details.role == StaffRole.ADMIN or _administers(details.role, details.can_administer)
    ):
        raise OnlyAnAdministrator()
    email = normalise_email(details.email)
    if staff.find_by_email(email) is not None:
        raise EmailInUse()
    person = StaffUser(
        email=email,
        name=details.name.strip(),
        role=details.role,
        team=(details.team or "").strip() or None,
        can_administer=details.role == StaffRole.MANAGER and details.can_administer,
    )
    try:
        with savepoint():
            db.session.add(person)
    except IntegrityError:  # added by someone else a moment ago
        raise EmailInUse() from None
    audit.record(admin, "added_staff", about_staff_id=person.id)
    deliver_after_commit([_send_link(person, StaffTokenPurpose.SET_UP, created_by=admin)])
    return person


def change_person(
    admin: StaffUser,
    person: StaffUser,
    role: StaffRole,
    team: str | None,
    can_administer: bool | None,
) -> None:
    """A new role, team or right to run staff accounts (None: the right stays as it is, for
    a manager trusted to run accounts, who is not shown the tick). A change of what they
    may open ends their sessions, so it takes effect at once."""
    had_right = _administers(person.role, person.can_administer)
    can_administer = _administers(role, had_right if can_administer is None else can_administer)
    rights_change = role != person.role or can_administer != person.can_administer
    if rights_change:
        if person.id == admin.id:
            raise CannotChangeOwnAccount()
        if role != StaffRole.ADMIN:
            _refuse_if_it_locks_out(admin, person)
    _refuse_unless_an_administrator(admin, person)
    if admin.role != StaffRole.ADMIN and (role == StaffRole.ADMIN or can_administer != had_right):
        raise OnlyAnAdministrator()
    person.role = role
    person.can_administer = can_administer
    person.team = (team or "").strip() or None
    if rights_change:
        staff_sessions.end_all_for(person, SessionEnd.ROLE_CHANGED)
    audit.record(admin, "changed_staff", about_staff_id=person.id)


def deactivate(admin: StaffUser, person: StaffUser) -> None:
    """They can no longer sign in, their sessions end now, and their unused links stop."""
    if not person.is_active_account:
        return
    _refuse_if_it_locks_out(admin, person)
    _refuse_unless_an_administrator(admin, person)
    person.is_active_account = False
    stop_links(person)
    staff_sessions.end_all_for(person, SessionEnd.DEACTIVATED)
    audit.record(admin, "deactivated_staff", about_staff_id=person.id)


def reactivate(admin: StaffUser, person: StaffUser) -> None:
    _refuse_unless_an_administrator(admin, person)
    if person.is_active_account:
        return
    person.is_active_account = True
    audit.record(admin, "reactivated_staff", about_staff_id=person.id)


def send_new_link(admin: StaffUser, person: StaffUser) -> Message:
    """A new set-up link (a reset link once they have a password), stopping older ones."""
    _refuse_unless_an_administrator(admin, person)
    if not person.is_active_account:
        raise NotActive()
    purpose = StaffTokenPurpose.RESET if person.password_hash else StaffTokenPurpose.SET_UP
    message = _send_link(person, purpose, created_by=admin)
    audit.record(admin, f"sent_{purpose}_link", about_staff_id=person.id)
    deliver_after_commit([message])
    return message


def reset_second_factor(admin: StaffUser, person: StaffUser) -> None:
    _refuse_unless_an_administrator(admin, person)
    second_factor.reset_for(admin, person)


# The first administrator (`flask voice create-admin`)


@dataclass(frozen=True)
class FirstAdministrator:
    person: StaffUser
    url: str
    created: bool  # False: an administrator not yet set up got a new link


def create_admin(email: str, name: str | None = None) -> FirstAdministrator:
    """An active administrator without a password, and a link for them to choose one
    (printed, not sent: there may be no messaging service yet). Run again for an
    administrator who has not yet used their link, it gives a new link; for any other
    existing address it refuses."""
    email = normalise_email(email)
    existing = staff.find_by_email(email)
    if existing is not None:
        if existing.role != StaffRole.ADMIN or existing.password_hash or not existing.is_active_account:
            raise EmailInUse()
        _row, token = issue_link(existing, StaffTokenPurpose.SET_UP)
        audit.record(existing, "new_link_by_command", about_staff_id=existing.id)
        return FirstAdministrator(existing, link_url(token), created=False)
    person = StaffUser(email=email, name=(name or "").strip() or "Administrator", role=StaffRole.ADMIN)
    db.session.add(person)
    db.session.flush()
    _row, token = issue_link(person, StaffTokenPurpose.SET_UP)
    # Nobody is signed in to a command: the new account is recorded as the actor.
    audit.record(person, "created_by_command", about_staff_id=person.id)
    return FirstAdministrator(person, link_url(token), created=True)
