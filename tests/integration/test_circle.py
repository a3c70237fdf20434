"""The IRO adds, changes and removes the people in a child's circle."""

from datetime import date, timedelta

from sqlalchemy import select

from tests.factories import make_child, make_member, make_member_submission, make_review, make_staff
from tests.integration.test_iro import sign_in
from voice_app.data.database import db
from voice_app.models import AccessLink, CircleMember, Submission


def test_iro_adds_a_parent_with_contact_details_and_language(client):
    iro = make_staff()
    child = make_child(iro, first_name="Sam")
    sign_in(client, iro)
    page = client.get(f"/staff/children/{child.id}/circle/new")
    assert page.soup.h1.get_text(strip=True) == "Add someone to Sam's circle"
    response = client.post(
        f"/staff/children/{child.id}/circle/new",
        data={
            "name": "Karen Taylor",
            "relationship_key": "mother",
            "email": " karen@example.org ",
            "mobile": "+44 7700 900 123",
            "preferred_language": "pl",
        },
    )
    assert response.headers["Location"] == f"/staff/children/{child.id}"
    member = db.session.scalars(select(CircleMember)).one()
    assert (member.name, member.role, member.email, member.mobile, member.preferred_language) == (
        "Karen Taylor",
        "parent",
        "karen@example.org",
        "07700900123",
        "pl",
    )
    row = client.get(f"/staff/children/{child.id}").soup.find("th", string="Karen Taylor").parent
    assert "Mother" in row.get_text() and "Polski" in row.get_text()


def test_bad_details_get_clear_messages_and_keep_what_was_typed(client):
    iro = make_staff()
    child = make_child(iro)
    sign_in(client, iro)
    page = client.post(
        f"/staff/children/{child.id}/circle/new",
        data={
            "name": "",
            "email": "not-an-email",
            "mobile": "12345",
            "preferred_language": "en",
        },
        expect=400,
    )
    assert page.status_code == 400
    summary = page.soup.select_one(".govuk-error-summary")
    text = summary.get_text()
    assert "Enter their name" in text and "Choose their relationship" in text
    assert "correct format" in text and "UK mobile number" in text
    hrefs = {a["href"] for a in summary.find_all("a")}
    assert {"#name", "#relationship_key-0", "#email", "#mobile"} <= hrefs
    assert page.soup.find("input", attrs={"name": "email"})["value"] == "not-an-email"
    assert db.session.scalars(select(CircleMember)).all() == []


def test_iro_changes_someones_details(client):
    iro = make_staff()
    child = make_child(iro)
    member = make_member(child, email="old@example.org")
    sign_in(client, iro)
    page = client.get(f"/staff/children/{child.id}/circle/{member.id}")
    assert page.soup.find("input", attrs={"name": "email"})["value"] == "old@example.org"
    client.post(
        f"/staff/children/{child.id}/circle/{member.id}",
        data={
            "name": "Karen Taylor",
            "relationship_key": "foster_carer",
            "email": "",
            "mobile": "07700900999",
            "preferred_language": "en",
        },
    )
    db.session.refresh(member)
    assert (member.role, member.email, member.mobile) == ("carer", None, "07700900999")


def test_removing_someone_keeps_what_they_sent_and_stops_their_links(client, other_client):
    iro = make_staff()
    child = make_child(iro)
    review = make_review(child, scheduled_for=date.today() + timedelta(days=10))
    member = make_member(child)
    make_member_submission(member, review, {"home": ("4", "Fine")})
    from tests.factories import make_member_link

    token = make_member_link(member, review)
    sign_in(client, iro)
    confirm = client.get(f"/staff/children/{child.id}/circle/{member.id}/remove")
    assert "Anything they already sent stays" in confirm.soup.get_text()
    client.post(f"/staff/children/{child.id}/circle/{member.id}/remove")
    db.session.refresh(member)
    assert member.removed_at is not None
    assert db.session.scalars(select(Submission)).one().circle_member_id == member.id
    assert db.session.scalars(select(AccessLink)).one().revoked_at is not None
    assert "Karen Taylor" not in client.get(f"/staff/children/{child.id}").soup.find("main").get_text()
    # Their answers are still in the review's summary.
    assert "Fine" in client.get(f"/staff/reviews/{review.id}").soup.get_text()
    # Opened in the member's own browser (a browser signed in as staff opens no link at all).
    assert other_client.get(f"/c/{token}", expect=404).status_code == 404


def test_another_iros_childs_circle_is_not_found(client):
    mine, theirs = make_staff(), make_staff()
    their_child = make_child(theirs)
    member = make_member(their_child)
    sign_in(client, mine)
    for path in (
        f"/staff/children/{their_child.id}/circle/new",
        f"/staff/children/{their_child.id}/circle/{member.id}",
        f"/staff/children/{their_child.id}/circle/{member.id}/remove",
    ):
        assert client.get(path, expect=404).status_code == 404
    my_child = make_child(mine)
    assert client.get(f"/staff/children/{my_child.id}/circle/{member.id}", expect=404).status_code == 404


def test_iro_sets_where_the_childs_own_invitations_go(client):
    iro = make_staff()
    child = make_child(iro, first_name="Sam")
    sign_in(client, iro)
    page = client.get(f"/staff/children/{child.id}")
    assert "Nowhere yet" in page.soup.get_text()
    bad = client.post(f"/staff/children/{child.id}/contact", data={"email": "", "mobile": "0123"}, expect=400)
    assert bad.status_code == 400 and "UK mobile number" in bad.soup.get_text()
    client.post(f"/staff/children/{child.id}/contact", data={"email": "", "mobile": "07700 900 555"})
    db.session.refresh(child)
    assert (child.email, child.mobile) == (None, "07700900555")
    other = make_staff()
    client.post("/staff/sign-out")
    sign_in(client, other)
    assert client.get(f"/staff/children/{child.id}/contact", expect=404).status_code == 404
