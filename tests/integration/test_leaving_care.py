"""A child's record kept by hand: adding and changing a child (their period in care kept in
step), a child leaving care, and moving a child (and their brothers and sisters) to another IRO."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import (
    make_care_period,
    make_child,
    make_link,
    make_member,
    make_member_link,
    make_review,
    make_staff,
)
from tests.integration.test_send_due import at
from voice_app import schedule
from voice_app.data import children, invitations, reviews
from voice_app.data.database import db
from voice_app.models import AccessLink, AuditEvent, CarePeriod, Message, Review, StaffRole
from voice_app.vocabulary import MessageStatus

REVIEW_DAY = date(2027, 1, 7)  # consultation opens on 14 December 2026 (tests/integration/test_send_due.py)


def _child_with_a_review_and_a_circle():
    iro = make_staff()
    child = make_child(iro, looked_after_since=date.today() - timedelta(days=300))
    child.email = "sam@example.org"
    mother = make_member(child, email="karen@example.org")
    review = make_review(child, scheduled_for=REVIEW_DAY)
    db.session.add(CarePeriod(child_id=child.id, started_on=child.looked_after_since))
    db.session.commit()
    return iro, child, mother, review


def test_leaving_care_stops_links_and_messages_and_no_invitation_goes_out(app, app_context):
    iro, child, mother, review = _child_with_a_review_and_a_circle()
    make_link(child)
    make_member_link(mother, review)
    queued = invitations.invite(review, [None])
    db.session.commit()
    assert queued and queued[0].status == MessageStatus.QUEUED
    manager = make_staff(role=StaffRole.MANAGER)

    children.leave_care(manager, child, date.today(), "E13")
    db.session.commit()

    assert child.left_care_on == date.today() and not child.in_care
    period = db.session.scalars(select(CarePeriod).where(CarePeriod.child_id == child.id)).one()
    assert (period.ended_on, period.end_reason) == (date.today(), "E13")
    assert all(link.revoked_at for link in db.session.scalars(select(AccessLink)))
    db.session.expire_all()
    assert db.session.get(Message, queued[0].id).status == MessageStatus.CANCELLED
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.child_id == child.id)).all() == [
        "child_left_care"
    ]
    # Not on the caseload; nothing goes out when the consultation would have opened.
    assert children.caseload(iro) == []
    assert reviews.pending_reviews() == []
    with at(date(2026, 12, 15)):
        result = app.test_cli_runner().invoke(args=["voice", "send-due"])
    assert result.exit_code == 0 and "invited 0" in result.output
    assert db.session.scalar(select(func.count()).select_from(Message)) == 1
    # The record stays readable for managers, with those who left listed apart.
    assert children.child_for(manager, child.id).id == child.id
    assert [c.id for c in children.left_care(manager)] == [child.id]


def test_no_next_review_is_made_for_a_child_who_left_care(app_context):
    iro = make_staff()
    child = make_child(iro)
    children.leave_care(iro, child, date.today())
    db.session.commit()
    reviews.ensure_next_reviews()
    assert db.session.scalar(select(func.count()).select_from(Review)) == 0
    period = children.care_periods(child)[0]
    assert (period.started_on, period.end_reason) == (child.looked_after_since, "E8")


def test_a_child_cannot_leave_care_before_they_came_in(app_context):
    child = make_child(make_staff())
    with pytest.raises(children.StillInCare):
        children.leave_care(
            make_staff(role=StaffRole.MANAGER), child, child.looked_after_since - timedelta(days=1)
        )


def test_moving_a_child_changes_caseloads_and_past_reviews_keep_their_iro(app_context):
    ira, child, _mother, booked = _child_with_a_review_and_a_circle()
    held = make_review(
        child,
        number=2,
        held_on=date.today() - timedelta(days=30),
        scheduled_for=date.today() - timedelta(days=30),
    )
    other = make_staff(email="other@example.org")
    manager = make_staff(role=StaffRole.MANAGER)

    moved = children.move_to_iro(manager, child, other)
    db.session.commit()

    assert moved == [child]
    assert children.caseload(ira) == []
    assert [row.child.id for row in children.caseload(other)] == [child.id]
    db.session.expire_all()
    assert db.session.get(Review, held.id).iro_id == ira.id
    assert db.session.get(Review, booked.id).iro_id is None  # still to come: the new IRO's
    assert db.session.scalars(
        select(AuditEvent.about_staff_id).where(AuditEvent.action == "moved_child_to_iro")
    ).all() == [other.id]
    # Moving again to the same IRO changes nothing.
    assert children.move_to_iro(manager, child, other) == []


def test_moving_one_child_can_move_their_brothers_and_sisters_in_care_too(app_context):
    ira = make_staff()
    sam, leo, jade, left = (make_child(ira, first_name=name) for name in ("Sam", "Leo", "Jade", "Mia"))
    other_family = make_child(ira, first_name="Noah")
    manager = make_staff(role=StaffRole.MANAGER)
    children.link_siblings(manager, sam, [leo])
    children.link_siblings(manager, jade, [left])
    children.link_siblings(manager, leo, [jade])  # joins the two groups
    children.leave_care(manager, left, date.today())
    db.session.commit()
    assert {c.id for c in children.siblings_of(sam)} == {leo.id, jade.id, left.id}
    assert children.siblings_of(other_family) == []

    other = make_staff(email="other@example.org")
    moved = children.move_to_iro(manager, sam, other, with_siblings=True)
    db.session.commit()
    assert {c.id for c in moved} == {sam.id, leo.id, jade.id}
    assert {row.child.id for row in children.caseload(other)} == {sam.id, leo.id, jade.id}
    assert [row.child.id for row in children.caseload(ira)] == [other_family.id]

    children.unlink_sibling(manager, jade)
    db.session.commit()
    assert {c.id for c in children.siblings_of(sam)} == {leo.id, left.id}


def test_a_child_can_only_be_moved_to_an_active_iro(app_context):
    child = make_child(make_staff())
    manager = make_staff(role=StaffRole.MANAGER)
    with pytest.raises(children.NotAnIro):
        children.move_to_iro(manager, child, manager)
    switched_off = make_staff(email="off@example.org")
    switched_off.is_active_account = False
    with pytest.raises(children.NotAnIro):
        children.move_to_iro(manager, child, switched_off)
    assert switched_off not in children.active_iros()


def _details(iro, **changes) -> children.ChildDetails:
    values = {
        "first_name": "Sam",
        "last_name": "Taylor",
        "date_of_birth": date(2015, 3, 1),
        "looked_after_since": date.today() - timedelta(days=20),
        "iro_id": iro.id,
        "child_ref": "C1",
        "preferred_language": "cy",
        "preferred_name": "Sammy",
    }
    return children.ChildDetails(**(values | changes))


def test_a_child_added_by_hand_has_one_period_in_care_and_the_addition_is_audited(app_context):
    iro = make_staff()
    manager = make_staff(role=StaffRole.MANAGER)
    child = children.add_child(manager, _details(iro))
    db.session.commit()
    assert (child.child_ref, child.known_as, child.preferred_language) == ("C1", "Sammy", "cy")
    assert [(p.started_on, p.ended_on) for p in children.care_periods(child)] == [
        (date.today() - timedelta(days=20), None)
    ]
    assert db.session.scalars(select(AuditEvent.action)).all() == ["added_child"]
    with pytest.raises(children.ChildRefInUse):
        children.add_child(manager, _details(iro, first_name="Leo"))
    with pytest.raises(children.NotAnIro):
        children.add_child(manager, _details(manager, child_ref=None))


def test_changing_when_a_child_came_into_care_moves_their_period_and_their_next_due_date(app_context):
    iro = make_staff()
    manager = make_staff(role=StaffRole.MANAGER)
    child = children.add_child(manager, _details(iro))
    db.session.commit()
    rule_made = reviews.next_review(child)
    db.session.commit()
    came_in = date.today() - timedelta(days=5)
    children.change_details(manager, child, _details(iro, looked_after_since=came_in, last_name="Jones"))
    db.session.commit()
    assert child.last_name == "Jones" and child.looked_after_since == came_in
    assert [p.started_on for p in children.care_periods(child)] == [came_in]
    db.session.refresh(rule_made)
    assert rule_made.due_on == schedule.first_review_due(came_in)
    other = make_staff(email="other@example.org")
    children.change_details(manager, child, _details(other, looked_after_since=came_in))
    db.session.commit()
    assert child.iro_id == other.id
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["added_child", "changed_child_details", "moved_child_to_iro", "changed_child_details"]


def test_a_current_period_cannot_start_on_the_day_an_earlier_one_did(app_context):
    iro = make_staff()
    child = make_child(iro, looked_after_since=date(2026, 3, 2))
    make_care_period(child, date(2024, 1, 8), date(2025, 1, 6), "E13")
    make_care_period(child, date(2026, 3, 2))
    with pytest.raises(children.PeriodClash):
        children.change_details(iro, child, _details(iro, looked_after_since=date(2024, 1, 8)))


def test_after_a_move_the_childs_start_page_names_the_new_iro(client):
    from tests.integration.test_child_journey import open_link

    child = make_child(make_staff(name="Alex Morgan"))
    token = make_link(child)
    assert "Your IRO is Alex Morgan." in open_link(client, token).soup.get_text()
    children.move_to_iro(make_staff(role=StaffRole.MANAGER), child, make_staff(name="Priya Shah"))
    db.session.commit()
    assert "Your IRO is Priya Shah." in client.get("/my-voice").soup.get_text()


def test_a_child_who_left_care_cannot_open_their_link_any_more(client):
    from tests.integration.test_child_journey import open_link

    child = make_child(make_staff())
    token = make_link(child)
    open_link(client, token)
    children.leave_care(make_staff(role=StaffRole.MANAGER), child, date.today())
    db.session.commit()
    assert client.get("/my-voice", expect=302).status_code == 302
    assert client.application.test_client().get(f"/c/{token}", expect=404).status_code == 404


def test_a_child_who_left_care_gets_no_new_card_or_link(client):
    from tests.integration.test_iro import sign_in

    iro, child, _mother, _review = _child_with_a_review_and_a_circle()
    children.leave_care(make_staff(role=StaffRole.MANAGER), child, date.today())
    db.session.commit()
    links_before = db.session.scalar(select(func.count(AccessLink.id)))
    sign_in(client, iro)
    card = client.post(f"/staff/children/{child.id}/card", expect=302)
    assert card.headers["Location"].endswith(f"/staff/children/{child.id}#personal-link")
    page = client.post(f"/staff/children/{child.id}/links/send", expect=409)
    assert "has left care, so they get no new link" in page.soup.select_one(".govuk-error-summary").text
    assert db.session.scalar(select(func.count(AccessLink.id))) == links_before
    assert not db.session.scalars(select(Message).where(Message.recipient == "sam@example.org")).all()
