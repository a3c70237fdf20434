"""Retention: what is past its time is deleted, by `flask voice purge` (daily, from cron).

- A child's whole record, `RETAIN_CHILD_YEARS_AFTER_BIRTH` years after their date of birth:
  reviews, submissions and answers, links and their sessions, circle, invitations and
  messages, alerts and what was done, and the audit rows about them.
- A circle member's name and contact details, `RETAIN_CIRCLE_MEMBER_YEARS` after the date of
  the child's last review they were part of (invited to, or answered for), or after they
  were added if they never were. Their row stays as "Removed" with the relationship, so
  what they said stays in the child's record, read as "Removed (Mother)": the relationship
  is about the child, not personal data of the member. Their messages lose the address and
  the words, and they leave the circle.
- Drafts never sent, `RETAIN_DRAFT_DAYS` after they last changed.
- The words of sent messages, `RETAIN_MESSAGE_BODY_DAYS` after they went: the row stays,
  as the record of what kind of message went where and when.
- What staff sign-ins leave behind, `RETAIN_STAFF_SESSION_DAYS` after it was last of use:
  ended or run-out staff sessions (each with an IP address and a browser), the count of
  failed sign-ins for an address with no failure for that long (and no lock still on),
  and set-up and reset links used or run out, with the emails that carried them.

Each run is safe to repeat: what was purged no longer matches. Work goes in chunks, each
its own transaction, so a council's first run never holds one giant transaction. Every
thing purged writes one audit row with nothing personal in it (see audit.record_system).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import String, and_, case, cast, delete, exists, func, literal, or_, select, union_all, update

from voice_app import schedule
from voice_app.data import audit
from voice_app.data.database import db, rows_changed
from voice_app.models import (
    AccessLink,
    Alert,
    AlertAction,
    Answer,
    AuditEvent,
    Child,
    CircleMember,
    Invitation,
    LinkSession,
    Message,
    Review,
    SignInAttempts,
    StaffSession,
    StaffToken,
    Submission,
    utcnow,
)
from voice_app.vocabulary import ActorKind, MessageStatus, SubmissionStatus

BATCH_SIZE = 200
REMOVED_NAME = "Removed"
REMOVED_RECIPIENT = "removed "  # and the message's id
BODY_REMOVED = "[The words of this message were removed at the end of their retention.]"


@dataclass
class PurgeReport:
    child_records: int = 0
    circle_members: int = 0
    drafts: int = 0
    message_bodies: int = 0
    staff_sessions: int = 0
    sign_in_attempts: int = 0
    staff_links: int = 0


def purge_due(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> PurgeReport:
    """Delete everything past its retention, a chunk at a time; say how much went."""
    now = now or utcnow()
    today = now.date()
    config = current_app.config
    member_cutoff = schedule.years_before(today, config["RETAIN_CIRCLE_MEMBER_YEARS"])
    staff_cutoff = now - timedelta(days=config["RETAIN_STAFF_SESSION_DAYS"])
    return PurgeReport(
        child_records=_in_chunks(
            lambda: _children_due(
                schedule.years_before(today, config["RETAIN_CHILD_YEARS_AFTER_BIRTH"]), batch_size
            ),
            _delete_children,
        ),
        circle_members=_in_chunks(
            lambda: _members_due(member_cutoff, datetime.combine(member_cutoff, now.timetz()), batch_size),
            lambda rows: _remove_member_details(rows, now),
        ),
        drafts=_in_chunks(
            lambda: _drafts_due(now - timedelta(days=config["RETAIN_DRAFT_DAYS"]), batch_size),
            _delete_drafts,
        ),
        message_bodies=_in_chunks(
            lambda: _message_bodies_due(now - timedelta(days=config["RETAIN_MESSAGE_BODY_DAYS"]), batch_size),
            _remove_message_bodies,
        ),
        staff_sessions=_in_chunks(
            lambda: _staff_sessions_due(staff_cutoff, now, batch_size), _delete_staff_sessions
        ),
        sign_in_attempts=_in_chunks(
            lambda: _sign_in_attempts_due(staff_cutoff, now, batch_size), _delete_sign_in_attempts
        ),
        staff_links=_in_chunks(lambda: _staff_links_due(staff_cutoff, batch_size), _delete_staff_links),
    )


def _in_chunks(find: Callable[[], Sequence[Any]], purge: Callable[[Sequence[Any]], None]) -> int:
    """Find a chunk, purge it, commit; again until nothing is left. Returns how many."""
    done = 0
    seen: set[Any] = set()
    while True:
        rows = list(find())
        if not rows:
            return done
        if seen.intersection(rows):  # a purge that did not take would loop for ever
            raise RuntimeError("retention purge made no progress")
        seen.update(rows)
        try:
            purge(rows)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        done += len(rows)


# A child's whole record


def _children_due(born_on_or_before: date, limit: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Child.id).where(Child.date_of_birth <= born_on_or_before).order_by(Child.id).limit(limit)
        )
    )


def _delete_children(child_ids: Sequence[int]) -> None:
    reviews = select(Review.id).where(Review.child_id.in_(child_ids))
    submissions = select(Submission.id).where(Submission.child_id.in_(child_ids))
    links = select(AccessLink.id).where(AccessLink.child_id.in_(child_ids))
    invitations = select(Invitation.id).where(Invitation.child_id.in_(child_ids))
    alerts = select(Alert.id).where(Alert.child_id.in_(child_ids))
    with audit.purging():
        rows_changed(
            delete(AuditEvent).where(
                or_(
                    AuditEvent.child_id.in_(child_ids),
                    AuditEvent.review_id.in_(reviews),
                    AuditEvent.submission_id.in_(submissions),
                    and_(AuditEvent.actor_kind == ActorKind.LINK, AuditEvent.actor_id.in_(links)),
                )
            )
        )
    # Each table before those it points at.
    for statement in (
        delete(Message).where(or_(Message.invitation_id.in_(invitations), Message.alert_id.in_(alerts))),
        delete(AlertAction).where(AlertAction.alert_id.in_(alerts)),
        delete(Alert).where(Alert.child_id.in_(child_ids)),
        delete(LinkSession).where(LinkSession.link_id.in_(links)),
        delete(Answer).where(Answer.submission_id.in_(submissions)),
        delete(Submission).where(Submission.child_id.in_(child_ids)),
        delete(Invitation).where(Invitation.child_id.in_(child_ids)),
        delete(AccessLink).where(AccessLink.child_id.in_(child_ids)),
        delete(CircleMember).where(CircleMember.child_id.in_(child_ids)),
        delete(Review).where(Review.child_id.in_(child_ids)),
        delete(Child).where(Child.id.in_(child_ids)),
    ):
        rows_changed(statement)
    for _child in child_ids:
        audit.record_system("purged_child_record")  # no child id: nothing is left to point at


# A circle member's personal data


def _review_day():
    return func.coalesce(Review.held_on, Review.scheduled_for, Review.due_on)


def _members_due(last_review_on_or_before: date, added_before: datetime, limit: int) -> list[tuple[int, int]]:
    """(member id, child id) of members whose details are due to go, not yet removed."""
    part_of = union_all(
        select(Invitation.circle_member_id.label("member_id"), _review_day().label("day"))
        .join(Review, Review.id == Invitation.review_id)
        .where(Invitation.circle_member_id.is_not(None)),
        select(Submission.circle_member_id.label("member_id"), _review_day().label("day"))
        .join(Review, Review.id == Submission.review_id)
        .where(Submission.circle_member_id.is_not(None)),
    ).subquery()
    last = (
        select(part_of.c.member_id, func.max(part_of.c.day).label("last_day"))
        .group_by(part_of.c.member_id)
        .subquery()
    )
    already_removed = and_(
        CircleMember.name == REMOVED_NAME,
        CircleMember.email.is_(None),
        CircleMember.mobile.is_(None),
        CircleMember.removed_at.is_not(None),
    )
    rows = db.session.execute(
        select(CircleMember.id, CircleMember.child_id)
        .outerjoin(last, last.c.member_id == CircleMember.id)
        .where(
            ~already_removed,
            or_(
                last.c.last_day <= last_review_on_or_before,
                and_(last.c.last_day.is_(None), CircleMember.created_at <= added_before),
            ),
        )
        .order_by(CircleMember.id)
        .limit(limit)
    ).tuples()
    return list(rows)


def _remove_member_details(rows: Sequence[tuple[int, int]], now: datetime) -> None:
    member_ids = [member_id for member_id, _child_id in rows]
    their_messages = Message.invitation_id.in_(
        select(Invitation.id).where(Invitation.circle_member_id.in_(member_ids))
    )
    # Nothing more goes to an address that is about to be forgotten.
    rows_changed(
        update(Message)
        .where(their_messages, Message.status.in_([MessageStatus.QUEUED, MessageStatus.FAILED]))
        .values(status=MessageStatus.CANCELLED)
    )
    rows_changed(
        update(Message)
        .where(their_messages)
        # Each its own, since one message of a kind goes to each address of an invitation.
        .values(recipient=literal(REMOVED_RECIPIENT) + cast(Message.id, String), body=BODY_REMOVED, link=None)
    )
    # They leave the circle as `circle.remove_member` has them leave it: their personal
    # links stop (a link left working would still open their form), and so does any
    # session opened with one.
    their_links = select(AccessLink.id).where(AccessLink.circle_member_id.in_(member_ids))
    rows_changed(
        update(AccessLink)
        .where(AccessLink.circle_member_id.in_(member_ids), AccessLink.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    rows_changed(
        update(LinkSession)
        .where(LinkSession.link_id.in_(their_links), LinkSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    rows_changed(
        update(CircleMember)
        .where(CircleMember.id.in_(member_ids), CircleMember.removed_at.is_(None))
        .values(removed_at=now)
    )
    rows_changed(
        update(CircleMember)
        .where(CircleMember.id.in_(member_ids))
        .values(name=REMOVED_NAME, email=None, mobile=None)
    )
    for _member_id, child_id in rows:
        audit.record_system("purged_circle_member_details", child_id=child_id)


# Drafts never sent


def _drafts_due(unchanged_since: datetime, limit: int) -> list[tuple[int, int, int | None]]:
    changed_lately = exists().where(
        Answer.submission_id == Submission.id, Answer.updated_at >= unchanged_since
    )
    rows = db.session.execute(
        select(Submission.id, Submission.child_id, Submission.review_id)
        .where(
            Submission.status == SubmissionStatus.DRAFT,
            Submission.updated_at < unchanged_since,
            ~changed_lately,
        )
        .order_by(Submission.id)
        .limit(limit)
    ).tuples()
    return list(rows)


def _delete_drafts(rows: Sequence[tuple[int, int, int | None]]) -> None:
    draft_ids = [draft_id for draft_id, _child_id, _review_id in rows]
    # The audit rows stay, pointing nowhere (as when drafts were tidied in migration 0003);
    # an alert keeps its own copy of what the child wrote.
    with audit.purging():
        rows_changed(
            update(AuditEvent).where(AuditEvent.submission_id.in_(draft_ids)).values(submission_id=None)
        )
    rows_changed(update(Alert).where(Alert.submission_id.in_(draft_ids)).values(submission_id=None))
    rows_changed(delete(Answer).where(Answer.submission_id.in_(draft_ids)))
    rows_changed(delete(Submission).where(Submission.id.in_(draft_ids)))
    for _draft_id, child_id, review_id in rows:
        audit.record_system("purged_unsent_draft", child_id=child_id, review_id=review_id)


# The words of sent messages


def _message_bodies_due(sent_before: datetime, limit: int) -> list[tuple[int, int | None]]:
    rows = db.session.execute(
        select(Message.id, func.coalesce(Invitation.child_id, Alert.child_id))
        .outerjoin(Invitation, Invitation.id == Message.invitation_id)
        .outerjoin(Alert, Alert.id == Message.alert_id)
        .where(
            Message.status == MessageStatus.SENT, Message.sent_at < sent_before, Message.body != BODY_REMOVED
        )
        .order_by(Message.id)
        .limit(limit)
    ).tuples()
    return list(rows)


def _remove_message_bodies(rows: Sequence[tuple[int, int | None]]) -> None:
    message_ids = [message_id for message_id, _child_id in rows]
    rows_changed(
        update(Message)
        .where(Message.id.in_(message_ids))
        # A personal or set-up link goes with the words; an alert's link is a staff page,
        # no secret, and keeps the outbox leading to the alert.
        .values(body=BODY_REMOVED, link=case((Message.alert_id.is_(None), None), else_=Message.link))
    )
    for _message_id, child_id in rows:
        audit.record_system("purged_message_body", child_id=child_id)


# What staff sign-ins leave behind


def _staff_sessions_due(before: datetime, now: datetime, limit: int) -> list[int]:
    """Sessions ended, or run out (idle or too old) without being ended, before `before`.
    A session still in use is never one: it was seen within its idle time."""
    config = current_app.config
    ran_out = or_(
        StaffSession.last_seen_at < now - timedelta(minutes=config["STAFF_SESSION_IDLE_MINUTES"]),
        StaffSession.created_at < now - timedelta(hours=config["STAFF_SESSION_HOURS"]),
    )
    return list(
        db.session.scalars(
            select(StaffSession.id)
            .where(
                or_(StaffSession.ended_at.is_not(None), ran_out),
                func.coalesce(StaffSession.ended_at, StaffSession.last_seen_at) < before,
            )
            .order_by(StaffSession.id)
            .limit(limit)
        )
    )


def _delete_staff_sessions(session_ids: Sequence[int]) -> None:
    rows_changed(delete(StaffSession).where(StaffSession.id.in_(session_ids)))
    for _session_id in session_ids:
        audit.record_system("purged_staff_session")


def _sign_in_attempts_due(before: datetime, now: datetime, limit: int) -> list[int]:
    """Counts of failed sign-ins with no failure since `before` and no lock still on: the
    throttle has long stopped counting them, and a new failure starts a new row."""
    return list(
        db.session.scalars(
            select(SignInAttempts.id)
            .where(
                func.coalesce(SignInAttempts.last_failure_at, SignInAttempts.created_at) < before,
                or_(SignInAttempts.locked_until.is_(None), SignInAttempts.locked_until <= now),
            )
            .order_by(SignInAttempts.id)
            .limit(limit)
        )
    )


def _delete_sign_in_attempts(row_ids: Sequence[int]) -> None:
    rows_changed(delete(SignInAttempts).where(SignInAttempts.id.in_(row_ids)))
    for _row_id in row_ids:
        audit.record_system("purged_sign_in_attempts")


def _staff_links_due(before: datetime, limit: int) -> list[int]:
    """Set-up and reset links used, or run out unused, before `before`."""
    return list(
        db.session.scalars(
            select(StaffToken.id)
            .where(
                or_(
                    StaffToken.used_at < before,
                    and_(StaffToken.used_at.is_(None), StaffToken.expires_at < before),
                )
            )
            .order_by(StaffToken.id)
            .limit(limit)
        )
    )


def _delete_staff_links(token_ids: Sequence[int]) -> None:
    # The email that carried a link goes with it: a message is about exactly one thing
    # (the database holds that rule), and its link and words are of no use any more. What
    # was sent to whom stays in the audit trail ("Sent a link to set a password").
    rows_changed(delete(Message).where(Message.staff_token_id.in_(token_ids)))
    rows_changed(delete(StaffToken).where(StaffToken.id.in_(token_ids)))
    for _token_id in token_ids:
        audit.record_system("purged_staff_link")
