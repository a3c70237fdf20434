"""The audit trail: who looked at or changed a child's views, and when. Rows are only
ever added (audit_guard.py holds that rule), except by the retention purge.

Read back in words: managers see every row, filtered by child, member of staff and date;
everyone else sees their own actions."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from voice_app.data.audit_guard import AuditRowsStay, purging
from voice_app.data.database import db
from voice_app.models import AccessLink, AuditEvent, Child, CircleMember, StaffUser
from voice_app.vocabulary import RELATIONSHIPS, ActorKind, Role, StaffRole

__all__ = ["AuditRowsStay", "purging"]

# The service acting by itself (the retention purge) is nobody: its rows say SYSTEM, with
# an id no account or link can have (ids start at 1).
SYSTEM_ACTOR_ID = 0

PAGE_SIZE = 50
CSV_CHUNK = 500
LONDON = ZoneInfo("Europe/London")

# What each action means, as the trail shows it. An action not listed shows as written.
ACTION_WORDS = {
    "viewed_consultation_summary": _l("Read the consultation summary"),
    "viewed_meeting_summary": _l("Read the summary for the meeting"),
    "viewed_outbox": _l("Read the messages sent"),
    "viewed_alert": _l("Read an alert"),
    "acted_on_alert": _l("Recorded what was done about an alert"),
    "asked_for_help_now": _l("Asked for help now"),
    "invited_people": _l("Invited people to give their views"),
    "printed_letter": _l("Printed a letter with a personal link"),
    "printed_card": _l("Printed a card with the child's link"),
    "sent_link_again": _l("Sent the child's link again"),
    "stopped_personal_links": _l("Stopped the child's personal link"),
    "added_circle_member": _l("Added someone to the child's circle"),
    "changed_circle_member": _l("Changed someone in the child's circle"),
    "removed_circle_member": _l("Removed someone from the child's circle"),
    "changed_child_contact": _l("Changed where the child's invitations go"),
    "child_viewed_own_answers": _l("Looked at their own answers"),
    "respondent_viewed_own_answers": _l("Looked at their own answers"),
    "reset_second_factor": _l("Reset a colleague's second factor"),
    "added_staff": _l("Added a member of staff"),
    "changed_staff": _l("Changed a member of staff's role or team"),
    "deactivated_staff": _l("Deactivated a member of staff's account"),
    "reactivated_staff": _l("Reactivated a member of staff's account"),
    "sent_set_up_link": _l("Sent a link to set a password"),
    "sent_reset_link": _l("Sent a link to reset a password"),
    "created_by_command": _l("Created as the first administrator"),
    "new_link_by_command": _l("Got a new set-up link from the command line"),
    "asked_for_password_reset": _l("Asked for a password reset link"),
    "set_password": _l("Set their password"),
    "reset_password": _l("Chose a new password from a reset link"),
    "changed_password": _l("Changed their password"),
    "set_up_second_factor": _l("Set up their second factor"),
    "made_recovery_codes": _l("Made new recovery codes"),
    "used_a_recovery_code": _l("Signed in with a recovery code"),
    "ended_a_session": _l("Ended one of their sessions"),
    "signed_out_everywhere": _l("Signed out everywhere"),
    "viewed_child_record": _l("Read a child's record (their details, not their words)"),
    "added_child": _l("Added a child"),
    "changed_child_details": _l("Changed a child's details"),
    "child_added_by_import": _l("Added a child by importing the council's files"),
    "child_changed_by_import": _l("Changed a child's record by importing the council's files"),
    "child_left_care": _l("Recorded that a child left care"),
    "moved_child_to_iro": _l("Moved a child to another IRO"),
    "linked_siblings": _l("Linked a child with their brothers and sisters"),
    "unlinked_siblings": _l("Unlinked a child from their brothers and sisters"),
    "viewed_audit_trail": _l("Read the audit trail"),
    "downloaded_audit_trail": _l("Downloaded the audit trail"),
    "exported_subject_access": _l("Exported everything held about a child"),
    "purged_child_record": _l("Deleted a child's whole record at the end of its retention"),
    "purged_circle_member_details": _l("Removed a circle member's name and contact details"),
    "purged_unsent_draft": _l("Deleted views that were never sent"),
    "purged_message_body": _l("Removed the words of a message that was sent"),
    "purged_staff_session": _l("Deleted a staff sign-in session that had ended"),
    "purged_sign_in_attempts": _l("Deleted a count of failed sign-ins no longer needed"),
    "purged_staff_link": _l("Deleted a used or expired staff link and its email"),
}

_LINK_WORDS = {
    Role.PARENT: _l("A parent's link"),
    Role.CARER: _l("A carer's link"),
    Role.PROFESSIONAL: _l("A professional's link"),
}


def record(
    actor: StaffUser | AccessLink,
    action: str,
    child_id: int | None = None,
    review_id: int | None = None,
    submission_id: int | None = None,
    about_staff_id: int | None = None,
) -> None:
    kind = ActorKind.LINK if isinstance(actor, AccessLink) else ActorKind.STAFF
    db.session.add(
        AuditEvent(
            actor_kind=kind,
            actor_id=actor.id,
            action=action,
            child_id=child_id,
            review_id=review_id,
            submission_id=submission_id,
            about_staff_id=about_staff_id,
            ip_address=request.remote_addr if has_request_context() else None,
        )
    )


def record_system(action: str, child_id: int | None = None, review_id: int | None = None) -> None:
    """Something the service did by itself (the retention purge), with nothing personal."""
    db.session.add(
        AuditEvent(
            actor_kind=ActorKind.SYSTEM,
            actor_id=SYSTEM_ACTOR_ID,
            action=action,
            child_id=child_id,
            review_id=review_id,
        )
    )


def action_in_words(action: str) -> str:
    return str(ACTION_WORDS.get(action, action))


# Reading the trail


@dataclass(frozen=True)
class TrailFilter:
    """What a manager narrowed the trail to; others only ever see their own actions."""

    child_id: int | None = None
    child_name: str | None = None  # part of a child's name, as typed
    staff_id: int | None = None
    on_or_after: date | None = None
    on_or_before: date | None = None


@dataclass
class TrailRow:
    when: datetime
    who: str
    what: str
    child_id: int | None
    child: str | None
    about_staff: str | None
    ip_address: str | None


@dataclass
class TrailPage:
    rows: list[TrailRow]
    page: int
    upto: int  # the newest row these pages show
    has_next: bool
    # The children a typed name matched, to pick one from (with their date of birth).
    children: list[Child] = field(default_factory=list)
    # The one child the trail is narrowed to, if it is.
    child: Child | None = None
    # A name was typed and no child's name holds it.
    no_child_matched: bool = False
    # A child's id was asked for (in the address) and no child has it.
    no_such_child: bool = False


def sees_everything(viewer: StaffUser) -> bool:
    return viewer.role == StaffRole.MANAGER


def children_named(typed: str, limit: int = 50) -> list[Child]:
    """Children whose name holds what was typed (any case), by name, with their IRO: for
    the managers' pages, which see the whole service."""
    full_name = func.lower(Child.first_name + " " + Child.last_name)
    return list(
        db.session.scalars(
            select(Child)
            .where(full_name.contains(" ".join(typed.lower().split()), autoescape=True))
            .options(joinedload(Child.iro))
            .order_by(Child.last_name, Child.first_name, Child.date_of_birth)
            .limit(limit)
        )
    )


def staff_to_filter_by() -> list[tuple[int, str]]:
    """Every member of staff, by name, for the managers' filter."""
    return [
        (person_id, name)
        for person_id, name in db.session.execute(
            select(StaffUser.id, StaffUser.name).order_by(StaffUser.name, StaffUser.id)
        ).tuples()
    ]


def _london_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON)


def _conditions(viewer: StaffUser, wanted: TrailFilter, child_ids: Sequence[int] | None) -> list:
    conditions: list[ColumnElement[bool]] = []
    if sees_everything(viewer):
        if child_ids is not None:
            conditions.append(AuditEvent.child_id.in_(child_ids))
        if wanted.staff_id is not None:
            conditions.append(
                and_(AuditEvent.actor_kind == ActorKind.STAFF, AuditEvent.actor_id == wanted.staff_id)
            )
    else:
        conditions.append(and_(AuditEvent.actor_kind == ActorKind.STAFF, AuditEvent.actor_id == viewer.id))
    # Dates as a person in England means them: a day starts at midnight in London.
    if wanted.on_or_after is not None:
        conditions.append(AuditEvent.created_at >= _london_midnight_utc(wanted.on_or_after))
    if wanted.on_or_before is not None:
        conditions.append(
            AuditEvent.created_at < _london_midnight_utc(wanted.on_or_before + timedelta(days=1))
        )
    return conditions


def _matching_children(viewer: StaffUser, wanted: TrailFilter) -> tuple[list[Child], list[int] | None]:
    """The children the trail is narrowed to (None: any child)."""
    if not sees_everything(viewer):
        return [], None
    if wanted.child_id is not None:
        child = db.session.get(Child, wanted.child_id)
        return ([child] if child else []), [wanted.child_id]
    if wanted.child_name:
        matched = children_named(wanted.child_name)
        return matched, [child.id for child in matched]
    return [], None


def _only_child(matched: Sequence[Child]) -> int | None:
    """The child a reading of the trail is about, for its own audit row: one that exists.
    An id typed into the address may be of no child (or of one since purged), and the row
    must not point at nothing; that trail is empty, and the row says no child."""
    return matched[0].id if len(matched) == 1 else None


def _newest_first(conditions: list) -> Select[tuple[AuditEvent]]:
    return select(AuditEvent).where(*conditions).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def _newest_id() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def trail_page(viewer: StaffUser, wanted: TrailFilter, page: int = 1, upto: int | None = None) -> TrailPage:
    """One page of the trail, newest first, in words. Reading it is audited too.

    The pages are of the trail as it was when the first was read (rows up to `upto`): rows
    added since, this reading among them, would otherwise push a row onto the next page
    twice."""
    matched, child_ids = _matching_children(viewer, wanted)
    upto = _newest_id() if upto is None else upto
    events = list(
        db.session.scalars(
            _newest_first([*_conditions(viewer, wanted, child_ids), AuditEvent.id <= upto])
            .limit(PAGE_SIZE + 1)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    record(viewer, "viewed_audit_trail", child_id=_only_child(matched))
    return TrailPage(
        rows=in_words(events[:PAGE_SIZE]),
        page=page,
        upto=upto,
        has_next=len(events) > PAGE_SIZE,
        children=matched if len(matched) > 1 else [],
        child=matched[0] if len(matched) == 1 else None,
        no_child_matched=child_ids == [] and wanted.child_id is None,
        no_such_child=wanted.child_id is not None and not matched,
    )


def in_words(events: Sequence[AuditEvent]) -> list[TrailRow]:
    """Each row as a person reads it, with every name loaded here in a fixed number of
    queries (the page's template runs none)."""
    staff_ids = {e.actor_id for e in events if e.actor_kind == ActorKind.STAFF}
    staff_ids |= {e.about_staff_id for e in events if e.about_staff_id is not None}
    link_ids = {e.actor_id for e in events if e.actor_kind == ActorKind.LINK}
    child_ids = {e.child_id for e in events if e.child_id is not None}
    staff_names: dict[int, str] = {}
    if staff_ids:
        staff_names = dict(
            db.session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(staff_ids)))
            .tuples()
            .all()
        )
    child_names: dict[int, str] = {}
    if child_ids:
        child_names = {
            child_id: f"{first} {last}"
            for child_id, first, last in db.session.execute(
                select(Child.id, Child.first_name, Child.last_name).where(Child.id.in_(child_ids))
            ).tuples()
        }
    link_relationships: dict[int, str | None] = {}
    if link_ids:
        link_relationships = dict(
            db.session.execute(
                select(AccessLink.id, CircleMember.relationship_key)
                .outerjoin(CircleMember, CircleMember.id == AccessLink.circle_member_id)
                .where(AccessLink.id.in_(link_ids))
            )
            .tuples()
            .all()
        )

    def who(event: AuditEvent) -> str:
        if event.actor_kind == ActorKind.LINK:
            relationship = link_relationships.get(event.actor_id)
            if relationship is None:
                return str(_l("The child's link"))
            return str(_LINK_WORDS[RELATIONSHIPS[relationship][1]])
        if event.actor_kind == ActorKind.SYSTEM:
            return str(_l("The retention purge (automatic)"))
        return staff_names.get(event.actor_id) or str(_l("Unknown member of staff"))

    return [
        TrailRow(
            when=event.created_at,
            who=who(event),
            what=action_in_words(event.action),
            child_id=event.child_id,
            child=child_names.get(event.child_id) if event.child_id is not None else None,
            about_staff=staff_names.get(event.about_staff_id) if event.about_staff_id is not None else None,
            ip_address=event.ip_address,
        )
        for event in events
    ]


# The trail as CSV

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str | None) -> str:
    """A cell a spreadsheet shows as text, never runs: one starting like a formula gets a
    leading apostrophe."""
    text = value or ""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_line(cells: Sequence[str | None]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([spreadsheet_safe(cell) for cell in cells])
    return out.getvalue()


def trail_csv(viewer: StaffUser, wanted: TrailFilter) -> Iterator[str]:
    """The whole filtered trail as CSV lines, newest first. Downloading it is audited now,
    in the request; the rows are read afterwards, a chunk at a time, each chunk in its own
    app context, so a long trail is streamed without holding the request open in memory."""
    matched, child_ids = _matching_children(viewer, wanted)
    # The trail as it is now: not the row this download adds, nor any added while it runs.
    conditions = [*_conditions(viewer, wanted, child_ids), AuditEvent.id <= _newest_id()]
    record(viewer, "downloaded_audit_trail", child_id=_only_child(matched))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    header = [
        str(_l("When (UK time)")),
        str(_l("Who")),
        str(_l("What")),
        str(_l("Child")),
        str(_l("About member of staff")),
        str(_l("IP address")),
    ]

    def lines() -> Iterator[str]:
        yield "\ufeff" + _csv_line(header)  # the mark tells a spreadsheet the file is UTF-8
        after: tuple[datetime, int] | None = None
        while True:
            with app.app_context():
                query = _newest_first(conditions)
                if after is not None:
                    older = AuditEvent.created_at < after[0]
                    query = query.where(
                        or_(older, and_(AuditEvent.created_at == after[0], AuditEvent.id < after[1]))
                    )
                events = list(db.session.scalars(query.limit(CSV_CHUNK)))
                if not events:
                    return
                after = (events[-1].created_at, events[-1].id)
                chunk = "".join(
                    _csv_line(
                        [
                            format_datetime(row.when, "yyyy-MM-dd HH:mm:ss"),
                            row.who,
                            row.what,
                            row.child,
                            row.about_staff,
                            row.ip_address,
                        ]
                    )
                    for row in in_words(events)
                )
            yield chunk

    return lines()
