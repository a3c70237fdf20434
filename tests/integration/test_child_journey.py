"""A child's journey through the test client: open the link, answer, come back, change,
send. Every page fetched here is also checked by PageCheckingClient."""

import time
from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from tests.factories import make_child, make_link, make_review, make_staff
from voice_app.data.database import db
from voice_app.models import AccessLink, Answer, LinkSession, Review, Submission, SubmissionStatus


def open_link(client, token):
    response = client.get(f"/c/{token}", expect=302)
    assert response.status_code == 302
    assert response.headers["Location"] == "/my-voice"
    return client.get("/my-voice")


def test_opening_the_link_starts_a_session_and_drops_the_token_from_the_address(client):
    iro = make_staff(name="Alex Morgan")
    child = make_child(iro, first_name="Sam")
    make_review(child, scheduled_for=date(2027, 1, 14))
    token = make_link(child)

    start = open_link(client, token)

    assert start.status_code == 200
    text = start.soup.get_text(" ")
    assert "Hello Sam" in text
    assert "Your IRO is Alex Morgan" in text
    assert "Thursday 14 January 2027" in text
    assert "Your IRO reads it before your meeting" in text
    assert "must tell someone who can help keep you safe" in text
    assert token not in start.get_data(as_text=True)
    assert db.session.scalars(select(AccessLink)).one().last_opened_at is not None


def test_only_the_hash_of_the_token_is_stored(client):
    child = make_child(make_staff())
    token = make_link(child)
    stored = db.session.scalars(select(AccessLink)).one()
    assert token not in stored.token_hash
    assert len(token) >= 43  # 32 random bytes, base64: 256 bits


def test_unknown_revoked_and_expired_links_say_how_to_get_a_new_one(client):
    child = make_child(make_staff())
    for token in ("not-a-real-token", make_link(child, revoked=True), make_link(child, expires_in_days=-1)):
        response = client.get(f"/c/{token}", expect=404)
        assert response.status_code == 404
        assert "Ask your IRO or your social worker for a new link" in response.soup.get_text()


def test_child_pages_need_a_link(client):
    for path in ("/my-voice", "/my-voice/questions/home", "/my-voice/check", "/my-voice/sent"):
        response = client.get(path, expect=302)
        assert response.status_code == 302
        assert response.headers["Location"] == "/link-needed"
    assert client.get("/link-needed", expect=403).status_code == 403


def test_a_link_stopped_mid_journey_stops_working(client):
    child = make_child(make_staff())
    token = make_link(child)
    open_link(client, token)
    db.session.scalars(select(AccessLink)).one().revoked_at = db.func.now()
    db.session.commit()
    assert client.get("/my-voice", expect=302).headers["Location"] == "/link-needed"


def test_one_question_a_page_with_faces_words_and_tell_me_more(client):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    start = client.post("/my-voice/start-again")
    assert start.headers["Location"] == "/my-voice/questions/home"

    page = client.get("/my-voice/questions/home")
    assert page.soup.h1.get_text(strip=True) == "How are things where you live?"
    labels = [label.get_text(" ", strip=True) for label in page.soup.select(".govuk-radios__label")]
    assert labels == ["Really good", "Good", "OK", "Not good", "Really bad"]
    faces = page.soup.select(".govuk-radios__label svg.voice-face")
    assert len(faces) == 5 and all(face["aria-hidden"] == "true" for face in faces)
    assert page.soup.find("textarea").get_text() == ""
    assert (
        page.soup.find("label", attrs={"for": "text"}).get_text(strip=True)
        == "Tell me more (you do not have to)"
    )
    assert page.soup.find("a", string="Skip this question")["href"] == "/my-voice/questions/family_time"
    assert "Question 1 of 15" in page.soup.get_text()


def test_answers_save_as_they_go_and_the_child_comes_back_where_they_were(client, other_client):
    child = make_child(make_staff())
    token = make_link(child)
    open_link(client, token)
    client.post("/my-voice/start-again")
    response = client.post("/my-voice/questions/home", data={"choice": "4", "text": "My carers are kind"})
    assert response.headers["Location"] == "/my-voice/questions/family_time"
    client.get("/my-voice/questions/family_time")
    client.get("/my-voice/questions/school")  # skipped family time

    # Later, on another browser (or after closing the phone), the link opens again.
    start = open_link(other_client, token)
    carry_on = start.soup.select_one("a.govuk-button--start")
    assert "Carry on" in carry_on.get_text()
    assert carry_on["href"] == "/my-voice/questions/school"
    home = other_client.get("/my-voice/questions/home")
    assert home.soup.find("input", attrs={"value": "4"}).has_attr("checked")
    assert home.soup.find("textarea").get_text() == "My carers are kind"


def test_every_question_can_be_skipped_and_an_empty_answer_is_not_kept(client):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    client.post("/my-voice/start-again")
    client.post("/my-voice/questions/worries", data={"text": "I worry"})
    client.post("/my-voice/questions/worries", data={"text": "   "})
    assert db.session.scalar(select(func.count(Answer.id))) == 0
    last = client.post("/my-voice/questions/anything_else", data={})
    assert last.headers["Location"] == "/my-voice/check"


def test_bad_input_gets_a_kind_message_and_keeps_what_was_typed(client):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    client.post("/my-voice/start-again")
    long_text = "I have a lot to say. " * 300
    page = client.post("/my-voice/questions/home", data={"choice": "4", "text": long_text}, expect=400)
    assert page.status_code == 400
    assert page.soup.title.get_text().startswith("Error: ")
    summary = page.soup.select_one(".govuk-error-summary")
    assert "shorter than 5,000 characters" in summary.get_text()
    assert summary.find("a")["href"] == "#text"
    assert page.soup.find("textarea").get_text() == long_text
    assert page.soup.find("input", attrs={"value": "4"}).has_attr("checked")

    page = client.post("/my-voice/questions/attend", data={"choice": "tomorrow"}, expect=400)
    assert page.status_code == 400
    assert page.soup.select_one(".govuk-error-summary a")["href"] == "#choice"


def test_unknown_question_is_not_found(client):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    assert client.get("/my-voice/questions/favourite-colour", expect=404).status_code == 404


def test_check_answers_lets_the_child_change_any_answer(client):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    client.post("/my-voice/start-again")
    client.post("/my-voice/questions/home", data={"choice": "2", "text": "Too noisy"})
    client.post("/my-voice/questions/attend", data={"choice": "yes"})

    check = client.get("/my-voice/check")
    rows = {row.dt.get_text(strip=True): row for row in check.soup.select(".govuk-summary-list__row")}
    assert len(rows) == 15  # every question of the form, the three about feeling safe included
    assert "Not good" in rows["How are things where you live?"].get_text()
    assert "Too noisy" in rows["How are things where you live?"].get_text()
    assert "Not answered" in rows["How is school?"].get_text()
    change = rows["Do you want to come to your meeting?"].find("a")
    assert change["href"] == "/my-voice/questions/attend?return=check"

    page = client.get(change["href"])
    assert page.soup.find("form")["action"] == "/my-voice/questions/attend?return=check"
    back = client.post("/my-voice/questions/attend?return=check", data={"choice": "no"})
    assert back.headers["Location"] == "/my-voice/check"
    assert "No" in client.get("/my-voice/check").soup.get_text()


def test_sending_attaches_to_the_next_review_and_says_what_happens_next(client):
    iro = make_staff(name="Alex Morgan")
    child = make_child(iro)
    make_review(
        child,
        number=1,
        scheduled_for=date.today() - timedelta(days=90),
        held_on=date.today() - timedelta(days=90),
    )
    upcoming = make_review(child, number=2, scheduled_for=date.today() + timedelta(days=10))
    open_link(client, make_link(child))
    client.post("/my-voice/start-again")
    client.post("/my-voice/questions/home", data={"choice": "5"})

    response = client.post("/my-voice/send")
    assert response.headers["Location"] == "/my-voice/sent"
    sent = client.get("/my-voice/sent")
    assert sent.soup.h1.get_text(strip=True) == "Sent to your IRO"
    text = sent.soup.get_text(" ")
    assert "Alex Morgan will read what you said" in text
    assert "0800 1111" in text and "999" in text

    submission = db.session.scalars(select(Submission)).one()
    assert submission.status == SubmissionStatus.SENT
    assert submission.review_id == upcoming.id
    assert submission.sent_at is not None


def test_sending_twice_makes_one_submission(client):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    client.post("/my-voice/start-again")
    client.post("/my-voice/questions/home", data={"choice": "5"})
    client.post("/my-voice/send")
    client.post("/my-voice/send")
    assert db.session.scalar(select(func.count(Submission.id))) == 1


def test_after_sending_the_child_can_tell_the_iro_something_new(client):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    client.post("/my-voice/start-again")
    client.post("/my-voice/questions/home", data={"choice": "5"})
    client.post("/my-voice/send")
    start = client.get("/my-voice")
    assert "You sent your views" in start.soup.get_text()
    client.post("/my-voice/start-again")
    page = client.get("/my-voice/questions/home")
    assert not any(radio.has_attr("checked") for radio in page.soup.select("input[type=radio]"))


def test_sending_with_no_review_scheduled_creates_the_one_due(client):
    since = date.today() - timedelta(days=3)
    child = make_child(make_staff(), looked_after_since=since)
    open_link(client, make_link(child))
    client.post("/my-voice/start-again")
    client.post("/my-voice/questions/change", data={"text": "More time with my brother"})
    client.post("/my-voice/send")
    review = db.session.scalars(select(Review)).one()
    submission = db.session.scalars(select(Submission)).one()
    assert submission.review_id == review.id
    assert review.number == 1 and review.created_by_rule and review.scheduled_for is None
    from voice_app.schedule import first_review_due

    assert review.due_on == first_review_due(since)


def test_sending_nothing_is_refused_kindly(client):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    client.post("/my-voice/start-again")
    page = client.post("/my-voice/send", expect=400)
    assert page.status_code == 400
    assert "Answer at least one" in page.soup.select_one(".govuk-error-summary").get_text()
    assert db.session.scalars(select(Submission)).one().status == SubmissionStatus.DRAFT


def test_leave_this_page_ends_the_session(client):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    assert client.get("/my-voice").status_code == 200
    response = client.get("/leave", expect=302)
    assert response.status_code == 302 and response.headers["Location"].startswith("https://")
    assert client.get("/my-voice", expect=302).headers["Location"] == "/link-needed"


def test_leave_this_page_ends_the_session_on_the_server_so_a_copied_cookie_opens_nothing(
    client, other_client
):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    copied = client.get_cookie("voice_session")
    other_client.set_cookie("voice_session", copied.value, domain=copied.domain)
    assert other_client.get("/my-voice").status_code == 200  # the copy works while the session does
    client.get("/leave", expect=302)
    assert other_client.get("/my-voice", expect=302).headers["Location"] == "/link-needed"
    # Only a hash of the session key is kept: the database cannot be turned into sessions.
    assert copied.value not in str(db.session.scalars(select(LinkSession.key_hash)).all())
    assert db.session.scalars(select(LinkSession)).one().ended_at is not None


def test_a_link_session_ends_after_an_hour_idle(client):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=30)):
        assert client.get("/my-voice").status_code == 200  # still there, and kept alive
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=95)):
        assert client.get("/my-voice", expect=302).headers["Location"] == "/link-needed"


def test_a_question_page_runs_the_same_few_queries_however_many_answers(client, query_counter):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    client.post("/my-voice/questions/home", data={"choice": "4", "text": "Good"}, expect=302)
    client.get("/my-voice/questions/school")
    with query_counter() as one_answer:
        client.get("/my-voice/questions/school")
    for key in ("family_time", "school", "health", "friends", "going_well", "worries", "change"):
        client.post(f"/my-voice/questions/{key}", data={"choice": "3", "text": "Some words"}, expect=302)
    client.get("/my-voice/questions/school")
    with query_counter() as eight_answers:
        client.get("/my-voice/questions/school")
    # The link; the child with their IRO; the draft with its answers.
    assert len(one_answer) == len(eight_answers) == 3


def _copy_session(client, other_client, **changes):
    """Puts this browser's session cookie in another browser, as someone who copied it
    would, with `changes` to what it holds (signed with the app's key, as the app signs it)."""
    copied = client.get_cookie("voice_session")
    value = copied.value
    if changes:
        serializer = client.application.session_interface.get_signing_serializer(client.application)
        value = serializer.dumps({**serializer.loads(value), **changes})
    other_client.set_cookie("voice_session", value, domain=copied.domain)


def test_a_copied_session_idle_on_the_server_opens_nothing_whatever_its_cookie_says(client, other_client):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=95)):
        # The cookie's own note of when it was last used says "just now": the server's says
        # 95 minutes ago, and the server decides.
        _copy_session(client, other_client, link_seen=int(time.time()))
        assert other_client.get("/my-voice", expect=302).headers["Location"] == "/link-needed"
        assert client.get("/my-voice", expect=302).headers["Location"] == "/link-needed"
    assert db.session.scalars(select(LinkSession)).one().ended_at is not None


def test_a_copied_session_kept_busy_ends_after_the_longest_a_session_lasts(app, client, other_client):
    child = make_child(make_staff())
    open_link(client, make_link(child))
    _copy_session(client, other_client)
    hours = app.config["LINK_SESSION_HOURS"]
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(hours * 60 // 50):  # a page every 50 minutes: never idle
            traveller.shift(timedelta(minutes=50))
            assert other_client.get("/my-voice").status_code == 200
        row = db.session.scalars(select(LinkSession)).one()
        db.session.refresh(row)
        assert row.last_seen_at > start + timedelta(hours=hours - 1)  # noted on the server
        traveller.move_to(start + timedelta(hours=hours, minutes=1))
        assert other_client.get("/my-voice", expect=302).headers["Location"] == "/link-needed"
        # Opening the link again starts a new session, for the rest of the day.
        open_link(client, make_link(child))
    assert (
        db.session.scalars(select(func.count(LinkSession.id)).where(LinkSession.ended_at.is_(None))).one()
        == 1
    )
