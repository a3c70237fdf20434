"""Personal links: issued by staff or in a message, opened by a child or one of their circle.

The token is random (256 bits) and shown once; the database keeps only its SHA-256. The
rules live here and nowhere else:
- one working link at a time for a child: a new link for the child (a card, "Send the
  link again", a printed letter, an invitation or a reminder) replaces the ones before
  it, so an old card or message never opens beside the newest link. Replaced is not
  stopped: a child answering through the older link when a reminder goes is not cut off.
  Staff who stop a child's links (a lost phone) end its sessions at once;
- a child's link lasts LINK_LIFETIME_DAYS (13 months: reviews are six months apart, so
  one card sees a child through two of them) unless it is stopped or replaced first;
- a card's sign-in code is its link's: it opens what the link opens, and stops, is
  replaced and expires with it;
- staff never see a child's link whole (only `masked`): they give it by card or message;
- a circle member's link is for one review: it names the review, and respondents.py
  reaches nothing else through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from voice_app.data import audit, reviews
from voice_app.data.database import db, rows_changed, savepoint
from voice_app.messaging import channel_for, message_text, recipient
from voice_app.models import (
    AccessLink,
    Child,
    CircleMember,
    LinkSession,
    Message,
    Review,
    StaffUser,
    hash_token,
    new_token,
    utcnow,
)
from voice_app.models.links import hash_code, is_code, new_code, normalise_code, show_code
from voice_app.vocabulary import Channel, MessageKind, MessageStatus

MASK_SHOWS = 4  # the last characters of a link staff see: enough to tell two links apart


class NowhereToSend(Exception):
    """The child has no email or mobile: a card is how they get their link."""


class LeftCare(Exception):
    """A child who has left care gets no new link: leaving care stopped theirs."""


class SendingNow(Exception):
    """The child's message is being sent this moment, by another run: try again shortly."""


def _expiry() -> datetime:
    return utcnow() + timedelta(days=current_app.config["LINK_LIFETIME_DAYS"])


def _issue(child_id: int, member_id: int | None, review_id: int | None) -> str:
    token = new_token()
    db.session.add(
        AccessLink(
            token_hash=hash_token(token),
            child_id=child_id,
            circle_member_id=member_id,
            review_id=review_id,
            expires_at=_expiry(),
        )
    )
    return token


def issue_child_link(child: Child) -> str:
    """A new link for the child, which replaces their earlier ones. Returns the token."""
    _replace_child_links(child)
    return _issue(child.id, None, None)


def _replace_child_links(child: Child) -> None:
    rows_changed(
        update(AccessLink)
        .where(
            AccessLink.child_id == child.id,
            AccessLink.circle_member_id.is_(None),
            AccessLink.revoked_at.is_(None),
            AccessLink.replaced_at.is_(None),
        )
        .values(replaced_at=utcnow())
    )


def stop_links_from_staff(staff: StaffUser, child: Child) -> None:
    """A lost phone or card: the child's links and codes stop at once, sessions and all.
    A card or "Send the link again" then gives the child a new one."""
    stop_child_links(child)
    audit.record(staff, "stopped_personal_links", child.id)


def issue_member_link(member: CircleMember, review: Review) -> str:
    """A new link for a circle member, for this one review. Earlier ones keep working
    (each letter or message carries its own, and any of them reaches the same paper)."""
    return _issue(member.child_id, member.id, review.id)


def issue_link_for(child: Child, member: CircleMember | None, review: Review) -> str:
    """The link for a person asked for views on a review: the child, or a circle member."""
    return issue_child_link(child) if member is None else issue_member_link(member, review)


def public_url(token: str) -> str:
    """The link written in messages and letters (PUBLIC_BASE_URL, not the request's host)."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/c/{token}"


def masked(url: str) -> str:
    """A personal link as staff see it: only its last characters, "…/c/…Xy9k". Enough to
    tell which link went where, never enough to open it as the person it is for."""
    return f"…/c/…{url[-MASK_SHOWS:]}"


# Cards and sign-in codes.


@dataclass(frozen=True)
class Card:
    """What the card printed for a child shows: never their surname, nothing of their case."""

    first_name: str
    iro_name: str
    url: str
    code: str  # grouped as it is printed, "ACEF-HJKM"
    address: str  # where to type the code: the service's address without https://
    expires_at: datetime


def code_digest(typed: str) -> str:
    """The stored form of a typed code, whatever its case, dashes or spaces. Also the rate
    limiter's key for tries of one code, so no code is written anywhere in the clear."""
    return hash_code(normalise_code(typed), current_app.config["SECRET_KEY"])


def print_card(staff: StaffUser, child: Child) -> Card:
    """A new link and sign-in code for the child, for a printed card. Like a letter, it
    replaces the child's earlier links (and their cards' codes)."""
    if not child.in_care:
        raise LeftCare(child.id)
    _replace_child_links(child)
    token = new_token()
    for _attempt in range(5):
        code = new_code()
        link = AccessLink(
            token_hash=hash_token(token),
            code_hash=hash_code(code, current_app.config["SECRET_KEY"]),
            child_id=child.id,
            expires_at=_expiry(),
        )
        try:
            with savepoint():
                db.session.add(link)
        except IntegrityError:  # a code given before, to someone, some time: draw another
            continue
        break
    else:  # pragma: no cover -- five draws out of 3.8 x 10^10 all taken
        raise RuntimeError("no free sign-in code")
    audit.record(staff, "printed_card", child.id)
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    return Card(
        first_name=child.first_name,
        iro_name=child.iro.name,
        url=public_url(token),
        code=show_code(code),
        address=(base.netloc + base.path).rstrip("/"),
        expires_at=link.expires_at,
    )


def find_by_code(typed: str) -> AccessLink | None:
    """The working child's link a typed code belongs to, or None. Every code, right or
    wrong, well formed or not, costs the same one query, so how long the answer takes
    never tells whether a code was ever given."""
    code = normalise_code(typed)
    digest = hash_code(code if is_code(code) else "", current_app.config["SECRET_KEY"])
    now = utcnow()
    return db.session.scalars(
        select(AccessLink).where(
            AccessLink.code_hash == digest,
            AccessLink.circle_member_id.is_(None),
            AccessLink.revoked_at.is_(None),
            AccessLink.replaced_at.is_(None),
            AccessLink.expires_at > now,
        )
    ).first()


# Sending a child their link again.


@dataclass(frozen=True)
class SentLink:
    recipient: str
    link: str  # masked


def send_link_again(staff: StaffUser, child: Child) -> SentLink:
    """A new link for the child, sent to their email or mobile through the same queue as
    invitations (it replaces their older links). It goes as the invitation for their next
    review: the one invitation message to this address goes again, with the new link,
    so the outbox holds one message per review and address however often it is sent."""
    # These modules import this one: imported here, once everything is loaded.
    from voice_app.data import invitations, messages

    if not child.in_care:
        raise LeftCare(child.id)
    channel = channel_for(child)
    if channel == Channel.LETTER:
        raise NowhereToSend(child.id)
    address = recipient(child, channel)
    assert address is not None  # channel_for chose a channel the child has
    review = reviews.next_review(child)
    invitation, _created = invitations.get_or_create_invitation(review, None, staff.id)
    invitation.channel = channel
    url = public_url(issue_child_link(child))
    body = message_text(MessageKind.INVITATION, channel, url)
    message = _invitation_message(invitation.id, address)
    if message is None:
        message = Message(
            invitation_id=invitation.id,
            kind=MessageKind.INVITATION,
            channel=channel,
            recipient=address,
            body=body,
            link=url,
        )
        try:
            with savepoint():
                db.session.add(message)
        except IntegrityError:  # a twin request queued it a moment ago
            message = _invitation_message(invitation.id, address)
            assert message is not None
    if message.body != body:
        now = utcnow()
        going_again = rows_changed(
            update(Message)
            .where(
                Message.id == message.id,
                # Never under a run that is sending it this moment (it would send the old
                # link, then mark this one sent); a claim an hour old was a run that died.
                or_(
                    Message.status != MessageStatus.SENDING,
                    Message.next_attempt_at <= now - messages.STALE_CLAIM,
                ),
            )
            .values(
                channel=channel,
                body=body,
                link=url,
                status=MessageStatus.QUEUED,
                attempts=0,
                last_error=None,
                next_attempt_at=now,
                sent_at=None,
                provider_reference=None,
            )
        )
        if not going_again:
            raise SendingNow(child.id)
        db.session.expire(message)
    audit.record(staff, "sent_link_again", child.id, review.id)
    messages.deliver_after_commit([message])
    return SentLink(recipient=address, link=masked(url))


def _invitation_message(invitation_id: int, address: str) -> Message | None:
    return db.session.scalars(
        select(Message).where(
            Message.invitation_id == invitation_id,
            Message.kind == MessageKind.INVITATION,
            Message.recipient == address,
        )
    ).first()


# Opening and stopping links.


def find_by_token(token: str) -> AccessLink | None:
    return db.session.scalars(select(AccessLink).where(AccessLink.token_hash == hash_token(token))).first()


def get(link_id: int) -> AccessLink | None:
    return db.session.get(AccessLink, link_id)


def mark_opened(link: AccessLink) -> None:
    """When a link was last opened: the IRO sees "opened" for an invited person. The one
    write a GET may make besides the audit trail (opening a link is what a GET is for)."""
    link.last_opened_at = utcnow()


def working_child_links(child: Child) -> list[AccessLink]:
    """The child's own working links (not their circle's)."""
    return list(
        db.session.scalars(
            select(AccessLink)
            .where(
                AccessLink.child_id == child.id,
                AccessLink.circle_member_id.is_(None),
                AccessLink.revoked_at.is_(None),
                AccessLink.replaced_at.is_(None),
                AccessLink.expires_at > utcnow(),
            )
            .order_by(AccessLink.created_at.desc())
        )
    )


def stop_child_links(child: Child) -> int:
    return rows_changed(
        update(AccessLink)
        .where(
            AccessLink.child_id == child.id,
            AccessLink.circle_member_id.is_(None),
            AccessLink.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )


def stop_member_links(member_id: int) -> None:
    db.session.execute(
        update(AccessLink)
        .where(AccessLink.circle_member_id == member_id, AccessLink.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def stop_token(token: str) -> None:
    db.session.execute(
        update(AccessLink)
        .where(AccessLink.token_hash == hash_token(token), AccessLink.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def start_session(link: AccessLink) -> str:
    """A session for whoever opened this link: the key goes in their cookie, its hash here."""
    key = new_token()
    now = utcnow()
    db.session.add(LinkSession(key_hash=hash_token(key), link_id=link.id, created_at=now, last_seen_at=now))
    return key


# Noting when a session was last used costs a write; once a minute is close enough for an
# idle timeout counted in tens of minutes (as for staff sessions).
TOUCH_EVERY = timedelta(minutes=1)


def _session_ran_out(row: LinkSession, now: datetime) -> bool:
    config = current_app.config
    # Phones are shared: after a while without a page the link must be opened again. And a
    # child may come back to their form later in the day, not next week, on one opening.
    return now - row.last_seen_at > timedelta(minutes=config["LINK_SESSION_IDLE_MINUTES"]) or (
        now - row.created_at > timedelta(hours=config["LINK_SESSION_HOURS"])
    )


def link_of_session(key: str) -> AccessLink | None:
    """The link behind a session key, unless the session was ended, has idled or has run
    out (one query; a session found idle or too old is ended on the server, so a copy of
    the cookie kept fresh by its holder is as stale; a working one notes it was used, at
    most once a minute)."""
    found = db.session.execute(
        select(AccessLink, LinkSession)
        .join(LinkSession, LinkSession.link_id == AccessLink.id)
        .where(LinkSession.key_hash == hash_token(key), LinkSession.ended_at.is_(None))
    ).first()
    if found is None:
        return None
    link, row = found
    now = utcnow()
    if _session_ran_out(row, now):
        _end_session_row(row.id, now)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        rows_changed(update(LinkSession).where(LinkSession.id == row.id).values(last_seen_at=now))
        set_committed_value(row, "last_seen_at", now)  # as written: no second UPDATE at flush
    return link


def _end_session_row(session_id: int, now: datetime) -> None:
    rows_changed(
        update(LinkSession)
        .where(LinkSession.id == session_id, LinkSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def end_session(key: str) -> None:
    """ "Leave this page quickly": the session ends here, so a copy of the cookie is useless.
    One of the few writes a GET makes (leaving is a link the child taps)."""
    rows_changed(
        update(LinkSession)
        .where(LinkSession.key_hash == hash_token(key), LinkSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
