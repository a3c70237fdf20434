"""A parent, carer or professional answers their paper for one review through their link."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import (
    make_child,
    make_link,
    make_member,
    make_member_link,
    make_member_submission,
    make_review,
    make_staff,
)
from voice_app.data.database import db
from voice_app.models import Submission, SubmissionStatus
from voice_app.questions import Topic, form_for


@pytest.fixture
def carer(app_context):
    iro = make_staff(name="Alex Morgan")
    child = make_child(iro, first_name="Sam")
    review = make_review(child, scheduled_for=date(2027, 1, 14))
    member = make_member(child, name="Sue Jones", relationship="foster_carer", mobile="07700900123")
    return {"child": child, "review": review, "member": member, "token": make_member_link(member, review)}


def open_paper(client, token):
    response = client.get(f"/c/{token}", expect=302)
    assert response.status_code == 302
    assert response.headers["Location"] == "/your-views"
    return client.get("/your-views")


@pytest.mark.parametrize("role", ["parent", "carer", "professional"])
def test_every_paper_asks_the_core_topics_on_the_childs_scale(role):
    paper = form_for(role, 10)
    assert {q.topic for q in paper.topic_questions} == set(Topic)
    child_home = form_for("parent", 10).question("home")
    for question in paper.topic_questions:
        assert [o.value for o in question.options] == [o.value for o in child_home.options]
        assert question.more_label


def test_role_questions_are_asked():
    assert {"contact", "attend", "support", "worries", "want_from_review"} <= {
        q.key for q in form_for("parent", 10).questions
    }
    assert {
        "placement",
        "health_notes",
        "education_notes",
        "family_time_notes",
        "support_needed",
        "advocate",
    } <= {q.key for q in form_for("carer", 10).questions}
    assert {"attend", "progress", "concerns", "recommendations"} <= {
        q.key for q in form_for("professional", 10).questions
    }


def test_the_paper_names_the_child_and_the_review_date(client, carer):
    start = open_paper(client, carer["token"])
    text = start.soup.get_text(" ")
    assert start.soup.h1.get_text(strip=True) == "Your views for Sam's review"
    assert "Sam has a review meeting on Thursday 14 January 2027" in text
    assert "Alex Morgan" in text
    assert carer["token"] not in start.get_data(as_text=True)
    first = client.get(start.soup.select_one("a.govuk-button--start")["href"])
    assert first.soup.h1.get_text(strip=True) == "How are things where Sam lives?"
    assert "Question 1 of 14" in first.soup.get_text()


def test_answers_save_check_send_once_and_can_be_seen_afterwards(client, other_client, carer):
    open_paper(client, carer["token"])
    client.post("/your-views/questions/home", data={"choice": "4", "text": "Settled"})
    client.post("/your-views/questions/placement", data={"choice": "5", "text": "Long-term match"})
    # Come back later on another device: carry on where they were.
    start = open_paper(other_client, carer["token"])
    assert start.soup.select_one("a.govuk-button--start")["href"] == "/your-views/questions/health_notes"

    check = other_client.get("/your-views/check")
    text = check.soup.get_text(" ")
    assert "Settled" in text and "Long-term match" in text
    change = check.soup.find("a", href="/your-views/questions/home?return=check")
    assert change is not None
    other_client.post(
        "/your-views/questions/home?return=check", data={"choice": "3", "text": "Mostly settled"}
    )

    assert other_client.post("/your-views/send").headers["Location"] == "/your-views/sent"
    assert other_client.post("/your-views/send").headers["Location"] == "/your-views/sent"
    assert client.post("/your-views/send").headers["Location"] == "/your-views/sent"
    submissions = db.session.scalars(select(Submission)).all()
    assert len(submissions) == 1
    sent = submissions[0]
    assert (sent.status, sent.review_id, sent.circle_member_id, sent.form_key) == (
        SubmissionStatus.SENT,
        carer["review"].id,
        carer["member"].id,
        "carer",
    )

    page = client.get("/your-views/sent")
    assert page.soup.h1.get_text(strip=True) == "Your views have been sent"
    assert "Mostly settled" in page.soup.get_text()
    # After sending, the paper cannot be changed.
    assert (
        client.post("/your-views/questions/home", data={"choice": "1"}).headers["Location"]
        == "/your-views/sent"
    )
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 1
    start = client.get("/your-views")
    assert "You sent your views on" in start.soup.get_text()


def test_a_respondent_cannot_send_an_empty_paper(client, carer):
    open_paper(client, carer["token"])
    client.get("/your-views/check")
    page = client.post("/your-views/send", expect=400)
    assert page.status_code == 400
    assert "Answer at least one" in page.soup.get_text()


def test_a_respondent_link_reaches_only_their_own_paper(client, carer):
    open_paper(client, carer["token"])
    # The child's pages are not theirs.
    assert client.get("/my-voice", expect=302).headers["Location"] == "/your-views"
    assert client.get("/my-voice/check", expect=302).headers["Location"] == "/your-views"
    assert client.get("/your-views/questions/no-such-question", expect=404).status_code == 404
    # The paper shows only their own answers, never the child's or another person's.
    other = make_member(carer["child"], name="Karen", relationship="mother")
    make_member_submission(other, carer["review"], {"worries": (None, "Karen's private worry")})
    for path in ("/your-views", "/your-views/check", "/your-views/questions/worries"):
        assert "Karen's private worry" not in client.get(path).get_data(as_text=True)


def test_the_childs_link_does_not_open_a_paper(client, carer):
    client.get(f"/c/{make_link(carer['child'])}", expect=302)
    assert client.get("/your-views", expect=302).headers["Location"] == "/my-voice"


def test_revoked_and_expired_respondent_links_say_how_to_get_a_new_one(client, carer):
    member, review = carer["member"], carer["review"]
    for token in (
        make_member_link(member, review, revoked=True),
        make_member_link(member, review, expires_in_days=-1),
    ):
        page = client.get(f"/c/{token}", expect=404)
        assert page.status_code == 404
        assert "for a new link" in page.soup.get_text()


def test_a_link_for_someone_since_removed_is_not_found(client, carer):
    open_paper(client, carer["token"])
    carer["member"].removed_at = db.func.now()
    db.session.commit()
    assert client.get("/your-views", expect=404).status_code == 404


def test_respondent_errors_keep_what_was_typed(client, carer):
    open_paper(client, carer["token"])
    page = client.post("/your-views/questions/worries", data={"text": "w" * 6000}, expect=400)
    assert page.status_code == 400
    assert page.soup.find("textarea").get_text() == "w" * 6000
    assert page.soup.select_one(".govuk-error-summary a")["href"] == "#text"


def test_a_parent_gets_the_parent_paper(client, carer):
    parent = make_member(carer["child"], name="Karen", relationship="mother", email="k@example.org")
    open_paper(client, make_member_link(parent, carer["review"]))
    page = client.get("/your-views/questions/support")
    assert (
        page.soup.h1.get_text(strip=True) == "Do you need an interpreter or any other support to take part?"
    )
    assert client.get("/your-views/questions/placement", expect=404).status_code == 404  # a carer's question
