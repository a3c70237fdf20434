"""One way to send every message. The outbox sender (the default) keeps each message for
staff to read in the app, so the demo and the tests need no outside service. The GOV.UK
Notify sender is used when NOTIFY_API_KEY is set."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from flask import current_app

from voice_app.vocabulary import Channel, MessageKind

if TYPE_CHECKING:
    from voice_app.models import Message


class SendFailed(Exception):
    """The message did not go; it will be tried again later."""


class Sender(Protocol):
    # Whether the stored message keeps its link after sending (only the outbox needs it).
    keeps_links: bool

    def send(self, message: Message) -> str | None:
        """Send the message, returning the provider's reference; raise SendFailed if it did not go."""


class OutboxSender:
    keeps_links = True

    def send(self, message: Message) -> str | None:
        return None


class NotifySender:
    keeps_links = False

    def __init__(self, client, templates: dict[tuple[str, str], str]):
        self.client = client
        self.templates = templates

    def send(self, message: Message) -> str | None:
        template_id = self.templates.get((message.channel, message.kind))
        if not template_id:
            raise SendFailed(f"No Notify template is set for {message.kind} by {message.channel}")
        personalisation = {"link": message.link or ""}
        try:
            if message.channel == Channel.EMAIL:
                response = self.client.send_email_notification(
                    email_address=message.recipient,
                    template_id=template_id,
                    personalisation=personalisation,
                    reference=f"message-{message.id}",
                )
            else:
                response = self.client.send_sms_notification(
                    phone_number=message.recipient,
                    template_id=template_id,
                    personalisation=personalisation,
                    reference=f"message-{message.id}",
                )
        except Exception as error:  # any failure of the service or the network: try later
            raise SendFailed(f"{type(error).__name__}: {error}"[:500]) from error
        return (response or {}).get("id")


def notify_templates(config) -> dict[tuple[str, str], str]:
    return {
        (Channel.EMAIL, MessageKind.INVITATION): config.get("NOTIFY_EMAIL_INVITATION_TEMPLATE_ID"),
        (Channel.EMAIL, MessageKind.REMINDER): config.get("NOTIFY_EMAIL_REMINDER_TEMPLATE_ID"),
        (Channel.SMS, MessageKind.INVITATION): config.get("NOTIFY_SMS_INVITATION_TEMPLATE_ID"),
        (Channel.SMS, MessageKind.REMINDER): config.get("NOTIFY_SMS_REMINDER_TEMPLATE_ID"),
        (Channel.EMAIL, MessageKind.ALERT): config.get("NOTIFY_EMAIL_ALERT_TEMPLATE_ID"),
        (Channel.SMS, MessageKind.ALERT): config.get("NOTIFY_SMS_ALERT_TEMPLATE_ID"),
        (Channel.EMAIL, MessageKind.ESCALATION): config.get("NOTIFY_EMAIL_ESCALATION_TEMPLATE_ID"),
        (Channel.SMS, MessageKind.ESCALATION): config.get("NOTIFY_SMS_ESCALATION_TEMPLATE_ID"),
        (Channel.EMAIL, MessageKind.STAFF_SET_UP): config.get("NOTIFY_EMAIL_STAFF_SET_UP_TEMPLATE_ID"),
        (Channel.EMAIL, MessageKind.PASSWORD_RESET): config.get("NOTIFY_EMAIL_PASSWORD_RESET_TEMPLATE_ID"),
    }


def current_sender() -> Sender:
    config = current_app.config
    if "VOICE_SENDER" in current_app.extensions:
        return current_app.extensions["VOICE_SENDER"]  # set by tests and by embedding apps
    if config.get("NOTIFY_API_KEY"):
        from notifications_python_client.notifications import NotificationsAPIClient

        client = NotificationsAPIClient(config["NOTIFY_API_KEY"], timeout=10)
        return NotifySender(client, notify_templates(config))
    return OutboxSender()
