"""Safe to speak: a child who may not be safe is heard at once (issue "Safe to speak").

An answer of "no" or "not sure" to feeling safe, "Tell my IRO now", or words that may mean
danger raise an alert when the page is saved; its messages carry no words of the child;
the IRO and managers see it until someone records what they did; an urgent alert nobody
acts on goes to the managers, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tests.factories import make_child, make_link, make_staff
from tests.integration.test_child_journey import open_link
from tests.integration.test_iro import sign_in
from voice_app.data.database import db
from voice_app.filters import time_since
from voice_app.models import Alert, AlertAction, AuditEvent, Message
from voice_app.vocabulary import AlertKind, AlertOutcome, AlertSource, MessageKind, StaffRole

DISCLOSURE = "I am not safe at home. My carer's boyfriend hits me when she is out."
START = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def duty(app, monkeypatch):
    monkeypatch.setitem(app.config, "DUTY_EMAIL", "duty@council.example.org")
    monkeypatch.setitem(app.config, "DUTY_MOBILE", "07700900999")


@pytest.fixture
def sam(app_context, duty):
    iro = make_staff(name="Alex Morgan", email="alex@council.example.org")
    iro.phone = "07700 900 111"
    manager = make_staff(role=StaffRole.MANAGER, name="Jo Green", email="jo@council.example.org")
    child = make_child(iro, first_name="Sam")
    db.session.commit()
    return {"iro": iro, "manager": manager, "child": child, "token": make_link(child)}


def _alerts():
    db.session.rollback()
    return db.session.scalars(select(Alert).order_by(Alert.id)).all()


def _messages(kind=MessageKind.ALERT):
    return db.session.scalars(select(Message).where(Message.kind == kind).order_by(Message.id)).all()


def _answer(client, key, **data):
    return client.post(f"/my-voice/questions/{key}", data=data, expect=302)


def test_not_feeling_safe_raises_an_urgent_alert_when_the_page_is_saved(client, sam):
    open_link(client, sam["token"])
    page = client.get("/my-voice/questions/safe_home")
    assert page.soup.h1.get_text(strip=True) == "Do you feel safe where you live?"
    saved = _answer(client, "safe_home", choice="no", text="My mum's boyfriend shouts at me")

    # Told at once what happens next, then on to the next question.
    assert saved.headers["Location"] == "/my-voice/heard?then=/my-voice/questions/safe_school"
    told = client.get(saved.headers["Location"])
    assert "will read this today and will get in touch" in told.soup.get_text()
    assert told.soup.select_one("main a.govuk-button")["href"] == "/my-voice/questions/safe_school"

    [alert] = [a for a in _alerts() if a.kind == AlertKind.URGENT]
    assert (alert.source, alert.question_key) == (AlertSource.SAFETY_ANSWER, "safe_home")
    assert alert.said == "No\nMy mum's boyfriend shouts at me"
    # Nothing was sent yet by the child: the alert did not wait for Send.
    assert sorted(m.recipient for m in _messages()) == sorted(
        ["alex@council.example.org", "07700900111", "duty@council.example.org", "07700900999"]
    )
    assert all(m.status == "sent" for m in _messages())


def test_saving_the_page_again_raises_nothing_more_and_yes_raises_nothing(client, sam):
    open_link(client, sam["token"])
    _answer(client, "safe_home", choice="not_sure")
    _answer(client, "safe_home", choice="not_sure", text="It is ok sometimes")
    _answer(client, "safe_school", choice="yes")
    assert len(_alerts()) == 1
    assert len(_messages()) == 4


def test_words_that_may_mean_danger_raise_a_possible_concern(client, sam):
    open_link(client, sam["token"])
    _answer(client, "worries", text=DISCLOSURE)
    [alert] = _alerts()
    assert (alert.kind, alert.source, alert.question_key) == (AlertKind.CONCERN, AlertSource.WORDS, "worries")
    assert alert.said == DISCLOSURE
    assert "hit" in alert.matched and "not safe" in alert.matched
    # A possible concern goes to the IRO and the duty inbox, by email and text.
    assert {m.recipient for m in _messages()} >= {"alex@council.example.org", "duty@council.example.org"}


def test_no_message_carries_the_childs_words_or_name(client, sam):
    open_link(client, sam["token"])
    client.post("/help/tell-my-iro", data={"message": "Zebra crossing pineapple secret words"}, expect=302)
    _answer(client, "worries", text=DISCLOSURE)
    messages = db.session.scalars(select(Message)).all()
    assert len(messages) >= 6
    for message in messages:
        for words in ("Zebra", "pineapple", "boyfriend", "hits", "Sam", sam["child"].last_name):
            assert words not in message.body
        assert message.link.endswith(f"/staff/alerts/{message.alert_id}")


def test_tell_my_iro_now_raises_an_urgent_alert_and_says_what_happens_next(client, sam):
    anyone = client.get("/help")
    assert "Open your personal link first" in anyone.soup.get_text()
    open_link(client, sam["token"])
    page = client.get("/help")
    assert page.soup.h1.get_text(strip=True) == "I need help now"
    assert "must tell someone who can help keep you safe" in page.soup.get_text()
    assert "999" in page.soup.get_text()
    sent = client.post("/help/tell-my-iro", data={"message": "Please call me after school"}, expect=302)
    told = client.get(sent.headers["Location"])
    assert told.soup.h1.get_text(strip=True) == "Your IRO has been told"
    assert "Alex Morgan, or someone on duty will read this today" in told.soup.get_text()
    [alert] = _alerts()
    assert (alert.kind, alert.source, alert.said) == (
        AlertKind.URGENT,
        AlertSource.HELP_NOW,
        "Please call me after school",
    )
    # Nothing written is fine too: pressing the button is enough.
    client.post("/help/tell-my-iro", data={"message": "  "}, expect=302)
    assert [a.said for a in _alerts()] == ["Please call me after school", None]


def test_every_child_page_offers_help_now(client, sam):
    open_link(client, sam["token"])
    for path in ("/my-voice", "/my-voice/questions/home", "/help"):
        link = client.get(path).soup.find("a", string="I need help now")
        assert link is not None and link["href"] == "/help"


def test_the_iro_sees_a_banner_reads_the_alert_and_records_what_they_did(client, other_client, sam):
    open_link(other_client, sam["token"])
    _answer(other_client, "safe_home", choice="no", text="I am scared")
    [alert] = _alerts()

    sign_in(client, sam["iro"])
    banner = client.get("/staff/").soup.select_one(".voice-alert-banner")
    assert "Urgent: Sam" in banner.get_text() and "may not be safe" in banner.get_text()
    assert client.get(f"/staff/children/{sam['child'].id}").soup.select_one(".voice-alert-banner")

    page = client.get(f"/staff/alerts/{alert.id}")
    assert "I am scared" in page.soup.select_one(".voice-quote").get_text()
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "viewed_alert")).first()

    # An urgent alert cannot be waved away as not a concern: it needs what was done.
    refused = client.post(
        f"/staff/alerts/{alert.id}", data={"action_taken": "x", "outcome": "not_a_concern"}, expect=400
    )
    assert refused.soup.select_one(".govuk-error-summary")
    empty = client.post(
        f"/staff/alerts/{alert.id}", data={"action_taken": "", "outcome": "acted"}, expect=400
    )
    assert "Say what you did" in empty.soup.select_one(".govuk-error-summary").get_text()

    client.post(
        f"/staff/alerts/{alert.id}",
        data={
            "action_taken": "Rang Sam's carer and the duty social worker.",
            "who_was_told": "Duty team",
            "outcome": "acted",
        },
    )
    [alert] = _alerts()
    assert alert.closed_at is not None and alert.first_action_at is not None
    assert alert.outcome == AlertOutcome.ACTED
    assert client.get("/staff/").soup.select_one(".voice-alert-banner") is None
    assert "Rang Sam's carer" in client.get(f"/staff/alerts/{alert.id}").soup.get_text()


def test_a_possible_concern_can_be_closed_as_not_a_concern_with_a_reason(client, other_client, sam):
    open_link(other_client, sam["token"])
    _answer(other_client, "going_well", text="I hit the ball really far at cricket")
    [alert] = _alerts()
    sign_in(client, sam["iro"])
    client.post(
        f"/staff/alerts/{alert.id}",
        data={"action_taken": "About cricket, not harm.", "outcome": "not_a_concern"},
    )
    [alert] = _alerts()
    assert alert.outcome == AlertOutcome.NOT_A_CONCERN
    assert db.session.scalars(select(AlertAction)).one().action_taken == "About cricket, not harm."


def test_another_iro_cannot_see_the_alert(client, other_client, sam):
    open_link(other_client, sam["token"])
    _answer(other_client, "safe_home", choice="no")
    [alert] = _alerts()
    sign_in(client, make_staff(email="other@council.example.org"))
    client.get(f"/staff/alerts/{alert.id}", expect=404)
    assert client.get("/staff/").soup.select_one(".voice-alert-banner") is None


def test_managers_see_every_open_alert_oldest_first_with_its_age(client, sam):
    other = make_child(make_staff(name="Priya Shah", email="priya@council.example.org"), first_name="Noah")
    with time_machine.travel(START, tick=False):
        open_link(client, sam["token"])
        _answer(client, "safe_home", choice="no")
    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        noah = client.application.test_client()
        open_link(noah, make_link(other))
        noah.post("/help/tell-my-iro", data={"message": ""}, expect=302)
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        manager = client.application.test_client()
        sign_in(manager, sam["manager"])
        rows = manager.get("/staff/alerts").soup.select("tbody tr")
    assert [row.th.get_text(strip=True) for row in rows] == [
        f"Urgent: Sam {sam['child'].last_name} may not be safe",
        f"Urgent: Noah {other.last_name} may not be safe",
    ]
    # Each with its age, to the minute while it is young.
    assert "2 hours" in rows[0].get_text()
    assert "90 minutes" in rows[1].get_text()
    # IROs see theirs on their caseload; the service list is the managers'.
    iro = client.application.test_client()
    sign_in(iro, sam["iro"])
    iro.get("/staff/alerts", expect=404)


def _escalations():
    db.session.rollback()
    return _messages(MessageKind.ESCALATION)


def test_an_urgent_alert_nobody_acts_on_goes_to_the_managers_once(app, client, sam):
    with time_machine.travel(START, tick=False):
        open_link(client, sam["token"])
        _answer(client, "safe_home", choice="no")
        _answer(client, "worries", text="Someone hit me")  # a possible concern: never escalated
    runner = app.test_cli_runner()
    with time_machine.travel(START + timedelta(minutes=59), tick=False):
        assert "escalated 0" in runner.invoke(args=["voice", "alerts"]).output
    assert _escalations() == []
    with time_machine.travel(START + timedelta(minutes=61), tick=False):
        assert "escalated 1" in runner.invoke(args=["voice", "alerts"]).output
        assert "escalated 0" in runner.invoke(args=["voice", "alerts"]).output
        assert "alerts escalated 0" in runner.invoke(args=["voice", "send-due"]).output
    [escalation] = _escalations()
    assert escalation.recipient == "jo@council.example.org" and escalation.status == "sent"
    assert "has not been acted on after 60 minutes" in escalation.body


def test_an_alert_acted_on_in_time_is_not_escalated_and_send_due_escalates_too(app, client, sam):
    with time_machine.travel(START, tick=False):
        open_link(client, sam["token"])
        _answer(client, "safe_home", choice="no")
        client.post("/help/tell-my-iro", data={"message": ""}, expect=302)
    first, second = _alerts()
    first.first_action_at, first.closed_at = START + timedelta(minutes=10), START + timedelta(minutes=10)
    db.session.commit()
    with time_machine.travel(START + timedelta(minutes=90), tick=False):
        output = app.test_cli_runner().invoke(args=["voice", "send-due"]).output
    assert "alerts escalated 1" in output
    assert {m.alert_id for m in _escalations()} == {second.id}


def test_a_child_kept_waiting_by_the_rate_limit_still_sees_where_help_is(rate_limited_app, sam):
    client = rate_limited_app.test_client()
    open_link(client, sam["token"])
    for _ in range(30):
        client.post("/help/tell-my-iro", data={"message": ""}, expect=302)
    waiting = client.post("/help/tell-my-iro", data={"message": ""}, expect=429)
    assert "0800 1111" in waiting.soup.get_text() and "999" in waiting.soup.get_text()


def test_a_later_more_serious_answer_shows_on_the_open_alert(client, sam):
    open_link(client, sam["token"])
    _answer(client, "worries", text="A boy hit my friend at football")
    _answer(client, "worries", text="My carer touches me at night and I want to kill myself")
    [alert] = _alerts()
    assert alert.said == "My carer touches me at night and I want to kill myself"
    assert "hit" in alert.matched and "touch" in alert.matched and "kill myself" in alert.matched


def test_words_in_any_of_the_services_languages_raise_a_concern(client, sam):
    open_link(client, sam["token"])
    _answer(client, "worries", text="tata bije mnie")
    [alert] = _alerts()
    assert alert.kind == AlertKind.CONCERN


def test_reading_an_alert_is_audited_even_when_the_form_is_sent_back(client, other_client, sam):
    open_link(other_client, sam["token"])
    _answer(other_client, "safe_home", choice="no", text="I am scared")
    [alert] = _alerts()
    sign_in(client, sam["iro"])
    client.post(f"/staff/alerts/{alert.id}", data={"action_taken": "", "outcome": "acted"}, expect=400)
    db.session.rollback()
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "viewed_alert")).first()


def test_escalation_waits_for_a_manager_when_there_is_none(app, client, sam):
    sam["manager"].is_active_account = False
    db.session.commit()
    with time_machine.travel(START, tick=False):
        open_link(client, sam["token"])
        _answer(client, "safe_home", choice="no")
    with time_machine.travel(START + timedelta(minutes=61), tick=False):
        assert "escalated 0" in app.test_cli_runner().invoke(args=["voice", "alerts"]).output
    assert _alerts()[0].escalated_at is None  # the first manager added will be told


def test_not_feeling_safe_is_heard_even_when_the_words_are_too_long_to_keep(client, sam):
    open_link(client, sam["token"])
    page = client.post("/my-voice/questions/safe_home", data={"choice": "no", "text": "x" * 5001}, expect=400)
    assert "a bit too long" in page.soup.select_one(".govuk-error-summary").get_text()
    [alert] = _alerts()
    assert (alert.kind, alert.source) == (AlertKind.URGENT, AlertSource.SAFETY_ANSWER)
    assert len(_messages()) == 4


def test_children_sharing_an_address_do_not_share_the_help_buttons_limit(rate_limited_app, sam):
    """A children's home or a school is one address: one child's presses never use up
    another's."""
    first, second = rate_limited_app.test_client(), rate_limited_app.test_client()
    open_link(first, sam["token"])
    for _ in range(30):
        first.post("/help/tell-my-iro", data={"message": ""}, expect=302)
    first.post("/help/tell-my-iro", data={"message": ""}, expect=429)
    other = make_child(sam["iro"], first_name="Noah")
    open_link(second, make_link(other))
    second.post("/help/tell-my-iro", data={"message": "Please call me"}, expect=302)


def test_an_alerts_age_reads_as_a_person_would_say_it(app):
    now = datetime.now(UTC)
    with app.test_request_context():
        assert time_since(now - timedelta(seconds=20)) == "less than a minute"
        assert time_since(now - timedelta(minutes=1, seconds=5)) == "1 minute"
        assert time_since(now - timedelta(minutes=90)) == "90 minutes"
        assert time_since(now - timedelta(hours=5)) == "5 hours"
        assert time_since(now - timedelta(days=3)) == "3 days"
