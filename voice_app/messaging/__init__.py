"""Who is told what, and how: the channel for a person, the words of each message, and
the transports (senders.py). Pure: queueing and sending messages, which write to the
database, live in voice_app/data/invitations.py and voice_app/data/messages.py."""

from __future__ import annotations

from typing import Protocol

from flask import current_app
from flask_babel import gettext as _

from voice_app.vocabulary import Channel, MessageKind


class Reachable(Protocol):
    email: str | None
    mobile: str | None


def channel_for(person: Reachable) -> Channel:
    """Email if we have it, else a text message, else a printed letter."""
    if person.email:
        return Channel.EMAIL
    if person.mobile:
        return Channel.SMS
    return Channel.LETTER


def recipient(person: Reachable, channel: Channel) -> str | None:
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
