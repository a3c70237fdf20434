"""Inviting the child and their circle to give views for a review, reminding those who have
not answered, and sending the messages. `flask voice send-due` runs `send_due` hourly; every
step is safe to repeat: an invitation is unique per review and person, a message per
invitation and kind, and a message is claimed before it is sent, so nobody gets the same
message twice."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from voice_app import links, schedule
from voice_app.extensions import db
from voice_app.models import (
    Channel,
    Child,
    CircleMember,
    Invitation,
    Message,
    MessageKind,
    MessageStatus,
    Review,
    Submission,
    SubmissionStatus,
    respondent_key,
    utcnow,
)
from voice_app.senders import current_sender

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
CLAIMED = "sending"


def channel_for(person: Child | CircleMember) -> Channel:
    """Email if we have it, else a text message, else a printed letter."""
    if person.email:
        return Channel.EMAIL
    if person.mobile:
        return Channel.SMS
    return Channel.LETTER


def _recipient(person: Child | CircleMember, channel: Channel) -> str:
    return person.email if channel == Channel.EMAIL else person.mobile


def message_text(kind: str, channel: str, link: str) -> str:
    """Nothing about the child: only the service's name and the person's link."""
    service = current_app.config["SERVICE_NAME"]
    if kind == MessageKind.REMINDER:
        text = _("%(service)s: a reminder to share your views before the review meeting.", service=service)
    else:
        text = _("%(service)s: you are invited to share your views before a review meeting.", service=service)
    if channel == Channel.SMS:
        return f"{text} {link}"
    return "\n\n".join(
        [text, _("Open your personal link to answer:"), link, _("This link is just for you. Please do not share it.")]
    )


def _member(invitation: Invitation) -> CircleMember | None:
    return invitation.circle_member


def _person(invitation: Invitation) -> Child | CircleMember:
    return invitation.circle_member or invitation.child


def get_or_create_invitation(
    review: Review, member: CircleMember | None, invited_by_id: int | None = None
) -> tuple[Invitation, bool]:
    key = respondent_key(member.id if member else None)
    existing = db.session.scalars(
        select(Invitation).where(Invitation.review_id == review.id, Invitation.respondent_key == key)
    ).first()
    if existing is not None:
        return existing, False
    person = member or db.session.get(Child, review.child_id)
    invitation = Invitation(
        review_id=review.id,
        child_id=review.child_id,
        circle_member_id=member.id if member else None,
        respondent_key=key,
        channel=channel_for(person),
        invited_by_id=invited_by_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(invitation)
    except IntegrityError:  # another run invited them a moment ago
        return get_or_create_invitation(review, member, invited_by_id)[0], False
    return invitation, True


def queue_message(invitation: Invitation, kind: MessageKind) -> Message | None:
    """Queue the invitation's message of this kind, once. Letters are printed, not queued."""
    channel = Channel(invitation.channel)
    if channel == Channel.LETTER:
        return None
    already = db.session.scalars(
        select(Message).where(Message.invitation_id == invitation.id, Message.kind == kind)
    ).first()
    if already is not None:
        return None
    person = _person(invitation)
    recipient = _recipient(person, channel)
    if not recipient:
        return None
    token = links.issue_link(
        invitation.child, invitation.circle_member_id, invitation.review_id if invitation.circle_member_id else None
    )
    url = links.public_url(token)
    message = Message(
        invitation_id=invitation.id, kind=kind, channel=channel, recipient=recipient,
        body=message_text(kind, channel, url), link=url,
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def invite(review: Review, members: list[CircleMember | None], invited_by_id: int | None = None) -> list[Invitation]:
    """Invite these people (None is the child) and queue their messages."""
    invitations = []
    for member in members:
        invitation, _created = get_or_create_invitation(review, member, invited_by_id)
        queue_message(invitation, MessageKind.INVITATION)
        invitations.append(invitation)
    return invitations


STALE_CLAIM = timedelta(hours=1)


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
    result = db.session.execute(
        update(Message)
        .where(Message.id == message_id, _ready(now))
        .values(status=CLAIMED, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_due(now: datetime | None = None) -> dict[str, int]:
    """Send every queued message, and retry failed ones whose time has come. A failure is
    recorded on the message and never raised: no page breaks because a message did not go."""
    now = now or utcnow()
    sender = current_sender()
    due_ids = db.session.scalars(
        select(Message.id).where(_ready(now), Message.attempts < MAX_ATTEMPTS).order_by(Message.id)
    ).all()
    counts = {"sent": 0, "failed": 0}
    for message_id in due_ids:
        if not _claim(message_id, now):
            continue
        message = db.session.get(Message, message_id)
        message.attempts += 1
        try:
            message.provider_reference = sender.send(message)
        except Exception as error:  # SendFailed, or a sender broken in a way nobody foresaw
            message.status = MessageStatus.FAILED
            message.last_error = str(error)[:500]
            message.next_attempt_at = now + timedelta(minutes=15 * 2 ** (message.attempts - 1))
            counts["failed"] += 1
            log.warning("message %s not sent (attempt %s): %s", message.id, message.attempts, error)
        else:
            message.status = MessageStatus.SENT
            message.sent_at = utcnow()
            if not sender.keeps_links and message.link:
                message.body = message.body.replace(message.link, "[link removed once sent]")
                message.link = None
            counts["sent"] += 1
        db.session.commit()
    return counts


def deliver_quietly() -> None:
    """Try to send now, from a page: whatever happens, the page carries on."""
    try:
        deliver_due()
    except Exception:  # a broken sender must never break the IRO's page
        db.session.rollback()
        log.exception("sending messages failed; send-due will try again")


@dataclass
class SendDueReport:
    invited: int = 0
    reminded: int = 0
    sent: int = 0
    failed: int = 0


def _reachable(person: Child | CircleMember) -> bool:
    return bool(person.email or person.mobile)


def send_due(today: date | None = None) -> SendDueReport:
    """Open consultations that are due, remind those who have not answered, send messages."""
    today = today or date.today()
    config = current_app.config
    opens_days = config["CONSULTATION_OPENS_WORKING_DAYS"]
    reminder_days = config["REMINDER_WORKING_DAYS"]
    report = SendDueReport()
    horizon = today + timedelta(days=opens_days * 2 + 14)  # past any run of holidays
    reviews = db.session.scalars(select(Review).where(Review.held_on.is_(None))).all()
    for review in reviews:
        day = review.date_or_due
        if not today <= day <= horizon:
            continue
        if today < schedule.working_days_before(day, opens_days):
            continue
        child = db.session.get(Child, review.child_id)
        members = db.session.scalars(
            select(CircleMember).where(CircleMember.child_id == child.id, CircleMember.removed_at.is_(None))
        ).all()
        for person, member in [(child, None)] + [(m, m) for m in members]:
            if not _reachable(person):
                continue
            invitation, created = get_or_create_invitation(review, member)
            if queue_message(invitation, MessageKind.INVITATION) is not None:
                report.invited += 1
        if today >= schedule.working_days_before(day, reminder_days):
            report.reminded += _remind(review)
        db.session.commit()
    delivered = deliver_due()
    report.sent, report.failed = delivered["sent"], delivered["failed"]
    return report


def _remind(review: Review) -> int:
    answered = set(
        db.session.scalars(
            select(Submission.circle_member_id).where(
                Submission.review_id == review.id, Submission.status == SubmissionStatus.SENT
            )
        ).all()
    )
    reminded = 0
    for invitation in db.session.scalars(select(Invitation).where(Invitation.review_id == review.id)):
        if invitation.circle_member_id in answered:
            continue
        if invitation.circle_member is not None and invitation.circle_member.removed_at is not None:
            continue
        if queue_message(invitation, MessageKind.REMINDER) is not None:
            reminded += 1
    return reminded
