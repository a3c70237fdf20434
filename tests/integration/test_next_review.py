"""Which review a submission is attached to (DESIGN.md section 2)."""

from datetime import date, timedelta

from sqlalchemy import select

from tests.factories import make_child, make_link, make_review, make_staff
from tests.integration.test_child_journey import open_link
from tests.integration.test_iro import sign_in
from voice_app import schedule
from voice_app.data import children, reviews
from voice_app.data.database import db
from voice_app.models import Review

TODAY = date.today()


def test_the_earliest_review_not_held_is_next(app_context):
    child = make_child(make_staff())
    make_review(
        child, number=1, scheduled_for=TODAY - timedelta(days=100), held_on=TODAY - timedelta(days=100)
    )
    later = make_review(child, number=3, scheduled_for=TODAY + timedelta(days=60))
    sooner = make_review(child, number=2, scheduled_for=TODAY + timedelta(days=5))
    assert reviews.next_review(child).id == sooner.id
    assert later.id != sooner.id


def test_an_unbooked_review_counts_by_its_due_date(app_context):
    child = make_child(make_staff())
    booked_later = make_review(child, number=1, scheduled_for=TODAY + timedelta(days=40))
    due_sooner = make_review(child, number=2, due_on=TODAY + timedelta(days=20))
    assert reviews.next_review(child).id == due_sooner.id
    assert booked_later.id != due_sooner.id


def test_an_overdue_review_not_yet_recorded_as_held_is_still_next(app_context):
    child = make_child(make_staff())
    overdue = make_review(child, number=1, scheduled_for=TODAY - timedelta(days=2))
    assert reviews.next_review(child).id == overdue.id


def test_a_review_held_today_is_no_longer_next(app_context):
    since = TODAY - timedelta(days=40)
    child = make_child(make_staff(), looked_after_since=since)
    held_today = make_review(child, number=1, scheduled_for=TODAY, held_on=TODAY)

    following = reviews.next_review(child)

    assert following.id != held_today.id
    assert following.number == 2
    assert following.due_on == schedule.following_review_due(TODAY, 1)
    assert following.created_by_rule


def test_with_no_review_the_first_is_created_within_twenty_working_days(app_context):
    since = TODAY - timedelta(days=2)
    child = make_child(make_staff(), looked_after_since=since)
    created = reviews.next_review(child)
    db.session.commit()
    assert created.number == 1
    assert created.due_on == schedule.first_review_due(since)
    # Asking again finds the same review, it does not make another.
    assert reviews.next_review(child).id == created.id
    assert len(db.session.scalars(select(Review)).all()) == 1


def test_after_two_held_reviews_the_third_is_due_within_six_months(app_context):
    child = make_child(make_staff(), looked_after_since=date(2025, 1, 6))
    make_review(child, number=1, scheduled_for=date(2025, 1, 30), held_on=date(2025, 1, 30))
    make_review(child, number=2, scheduled_for=date(2025, 4, 14), held_on=date(2025, 4, 14))
    third = reviews.next_review(child)
    assert (third.number, third.due_on) == (3, date(2025, 10, 14))


def test_a_child_back_in_care_has_one_next_review_on_the_caseload_and_for_their_views(client):
    """The caseload and the attach rule are one rule: a child who came back into care starts
    again from their first review, wherever it is asked."""
    iro = make_staff()
    back_in_care = date(2026, 11, 11)
    child = make_child(iro, looked_after_since=back_in_care)
    # Two reviews held in an earlier period in care: they do not count towards this one.
    make_review(child, number=1, scheduled_for=date(2025, 1, 20), held_on=date(2025, 1, 20))
    make_review(child, number=2, scheduled_for=date(2025, 7, 21), held_on=date(2025, 7, 21))
    due = schedule.first_review_due(back_in_care)
    assert due == date(2026, 12, 9)

    [row] = children.caseload(iro)
    assert row.next_review is None and row.due_on == due
    sign_in(client, iro)
    assert "9 Dec 2026" in client.get("/staff/").soup.select_one(".voice-caseload tbody").get_text()

    child_client = client.application.test_client()
    token = make_link(child)
    open_link(child_client, token)
    child_client.post("/my-voice/start-again")
    child_client.post("/my-voice/questions/home", data={"choice": "4"})
    assert child_client.post("/my-voice/send").headers["Location"] == "/my-voice/sent"
    attached = db.session.scalars(select(Review).where(Review.held_on.is_(None))).one()
    assert (attached.number, attached.due_on) == (3, due)
    [row] = children.caseload(iro)
    assert row.next_review.id == attached.id and row.due_on == due
