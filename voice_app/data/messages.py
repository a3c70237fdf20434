"""Sending queued messages through the configured sender, retrying failures, and cancelling
what must no longer go. A message is claimed before it is sent, so two overlapping runs
never both send it; a failure is recorded on the message and never raised at a page."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from voice_app.data import audit, children, links
from voice_app.data.database import after_commit, db, rows_changed
from voice_app.messaging.senders import current_sender
from voice_app.models import Alert, Child, Invitation, Message, StaffToken, StaffUser, utcnow
from voice_app.vocabulary import MessageKind, MessageStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
CLAIMED = MessageStatus.SENDING
STALE_CLAIM = timedelta(hours=1)
LINK_REMOVED = "[link removed]"


def _ready(now: datetime):
    """Messages waiting to go: queued, failed and due a retry, or claimed by a run that
    died part-way (after an hour, somebody else may take them)."""
    return or_(
        Message.status == MessageStatus.QUEUED,
        (Message.status == MessageStatus.FAILED) & (Message.next_attempt_at <= now),
        (Message.status == CLAIMED) & (Message.next_attempt_at <= now - STALE_CLAIM),
    )


def _claim(message_id: int, now: datetime) -> bool:
    """Take the message for this run; when two runs overlap only one gets it."""
    changed = rows_changed(
        update(Message)
        .where(Message.id == message_id, _ready(now), Message.attempts < MAX_ATTEMPTS)
        .values(status=CLAIMED, next_attempt_at=now)
    )
    db.session.commit()
    return changed == 1


def _forget_link(message: Message, revoke: bool) -> None:
    """Keep no working link in the database: remove it from the stored copy and, for a
    message that never reached anyone, stop the link itself. (An alert's link is a staff
    page, no secret: it stays, so the outbox still leads to the alert.)"""
    if not message.link or (message.invitation_id is None and message.staff_token_id is None):
        return
    if revoke and message.staff_token_id is not None:
        # A staff member's set-up or reset link: it runs out now (nobody used it).
        rows_changed(
            update(StaffToken)
            .where(StaffToken.id == message.staff_token_id, StaffToken.used_at.is_(None))
            .values(expires_at=utcnow())
        )
    elif revoke:
        links.stop_token(message.link.rsplit("/c/", 1)[-1])
    message.body = message.body.replace(message.link, LINK_REMOVED)
    message.link = None


def _still_wanted(message: Message) -> bool:
    """A message to someone since removed, or to an address since changed, must not go;
    nor a call to the managers about an alert someone has acted on meanwhile, nor a staff
    member's link that has been used, has run out or was replaced, or whose account was
    deactivated."""
    if message.staff_token is not None:
        token = message.staff_token
        return (
            token.used_at is None
            and token.expires_at > utcnow()
            and token.staff.is_active_account
            and message.recipient == token.staff.email
        )
    if message.alert is not None:
        return message.kind != MessageKind.ESCALATION or message.alert.first_action_at is None
    invitation = message.invitation
    assert invitation is not None  # a message is about an invitation, an alert or a staff link
    person = invitation.circle_member or invitation.child
    if invitation.circle_member is not None and invitation.circle_member.removed_at is not None:
        return False
    return message.recipient in (person.email, person.mobile)


def deliver_due(now: datetime | None = None, only_ids: list[int] | None = None) -> dict[str, int]:
    """Send every message that is due (or just `only_ids`)."""
    now = now or utcnow()
    sender = current_sender()
    query = select(Message.id).where(_ready(now), Message.attempts < MAX_ATTEMPTS).order_by(Message.id)
    if only_ids is not None:
        query = query.where(Message.id.in_(only_ids))
    counts = {"sent": 0, "failed": 0}
    for message_id in db.session.scalars(query).all():
        if not _claim(message_id, now):
            continue
        message = db.session.get_one(Message, message_id)
        if not _still_wanted(message):
            message.status = MessageStatus.CANCELLED
            _forget_link(message, revoke=True)
            db.session.commit()
            continue
        message.attempts += 1
        try:
            message.provider_reference = sender.send(message)
        except Exception as error:  # noqa: BLE001 -- SendFailed, or a sender broken in a way nobody foresaw
            message.status = MessageStatus.FAILED
            message.last_error = str(error)[:500]
            message.next_attempt_at = now + timedelta(minutes=15 * 2 ** (message.attempts - 1))
            if message.attempts >= MAX_ATTEMPTS and not sender.keeps_links:
                _forget_link(message, revoke=True)  # it will never go: its link must not linger
            counts["failed"] += 1
            log.warning("message %s not sent (attempt %s): %s", message.id, message.attempts, error)
        else:
            message.status = MessageStatus.SENT
            message.sent_at = utcnow()
            if not sender.keeps_links:
                _forget_link(message, revoke=False)
            counts["sent"] += 1
        db.session.commit()
    return counts


def cancel_unsent(invitation_ids: list[int]) -> None:
    """Cancel these invitations' messages that have not gone, and stop their links."""
    if not invitation_ids:
        return
    unsent = db.session.scalars(
        select(Message)
        .join(Invitation, Invitation.id == Message.invitation_id)
        .where(
            Message.invitation_id.in_(invitation_ids),
            Message.status.in_([MessageStatus.QUEUED, MessageStatus.FAILED, CLAIMED]),
        )
    ).all()
    for message in unsent:
        message.status = MessageStatus.CANCELLED
        _forget_link(message, revoke=True)


def deliver_after_commit(messages: list[Message]) -> None:
    """Try to send these messages as soon as the request that queued them has committed:
    whatever happens, the page has already done its work, and send-due retries what did
    not go."""
    ids = [message.id for message in messages]
    if not ids:
        return

    def deliver() -> None:
        try:
            deliver_due(only_ids=ids)
        except Exception:  # a broken sender must never break the IRO's page
            db.session.rollback()
            log.exception("sending messages failed; send-due will try again")

    after_commit(deliver)


OUTBOX_PAGE_SIZE = 50


def outbox_for(staff: StaffUser, page: int = 1) -> list[Message]:
    """Messages about the children this member of staff may see, newest first (each
    reading is audited: a message names who was asked)."""
    audit.record(staff, "viewed_outbox")
    return list(
        db.session.scalars(
            select(Message)
            .outerjoin(Invitation, Invitation.id == Message.invitation_id)
            .outerjoin(Alert, Alert.id == Message.alert_id)
            # An inner join: a staff member's set-up or reset link is about no child, so
            # it never shows here (the link would let anyone reading it take the account).
            .join(Child, Child.id == func.coalesce(Invitation.child_id, Alert.child_id))
            .where(children.visible_to(staff))
            .options(
                selectinload(Message.invitation).selectinload(Invitation.child),
                selectinload(Message.alert).selectinload(Alert.child),
            )
            .order_by(Message.id.desc())
            .limit(OUTBOX_PAGE_SIZE)
            .offset((page - 1) * OUTBOX_PAGE_SIZE)
        )
    )
