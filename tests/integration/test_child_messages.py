"""Tell my IRO something, any time: a child's message attaches to their next review, shows
as new on the caseload until the IRO reads it, and is screened like any answer."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.factories import make_child, make_link, make_review, make_staff
from tests.integration.test_child_journey import open_link
from tests.integration.test_iro import sign_in
from voice_app.data.database import db
from voice_app.models import Alert, Submission
from voice_app.vocabulary import AlertKind, SubmissionStatus


def _family(client):
    iro = make_staff(name="Alex Morgan")
    child = make_child(iro, first_name="Sam")
    review = make_review(child, scheduled_for=date.today() + timedelta(days=20))
    open_link(client, make_link(child))
    return iro, child, review


def test_a_child_sends_a_message_that_attaches_to_their_next_review(client):
    _iro, _child, review = _family(client)
    start = client.get("/my-voice")
    assert start.soup.find("a", string="Send a message to your IRO")["href"] == "/my-voice/message"
    page = client.get("/my-voice/message")
    assert page.soup.h1.get_text(strip=True) == "Tell your IRO something"
    assert page.soup.find("form")["autocomplete"] == "off"

    sent = client.post(
        "/my-voice/message", data={"about": "good_news", "message": "I got into the football team!"}
    )
    assert sent.headers["Location"] == "/my-voice/message/sent"
    assert "Alex Morgan will read it" in client.get("/my-voice/message/sent").soup.get_text()
    message = db.session.scalars(select(Submission)).one()
    assert (message.status, message.review_id, message.form_key) == (
        SubmissionStatus.SENT,
        review.id,
        "child-message",
    )
    assert {a.question_key: a.choice or a.text for a in message.answers} == {
        "about": "good_news",
        "message": "I got into the football team!",
    }
    # It is no draft: the child's review form is untouched and starts afresh.
    assert client.post("/my-voice/start-again").headers["Location"] == "/my-voice/questions/home"


def test_a_message_needs_words_and_what_it_is_about_and_keeps_what_was_typed(client):
    _family(client)
    page = client.post("/my-voice/message", data={"message": "Can we meet after school?"}, expect=400)
    summary = page.soup.select_one(".govuk-error-summary").get_text()
    assert "Choose what your message is about" in summary
    assert page.soup.find("textarea", attrs={"name": "message"}).get_text() == "Can we meet after school?"
    page = client.post("/my-voice/message", data={"about": "meeting", "message": "   "}, expect=400)
    assert "Write your message, then send it" in page.soup.select_one(".govuk-error-summary").get_text()
    page = client.post("/my-voice/message", data={"about": "meeting", "message": "x" * 1001}, expect=400)
    assert "a bit too long" in page.soup.select_one(".govuk-error-summary").get_text()
    assert db.session.scalars(select(Submission)).first() is None


def test_a_message_is_screened_like_any_answer(client):
    _family(client)
    client.post("/my-voice/message", data={"about": "problem", "message": "Sometimes I want to kill myself"})
    alert = db.session.scalars(select(Alert)).one()
    assert alert.kind == AlertKind.CONCERN and alert.question_key == "message"


def test_the_caseload_shows_a_new_message_until_the_iro_reads_the_summary(client, other_client):
    iro, _child, review = _family(other_client)
    other_client.post("/my-voice/message", data={"about": "good_news", "message": "I passed my test"})
    sign_in(client, iro)
    tag = client.get("/staff/").soup.select_one(".govuk-tag--purple")
    assert tag is not None and tag.get_text(strip=True) == "1 new message"
    assert tag.find_parent("a")["href"] == f"/staff/reviews/{review.id}"
    client.get(f"/staff/reviews/{review.id}")
    assert client.get("/staff/").soup.select_one(".govuk-tag--purple") is None


def test_the_iro_reads_the_message_in_the_summary_and_the_child_start_page_is_not_confused(
    client, other_client
):
    iro, _child, review = _family(other_client)
    other_client.post("/my-voice/message", data={"about": "good_news", "message": "I passed my test"})
    # The start page speaks of views sent through the form, not of the message.
    assert "You sent your views" not in other_client.get("/my-voice").soup.get_text()
    sign_in(client, iro)
    summary = client.get(f"/staff/reviews/{review.id}").soup.get_text()
    assert "I passed my test" in summary and "Some good news" in summary


def test_a_message_is_not_the_childs_views_invitations_and_figures_still_wait_for_them(app, client):
    from voice_app.data import invitations, staff

    iro, child, review = _family(client)
    child.email = "sam@example.org"
    db.session.commit()
    client.post("/my-voice/message", data={"about": "good_news", "message": "I passed my test"})
    assert invitations._answered(review.id) == set()
    [row] = [r for r in staff.overview() if r.iro.id == iro.id]
    assert row.reviews_with_views == 0
