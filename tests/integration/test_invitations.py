"""The IRO invites the child and their circle, prints letters, reads the outbox, and sees
everyone's views side by side with who has not answered."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import (
    make_child,
    make_link,
    make_member,
    make_member_submission,
    make_review,
    make_sent_submission,
    make_staff,
)
from tests.integration.test_child_journey import open_link
from tests.integration.test_iro import sign_in
from voice_app.data.database import db
from voice_app.models import AccessLink, AuditEvent, Invitation, Message


@pytest.fixture
def family(app_context):
    iro = make_staff(name="Alex Morgan")
    child = make_child(iro, first_name="Sam")
    child.email = "sam@example.org"
    db.session.commit()
    review = make_review(child, scheduled_for=date.today() + timedelta(days=20))
    return {
        "iro": iro,
        "child": child,
        "review": review,
        "mother": make_member(child, "Karen Taylor", "mother", email="karen@example.org"),
        "carer": make_member(child, "Sue Jones", "foster_carer", mobile="07700900123"),
        "father": make_member(child, "Dave Brown", "father"),
        "teacher": make_member(child, "Raj Patel", "school", email="raj@example.org"),
    }


def people_keys(family, *names):
    return ["child" if n == "child" else f"member:{family[n].id}" for n in names]


def test_iro_invites_people_each_with_their_own_link_by_email_text_or_letter(client, family):
    sign_in(client, family["iro"])
    review = family["review"]
    page = client.get(f"/staff/reviews/{review.id}/invite")
    hints = " ".join(page.soup.get_text(" ").split())
    assert "by email" in hints and "by text message" in hints and "by printed letter" in hints

    response = client.post(
        f"/staff/reviews/{review.id}/invite",
        data={"people": people_keys(family, "child", "mother", "carer", "father")},
    )
    assert response.headers["Location"] == f"/staff/reviews/{review.id}#invitations"
    invitations = {i.respondent_key: i for i in db.session.scalars(select(Invitation))}
    assert {i.channel for i in invitations.values()} == {"email", "sms", "letter"}
    messages = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert sorted(m.recipient for m in messages) == ["07700900123", "karen@example.org", "sam@example.org"]
    assert all(m.status == "sent" for m in messages)  # the outbox sender keeps them for staff
    for message in messages:
        assert "Sam" not in message.body and "Karen" not in message.body and "Sue" not in message.body
        assert "My Voice" in message.body and message.link in message.body
    # Each person their own link: parents' and carers' links are for this review only.
    member_links = db.session.scalars(
        select(AccessLink).where(AccessLink.circle_member_id.is_not(None))
    ).all()
    assert {link.circle_member_id for link in member_links} == {family["mother"].id, family["carer"].id}
    assert all(link.review_id == review.id for link in member_links)

    # Inviting again sends nobody a second invitation.
    client.post(f"/staff/reviews/{review.id}/invite", data={"people": people_keys(family, "child", "mother")})
    assert len(db.session.scalars(select(Message)).all()) == 3


def test_choosing_nobody_is_a_clear_error(client, family):
    sign_in(client, family["iro"])
    page = client.post(f"/staff/reviews/{family['review'].id}/invite", data={}, expect=400)
    assert page.status_code == 400
    assert "Choose at least one person" in page.soup.select_one(".govuk-error-summary").get_text()


def test_a_letter_has_the_link_written_out_and_as_a_qr_code(client, other_client, family):
    sign_in(client, family["iro"])
    review = family["review"]
    client.post(f"/staff/reviews/{review.id}/invite", data={"people": people_keys(family, "father")})
    summary = client.get(f"/staff/reviews/{review.id}")
    button = summary.soup.find("button", string=lambda s: s and "Print a letter for Dave Brown" in s)
    letter = client.post(button.find_parent("form")["action"], expect=200)
    assert letter.status_code == 200
    assert letter.soup.select_one(".voice-qr svg") is not None
    url = letter.soup.select_one(".voice-letter code").get_text()
    assert "/c/" in url and "Dave Brown" in letter.soup.get_text()
    assert "Sam" not in letter.soup.select_one(".voice-letter").get_text()
    token = url.rsplit("/c/", 1)[1]
    assert other_client.get(f"/c/{token}", expect=302).headers["Location"] == "/your-views"
    assert "Sam's review" in other_client.get("/your-views").soup.h1.get_text()
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "printed_letter")).one()


def test_outbox_shows_this_iros_messages_only(client, family):
    sign_in(client, family["iro"])
    client.post(
        f"/staff/reviews/{family['review'].id}/invite", data={"people": people_keys(family, "mother")}
    )
    other_iro = make_staff()
    other_child = make_child(other_iro, first_name="Zed")
    other_review = make_review(other_child)
    from voice_app.data import invitations

    invitations.invite(other_review, [make_member(other_child, "Zara", "mother", email="zara@example.org")])
    db.session.commit()
    outbox = client.get("/staff/outbox").soup.get_text()
    assert "karen@example.org" in outbox and "zara@example.org" not in outbox


def test_caseload_shows_each_invited_persons_response_status(client, family):
    review = family["review"]
    sign_in(client, family["iro"])
    client.post(
        f"/staff/reviews/{review.id}/invite", data={"people": people_keys(family, "child", "mother", "carer")}
    )
    make_member_submission(family["carer"], review, {"home": ("4", "Settled")})
    mother_link = db.session.scalars(
        select(AccessLink).where(AccessLink.circle_member_id == family["mother"].id)
    ).one()
    mother_link.last_opened_at = db.func.now()
    db.session.commit()

    row = client.get("/staff/").soup.select_one("tbody tr")
    statuses = [" ".join(li.get_text(" ").split()) for li in row.select(".voice-statuses li")]
    assert "Sam (Child) Invited" in statuses
    assert "Karen Taylor (Mother) Opened" in statuses
    assert "Sue Jones (Foster carer) Sent" in statuses
    assert "Dave Brown (Father) Not invited" in statuses


def test_summary_lays_views_side_by_side_and_lists_who_did_not_answer(client, family):
    review, child = family["review"], family["child"]
    make_sent_submission(
        child,
        review,
        {"home": ("5", "I love my room"), "worries": (None, "My sister"), "attend": ("yes", None)},
    )
    make_member_submission(
        family["mother"],
        review,
        {
            "home": ("2", "Too far away"),
            "safety": ("4", None),
            "worries": (None, "Contact is cancelled"),
            "want_from_review": (None, "More contact"),
        },
    )
    make_member_submission(
        family["carer"], review, {"home": ("4", "Settled"), "support_needed": (None, "Respite")}
    )
    from voice_app.data import invitations

    invitations.invite(review, [family["teacher"]])
    db.session.commit()
    sign_in(client, family["iro"])
    page = client.get(f"/staff/reviews/{review.id}")
    soup = page.soup

    headings = [h.get_text(strip=True) for h in soup.select("h2")]
    assert headings.index("Requests and concerns") < headings.index("How things are")
    table = soup.select_one(".voice-topics")
    columns = [" ".join(th.get_text(" ").split()) for th in table.select("thead th")]
    assert columns == ["Topic", "Sam Child", "Karen Taylor Mother", "Sue Jones Foster carer"]
    rows = {
        tr.th.get_text(strip=True): [" ".join(td.get_text(" ").split()) for td in tr.select("td")]
        for tr in table.select("tbody tr")
    }
    assert list(rows)[:2] == ["Home", "Family time"]
    assert rows["Home"] == ["Really good I love my room", "Not good Too far away", "Good Settled"]
    assert rows["Safety"] == ["Not asked", "Good", "Not answered"]  # the child's form has no safety question

    requests = soup.get_text(" ")
    assert "Contact is cancelled" in requests and "Respite" in requests and "My sister" in requests
    own_words = soup.find("h2", string="In their own words").find_all_next("blockquote")
    assert any("More contact" in q.get_text() for q in own_words)

    asked = soup.find(id="invitations").find_next("ul").get_text(" ")
    assert "Raj Patel" in asked and "invited" in asked
    not_invited = soup.find("h3", string="Not invited").find_next("ul").get_text()
    assert "Dave Brown" in not_invited


def test_summary_queries_do_not_grow_with_respondents(client, family, query_counter):
    review, child = family["review"], family["child"]
    make_sent_submission(child, review, {"home": ("5", None)})
    sign_in(client, family["iro"])
    with query_counter() as few:
        assert client.get(f"/staff/reviews/{review.id}").status_code == 200
    from voice_app.data import invitations

    for number in range(30):
        member = make_member(child, f"Person {number}", "other_professional", email=f"p{number}@example.org")
        make_member_submission(member, review, {"home": ("3", "ok"), "concerns": (None, "none")})
        invitations.invite(review, [member])
    db.session.commit()
    with query_counter() as many:
        page = client.get(f"/staff/reviews/{review.id}")
    assert len(page.soup.select(".voice-topics thead th")) == 1 + 1 + 30
    assert len(few) == len(many)


def test_caseload_queries_do_not_grow_with_circles(client, family, query_counter):
    sign_in(client, family["iro"])
    with query_counter() as few:
        client.get("/staff/")
    from voice_app.data import invitations

    for number in range(10):
        child = make_child(family["iro"], first_name=f"Kid{number}")
        review = make_review(child)
        members = [make_member(child, f"Parent {number}", "mother", email=f"m{number}@example.org")]
        invitations.invite(review, [None, *members])
        make_member_submission(members[0], review, {"home": ("3", None)})
    db.session.commit()
    with query_counter() as many:
        client.get("/staff/")
    assert len(few) == len(many)


def test_another_iros_review_cannot_be_invited_to_or_printed(client, family):
    other = make_staff()
    sign_in(client, other)
    review = family["review"]
    assert client.get(f"/staff/reviews/{review.id}/invite", expect=404).status_code == 404
    assert (
        client.post(f"/staff/reviews/{review.id}/invite", data={"people": ["child"]}, expect=404).status_code
        == 404
    )
    assert client.post(f"/staff/reviews/{review.id}/letters/child", expect=404).status_code == 404
    assert db.session.scalars(select(Invitation)).all() == []


class ExplodingSender:
    keeps_links = False

    def send(self, message):
        raise RuntimeError("the messaging service broke in an unexpected way")


def test_a_broken_sender_never_breaks_the_iros_page(app, client, family):
    from voice_app.messaging.senders import SendFailed

    class FailingSender:
        keeps_links = False

        def send(self, message):
            raise SendFailed("Notify said no")

    sign_in(client, family["iro"])
    review = family["review"]
    app.extensions["VOICE_SENDER"] = FailingSender()
    try:
        response = client.post(
            f"/staff/reviews/{review.id}/invite", data={"people": people_keys(family, "mother")}
        )
        assert response.status_code == 302
        message = db.session.scalars(select(Message)).one()
        assert (message.status, message.last_error, message.attempts) == ("failed", "Notify said no", 1)
        assert "Notify said no" in client.get("/staff/outbox").soup.get_text()

        app.extensions["VOICE_SENDER"] = ExplodingSender()
        response = client.post(
            f"/staff/reviews/{review.id}/invite", data={"people": people_keys(family, "carer")}
        )
        assert response.status_code == 302
        assert client.get(f"/staff/reviews/{review.id}").status_code == 200
        carer_message = db.session.scalars(select(Message).where(Message.recipient == "07700900123")).one()
        assert carer_message.status == "failed"  # recorded, to be retried; never stuck half-sent
        assert "broke in an unexpected way" in carer_message.last_error
    finally:
        app.extensions.pop("VOICE_SENDER", None)


def test_a_child_has_one_working_link_and_a_reminder_never_cuts_them_off(client, other_client, family):
    """A new link for the child (here in an invitation) replaces the old one: the old link
    opens nothing new, but the child already answering through it carries on. Staff who
    stop the child's links end that session too."""
    child, review = family["child"], family["review"]
    old_token = make_link(child)
    open_link(other_client, old_token)
    other_client.post("/my-voice/start-again")

    sign_in(client, family["iro"])
    client.post(f"/staff/reviews/{review.id}/invite", data={"people": people_keys(family, "child")})
    message = db.session.scalars(select(Message).where(Message.recipient == "sam@example.org")).one()
    new_token = message.link.rsplit("/c/", 1)[-1]

    # Still answering through the old link: nothing lost, nothing cut off.
    assert other_client.post("/my-voice/questions/home", data={"choice": "4"}).headers["Location"] == (
        "/my-voice/questions/family_time"
    )
    # The old link opens nothing new; the new one works.
    assert client.application.test_client().get(f"/c/{old_token}", expect=404).status_code == 404
    assert client.application.test_client().get(f"/c/{new_token}", expect=302).status_code == 302
    working = [link for link in db.session.scalars(select(AccessLink)) if link.is_usable()]
    assert [link.circle_member_id for link in working] == [None]

    # Staff stopping the links (a lost phone) ends the session at once.
    client.post(f"/staff/children/{child.id}/links/stop")
    assert other_client.get("/my-voice", expect=302).headers["Location"] == "/link-needed"
