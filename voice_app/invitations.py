"""Inviting the child and their circle to give views for a review, and reminding those who
have not answered. `flask voice send-due` runs `send_due` hourly; every step is safe to
repeat: an invitation is unique per review and person, a message per invitation, kind and
address, and delivery.py claims a message before sending it, so nobody gets the same
message twice."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from voice_app import links, reviews, schedule
from voice_app.data.database import db
from voice_app.delivery import cancel_unsent, deliver_due
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
)

log = logging.getLogger(__name__)


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
        [
            text,
            _("Open your personal link to answer:"),
            link,
            _("This link is just for you. Please do not share it."),
        ]
    )


def _person(invitation: Invitation) -> Child | CircleMember:
    return invitation.circle_member or invitation.child


def _answered(review_id: int) -> set[str]:
    """Respondent keys of everyone who has sent their views for this review."""
    return {
        respondent_key(member_id)
        for member_id in db.session.scalars(
            select(Submission.circle_member_id).where(
                Submission.review_id == review_id, Submission.status == SubmissionStatus.SENT
            )
        )
    }


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
    """Queue this kind of message for the person's current address, once per address.
    The channel follows their details as they are now: a letter becomes an email once an
    email address is added. Letters are printed, not queued."""
    person = _person(invitation)
    if isinstance(person, CircleMember) and person.removed_at is not None:
        return None
    channel = channel_for(person)
    invitation.channel = channel
    if channel == Channel.LETTER:
        return None
    recipient = _recipient(person, channel)
    already = db.session.scalars(
        select(Message.id).where(
            Message.invitation_id == invitation.id, Message.kind == kind, Message.recipient == recipient
        )
    ).first()
    if already is not None:
        return None
    try:
        with db.session.begin_nested():  # the link and the message stand or fall together
            token = links.issue_link(
                invitation.child,
                invitation.circle_member_id,
                invitation.review_id if invitation.circle_member_id else None,
            )
            url = links.public_url(token)
            message = Message(
                invitation_id=invitation.id,
                kind=kind,
                channel=channel,
                recipient=recipient,
                body=message_text(kind, channel, url),
                link=url,
            )
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def invite(
    review: Review, members: list[CircleMember | None], invited_by_id: int | None = None
) -> list[Message]:
    """Invite these people (None is the child) and queue their messages. Returns the
    messages queued, so the page can try to send just those at once."""
    queued = []
    for member in members:
        invitation, _created = get_or_create_invitation(review, member, invited_by_id)
        message = queue_message(invitation, MessageKind.INVITATION)
        if message is not None:
            queued.append(message)
    return queued


def contact_changed(child: Child, member: CircleMember | None) -> list[Message]:
    """Someone's email or mobile changed: messages not yet gone to the old address are
    cancelled, a member's old links stop (one may have gone to a wrong address), and open
    invitations go again to the new address."""
    if member is not None:
        links.revoke_member_links(member.id)
    key = respondent_key(member.id if member else None)
    open_invitations = db.session.scalars(
        select(Invitation)
        .join(Review, Review.id == Invitation.review_id)
        .where(Invitation.child_id == child.id, Invitation.respondent_key == key, Review.held_on.is_(None))
    ).all()
    cancel_unsent([invitation.id for invitation in open_invitations])
    return [
        message
        for invitation in open_invitations
        if invitation.respondent_key not in _answered(invitation.review_id)
        and (message := queue_message(invitation, MessageKind.INVITATION)) is not None
    ]


def member_removed(member: CircleMember) -> None:
    """Nothing more goes to someone removed from the circle, not even a retry."""
    links.revoke_member_links(member.id)
    invitation_ids = db.session.scalars(
        select(Invitation.id).where(Invitation.circle_member_id == member.id)
    ).all()
    cancel_unsent(list(invitation_ids))


def deliver_quietly(messages: list[Message]) -> None:
    """Try to send these messages now, from a page: whatever happens, the page carries on
    and send-due retries what did not go."""
    try:
        db.session.commit()
        deliver_due(only_ids=[message.id for message in messages])
    except Exception:  # a broken sender must never break the IRO's page
        db.session.rollback()
        log.exception("sending messages failed; send-due will try again")


@dataclass
class SendDueReport:
    invited: int = 0
    reminded: int = 0
    sent: int = 0
    failed: int = 0


def _open_consultations(today: date) -> list[Review]:
    """Reviews not yet held whose consultation is open today. Every child in care has a
    next review: one is created by the statutory rule where none is scheduled. An unbooked
    review counts from its due date, the latest lawful day."""
    for child in db.session.scalars(select(Child)).all():
        reviews.next_review(child)
    db.session.commit()
    opens_days = current_app.config["CONSULTATION_OPENS_WORKING_DAYS"]
    horizon = today + timedelta(days=opens_days * 2 + 14)  # past any run of bank holidays
    pending = db.session.scalars(select(Review).where(Review.held_on.is_(None))).all()
    return [
        review
        for review in pending
        if today <= review.date_or_due <= horizon
        and today >= schedule.working_days_before(review.date_or_due, opens_days)
    ]


def send_due(today: date | None = None) -> SendDueReport:
    """Open consultations that are due, remind those who have not answered, send messages."""
    today = today or date.today()
    reminder_days = current_app.config["REMINDER_WORKING_DAYS"]
    report = SendDueReport()
    for review in _open_consultations(today):
        child = db.session.get(Child, review.child_id)
        members = db.session.scalars(
            select(CircleMember).where(CircleMember.child_id == child.id, CircleMember.removed_at.is_(None))
        ).all()
        answered = _answered(review.id)
        for person, member in [(child, None), *[(m, m) for m in members]]:
            if (
                not (person.email or person.mobile)
                or respondent_key(member.id if member else None) in answered
            ):
                continue
            invitation, _created = get_or_create_invitation(review, member)
            if queue_message(invitation, MessageKind.INVITATION) is not None:
                report.invited += 1
        if today >= schedule.working_days_before(review.date_or_due, reminder_days):
            report.reminded += _remind(review, answered, today)
        db.session.commit()
    delivered = deliver_due()
    report.sent, report.failed = delivered["sent"], delivered["failed"]
    return report


def _remind(review: Review, answered: set[str], today: date) -> int:
    """Remind those who have not answered, if their invitation went at least two working
    days ago: never an invitation and a reminder on the same day."""
    settle_by = schedule.working_days_before(today, 2)
    reminded = 0
    for invitation in db.session.scalars(select(Invitation).where(Invitation.review_id == review.id)):
        if invitation.respondent_key in answered:
            continue
        invited_on = db.session.scalar(
            select(Message.sent_at)
            .where(
                Message.invitation_id == invitation.id,
                Message.kind == MessageKind.INVITATION,
                Message.status == MessageStatus.SENT,
            )
            .order_by(Message.sent_at)
        )
        if invited_on is None or invited_on.date() > settle_by:
            continue
        if queue_message(invitation, MessageKind.REMINDER) is not None:
            reminded += 1
    return reminded
