"""The children's records pages: the list and search, a child's record, adding and changing
a child by hand, moving them to another IRO, linking brothers and sisters, and leaving care.
Managers and administrators only (an IRO, for their own caseload, where the council allows
it); records, never a child's words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import make_child, make_link, make_review, make_sent_submission, make_staff
from tests.integration.test_iro import sign_in
from voice_app.data import children
from voice_app.data.database import db
from voice_app.models import AccessLink, AuditEvent, CarePeriod, Child, Review
from voice_app.vocabulary import Participation, StaffRole


@pytest.fixture
def manager(app_context):
    return make_staff(role=StaffRole.MANAGER, name="Jo Green", email="jo@example.org")


@pytest.fixture
def admin(app_context):
    return make_staff(role=StaffRole.ADMIN, name="Sam Patel", email="sam@example.org")


def audits(action: str, child_id: int | None = None) -> int:
    wanted = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    if child_id is not None:
        wanted = wanted.where(AuditEvent.child_id == child_id)
    return db.session.scalar(wanted) or 0


def details(iro, **changes) -> dict:
    born, since = changes.pop("born", date(2015, 3, 27)), changes.pop("since", date(2025, 9, 2))
    return {
        "first_name": "Samuel",
        "last_name": "Taylor",
        "preferred_name": "Sam",
        "date_of_birth_day": str(born.day),
        "date_of_birth_month": str(born.month),
        "date_of_birth_year": str(born.year),
        "child_ref": "C1001",
        "preferred_language": "pl",
        "looked_after_since_day": str(since.day),
        "looked_after_since_month": str(since.month),
        "looked_after_since_year": str(since.year),
        "iro": str(iro.id) if iro else "",
        **changes,
    }


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_the_list_shows_every_child_and_searches_by_name_or_child_id(client, request, who):
    person = request.getfixturevalue(who)
    iro = make_staff(name="Alex Morgan")
    sam = make_child(iro, first_name="Samuel", child_ref="C1001")
    sam.preferred_name = "Sam"
    leo = make_child(iro, first_name="Leo")
    children.leave_care(iro, leo, date.today())
    db.session.commit()
    sign_in(client, person)
    page = client.get("/staff/children-records")
    rows = page.soup.select("tbody tr")
    assert len(rows) == 2
    text = page.soup.select_one("tbody").get_text(" ", strip=True)
    assert "Samuel" in text and "Likes to be called Sam" in text and "C1001" in text
    assert "Alex Morgan" in text and "In care" in text and "Left care" in text
    assert page.soup.select_one('.govuk-service-navigation a[href="/staff/children-records"]')
    by_id = client.get("/staff/children-records?q=c100")
    assert [r.th.a.get_text() for r in by_id.soup.select("tbody tr")] == [sam.full_name]
    by_name = client.get("/staff/children-records?q=" + f"leo {leo.last_name.lower()}")
    assert [r.th.a.get_text() for r in by_name.soup.select("tbody tr")] == [leo.full_name]
    none = client.get("/staff/children-records?q=100%25")  # a % is looked for, not a wildcard
    assert none.soup.select_one("#none-found")
    too_long = client.get("/staff/children-records?q=" + "x" * 200, expect=400)
    assert "160 characters or fewer" in too_long.soup.select_one(".govuk-error-summary").get_text()


def test_a_record_shows_details_periods_reviews_and_siblings_and_its_reading_is_audited(client, admin):
    ira = make_staff(name="Ira Reed")
    alex = make_staff(name="Alex Morgan")
    sam = make_child(
        ira, first_name="Samuel", looked_after_since=date.today() - timedelta(days=400), with_period=True
    )
    held = make_review(sam, number=1, held_on=date.today() - timedelta(days=370))
    held.participation_code = Participation.PN1
    make_sent_submission(sam, held, {"how_are_things": ("good", "I MISS MY DOG SO MUCH")})
    leo = make_child(ira, first_name="Leo")
    children.link_siblings(admin, sam, [leo])
    db.session.commit()
    children.move_to_iro(admin, sam, alex)
    db.session.commit()
    make_review(sam, number=2, due_on=date.today() + timedelta(days=10))
    sign_in(client, admin)
    page = client.get(f"/staff/children-records/{sam.id}")
    text = page.soup.get_text(" ", strip=True)
    assert page.soup.h1.get_text(strip=True) == sam.full_name
    assert "Alex Morgan" in text  # their IRO now
    reviews = [row.get_text(" ", strip=True) for row in page.soup.select("#reviews tbody tr")]
    assert "Ira Reed" in reviews[0] and "PN1: Attended and spoke for themselves" in reviews[0]
    assert "Alex Morgan" in reviews[1] and "Due by" in reviews[1]
    due = page.soup.select_one("#next-due").get_text()
    assert (date.today() + timedelta(days=10)).strftime("%-d %B %Y") in due
    assert "still in care" in page.soup.select_one("#periods").get_text()
    assert leo.full_name in page.soup.select_one("#siblings").find_next("ul").get_text()
    # A record, never the child's words: an administrator reads no child's views.
    assert "MISS MY DOG" not in page.get_data(as_text=True)
    assert audits("viewed_child_record", sam.id) == 1


def test_an_iro_gets_page_not_found_on_every_records_page_unless_the_setting_is_on(app, client):
    iro = make_staff()
    theirs = make_child(iro)
    others = make_child(make_staff(email="other@example.org"))
    sign_in(client, iro)
    for url in (
        "/staff/children-records",
        f"/staff/children-records/{theirs.id}",
        "/staff/children-records/new",
        f"/staff/children-records/{theirs.id}/edit",
        f"/staff/children-records/{theirs.id}/move",
        f"/staff/children-records/{theirs.id}/siblings",
        f"/staff/children-records/{theirs.id}/leave-care",
        "/staff/children-records/import",
    ):
        client.get(url, expect=404)
    app.config["IROS_MAY_ADD_CHILDREN"] = True
    try:
        # Adding and changing children on their own caseload only; the rest stays closed.
        # Their caseload and their child's page lead there.
        assert client.get("/staff/").soup.find("a", href="/staff/children-records/new")
        edit = f"/staff/children-records/{theirs.id}/edit"
        assert client.get(f"/staff/children/{theirs.id}").soup.find("a", href=edit)
        client.get("/staff/children-records/new")
        client.get(f"/staff/children-records/{theirs.id}/edit")
        client.get(f"/staff/children-records/{others.id}/edit", expect=404)
        client.get("/staff/children-records", expect=404)
        client.get(f"/staff/children-records/{theirs.id}", expect=404)
        client.get(f"/staff/children-records/{theirs.id}/move", expect=404)
        added = client.post("/staff/children-records/new", data=details(None, child_ref=""))
        child = db.session.scalars(select(Child).where(Child.first_name == "Samuel")).one()
        assert child.iro_id == iro.id  # to their own caseload, whatever was posted
        assert added.headers["Location"] == f"/staff/children/{child.id}"
        other_iro = make_staff(email="third@example.org")
        client.post(f"/staff/children-records/{theirs.id}/edit", data=details(other_iro, child_ref=""))
        db.session.refresh(theirs)
        assert (theirs.first_name, theirs.iro_id) == ("Samuel", iro.id)
    finally:
        app.config["IROS_MAY_ADD_CHILDREN"] = False


def test_a_manager_adds_a_child_by_hand_and_their_first_review_is_due_from_the_day_they_came_in(
    client, manager
):
    iro = make_staff(name="Alex Morgan")
    sign_in(client, manager)
    page = client.get("/staff/children-records/new")
    iro_options = [o.get_text() for o in page.soup.select("select[name=iro] option")]
    assert "Alex Morgan" in iro_options
    assert len(page.soup.select("select[name=preferred_language] option")) == 12
    since = date.today() - timedelta(days=3)
    added = client.post("/staff/children-records/new", data=details(iro, since=since))
    child = db.session.scalars(select(Child)).one()
    assert added.headers["Location"] == f"/staff/children-records/{child.id}"
    assert (child.first_name, child.preferred_name, child.child_ref, child.preferred_language) == (
        "Samuel",
        "Sam",
        "C1001",
        "pl",
    )
    assert (child.date_of_birth, child.looked_after_since, child.iro_id) == (date(2015, 3, 27), since, iro.id)
    assert [(p.started_on, p.ended_on) for p in children.care_periods(child)] == [(since, None)]
    assert audits("added_child", child.id) == 1
    from voice_app import schedule

    [row] = children.caseload(iro)
    assert row.due_on == schedule.first_review_due(since)


def test_every_bad_input_gets_a_kind_message_and_nothing_typed_is_lost(client, manager):
    iro = make_staff()
    make_child(iro, child_ref="C1001")
    sign_in(client, manager)
    bad = client.post(
        "/staff/children-records/new",
        data=details(
            None,
            first_name="",
            last_name="x" * 81,
            date_of_birth_day="31",
            date_of_birth_month="2",
            looked_after_since_month="",
            preferred_language="klingon",
        ),
        expect=400,
    )
    summary = bad.soup.select_one(".govuk-error-summary").get_text(" ", strip=True)
    for words in (
        "Enter their first name",
        "Last name must be 80 characters or fewer",
        "Date of birth must be a real date",
        "The date they became looked after must include a month",
        "Choose a language from the list",
        "Choose their IRO from the list",
    ):
        assert words in summary, (words, summary)
    links = [a["href"] for a in bad.soup.select(".govuk-error-summary a")]
    assert "#date_of_birth_day" in links and "#looked_after_since_day" in links
    assert bad.soup.find("input", attrs={"name": "last_name"})["value"] == "x" * 81
    assert bad.soup.find("input", attrs={"name": "date_of_birth_day"})["value"] == "31"
    assert bad.soup.find("input", attrs={"name": "preferred_name"})["value"] == "Sam"
    future = client.post(
        "/staff/children-records/new", data=details(iro, born=date.today() + timedelta(days=1)), expect=400
    )
    assert "Date of birth must be in the past" in future.soup.select_one(".govuk-error-summary").get_text()
    before = client.post(
        "/staff/children-records/new", data=details(iro, since=date(2015, 3, 26)), expect=400
    )
    assert "must be after their date of birth" in before.soup.select_one(".govuk-error-summary").get_text()
    clash = client.post("/staff/children-records/new", data=details(iro), expect=400)
    assert (
        "Another child already has this child id" in clash.soup.select_one(".govuk-error-summary").get_text()
    )
    assert clash.soup.find("input", attrs={"name": "child_ref"})["value"] == "C1001"
    switched_off = make_staff(email="gone@example.org")
    switched_off.is_active_account = False
    db.session.commit()
    refused = client.post("/staff/children-records/new", data=details(switched_off, child_ref=""), expect=400)
    assert "Choose their IRO from the list" in refused.soup.select_one(".govuk-error-summary").get_text()
    assert db.session.scalar(select(func.count()).select_from(Child)) == 1


def test_changing_a_child_keeps_what_they_had_and_is_audited(client, admin):
    iro = make_staff(name="Ira Reed")
    child = make_child(iro, first_name="Sam", child_ref="C7", with_period=True)
    sign_in(client, admin)
    page = client.get(f"/staff/children-records/{child.id}/edit")
    assert page.soup.find("input", attrs={"name": "first_name"})["value"] == "Sam"
    assert page.soup.find("input", attrs={"name": "child_ref"})["value"] == "C7"
    assert page.soup.select_one("select[name=iro] option[selected]")["value"] == str(iro.id)
    since = date.today() - timedelta(days=20)
    client.post(
        f"/staff/children-records/{child.id}/edit",
        data=details(iro, first_name="Samuel", child_ref="C7", since=since, born=child.date_of_birth),
    )
    db.session.refresh(child)
    assert (child.first_name, child.looked_after_since) == ("Samuel", since)
    assert [p.started_on for p in children.care_periods(child)] == [since]
    assert audits("changed_child_details", child.id) == 1


def test_moving_a_child_offers_their_siblings_and_the_childs_start_page_names_the_new_iro(client, manager):
    ira = make_staff(name="Ira Reed")
    alex = make_staff(name="Alex Morgan")
    sam = make_child(ira, first_name="Sam")
    leo = make_child(ira, first_name="Leo")
    held = make_review(sam, number=1, held_on=date.today() - timedelta(days=30))
    children.link_siblings(manager, sam, [leo])
    db.session.commit()
    token = make_link(sam)
    sign_in(client, manager)
    page = client.get(f"/staff/children-records/{sam.id}/move")
    tick = page.soup.find("input", attrs={"name": "with_siblings"})
    assert tick.has_attr("checked") and leo.full_name in page.soup.get_text()
    assert str(ira.id) not in [o["value"] for o in page.soup.select("select[name=iro] option")]
    nothing = client.post(f"/staff/children-records/{sam.id}/move", data={"with_siblings": "yes"}, expect=400)
    assert "Choose their new IRO" in nothing.soup.select_one(".govuk-error-summary").get_text()
    client.post(f"/staff/children-records/{sam.id}/move", data={"iro": str(alex.id), "with_siblings": "yes"})
    db.session.refresh(sam)
    db.session.refresh(leo)
    db.session.refresh(held)
    assert (sam.iro_id, leo.iro_id, held.iro_id) == (alex.id, alex.id, ira.id)
    assert audits("moved_child_to_iro") == 2
    # The child's own start page names their new IRO.
    child_client = client.application.test_client()
    child_client.get(f"/c/{token}", expect=302)
    assert "Alex Morgan" in child_client.get("/my-voice").get_data(as_text=True)


def test_moving_one_child_without_their_siblings(client, manager):
    ira, alex = make_staff(name="Ira Reed"), make_staff(name="Alex Morgan")
    sam, leo = make_child(ira), make_child(ira)
    children.link_siblings(manager, sam, [leo])
    db.session.commit()
    sign_in(client, manager)
    client.post(f"/staff/children-records/{sam.id}/move", data={"iro": str(alex.id)})
    db.session.refresh(sam)
    db.session.refresh(leo)
    assert (sam.iro_id, leo.iro_id) == (alex.id, ira.id)


def test_linking_and_unlinking_brothers_and_sisters(client, manager):
    iro = make_staff()
    sam = make_child(iro, first_name="Sam")
    leo = make_child(iro, first_name="Leo")
    sign_in(client, manager)
    found = client.get(f"/staff/children-records/{sam.id}/siblings?q=leo")
    assert [li.p.get_text(" ", strip=True).split(",")[0] for li in found.soup.select("#candidates li")] == [
        leo.full_name
    ]
    client.post(f"/staff/children-records/{sam.id}/siblings", data={"sibling": str(leo.id)})
    assert [c.id for c in children.siblings_of(db.session.get(Child, sam.id))] == [leo.id]
    # Already linked: not offered again.
    assert client.get(f"/staff/children-records/{sam.id}/siblings?q=leo").soup.select_one("#none-found")
    bad = client.post(f"/staff/children-records/{sam.id}/siblings", data={"sibling": "nope"}, expect=400)
    assert "Choose a brother or sister" in bad.soup.select_one(".govuk-error-summary").get_text()
    client.post(f"/staff/children-records/{sam.id}/siblings", data={"sibling": "99999"}, expect=400)
    client.post(f"/staff/children-records/{sam.id}/siblings/{leo.id}/unlink")
    db.session.expire_all()
    assert children.siblings_of(db.session.get(Child, sam.id)) == []
    assert (audits("linked_siblings"), audits("unlinked_siblings")) == (2, 1)
    client.post(f"/staff/children-records/{sam.id}/siblings/{leo.id}/unlink", expect=404)


def test_a_child_leaves_care_by_hand_after_a_page_that_says_what_happens(client, manager):
    iro = make_staff()
    child = make_child(iro, looked_after_since=date.today() - timedelta(days=100), with_period=True)
    make_link(child)
    sign_in(client, manager)
    page = client.get(f"/staff/children-records/{child.id}/leave-care")
    said = page.soup.select_one("#what-happens").get_text(" ", strip=True)
    assert "links" in said and "invitations" in said and "retention" in said
    assert page.soup.find("input", attrs={"name": "left_on_day"})["value"] == str(date.today().day)
    tomorrow = date.today() + timedelta(days=1)
    future = client.post(
        f"/staff/children-records/{child.id}/leave-care",
        data={"left_on_day": tomorrow.day, "left_on_month": tomorrow.month, "left_on_year": tomorrow.year},
        expect=400,
    )
    assert "today or in the past" in future.soup.select_one(".govuk-error-summary").get_text()
    early = date.today() - timedelta(days=200)
    too_early = client.post(
        f"/staff/children-records/{child.id}/leave-care",
        data={"left_on_day": early.day, "left_on_month": early.month, "left_on_year": early.year},
        expect=400,
    )
    assert "on or after the day" in too_early.soup.select_one(".govuk-error-summary").get_text()
    client.post(
        f"/staff/children-records/{child.id}/leave-care",
        data={
            "left_on_day": date.today().day,
            "left_on_month": date.today().month,
            "left_on_year": date.today().year,
        },
    )
    db.session.refresh(child)
    assert child.left_care_on == date.today()
    assert db.session.scalars(select(AccessLink)).one().revoked_at is not None
    assert children.caseload(iro) == []
    record = client.get(f"/staff/children-records/{child.id}")
    assert record.soup.select_one("#left-care")
    client.get(f"/staff/children-records/{child.id}/leave-care", expect=404)
    assert db.session.scalars(select(CarePeriod)).one().ended_on == date.today()
    assert db.session.scalar(select(func.count()).select_from(Review)) == 0


def test_a_change_refused_for_a_switched_off_iro_changes_nothing(client, manager):
    iro = make_staff(name="Ira Reed")
    child = make_child(iro, first_name="Sam", with_period=True)
    gone = make_staff(email="gone@example.org")
    gone.is_active_account = False
    db.session.commit()
    since = child.looked_after_since
    sign_in(client, manager)
    refused = client.post(
        f"/staff/children-records/{child.id}/edit",
        data=details(gone, child_ref="", since=date.today() - timedelta(days=5), born=child.date_of_birth),
        expect=400,
    )
    assert "Choose their IRO from the list" in refused.soup.select_one(".govuk-error-summary").get_text()
    db.session.expire_all()
    child = db.session.get(Child, child.id)
    assert (child.first_name, child.iro_id, child.looked_after_since) == ("Sam", iro.id, since)
    assert [p.started_on for p in children.care_periods(child)] == [since]


def test_an_administrator_sees_no_childs_words_on_any_records_page(client, admin):
    iro = make_staff(name="Ira Reed")
    sam = make_child(iro, first_name="Sam", with_period=True)
    leo = make_child(iro, first_name="Leo", with_period=True)
    children.link_siblings(admin, sam, [leo])
    review = make_review(sam, number=1)
    make_sent_submission(sam, review, {"how_are_things": ("good", "MY SECRET WORDS")})
    db.session.commit()
    sign_in(client, admin)
    for url in (
        "/staff/children-records",
        "/staff/children-records?q=sam",
        f"/staff/children-records/{sam.id}",
        f"/staff/children-records/{sam.id}/edit",
        f"/staff/children-records/{sam.id}/move",
        f"/staff/children-records/{sam.id}/siblings?q=e",
        f"/staff/children-records/{sam.id}/leave-care",
        "/staff/children-records/import",
    ):
        assert "MY SECRET WORDS" not in client.get(url).get_data(as_text=True), url
