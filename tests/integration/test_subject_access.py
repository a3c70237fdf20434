"""Subject access: a manager finds a child by name (with their date of birth to tell children
apart) and downloads everything held about them as a ZIP of JSON files and a readable page.
The download is audited."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.factories import (
    make_child,
    make_member,
    make_member_submission,
    make_review,
    make_sent_submission,
    make_staff,
)
from tests.integration.test_iro import sign_in
from voice_app.data import audit
from voice_app.data.database import db
from voice_app.models import (
    AccessLink,
    Alert,
    AlertAction,
    Answer,
    AuditEvent,
    Review,
    Submission,
    hash_token,
    utcnow,
)
from voice_app.questions.child_message import CHILD_MESSAGE
from voice_app.vocabulary import AlertKind, AlertOutcome, AlertSource, StaffRole, SubmissionStatus

WORDS = '<script>alert("hi")</script> I want to see my brother & sister'


@pytest.fixture
def case(app_context):
    manager = make_staff(role=StaffRole.MANAGER, name="Jo Green")
    iro = make_staff(name="Alex Morgan")
    sam = make_child(iro, first_name="Sam")
    namesake = make_child(iro, first_name="Sam", age=14)
    review = make_review(sam)
    # Answered in version 1, whose questions differ from today's version 2.
    make_sent_submission(sam, review, {"home": ("4", WORDS)})
    version_2 = make_sent_submission(sam, review, {"safe_home": ("no", "Not at night")})
    version_2.form_version = 2
    message = Submission(
        child_id=sam.id,
        review_id=review.id,
        form_key=CHILD_MESSAGE.key,
        form_version=CHILD_MESSAGE.version,
        status=SubmissionStatus.SENT,
        sent_at=utcnow(),
        answers=[
            Answer(question_key="about", choice="problem"),
            Answer(question_key="message", text="Ring me"),
        ],
    )
    db.session.add(message)
    mother = make_member(sam, name="Karen Taylor", relationship="mother", email="karen@example.org")
    make_member_submission(mother, review, {"home": ("3", "Settling in")})
    alert = Alert(child_id=sam.id, kind=AlertKind.URGENT, source=AlertSource.HELP_NOW, said="Please ring me")
    db.session.add(alert)
    db.session.flush()
    db.session.add(
        AlertAction(alert_id=alert.id, staff_id=iro.id, action_taken="Rang Sam", outcome=AlertOutcome.ACTED)
    )
    link = AccessLink(token_hash=hash_token("sam"), child_id=sam.id, expires_at=utcnow())
    db.session.add(link)
    db.session.commit()
    audit.record(iro, "viewed_consultation_summary", sam.id, review.id)
    audit.record(link, "child_viewed_own_answers", sam.id)
    audit.record(iro, "viewed_alert", namesake.id)
    db.session.commit()
    return {"manager": manager, "iro": iro, "sam": sam, "namesake": namesake}


def test_a_manager_finds_a_child_by_name_with_their_date_of_birth(client, case):
    sign_in(client, case["manager"])
    start = client.get("/staff/subject-access")
    assert start.soup.h1.get_text(strip=True) == "Subject access"
    assert start.soup.find("table") is None

    found = client.get("/staff/subject-access", query_string={"name": "sam"})
    rows = found.soup.select("tbody tr")
    assert len(rows) == 2
    text = found.soup.select_one("tbody").get_text(" ")
    assert case["sam"].date_of_birth.strftime("%-d %B %Y") in " ".join(text.split())
    assert case["namesake"].date_of_birth.strftime("%-d %B %Y") in " ".join(text.split())
    # Each child's download is a form (a POST with its token), not a link.
    hrefs = [form["action"] for form in found.soup.select("tbody form[method=post]")]
    assert f"/staff/subject-access/{case['sam'].id}.zip" in hrefs
    assert found.soup.select("tbody a") == []

    nobody = client.get("/staff/subject-access", query_string={"name": "Zebedee"})
    assert "No child's name has" in nobody.soup.get_text()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Enter the child's name, or part of it"),
        ("x" * 161, "A child's name must be 160 characters or fewer"),
    ],
)
def test_a_bad_search_gets_a_kind_message(client, case, name, message):
    sign_in(client, case["manager"])
    page = client.get("/staff/subject-access", query_string={"name": name}, expect=400)
    assert page.soup.select_one(".govuk-error-summary a[href='#name']").get_text(strip=True) == message


def test_only_managers_may_export(client, case):
    sign_in(client, case["iro"])
    client.get("/staff/subject-access", expect=404)
    client.post(f"/staff/subject-access/{case['sam'].id}.zip", expect=404)


def test_an_unknown_child_is_not_found(client, case):
    sign_in(client, case["manager"])
    client.post("/staff/subject-access/999999.zip", expect=404)


def _export(client, case):
    sign_in(client, case["manager"])
    response = client.post(f"/staff/subject-access/{case['sam'].id}.zip", expect=200)
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="subject-access-')
    assert response.headers["Cache-Control"] == "no-store"
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def test_the_export_holds_everything_about_the_child(client, case):
    archive = _export(client, case)
    assert set(archive.namelist()) == {
        "index.html",
        "child.json",
        "reviews.json",
        "views.json",
        "messages_from_child.json",
        "alerts.json",
        "circle.json",
        "messages_sent.json",
        "audit_trail.json",
    }

    def read(name):
        return json.loads(archive.read(name))

    sam = case["sam"]
    assert read("child.json")["last_name"] == sam.last_name
    assert read("child.json")["iro"] == "Alex Morgan"
    assert [review["number"] for review in read("reviews.json")] == [1]

    views = read("views.json")
    # Each answer under the question as it was asked, in its own form version.
    version_1 = next(v for v in views if v["form"] == "child-8-12 version 1")
    assert version_1["answers"][0]["question"] == "How are things where you live?"
    assert version_1["answers"][0]["answer"] == "Good"
    assert version_1["answers"][0]["in_their_own_words"] == WORDS
    version_2 = next(v for v in views if v["form"] == "child-8-12 version 2")
    assert version_2["answers"][0]["question"] == "Do you feel safe where you live?"
    mothers = next(v for v in views if v["from"] == "Karen Taylor (Mother)")
    assert mothers["answers"][0]["question"] == "How are things where Sam lives?"
    assert mothers["answers"][0]["in_their_own_words"] == "Settling in"

    message = read("messages_from_child.json")[0]
    assert [a["answer"] or a["in_their_own_words"] for a in message["answers"]] == [
        "A problem I want sorted out",
        "Ring me",
    ]
    alert = read("alerts.json")[0]
    assert alert["what_was_said"] == "Please ring me"
    assert alert["what_was_done"][0]["what_was_done"] == "Rang Sam"
    assert alert["what_was_done"][0]["by"] == "Alex Morgan"
    # The circle by name and relationship: their addresses are theirs, not the child's.
    assert read("circle.json") == [
        {
            "name": "Karen Taylor",
            "relationship": "Mother",
            "added": read("circle.json")[0]["added"],
            "left_the_circle": None,
        }
    ]
    assert "karen@example.org" not in json.dumps(
        [read(name) for name in archive.namelist() if name.endswith(".json")]
    )
    trail = read("audit_trail.json")
    assert [(row["who"], row["what"]) for row in trail] == [
        ("Alex Morgan", "Read the consultation summary"),
        ("The child's link", "Looked at their own answers"),
    ]


def test_the_readable_page_is_plain_escaped_and_has_no_scripts(client, case):
    html = _export(client, case).read("index.html").decode()
    assert "<script" not in html.replace("&lt;script", "")
    assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt; I want to see my brother &amp; sister" in html
    page = BeautifulSoup(html, "html5lib")
    assert page.find("script") is None
    assert page.find("link") is None  # self-contained: nothing to fetch
    assert page.h1.get_text(strip=True) == f"Everything held about {case['sam'].full_name}"
    words = page.get_text(" ")
    for said in ("Rang Sam", "Settling in", "Ring me", "Karen Taylor", "Read the consultation summary"):
        assert said in words


def test_the_export_is_audited(client, case):
    _export(client, case)
    exported = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "exported_subject_access")
    ).one()
    assert (exported.actor_id, exported.child_id) == (case["manager"].id, case["sam"].id)


def test_the_export_runs_the_same_queries_however_much_is_held(client, case, query_counter):
    sign_in(client, case["manager"])
    sam = case["sam"]
    counts = []
    for _ in range(2):
        with query_counter() as statements:
            client.post(f"/staff/subject-access/{sam.id}.zip", expect=200)
        counts.append(len(statements))
        review = make_review(sam, number=2 + len(counts))
        make_sent_submission(sam, review, {"home": ("4", "More")})
        make_member_submission(make_member(sam, name="Another"), review, {"home": ("3", None)})
        audit.record(case["iro"], "viewed_consultation_summary", sam.id, review.id)
        db.session.commit()
    assert counts[0] == counts[1]


def test_the_export_is_a_post_with_the_forms_token(app, client, case):
    """Another site's link (a GET, which SameSite=Lax lets carry the cookie) makes nothing
    and writes no audit row; a POST without the token is refused."""
    from werkzeug.exceptions import MethodNotAllowed

    sign_in(client, case["manager"])
    path = f"/staff/subject-access/{case['sam'].id}.zip"
    with pytest.raises(MethodNotAllowed):
        app.url_map.bind("localhost").match(path, method="GET")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client.post(f"/staff/subject-access/{case['sam'].id}.zip", expect=400)
        page = client.get("/staff/subject-access", query_string={"name": "sam"}).soup
        form = page.find("form", action=f"/staff/subject-access/{case['sam'].id}.zip")
        token = form.find("input", attrs={"name": "csrf_token"})["value"]
        button = " ".join(form.button.get_text(" ").split())
        assert button == f"Download everything held about {case['sam'].full_name} (ZIP)"
        hidden = form.button.select_one(".govuk-visually-hidden").get_text(strip=True)
        assert hidden == f"about {case['sam'].full_name}"  # seen: "Download everything held (ZIP)"
        response = client.post(form["action"], data={"csrf_token": token}, expect=200)
        assert response.mimetype == "application/zip"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    exported = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "exported_subject_access"))
    assert len(exported.all()) == 1


def test_a_circle_members_words_are_marked_third_party_and_their_confidences_left_out(client, case):
    sam = case["sam"]
    review = db.session.scalars(select(Submission.review_id).where(Submission.child_id == sam.id)).first()
    father = make_member(sam, name="Lee Taylor", relationship="father")
    paper = make_member_submission(father, db.session.get(Review, review), {"home": ("3", "Fine with me")})
    paper.answers.append(Answer(question_key="worries", text="Secret only the IRO hears", just_for_iro=True))
    # The child's own "just for my IRO" answer is theirs, and stays.
    mine = make_sent_submission(sam, db.session.get(Review, review), {"worries": (None, "Mine for the IRO")})
    mine.answers[0].just_for_iro = True
    db.session.commit()

    archive = _export(client, case)
    views = json.loads(archive.read("views.json"))
    fathers = next(v for v in views if v["from"] == "Lee Taylor (Father)")
    assert fathers["third_party"] is True
    assert "Third-party information" in fathers["review_before_release"]
    assert [a["in_their_own_words"] for a in fathers["answers"]] == ["Fine with me"]
    assert all(v["third_party"] is False for v in views if v["from"] == sam.full_name)
    childs = [a for v in views if v["from"] == sam.full_name for a in v["answers"]]
    assert any(a["in_their_own_words"] == "Mine for the IRO" and a["just_for_the_iro"] for a in childs)
    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    assert "Secret only the IRO hears" not in everything

    page = BeautifulSoup(archive.read("index.html").decode(), "html5lib")
    words = " ".join(page.get_text(" ").split())
    assert "Answers a circle member gave just for the IRO are left out of this export" in words
    heading = next(h for h in page.find_all("h3") if "Lee Taylor" in h.get_text())
    assert "(third-party information)" in heading.get_text()
    search = client.get("/staff/subject-access").soup.get_text()
    assert "Answers a circle member gave just for the IRO are left out" in search


def test_the_export_holds_the_childs_care_history_and_how_they_took_part(client, case):
    """What the council's own records say too: their ids and names, their periods in care,
    and for each review who was its IRO and how the child took part."""
    from datetime import date

    from tests.factories import make_care_period
    from voice_app.models import Review
    from voice_app.vocabulary import Participation

    sam = case["sam"]
    sam.child_ref, sam.preferred_name, sam.preferred_language = "C1001", "Sammy", "cy"
    make_care_period(sam, date(2020, 3, 2), date(2021, 6, 30), "E4A")
    make_care_period(sam, sam.looked_after_since)
    earlier_iro = make_staff(name="Priya Shah")
    held = db.session.scalars(select(Review).where(Review.child_id == sam.id)).one()
    held.held_on, held.participation_code, held.iro_id = held.due_on, Participation.PN6, earlier_iro.id
    db.session.commit()
    archive = _export(client, case)
    child = json.loads(archive.read("child.json"))
    assert (child["child_id"], child["preferred_name"], child["preferred_language"]) == (
        "C1001",
        "Sammy",
        "Cymraeg (Welsh)",
    )
    assert child["periods_in_care"] == [
        {"started": "2020-03-02", "ended": "2021-06-30"},
        {"started": sam.looked_after_since.isoformat(), "ended": None},
    ]
    review = json.loads(archive.read("reviews.json"))[0]
    assert review["iro"] == "Priya Shah"  # who was their IRO then, not who is now
    assert review["participation"].startswith("PN6: ")
    page = archive.read("index.html").decode()
    assert "C1001" in page and "Priya Shah" in page and "from 2020-03-02 to 2021-06-30" in page
