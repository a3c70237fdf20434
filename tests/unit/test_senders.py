"""The GOV.UK Notify sender passes the right template and only the link; failures are
turned into SendFailed so they are retried, never raised at a page."""

import pytest

from voice_app.messaging.senders import NotifySender, OutboxSender, SendFailed
from voice_app.models import Message

TEMPLATES = {("email", "invitation"): "tpl-email-inv", ("sms", "reminder"): "tpl-sms-rem"}


class FakeNotify:
    def __init__(self, fail=False):
        self.calls, self.fail = [], fail

    def send_email_notification(self, **kwargs):
        return self._record("email", kwargs)

    def send_sms_notification(self, **kwargs):
        return self._record("sms", kwargs)

    def _record(self, kind, kwargs):
        if self.fail:
            raise ConnectionError("network down")
        self.calls.append((kind, kwargs))
        return {"id": "notify-123"}


def message(channel, kind):
    return Message(
        id=7,
        channel=channel,
        kind=kind,
        recipient="someone@example.org" if channel == "email" else "07700900123",
        body="My Voice: ... https://x/c/TOKEN",
        link="https://x/c/TOKEN",
    )


def test_email_goes_with_its_template_and_only_the_link():
    client = FakeNotify()
    reference = NotifySender(client, TEMPLATES).send(message("email", "invitation"))
    assert reference == "notify-123"
    kind, call = client.calls[0]
    assert kind == "email"
    assert call == {
        "email_address": "someone@example.org",
        "template_id": "tpl-email-inv",
        "personalisation": {"link": "https://x/c/TOKEN"},
        "reference": "message-7",
    }


def test_sms_reminder_uses_the_sms_template():
    client = FakeNotify()
    NotifySender(client, TEMPLATES).send(message("sms", "reminder"))
    assert client.calls[0][1]["phone_number"] == "07700900123"
    assert client.calls[0][1]["template_id"] == "tpl-sms-rem"


def test_a_missing_template_or_a_network_error_is_a_send_failure():
    with pytest.raises(SendFailed, match="No Notify template"):
        NotifySender(FakeNotify(), TEMPLATES).send(message("sms", "invitation"))
    with pytest.raises(SendFailed, match="network down"):
        NotifySender(FakeNotify(fail=True), TEMPLATES).send(message("email", "invitation"))


def test_the_outbox_keeps_links_and_notify_does_not():
    assert OutboxSender.keeps_links and not NotifySender.keeps_links


def test_notify_is_used_when_an_api_key_is_set(app):
    from voice_app.messaging.senders import current_sender

    app.config["NOTIFY_API_KEY"] = "test_key-" + "0" * 36 + "-" + "1" * 36
    try:
        with app.app_context():
            assert isinstance(current_sender(), NotifySender)
    finally:
        app.config["NOTIFY_API_KEY"] = None
    with app.app_context():
        assert isinstance(current_sender(), OutboxSender)
