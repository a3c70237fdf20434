"""Who is told what, and how: the channel for a person, the words of each message, and
the transports (senders.py). Pure: queueing and sending messages, which write to the
database, live in voice_app/data/invitations.py and voice_app/data/messages.py."""

from __future__ import annotations

import re
from typing import Protocol

from flask import current_app
from flask_babel import gettext as _

from voice_app.vocabulary import AlertKind, Channel, MessageKind


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


def normalise_uk_mobile(value: str) -> str | None:
    """07700 900982, +44 7700 900982 and 0044... all become 07700900982."""
    digits = re.sub(r"[\s\-().]", "", value)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    return digits if re.fullmatch(r"07\d{9}", digits) else None


def alert_text(kind: str, alert_kind: str, channel: str, link: str, escalate_minutes: int) -> str:
    """An alert's message to staff: that there is one, how urgent, and the staff link. Never
    the child's name or words: a message can be read on a lock screen or forwarded."""
    service = current_app.config["SERVICE_NAME"]
    if kind == MessageKind.ESCALATION:
        text = _(
            "%(service)s: URGENT. An alert that a child may not be safe has not been acted on "
            "after %(minutes)s minutes. Please act now.",
            service=service,
            minutes=escalate_minutes,
        )
    elif alert_kind == AlertKind.URGENT:
        text = _(
            "%(service)s: URGENT. A child may not be safe. Please read the alert and act now.",
            service=service,
        )
    else:
        text = _("%(service)s: a child's answer may show a concern. Please read it today.", service=service)
    if channel == Channel.SMS:
        return f"{text} {link}"
    return "\n\n".join([text, _("Sign in to read it:"), link])


def staff_link_text(kind: str, link: str, hours: int) -> str:
    """A member of staff's set-up or reset link, by email: what it is for, that it works
    once and for how long, and what to do if they did not ask for it."""
    service = current_app.config["SERVICE_NAME"]
    if kind == MessageKind.PASSWORD_RESET:
        opening = _(
            "%(service)s: someone asked to reset the password of your account. "
            "To choose a new password, open this link:",
            service=service,
        )
        closing = _("If you did not ask for this, you can ignore this email: your password has not changed.")
    else:
        opening = _(
            "%(service)s: an account has been made for you. To choose your password, open this link:",
            service=service,
        )
        closing = _("If you did not expect this, tell your manager.")
    lasts = _("The link works once, within %(hours)s hours. Do not share it.", hours=hours)
    return "\n\n".join([opening, link, lasts, closing])
