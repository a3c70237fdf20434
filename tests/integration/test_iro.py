"""The IRO's side: sign in, caseload, consultation summary, links, and nobody else's children."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, make_child, make_link, make_review, make_sent_submission, make_staff
from voice_app import schedule
from voice_app.data.database import db
from voice_app.models import AccessLink, AuditEvent, StaffRole

LEO = {
    "home": ("4", "My carers are kind."),
    "family_time": ("2", "I only see my mum once a month."),
    "worries": (None, "I worry about my little sister."),
    "attend": ("part", None),
    "who": (None, "My carer Sue."),
    "advocate": ("yes", None),
}


def sign_in(client, user):
    response = client.post("/staff/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def test_sign_in_page_and_wrong_password(client):
    iro = make_staff()
    page = client.get("/staff/sign-in")
    assert page.soup.find("input", attrs={"name": "password"})["type"] == "password"
    wrong = client.post("/staff/sign-in", data={"email": iro.email, "password": "nope"}, expect=400)
    assert wrong.status_code == 400
    assert (
        "Enter a correct email address and password"
        in wrong.soup.select_one(".govuk-error-summary").get_text()
    )
    assert wrong.soup.find("input", attrs={"name": "email"})["value"] == iro.email
    missing = client.post("/staff/sign-in", data={"email": "", "password": ""}, expect=400)
    assert "Enter your email address" in missing.soup.get_text()
    assert "Enter your password" in missing.soup.get_text()
    assert client.get("/staff/", expect=302).headers["Location"].startswith("/staff/sign-in")


def test_passwords_are_argon2_hashes(app_context):
    iro = make_staff()
    assert iro.password_hash.startswith("$argon2id$")
    assert iro.check_password(PASSWORD) and not iro.check_password("wrong")


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(client):
    iro = make_staff()
    ok = client.post("/staff/sign-in?next=/staff/children/1", data={"email": iro.email, "password": PASSWORD})
    assert ok.headers["Location"] == "/staff/children/1"
    client.post("/staff/sign-out")
    evil = client.post("/staff/sign-in?next=//evil.example", data={"email": iro.email, "password": PASSWORD})
    assert evil.headers["Location"] == "/staff/"


def test_caseload_shows_each_child_review_due_date_and_views(client):
    iro = make_staff()
    sam = make_child(iro, first_name="Sam")
    leo = make_child(iro, first_name="Leo")
    jade = make_child(iro, first_name="Jade", looked_after_since=date.today() - timedelta(days=1))
    make_review(sam, scheduled_for=date.today() + timedelta(days=21))
    leo_review = make_review(
        leo, scheduled_for=date.today() + timedelta(days=14), due_on=date.today() + timedelta(days=20)
    )
    make_sent_submission(leo, leo_review, LEO)
    sign_in(client, iro)

    page = client.get("/staff/")
    rows = {row.th.get_text(strip=True): row for row in page.soup.select("tbody tr")}
    assert set(rows) == {sam.full_name, leo.full_name, jade.full_name}
    assert "Leo (Child) Sent" in " ".join(rows[leo.full_name].get_text().split())
    assert "Sam (Child) Not invited" in " ".join(rows[sam.full_name].get_text().split())
    assert "Not booked" in rows[jade.full_name].get_text()
    assert "No review yet" in rows[jade.full_name].get_text()
    jade_due = schedule.first_review_due(jade.looked_after_since)
    assert f"{jade_due.day} {jade_due:%b %Y}" in rows[jade.full_name].get_text()
    # Soonest review first: Leo in 14 days, Sam in 21, Jade's first review in 20 working days.
    assert list(rows) == [leo.full_name, sam.full_name, jade.full_name]


def test_consultation_summary_puts_requests_first_and_quotes_the_child(client):
    iro = make_staff()
    leo = make_child(iro, first_name="Leo")
    review = make_review(leo, scheduled_for=date(2027, 1, 14))
    make_sent_submission(leo, review, LEO)
    sign_in(client, iro)

    page = client.get(f"/staff/reviews/{review.id}")
    assert page.status_code == 200
    headings = [h.get_text(strip=True) for h in page.soup.select("h2")]
    assert headings == ["Requests and concerns", "How things are", "In their own words", "Who has been asked"]
    requests = page.soup.select_one(".voice-requests").get_text(" ", strip=True)
    assert "Yes, for part of it" in requests and "Yes, please" in requests and "My carer Sue." in requests
    assert "I worry about my little sister." in requests  # concerns come first too
    topics = {
        row.th.get_text(strip=True): row.td.get_text(" ", strip=True)
        for row in page.soup.select(".voice-topics tbody tr")
    }
    assert "Good" in topics["Home"] and "My carers are kind." in topics["Home"]
    assert "Not good" in topics["Family time"]
    assert topics["School"] == "Not answered"
    assert "Safety" not in topics  # nobody who answered was asked about safety
    quotes = [q.get_text() for q in page.soup.select("blockquote")]
    assert "I worry about my little sister." in quotes
    assert "Leo (Child) sent their views on" in page.soup.get_text()
    assert "Thursday 14 January 2027" in page.soup.get_text()


def test_summary_of_a_review_without_views(client):
    iro = make_staff()
    review = make_review(make_child(iro, first_name="Sam"))
    sign_in(client, iro)
    page = client.get(f"/staff/reviews/{review.id}")
    assert "Nobody has sent their views for this review yet." in page.soup.get_text()


def test_every_view_of_the_summary_is_audited(client):
    iro = make_staff()
    child = make_child(iro)
    review = make_review(child)
    sign_in(client, iro)
    client.get(f"/staff/reviews/{review.id}")
    client.get(f"/staff/reviews/{review.id}")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "viewed_consultation_summary")
    ).all()
    assert len(events) == 2
    event = events[0]
    assert (event.actor_kind, event.actor_id, event.child_id, event.review_id) == (
        "staff",
        iro.id,
        child.id,
        review.id,
    )
    assert event.created_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize("path", ["/staff/children/{child}", "/staff/reviews/{review}"])
def test_another_iros_children_are_not_found(client, path):
    mine, theirs = make_staff(), make_staff()
    their_child = make_child(theirs)
    their_review = make_review(their_child)
    sign_in(client, mine)
    assert (
        client.get(path.format(child=their_child.id, review=their_review.id), expect=404).status_code == 404
    )
    assert client.get(path.format(child=999999, review=999999), expect=404).status_code == 404
    assert client.post(f"/staff/children/{their_child.id}/card", expect=404).status_code == 404
    assert not db.session.scalars(select(AuditEvent)).all()


def test_a_manager_has_no_caseload_of_children(client):
    manager = make_staff(role=StaffRole.MANAGER)
    iro = make_staff(name="Ira Reed")
    review = make_review(make_child(iro))
    sign_in(client, manager)
    assert client.get("/staff/", expect=404).status_code == 404
    assert client.get(f"/staff/reviews/{review.id}", expect=404).status_code == 404
    overview = client.get("/staff/overview")
    assert "Ira Reed" in overview.soup.get_text()


def test_summary_runs_the_same_queries_for_one_or_fifty_submissions(client, query_counter):
    iro = make_staff()
    one_child, many_child = make_child(iro), make_child(iro)
    one_review, many_review = make_review(one_child), make_review(many_child)
    make_sent_submission(one_child, one_review, LEO)
    for _ in range(50):
        make_sent_submission(many_child, many_review, LEO)
    sign_in(client, iro)

    with query_counter() as one:
        page = client.get(f"/staff/reviews/{one_review.id}")
        assert page.status_code == 200
    with query_counter() as fifty:
        page = client.get(f"/staff/reviews/{many_review.id}")
        assert page.status_code == 200
    assert len(page.soup.select("blockquote")) >= 50
    assert len(one) == len(fifty)


def test_caseload_runs_the_same_queries_for_one_or_many_children(client, query_counter):
    iro = make_staff()
    make_review(make_child(iro))
    sign_in(client, iro)
    with query_counter() as few:
        client.get("/staff/")
    for _ in range(20):
        child = make_child(iro)
        make_sent_submission(child, make_review(child), LEO)
    with query_counter() as many:
        client.get("/staff/")
    assert len(few) == len(many)


def test_iro_prints_a_card_shown_once_and_can_stop_it(client, other_client):
    iro = make_staff()
    child = make_child(iro)
    old_token = make_link(child)
    sign_in(client, iro)

    page = client.post(f"/staff/children/{child.id}/card", expect=200)
    code = page.soup.select_one(".voice-card__code").get_text()
    assert page.soup.select_one(".voice-card .voice-qr svg") is not None
    assert "/c/" not in page.soup.select_one(".voice-card").get_text()  # a QR and a code, no link
    assert other_client.post("/code", data={"code": code}).headers["Location"] == "/my-voice"
    assert other_client.application.test_client().get(f"/c/{old_token}", expect=404).status_code == 404
    assert code not in client.get(f"/staff/children/{child.id}").get_data(as_text=True)

    client.post(f"/staff/children/{child.id}/links/stop")
    assert other_client.get("/my-voice", expect=302).headers["Location"] == "/link-needed"
    assert all(link.revoked_at for link in db.session.scalars(select(AccessLink)))
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["printed_card", "stopped_personal_links"]
