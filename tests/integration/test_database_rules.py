"""The database itself holds the rules: a fixed word outside its list, a second draft of a
child's views, or a second paper from one person for one review is refused, whatever code
writes it. The raw SQL goes round the models, so it is the database that says no."""

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from tests.factories import (
    make_child,
    make_member,
    make_member_submission,
    make_review,
    make_sent_submission,
    make_staff,
)
from voice_app.data.database import db
from voice_app.models import (
    ActorKind,
    AuditEvent,
    Channel,
    Invitation,
    Message,
    MessageKind,
    MessageStatus,
    StaffRole,
    StaffUser,
    Submission,
    SubmissionStatus,
    respondent_key,
)


def _every_table_with_a_row() -> dict[str, int]:
    """One row in each table that has a checked column; returns table -> row id."""
    iro = make_staff()
    child = make_child(iro)
    review = make_review(child)
    member = make_member(child)
    submission = make_member_submission(member, review, {})
    invitation = Invitation(
        review_id=review.id,
        child_id=child.id,
        circle_member_id=member.id,
        respondent_key=respondent_key(member.id),
        channel=Channel.EMAIL,
    )
    db.session.add(invitation)
    db.session.flush()
    message = Message(
        invitation_id=invitation.id,
        kind=MessageKind.INVITATION,
        channel=Channel.EMAIL,
        recipient="karen@example.org",
        body="Please tell us your views.",
    )
    audit = AuditEvent(actor_kind=ActorKind.STAFF, actor_id=iro.id, action="viewed", child_id=child.id)
    db.session.add_all([message, audit])
    db.session.commit()
    return {
        "child": child.id,
        "staff_user": iro.id,
        "review": review.id,
        "submission": submission.id,
        "invitation": invitation.id,
        "message": message.id,
        "audit_event": audit.id,
        "circle_member": member.id,
    }


CHECKED_COLUMNS = [
    ("staff_user", "role", "superuser"),
    ("review", "kind", "adoption"),
    ("submission", "status", "sending"),
    ("invitation", "channel", "fax"),
    ("message", "kind", "nudge"),
    ("message", "channel", "pigeon"),
    ("message", "status", "lost"),
    ("circle_member", "relationship_key", "neighbour"),
    ("review", "participation_code", "PN8"),
    ("child", "preferred_language", "klingon"),
]


@pytest.mark.parametrize(("table", "column", "value"), CHECKED_COLUMNS)
def test_the_database_refuses_a_word_outside_its_list(app_context, table, column, value):
    row_id = _every_table_with_a_row()[table]
    before = db.session.execute(text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}).scalar()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(f"UPDATE {table} SET {column} = :value WHERE id = :id"), {"value": value, "id": row_id}
        )
    db.session.rollback()
    after = db.session.execute(text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}).scalar()
    assert after == before


def test_the_database_refuses_an_actor_outside_its_list(app_context):
    """Audit rows are never changed (audit_guard.py), so the list is tried on a new row."""
    _every_table_with_a_row()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO audit_event (actor_kind, actor_id, action, created_at) "
                "VALUES ('robot', 1, 'viewed', CURRENT_TIMESTAMP)"
            )
        )
    db.session.rollback()
    assert db.session.scalars(select(AuditEvent.actor_kind)).all() == ["staff"]


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("staff_user", "role", "manager"),
        ("message", "status", "sending"),
        ("message", "channel", "letter"),
        ("message", "kind", "reminder"),
        ("submission", "status", "draft"),
        ("circle_member", "relationship_key", "other_professional"),
        ("review", "participation_code", "PN6"),
        ("child", "preferred_language", "cy"),
    ],
)
def test_the_database_takes_every_word_on_the_list(app_context, table, column, value):
    row_id = _every_table_with_a_row()[table]
    db.session.execute(
        text(f"UPDATE {table} SET {column} = :value WHERE id = :id"), {"value": value, "id": row_id}
    )
    db.session.commit()
    assert (
        db.session.execute(text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}).scalar()
        == value
    )


def test_stored_words_read_back_as_the_code_compares_them(app_context):
    """Rows store the plain values ("iro", "sent"), and the models give back members that
    equal those strings, so existing comparisons with strings keep working."""
    ids = _every_table_with_a_row()
    assert db.session.execute(text("SELECT role FROM staff_user")).scalar() == "iro"
    assert db.session.execute(text("SELECT status FROM message")).scalar() == "queued"
    db.session.expire_all()
    message = db.session.get(Message, ids["message"])
    assert message.status is MessageStatus.QUEUED and message.status == "queued"
    assert message.channel == "email" and message.kind == "invitation"
    status = db.session.scalars(select(Submission.status).where(Submission.id == ids["submission"])).one()
    assert status is SubmissionStatus.SENT and status == "sent"
    assert db.session.scalars(select(AuditEvent.actor_kind)).one() == "staff"
    # A query may compare with the plain string as well as with the member.
    assert db.session.scalar(select(func.count(StaffUser.id)).where(StaffUser.role == "iro")) == 1
    assert db.session.scalar(select(func.count(StaffUser.id)).where(StaffUser.role == StaffRole.IRO)) == 1


def _own_draft(child_id: int, status: str = SubmissionStatus.DRAFT) -> Submission:
    return Submission(child_id=child_id, form_key="child-8-12", form_version=1, status=status)


def _insert_own_draft(child_id: int) -> None:
    db.session.execute(
        text(
            "INSERT INTO submission (child_id, form_key, form_version, status, updated_at, created_at) "
            "VALUES (:child, 'child-8-12', 1, 'draft', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {"child": child_id},
    )


def test_a_child_has_at_most_one_draft_of_their_own_views(app_context):
    child = make_child(make_staff())
    db.session.add(_own_draft(child.id))
    db.session.commit()
    db.session.add(_own_draft(child.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        _insert_own_draft(child.id)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Submission.id))) == 1


def test_after_sending_a_child_can_start_new_views(app_context):
    iro = make_staff()
    child = make_child(iro)
    other_child = make_child(iro)
    review = make_review(child)
    make_sent_submission(child, review, {})
    make_sent_submission(child, review, {})
    _insert_own_draft(child.id)
    _insert_own_draft(other_child.id)
    db.session.commit()
    statuses = db.session.scalars(
        select(Submission.status).where(Submission.child_id == child.id).order_by(Submission.id)
    ).all()
    assert statuses == ["sent", "sent", "draft"]


def test_circle_papers_do_not_count_as_the_childs_draft(app_context):
    child = make_child(make_staff())
    review = make_review(child)
    mother, father = make_member(child), make_member(child, name="Dan Taylor", relationship="father")
    db.session.add(_own_draft(child.id))
    for member in (mother, father):
        db.session.add(
            Submission(
                child_id=child.id,
                circle_member_id=member.id,
                review_id=review.id,
                form_key="parent",
                form_version=1,
            )
        )
    db.session.commit()
    assert db.session.scalar(select(func.count(Submission.id))) == 3


def test_one_person_sends_one_paper_for_one_review(app_context):
    child = make_child(make_staff())
    review = make_review(child)
    member = make_member(child)
    make_member_submission(member, review, {})
    with pytest.raises(IntegrityError):
        make_member_submission(member, review, {})
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO submission (child_id, circle_member_id, review_id, form_key, form_version, "
                "status, updated_at, created_at) VALUES (:child, :member, :review, 'parent', 1, 'draft', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"child": child.id, "member": member.id, "review": review.id},
        )
    db.session.rollback()
    assert db.session.scalar(select(func.count(Submission.id))) == 1


def test_one_person_sends_a_paper_for_each_review(app_context):
    child = make_child(make_staff())
    first, second = make_review(child, number=1), make_review(child, number=2)
    member = make_member(child)
    make_member_submission(member, first, {})
    make_member_submission(member, second, {})
    other = make_member(child, name="Dan Taylor", relationship="father")
    make_member_submission(other, first, {})
    assert db.session.scalar(select(func.count(Submission.id))) == 3


def test_a_child_has_one_period_in_care_starting_on_any_day(app_context):
    from datetime import date

    from voice_app.models import CarePeriod

    child = make_child(make_staff())
    db.session.add(CarePeriod(child_id=child.id, started_on=date(2025, 1, 6)))
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO care_period (child_id, started_on, created_at) "
                "VALUES (:child, '2025-01-06', CURRENT_TIMESTAMP)"
            ),
            {"child": child.id},
        )
    db.session.rollback()
    db.session.add(CarePeriod(child_id=child.id, started_on=date(2026, 3, 2)))
    db.session.commit()
    assert db.session.scalar(select(func.count(CarePeriod.id))) == 2


def test_a_council_child_id_belongs_to_one_child_and_many_may_have_none(app_context):
    iro = make_staff()
    first, second, *_others = (make_child(iro) for _ in range(4))
    db.session.execute(text("UPDATE child SET child_ref = 'C1' WHERE id = :id"), {"id": first.id})
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE child SET child_ref = 'C1' WHERE id = :id"), {"id": second.id})
    db.session.rollback()
    assert (
        db.session.scalar(select(func.count()).where(text("child_ref IS NULL")).select_from(text("child")))
        == 4
    )


def test_a_childs_periods_in_care_go_with_their_record(app_context):
    """The retention purge deletes a child table by table; their periods go with them."""
    from datetime import date

    from voice_app.data import retention
    from voice_app.models import CarePeriod, Child

    child = make_child(make_staff(), age=80)
    db.session.add(CarePeriod(child_id=child.id, started_on=date(1950, 1, 6), ended_on=date(1960, 1, 6)))
    db.session.commit()
    assert retention.purge_due().child_records == 1
    assert db.session.scalar(select(func.count(Child.id))) == 0
    assert db.session.scalar(select(func.count(CarePeriod.id))) == 0
