"""What happens to invitations when people's details change, when they are removed, when
a review is held, and when a message can never go."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tests.factories import (
    make_child,
    make_member,
    make_member_link,
    make_member_submission,
    make_review,
    make_sent_submission,
    make_staff,
)
from tests.integration.test_iro import sign_in
from voice_app.data import invitations
from voice_app.data.database import db
from voice_app.data.messages import MAX_ATTEMPTS, deliver_due
from voice_app.models import AccessLink, AuditEvent, Message, Review, StaffRole


@pytest.fixture
def family(app_context):
    iro = make_staff()
    child = make_child(iro, first_name="Sam")
    review = make_review(child, scheduled_for=date.today() + timedelta(days=20))
    return {
        "iro": iro,
        "child": child,
        "review": review,
        "mother": make_member(child, "Karen Taylor", "mother", email="karen@exmaple.org"),
        "father": make_member(child, "Dave Brown", "father"),
    }


def member_form(member, **changes):
    data = {
        "name": member.name,
        "relationship_key": member.relationship_key,
        "email": member.email or "",
        "mobile": member.mobile or "",
        "preferred_language": "en",
    }
    data.update(changes)
    return data


def all_messages():
    db.session.expire_all()
    return db.session.scalars(select(Message).order_by(Message.id)).all()


def test_correcting_an_email_stops_the_old_link_and_invites_the_new_address(client, other_client, family):
    mother, review = family["mother"], family["review"]
    sign_in(client, family["iro"])
    client.post(f"/staff/reviews/{review.id}/invite", data={"people": [f"member:{mother.id}"]})
    [first] = all_messages()
    old_token = first.link.rsplit("/c/", 1)[1]

    client.post(
        f"/staff/children/{family['child'].id}/circle/{mother.id}",
        data=member_form(mother, email="karen@example.org"),
    )
    messages = all_messages()
    assert [m.recipient for m in messages] == ["karen@exmaple.org", "karen@example.org"]
    assert messages[1].status == "sent"
    # The link sent to the typo is dead (opened in a browser not signed in as staff).
    assert other_client.get(f"/c/{old_token}", expect=404).status_code == 404


def test_someone_invited_by_letter_gets_an_email_once_they_have_one(client, family):
    father, review = family["father"], family["review"]
    sign_in(client, family["iro"])
    client.post(f"/staff/reviews/{review.id}/invite", data={"people": [f"member:{father.id}"]})
    assert all_messages() == []
    client.post(
        f"/staff/children/{family['child'].id}/circle/{father.id}",
        data=member_form(father, email="dave@example.org"),
    )
    assert [(m.recipient, m.kind) for m in all_messages()] == [("dave@example.org", "invitation")]


class FailingSender:
    keeps_links = False

    def send(self, message):
        from voice_app.messaging.senders import SendFailed

        raise SendFailed("try later")


def test_a_removed_person_gets_nothing_more_not_even_a_retry(app, client, family):
    mother, review = family["mother"], family["review"]
    sign_in(client, family["iro"])
    app.extensions["VOICE_SENDER"] = FailingSender()
    try:
        client.post(f"/staff/reviews/{review.id}/invite", data={"people": [f"member:{mother.id}"]})
    finally:
        app.extensions.pop("VOICE_SENDER")
    assert all_messages()[0].status == "failed"
    client.post(f"/staff/children/{family['child'].id}/circle/{mother.id}/remove")
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=2)):
        deliver_due()
    [message] = all_messages()
    assert message.status == "cancelled"
    assert message.link is None and "/c/" not in message.body


def test_a_message_that_can_never_go_keeps_no_working_link(app, family):
    invitations.invite(family["review"], [family["mother"]])
    db.session.commit()
    app.extensions["VOICE_SENDER"] = FailingSender()
    try:
        for hours in range(0, 48 * 4, 8):
            with time_machine.travel(datetime.now(UTC) + timedelta(hours=hours)):
                deliver_due()
    finally:
        app.extensions.pop("VOICE_SENDER")
    [message] = all_messages()
    assert message.attempts == MAX_ATTEMPTS and message.status == "failed"
    assert message.link is None
    assert all(link.revoked_at for link in db.session.scalars(select(AccessLink)))


def test_send_due_opens_the_first_review_of_a_child_new_to_care(app, app_context):
    child = make_child(make_staff(), first_name="Jade", looked_after_since=date(2026, 11, 2))
    make_member(child, "Lisa", "mother", email="lisa@example.org")
    # The first review is due within 20 working days: by 30 November 2026.
    with time_machine.travel(datetime(2026, 11, 9, 9, tzinfo=UTC), tick=False):
        result = app.test_cli_runner().invoke(args=["voice", "send-due"])
    assert "invited 1" in result.output
    review = db.session.scalars(select(Review)).one()
    assert review.due_on == date(2026, 11, 30) and review.created_by_rule


def test_people_who_already_answered_are_not_invited_and_nobody_gets_two_messages_in_a_day(app, family):
    child, review = family["child"], family["review"]
    child.email = "sam@example.org"
    review.scheduled_for = date(2027, 1, 7)
    db.session.commit()
    make_sent_submission(child, review, {"home": ("4", None)})
    # Three working days before the meeting: inside both the opening and reminder windows.
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=UTC), tick=False):
        output = app.test_cli_runner().invoke(args=["voice", "send-due"]).output
    assert "invited 1, reminded 0" in output  # Karen; Sam has already sent theirs
    assert [m.recipient for m in all_messages()] == ["karen@exmaple.org"]
    with time_machine.travel(datetime(2027, 1, 6, 9, tzinfo=UTC), tick=False):
        output = app.test_cli_runner().invoke(args=["voice", "send-due"]).output
    assert "reminded 1" in output  # two working days after her invitation


def test_a_paper_keeps_its_form_when_the_persons_role_changes(client, other_client, family):
    mother, review = family["mother"], family["review"]
    token = make_member_link(mother, review)
    client.get(f"/c/{token}", expect=302)
    client.post("/your-views/questions/want_from_review", data={"text": "More contact"})
    mother.relationship_key = "foster_carer"
    db.session.commit()
    page = client.get("/your-views/check")
    assert "What do you want from this review?" in page.soup.get_text()
    assert "More contact" in page.soup.get_text()


def test_after_the_review_is_held_links_take_no_views_and_nobody_can_be_invited(client, other_client, family):
    mother, review = family["mother"], family["review"]
    token = make_member_link(mother, review)
    review.held_on = date.today()
    db.session.commit()
    other_client.get(f"/c/{token}", expect=302)
    page = other_client.get("/your-views", expect=410)
    assert page.status_code == 410
    assert "review has taken place" in page.soup.h1.get_text()
    assert (
        other_client.post("/your-views/questions/home", data={"choice": "3"}, expect=410).status_code == 410
    )
    sign_in(client, family["iro"])
    assert (
        client.post(
            f"/staff/reviews/{review.id}/invite", data={"people": [f"member:{mother.id}"]}
        ).status_code
        == 302
    )
    assert client.post(f"/staff/reviews/{review.id}/letters/member:{family['father'].id}").status_code == 302
    assert (
        all_messages() == []
        and not db.session.scalars(
            select(AccessLink).where(AccessLink.circle_member_id == family["father"].id)
        ).all()
    )


def test_someone_removed_after_being_invited_is_not_waited_for(client, family):
    review = family["review"]
    invitations.invite(review, [family["father"]])
    db.session.commit()
    sign_in(client, family["iro"])
    client.post(f"/staff/children/{family['child'].id}/circle/{family['father'].id}/remove")
    page = client.get(f"/staff/reviews/{review.id}")
    waiting = page.soup.find("h3", string="Did not answer yet")
    assert waiting is None or "Dave Brown" not in waiting.find_next("ul").get_text()


def test_the_managers_figure_counts_only_the_childs_own_views(client, family):
    make_member_submission(family["mother"], family["review"], {"home": ("3", None)})
    manager = make_staff(role=StaffRole.MANAGER)
    sign_in(client, manager)
    row = client.get("/staff/overview").soup.select_one("tbody tr")
    cells = [td.get_text(strip=True) for td in row.select("td")]
    assert cells == ["1", "1", "0"]  # 1 child, 1 review not held, 0 with the child's views


def test_the_outbox_is_audited_and_odd_pages_are_fine(client, family):
    sign_in(client, family["iro"])
    assert client.get("/staff/outbox?page=99999999999999999999").status_code == 200
    assert client.get("/staff/outbox?page=-4").status_code == 200
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "viewed_outbox")).all()
