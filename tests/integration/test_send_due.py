"""`flask voice send-due` with a frozen clock: the opening day, the reminder day, a bank
holiday in between, and repeated runs that send nothing twice."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from tests.factories import make_child, make_review, make_staff
from voice_app.data.database import db
from voice_app.messaging.senders import SendFailed
from voice_app.models import CircleMember, Message, MessageKind, Submission, SubmissionStatus, utcnow

# Review on Thursday 7 January 2027. Counting back over Christmas (25 and 28 December and
# 1 January are bank holidays), consultation opens 15 working days before, on Monday
# 14 December 2026, and the reminder goes 5 working days before, on Wednesday 30 December.
REVIEW_DAY = date(2027, 1, 7)


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC), tick=False)


def run(app):
    result = app.test_cli_runner().invoke(args=["voice", "send-due"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def review(app_context):
    iro = make_staff()
    child = make_child(iro, first_name="Sam")
    child.email = "sam@example.org"
    people = [
        CircleMember(child_id=child.id, name="Karen", relationship_key="mother", email="karen@example.org"),
        CircleMember(child_id=child.id, name="Sue", relationship_key="foster_carer", mobile="07700900123"),
        CircleMember(child_id=child.id, name="Dave", relationship_key="father"),  # no way to reach
        CircleMember(
            child_id=child.id,
            name="Gone",
            relationship_key="school",
            email="gone@example.org",
            removed_at=utcnow(),
        ),
    ]
    db.session.add_all(people)
    db.session.commit()
    return make_review(child, scheduled_for=REVIEW_DAY)


def messages():
    db.session.expire_all()
    return db.session.scalars(select(Message).order_by(Message.id)).all()


def test_consultation_opens_15_working_days_before_and_reminds_5_before(app, review):
    with at(date(2026, 12, 11)):
        run(app)
    assert messages() == []

    with at(date(2026, 12, 14)):
        output = run(app)
        run(app)  # cron runs again an hour later: nothing new
    sent = messages()
    assert "invited 3" in output
    assert sorted(m.recipient for m in sent) == ["07700900123", "karen@example.org", "sam@example.org"]
    assert {m.kind for m in sent} == {MessageKind.INVITATION}
    assert all(m.status == "sent" for m in sent)
    for message in sent:
        assert "Sam" not in message.body and "/c/" in message.body  # only the link, nothing personal

    # Karen sends her paper; the others do not.
    karen = db.session.scalars(select(CircleMember).where(CircleMember.name == "Karen")).one()
    db.session.add(
        Submission(
            child_id=review.child_id,
            circle_member_id=karen.id,
            review_id=review.id,
            form_key="parent",
            form_version=1,
            status=SubmissionStatus.SENT,
            sent_at=utcnow(),
        )
    )
    db.session.commit()

    with at(date(2026, 12, 29)):  # the day after the Boxing Day holiday: not yet
        run(app)
    assert len(messages()) == 3

    with at(date(2026, 12, 30)):
        output = run(app)
        run(app)
    reminders = [m for m in messages() if m.kind == MessageKind.REMINDER]
    assert "reminded 2" in output
    assert sorted(m.recipient for m in reminders) == ["07700900123", "sam@example.org"]
    assert len(messages()) == 5

    with at(date(2027, 1, 8)):  # after the review: nothing more
        run(app)
    assert len(messages()) == 5


def test_a_held_review_gets_no_invitations(app, review):
    review.held_on = date(2026, 12, 10)
    db.session.commit()
    with at(date(2026, 12, 14)):
        run(app)
    assert messages() == []


class BrokenSender:
    keeps_links = False

    def __init__(self):
        self.calls = 0

    def send(self, message):
        self.calls += 1
        raise SendFailed("service unavailable")


class WorkingSender:
    keeps_links = False

    def send(self, message):
        return "notify-ref-1"


def test_a_failed_send_is_recorded_and_retried_later(app, review):
    broken = BrokenSender()
    app.extensions["VOICE_SENDER"] = broken
    try:
        with at(date(2026, 12, 14)):
            run(app)
            run(app)  # too soon to retry
        failed = messages()
        assert {m.status for m in failed} == {"failed"}
        assert all(m.attempts == 1 and m.last_error == "service unavailable" for m in failed)
        assert broken.calls == 3

        app.extensions["VOICE_SENDER"] = WorkingSender()
        with time_machine.travel(datetime(2026, 12, 14, 10, 0, tzinfo=UTC), tick=False):
            run(app)
        delivered = messages()
        assert {m.status for m in delivered} == {"sent"}
        assert all(m.provider_reference == "notify-ref-1" for m in delivered)
        # Sent through an outside service: the link is no longer kept in the database.
        assert all(m.link is None and "/c/" not in m.body for m in delivered)
    finally:
        app.extensions.pop("VOICE_SENDER", None)


def test_a_message_left_half_sent_by_a_run_that_died_goes_later_and_only_once(app, review):
    with at(date(2026, 12, 14)):
        run(app)
    message = messages()[0]
    message.status, message.next_attempt_at = "sending", datetime(2026, 12, 14, 9, 0, tzinfo=UTC)
    db.session.commit()
    with time_machine.travel(datetime(2026, 12, 14, 9, 30, tzinfo=UTC), tick=False):
        run(app)  # half an hour later: another run may still be sending it
    assert messages()[0].status == "sending"
    with time_machine.travel(datetime(2026, 12, 14, 10, 30, tzinfo=UTC), tick=False):
        run(app)
        run(app)
    assert messages()[0].status == "sent"
    assert messages()[0].attempts == 2
