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
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from voice_app import schedule
from voice_app.consultation import Person
from voice_app.data import alerts, audit, consultation, links, reviews
from voice_app.data.database import db, savepoint
from voice_app.data.errors import NotFound
from voice_app.data.messages import cancel_unsent, deliver_after_commit, deliver_due
from voice_app.messaging import channel_for, message_text, recipient
from voice_app.models import Child, CircleMember, Invitation, Message, Review, StaffUser, Submission
from voice_app.questions.child_message import CHILD_MESSAGE
from voice_app.vocabulary import Channel, MessageKind, MessageStatus, SubmissionStatus, respondent_key

log = logging.getLogger(__name__)


def _person(invitation: Invitation) -> Child | CircleMember:
    return invitation.circle_member or invitation.child


def _answered(review_id: int) -> set[str]:
    """Respondent keys of everyone who has sent their views for this review."""
    return {
        respondent_key(member_id)
        for member_id in db.session.scalars(
            select(Submission.circle_member_id).where(
                Submission.review_id == review_id,
                Submission.status == SubmissionStatus.SENT,
                # A message sent outside the form is not the child's views: still invite them.
                Submission.form_key != CHILD_MESSAGE.key,
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
    person = member or db.session.get_one(Child, review.child_id)
    invitation = Invitation(
        review_id=review.id,
        child_id=review.child_id,
        circle_member_id=member.id if member else None,
        respondent_key=key,
        channel=channel_for(person),
        invited_by_id=invited_by_id,
    )
    try:
        with savepoint():
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
    address = recipient(person, channel)
    already = db.session.scalars(
        select(Message.id).where(
            Message.invitation_id == invitation.id, Message.kind == kind, Message.recipient == address
        )
    ).first()
    if already is not None:
        return None
    try:
        with savepoint():  # the link and the message stand or fall together
            token = links.issue_link_for(invitation.child, invitation.circle_member, invitation.review)
            url = links.public_url(token)
            message = Message(
                invitation_id=invitation.id,
                kind=kind,
                channel=channel,
                recipient=address,
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
        links.stop_member_links(member.id)
    key = respondent_key(member.id if member else None)
    open_invitations = db.session.scalars(
        select(Invitation)
        .join(Review, Review.id == Invitation.review_id)
        .where(Invitation.child_id == child.id, Invitation.respondent_key == key, reviews.TAKES_VIEWS)
    ).all()
    cancel_unsent([invitation.id for invitation in open_invitations])
    return [
        message
        for invitation in open_invitations
        if invitation.respondent_key not in _answered(invitation.review_id)
        and (message := queue_message(invitation, MessageKind.INVITATION)) is not None
    ]


def invitation_ids_of(member: CircleMember) -> list[int]:
    return list(db.session.scalars(select(Invitation.id).where(Invitation.circle_member_id == member.id)))


def invite_people(staff: StaffUser, review: Review, people: list[Person]) -> None:
    """The IRO invites these people; their messages go once the request has committed."""
    reviews.ensure_takes_views(review)  # views sent now would miss the meeting
    queued = invite(review, [person.member for person in people], invited_by_id=staff.id)
    audit.record(staff, "invited_people", review.child_id, review.id)
    deliver_after_commit(queued)


def letter_link(staff: StaffUser, review: Review, key: str) -> tuple[Person, str]:
    """A printable letter for someone without email or a mobile: the person and a new link.
    Each letter carries a fresh link (for the child, it replaces their earlier ones)."""
    reviews.ensure_takes_views(review)
    person = next((p for p in consultation.summary_for(review).invitable if p.key == key), None)
    if person is None:
        raise NotFound(key)
    get_or_create_invitation(review, person.member, staff.id)
    token = links.issue_link_for(review.child, person.member, review)
    audit.record(staff, "printed_letter", review.child_id, review.id)
    return person, links.public_url(token)


@dataclass
class SendDueReport:
    escalated: int = 0
    invited: int = 0
    reminded: int = 0
    sent: int = 0
    failed: int = 0


def _open_consultations(today: date) -> list[Review]:
    """Reviews not yet held whose consultation is open today. Every child in care has a
    next review: one is created by the statutory rule where none is scheduled. An unbooked
    review counts from its due date, the latest lawful day."""
    reviews.ensure_next_reviews()
    db.session.commit()
    opens_days = current_app.config["CONSULTATION_OPENS_WORKING_DAYS"]
    horizon = today + timedelta(days=opens_days * 2 + 14)  # past any run of bank holidays
    return [
        review
        for review in reviews.pending_reviews()
        if today <= review.date_or_due <= horizon
        and today >= schedule.working_days_before(review.date_or_due, opens_days)
    ]


def send_due(today: date | None = None) -> SendDueReport:
    """Open consultations that are due, remind those who have not answered, send messages."""
    today = today or date.today()
    reminder_days = current_app.config["REMINDER_WORKING_DAYS"]
    report = SendDueReport()
    for review in _open_consultations(today):
        child = db.session.get_one(Child, review.child_id)
        members = db.session.scalars(
            select(CircleMember).where(CircleMember.child_id == child.id, CircleMember.removed_at.is_(None))
        ).all()
        answered = _answered(review.id)
        people: list[tuple[Child | CircleMember, CircleMember | None]] = [(child, None)]
        people += [(m, m) for m in members]
        for person, member in people:
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
    # Alerts waiting too long go to the managers, even if `flask voice alerts` is not set up.
    report.escalated = alerts.escalate_due()
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
