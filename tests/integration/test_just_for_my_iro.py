"""Just for my IRO (issue "Safe to speak", point 6): beside each free-text answer the child can
keep it for their IRO, told plainly that keeping them safe comes first. The IRO's summary
marks those answers; the version for the meeting leaves them out altogether. They are still
screened and still raise alerts."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from tests.factories import (
    make_child,
    make_link,
    make_member,
    make_member_link,
    make_member_submission,
    make_review,
    make_sent_submission,
    make_staff,
)
from tests.integration.test_child_journey import open_link
from tests.integration.test_iro import sign_in
from tests.integration.test_migrations import _drop_everything, _insert
from voice_app.data.database import db
from voice_app.models import Alert, Answer, AuditEvent, StaffRole
from voice_app.vocabulary import AlertKind, AlertSource

HINT = (
    "Only your IRO will see this. They will not read it out at your meeting. "
    "If you tell us you are not safe, your IRO must tell someone who can help keep you safe."
)
DISCLOSURE = "I am not safe at home. My carer's boyfriend hits me when she is out."


@pytest.fixture
def sam(app_context):
    iro = make_staff(name="Alex Morgan", email="alex@council.example.org")
    child = make_child(iro, first_name="Sam")
    review = make_review(child, scheduled_for=date(2027, 1, 14))
    return {"iro": iro, "child": child, "review": review, "token": make_link(child)}


def _answers() -> dict[str, Answer]:
    db.session.rollback()
    return {a.question_key: a for a in db.session.scalars(select(Answer)).all()}


def _post(client, key, expect=302, **data):
    return client.post(f"/my-voice/questions/{key}", data=data, expect=expect)


def _tick(page):
    return page.soup.find("input", attrs={"name": "just_for_iro"})


def _words(page) -> str:
    return " ".join(page.soup.get_text().split())


# The child's pages


def test_each_free_text_box_of_the_childs_pages_offers_it_in_plain_words(client, sam):
    open_link(client, sam["token"])
    for key in ("home", "safe_home", "worries", "who", "anything_else"):
        page = client.get(f"/my-voice/questions/{key}")
        tick = _tick(page)
        assert tick is not None, key
        assert (tick["type"], tick["value"], tick.get("checked")) == ("checkbox", "yes", None)
        label = page.soup.find("label", attrs={"for": tick["id"]})
        assert label.get_text(strip=True) == "Just for my IRO"
        hint = page.soup.find(id=tick["aria-describedby"])
        assert " ".join(hint.get_text().split()) == HINT
        # Under the free-text box, inside the form that saves it.
        assert tick.find_previous("textarea")["name"] == "text"
        assert tick.find_parent("form") is page.soup.find("textarea").find_parent("form")
        # Never a promise of secrecy.
        assert "secret" not in _words(page).lower()
    for key in ("attend", "advocate"):  # a choice with no box of their own words
        assert _tick(client.get(f"/my-voice/questions/{key}")) is None


def test_the_childs_question_forms_do_not_bring_back_what_was_typed(client, sam):
    """A shared phone keeps no trace: no form restoration of free text after sending."""
    open_link(client, sam["token"])
    for key in ("home", "worries", "attend"):
        form = client.get(f"/my-voice/questions/{key}").soup.find("form", attrs={"method": "post"})
        assert form["autocomplete"] == "off"


def test_the_tick_is_kept_shown_again_and_cleared(client, sam):
    open_link(client, sam["token"])
    _post(client, "home", choice="2", text="I miss my old room", just_for_iro="yes")
    assert _answers()["home"].just_for_iro is True
    assert _tick(client.get("/my-voice/questions/home")).has_attr("checked")

    # Saved again without the tick: no longer just for the IRO.
    _post(client, "home", choice="2", text="I miss my old room")
    assert _answers()["home"].just_for_iro is False
    assert not _tick(client.get("/my-voice/questions/home")).has_attr("checked")

    # Emptied: the answer goes, and the tick with it.
    _post(client, "worries", text="Moving school", just_for_iro="yes")
    assert _answers()["worries"].just_for_iro is True
    _post(client, "worries", text="   ", just_for_iro="yes")
    assert "worries" not in _answers()
    assert not _tick(client.get("/my-voice/questions/worries")).has_attr("checked")

    # Ticked with nothing written or chosen keeps nothing; only "yes" counts as a tick.
    _post(client, "going_well", just_for_iro="yes")
    _post(client, "change", text="More time with my brother", just_for_iro="on")
    _post(client, "attend", choice="yes", just_for_iro="yes")  # no box of words to keep back
    answers = _answers()
    assert "going_well" not in answers
    assert answers["change"].just_for_iro is False
    assert answers["attend"].just_for_iro is False


def test_a_page_with_a_mistake_keeps_the_tick(client, sam):
    open_link(client, sam["token"])
    page = _post(client, "worries", expect=400, text="x" * 5001, just_for_iro="yes")
    assert _tick(page).has_attr("checked")
    assert not _answers()


def test_the_check_page_says_just_for_your_iro_beside_those_answers(client, sam):
    open_link(client, sam["token"])
    _post(client, "home", choice="4", text="My carers are kind")
    _post(client, "worries", text="I worry about my sister", just_for_iro="yes")
    page = client.get("/my-voice/check")
    rows = {
        row.dt.get_text(strip=True): " ".join(row.dd.get_text().split())
        for row in page.soup.select(".voice-check .govuk-summary-list__row")
    }
    assert rows["Is anything worrying you?"] == "I worry about my sister Just for your IRO"
    assert "Just for your IRO" not in rows["How are things where you live?"]
    assert _words(page).count("Just for your IRO") == 1


def test_the_adults_papers_never_offer_it(client, sam):
    member = make_member(sam["child"], name="Sue Jones", relationship="foster_carer")
    token = make_member_link(member, sam["review"])
    client.get(f"/c/{token}", expect=302)
    page = client.get("/your-views/questions/home")
    assert page.soup.find("textarea") is not None and _tick(page) is None
    client.post("/your-views/questions/home", data={"choice": "4", "text": "Settled", "just_for_iro": "yes"})
    assert _answers()["home"].just_for_iro is False


# Alerts: kept out of the meeting, never out of keeping the child safe


def test_an_answer_just_for_the_iro_is_still_screened_and_still_alerts(client, sam):
    open_link(client, sam["token"])
    _post(client, "worries", text=DISCLOSURE, just_for_iro="yes")
    saved = _post(client, "safe_home", choice="no", text="He shouts", just_for_iro="yes")
    assert saved.headers["Location"].startswith("/my-voice/heard")

    answers = _answers()
    assert answers["worries"].just_for_iro and answers["safe_home"].just_for_iro
    alerts = {(a.question_key, a.kind, a.source) for a in db.session.scalars(select(Alert)).all()}
    assert alerts == {
        ("worries", AlertKind.CONCERN, AlertSource.WORDS),
        ("safe_home", AlertKind.URGENT, AlertSource.SAFETY_ANSWER),
    }


# The IRO's summary and the version for the meeting

CHILD = {
    "home": ("2", "I miss my old room, do not tell Mum."),
    "school": ("4", "I like my teacher."),
    "going_well": (None, "Drama club on Tuesdays."),
    "worries": (None, "Mum's new boyfriend scares me."),
    "who": (None, "Not my dad."),
    "attend": ("part", None),
    "anything_else": (None, "I want to live with my nan."),
}
JUST_FOR_IRO = {"home", "worries", "who", "anything_else"}
KEPT_BACK = [
    "I miss my old room",
    "Mum's new boyfriend scares me.",
    "Not my dad.",
    "I want to live with my nan.",
]


@pytest.fixture
def views(sam):
    submission = make_sent_submission(sam["child"], sam["review"], CHILD)
    for answer in submission.answers:
        answer.just_for_iro = answer.question_key in JUST_FOR_IRO
    carer = make_member(sam["child"], name="Sue Jones", relationship="foster_carer")
    make_member_submission(carer, sam["review"], {"home": ("4", "Sam has settled well.")})
    db.session.commit()
    return sam


def _topics(page) -> dict[str, list[str]]:
    return {
        row.th.get_text(strip=True): [" ".join(td.get_text(" ").split()) for td in row.find_all("td")]
        for row in page.soup.select(".voice-topics tbody tr")
    }


def _own_words(page) -> list[str]:
    """The questions under "In their own words" (the section runs to the next <h2>)."""
    questions = []
    for tag in page.soup.find("h2", string="In their own words").find_next_siblings():
        if tag.name == "h2":
            break
        if tag.name == "h4":
            questions.append(tag.get_text(strip=True))
    return questions


def test_the_summary_marks_each_answer_just_for_the_iro_wherever_it_appears(client, views):
    sign_in(client, views["iro"])
    page = client.get(f"/staff/reviews/{views['review'].id}")
    requests = " ".join(page.soup.select_one(".voice-requests").get_text().split())
    assert "Just for the IRO Not my dad." in requests
    assert "Just for the IRO Mum's new boyfriend scares me." in requests
    assert "Yes, for part of it" in requests
    home_child, home_carer = _topics(page)["Home"]
    assert home_child.startswith("Just for the IRO") and "I miss my old room" in home_child
    assert "Just for the IRO" not in home_carer and "Sam has settled well." in home_carer
    assert "Just for the IRO" not in _topics(page)["School"][0]
    assert _own_words(page) == [
        "What is going well for you?",
        "Is there anything else you want to tell your IRO?",
    ]
    assert "Just for the IRO I want to live with my nan." in _words(page)
    # One mark per answer kept for the IRO, all of them there.
    assert len(page.soup.select(".voice-just-for-iro")) == len(JUST_FOR_IRO)
    link = page.soup.find("a", string="See the version for the meeting")
    assert link["href"] == f"/staff/reviews/{views['review'].id}/for-the-meeting"


def test_the_version_for_the_meeting_leaves_those_answers_out_altogether(client, views):
    sign_in(client, views["iro"])
    page = client.get(f"/staff/reviews/{views['review'].id}/for-the-meeting")
    assert page.soup.h1.get_text(strip=True) == f"Views for {views['child'].full_name}'s meeting"
    html, words = page.get_data(as_text=True), page.soup.get_text()
    for kept_back in KEPT_BACK:
        assert kept_back not in words
    assert "I miss my old room" not in html and "boyfriend" not in html
    assert "Just for the IRO" not in html
    assert not page.soup.select(".voice-just-for-iro")

    # The requests section: only what may be shared (the worry and "who" rows are gone).
    requests = page.soup.select_one(".voice-requests")
    assert [dt.get_text(strip=True) for dt in requests.select("dt")] == ["Come to the meeting"]
    # The table: a kept-back answer reads like a skipped one, so nothing shows one was there.
    topics = _topics(page)
    assert topics["Home"] == ["Not shared", "Good Sam has settled well."]
    assert topics["School"][0] == "Good I like my teacher."
    assert topics["Family time"][0] == "Not shared"
    # In their own words: what is going well stays, "anything else" is gone.
    assert _own_words(page) == ["What is going well for you?"]
    assert "Drama club on Tuesdays." in words
    # For the meeting, not for inviting people or printing letters.
    assert page.soup.find(id="invitations") is None
    assert not page.soup.select("main form")
    # What the IRO is told about the version is on screen only, never printed.
    note = page.soup.select_one(".govuk-inset-text")
    assert "voice-no-print" in note["class"] and "Just for my IRO" in note.get_text()
    assert "voice-meeting" in page.soup.find("main")["class"]
    back = page.soup.select_one(".govuk-back-link")
    assert back["href"] == f"/staff/reviews/{views['review'].id}"


def test_a_child_whose_every_answer_is_kept_back_still_shows_as_having_sent_views(client, sam):
    submission = make_sent_submission(sam["child"], sam["review"], {"worries": (None, "Only for Alex.")})
    submission.answers[0].just_for_iro = True
    db.session.commit()
    sign_in(client, sam["iro"])
    page = client.get(f"/staff/reviews/{sam['review'].id}/for-the-meeting")
    assert "Only for Alex." not in page.get_data(as_text=True)
    assert "Sam (Child) sent their views on" in _words(page)
    # Sections with nothing to share say so, as they would had Sam skipped everything.
    assert _words(page).count("Nothing shared.") == 2
    assert set(_topics(page)["Home"]) == {"Not shared"}


@pytest.mark.parametrize("version", ["", "/for-the-meeting"], ids=["summary", "for the meeting"])
def test_a_message_sent_after_the_views_hides_none_of_them(client, views, version):
    """Each of the child's submissions is read through its own form, so a message (a form of
    its own) sent after the views leaves the views where they were, in both versions."""
    open_link(client, views["token"])
    client.post("/my-voice/message", data={"about": "good_news", "message": "I got a merit"})
    sign_in(client, views["iro"])
    page = client.get(f"/staff/reviews/{views['review'].id}{version}")
    words = _words(page)
    # The message was written to the IRO: the version for the meeting leaves it out.
    assert ("I got a merit" in words) is (version == "")
    assert "Drama club on Tuesdays." in words and "I like my teacher." in words
    assert _topics(page)["School"][0].startswith("Good I like my teacher.")
    assert ("Not my dad." in words) is (version == "")


def test_every_reading_of_the_meeting_version_is_audited(client, views):
    sign_in(client, views["iro"])
    client.get(f"/staff/reviews/{views['review'].id}/for-the-meeting")
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "viewed_meeting_summary")
    ).all()
    assert (event.actor_kind, event.actor_id, event.child_id, event.review_id) == (
        "staff",
        views["iro"].id,
        views["child"].id,
        views["review"].id,
    )


def test_nobody_else_can_open_the_meeting_version(client, views):
    other_iro = make_staff(name="Pat Other")
    manager = make_staff(role=StaffRole.MANAGER)
    path = f"/staff/reviews/{views['review'].id}/for-the-meeting"
    assert client.get(path, expect=302).headers["Location"].startswith("/staff/sign-in")
    for person in (other_iro, manager):
        sign_in(client, person)
        client.get(path, expect=404)
        client.post("/staff/sign-out")
    sign_in(client, views["iro"])
    client.get("/staff/reviews/999999/for-the-meeting", expect=404)
    assert not db.session.scalars(select(AuditEvent)).all()


def test_the_meeting_version_runs_the_same_queries_for_one_or_fifty_submissions(client, sam, query_counter):
    many_child = make_child(sam["iro"])
    many_review = make_review(many_child)
    make_sent_submission(sam["child"], sam["review"], CHILD)
    for _ in range(50):
        make_sent_submission(many_child, many_review, CHILD)
    sign_in(client, sam["iro"])
    with query_counter() as one:
        client.get(f"/staff/reviews/{sam['review'].id}/for-the-meeting")
    with query_counter() as fifty:
        client.get(f"/staff/reviews/{many_review.id}/for-the-meeting")
    assert len(one) == len(fifty)


# The migration


def test_upgrading_leaves_every_earlier_answer_unticked_and_downgrading_keeps_the_answers(app):
    with app.app_context():
        _drop_everything()
        try:
            upgrade(revision="0005_alerts")
            now = datetime(2026, 11, 1, 9, 0)
            with db.engine.begin() as connection:
                _insert(
                    connection,
                    "staff_user",
                    id=1,
                    email="iro@example.org",
                    name="Ira",
                    role="iro",
                    password_hash="x",
                    is_active_account=True,
                    created_at=now,
                )
                _insert(
                    connection,
                    "child",
                    id=1,
                    first_name="Sam",
                    last_name="T",
                    date_of_birth="2015-01-01",
                    looked_after_since="2025-01-01",
                    iro_id=1,
                    created_at=now,
                )
                _insert(
                    connection,
                    "submission",
                    id=1,
                    child_id=1,
                    form_key="child-8-12",
                    form_version=2,
                    status="draft",
                    updated_at=now,
                    created_at=now,
                )
                _insert(
                    connection,
                    "answer",
                    id=1,
                    submission_id=1,
                    question_key="worries",
                    text="My words",
                    updated_at=now,
                    created_at=now,
                )
            upgrade(revision="0006_just_for_my_iro")
            with db.engine.begin() as connection:
                assert connection.execute(text("SELECT text, just_for_iro FROM answer")).one() == (
                    "My words",
                    False,
                )
                # A new answer that does not say is not ticked either.
                _insert(
                    connection,
                    "answer",
                    id=2,
                    submission_id=1,
                    question_key="home",
                    choice="4",
                    updated_at=now,
                    created_at=now,
                )
                ticked = connection.execute(text("SELECT just_for_iro FROM answer WHERE id = 2")).scalar()
                assert ticked is not None and not ticked
            downgrade(revision="0005_alerts")
            db.engine.dispose()
            assert "just_for_iro" not in {c["name"] for c in inspect(db.engine).get_columns("answer")}
            with db.engine.connect() as connection:
                assert connection.execute(text("SELECT count(*) FROM answer")).scalar() == 2
        finally:
            _drop_everything()
            db.create_all()
