"""`flask voice demo` loads once, prints a JSON hand-over, and its links work."""

import json

from sqlalchemy import func, select

from voice_app.config import load_config
from voice_app.data.database import db
from voice_app.demo import IRO_PASSWORD
from voice_app.models import (
    Alert,
    Answer,
    AuditEvent,
    Child,
    CircleMember,
    Invitation,
    Message,
    Review,
    StaffToken,
    StaffUser,
    Submission,
)
from voice_app.password_policy import problem_with
from voice_app.vocabulary import AlertKind, AlertSource


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(m)) for m in (StaffUser, Child, Review, Submission)
    )


def test_demo_is_idempotent_and_hands_over_json(app, app_context, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["voice", "demo", "--json"])
    assert first.exit_code == 0, first.output
    before = counts()
    second = runner.invoke(args=["voice", "demo", "--json"])
    assert second.exit_code == 0
    assert counts() == before
    handover = json.loads(second.output)
    assert handover == json.loads(first.output)

    roles = {person["role"] for person in handover["staff"]}
    assert roles == {"iro", "manager", "admin"}
    assert len(handover["children"]) >= 3
    assert len({child["age"] for child in handover["children"]}) >= 3

    child = handover["children"][0]
    response = client.get(child["link_path"], expect=302)
    assert response.status_code == 302
    assert child["name"].split()[0] in client.get("/my-voice").soup.get_text()

    iro = next(p for p in handover["staff"] if p["role"] == "iro")
    signed_in = client.post("/staff/sign-in", data={"email": iro["email"], "password": iro["password"]})
    assert signed_in.headers["Location"] == "/staff/"
    caseload = client.get("/staff/").soup.get_text()
    assert "Sent" in caseload and "Invited" in caseload
    # Every demo child has a circle; some have sent their paper and some not.
    assert db.session.scalar(select(func.count()).select_from(CircleMember)) >= 2 * len(handover["children"])
    sent_papers = db.session.scalar(
        select(func.count()).select_from(Submission).where(Submission.circle_member_id.is_not(None))
    )
    invited = db.session.scalar(select(func.count()).select_from(Invitation))
    assert 0 < sent_papers < invited
    outbox = client.get("/staff/outbox").soup.get_text()
    assert "Invitation" in outbox and "/c/" in outbox

    # Trainers get each circle member's link too, and it opens their paper.
    carer = next(p for c in handover["children"] for p in c["circle"] if p["role"] == "carer")
    trainer = app.test_client()
    assert trainer.get(carer["link_path"], expect=302).headers["Location"] == "/your-views"
    assert "Your views for" in trainer.get("/your-views").soup.h1.get_text()


def test_demo_prints_readable_instructions(app, app_context):
    result = app.test_cli_runner().invoke(args=["voice", "demo", "--base-url", "http://127.0.0.1:8080"])
    assert result.exit_code == 0
    assert "http://127.0.0.1:8080/staff/sign-in" in result.output
    assert "http://127.0.0.1:8080/c/" in result.output


def test_demo_refuses_to_load_known_passwords_in_production(app, app_context):
    app.config["VOICE_ENV"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["voice", "demo"])
    finally:
        app.config["VOICE_ENV"] = "test"
    assert result.exit_code != 0
    assert "Refusing to load demo accounts" in result.output
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 0


def test_the_demo_has_open_alerts_raised_the_way_a_child_raises_them(app, app_context):
    assert app.test_cli_runner().invoke(args=["voice", "demo"]).exit_code == 0
    alerts = db.session.scalars(select(Alert).where(Alert.closed_at.is_(None))).all()
    assert {(a.kind, a.source) for a in alerts} == {
        (AlertKind.URGENT, AlertSource.HELP_NOW),
        (AlertKind.CONCERN, AlertSource.WORDS),
    }
    assert db.session.scalars(select(Message).where(Message.alert_id.is_not(None))).first() is not None


def test_the_demo_has_an_answer_just_for_the_iro_and_a_message_outside_the_form(app, app_context):
    assert app.test_cli_runner().invoke(args=["voice", "demo"]).exit_code == 0
    assert db.session.scalars(select(Answer).where(Answer.just_for_iro.is_(True))).first() is not None
    assert (
        db.session.scalars(select(Submission).where(Submission.form_key == "child-message")).first()
        is not None
    )


def test_the_demo_has_an_administrator_and_makes_its_staff_as_a_council_does(app, app_context, client):
    result = app.test_cli_runner().invoke(args=["voice", "demo", "--json"])
    assert result.exit_code == 0, result.output
    handover = json.loads(result.output)
    admin = next(p for p in handover["staff"] if p["role"] == "admin")
    assert (admin["name"], admin["email"]) == ("Sam Patel", "sam.patel@example.org")
    assert problem_with(admin["password"], email=admin["email"], name=admin["name"]) is None
    manager = next(p for p in handover["staff"] if p["role"] == "manager")
    assert manager["name"] == "Jo Green"

    # Made by create-admin and "Add a member of staff", each with a set-up link used to
    # choose the known password: no account was given a password any other way.
    sam = db.session.scalars(select(StaffUser).where(StaffUser.email == admin["email"])).one()
    actions = db.session.execute(select(AuditEvent.action, AuditEvent.actor_id)).tuples().all()
    assert ("created_by_command", sam.id) in actions
    added = db.session.scalars(
        select(AuditEvent.about_staff_id).where(
            AuditEvent.action == "added_staff", AuditEvent.actor_id == sam.id
        )
    ).all()
    assert len(added) == len(handover["staff"]) - 1
    used_links = db.session.scalars(select(StaffToken.staff_id).where(StaffToken.used_at.is_not(None))).all()
    assert sorted(used_links) == sorted(db.session.scalars(select(StaffUser.id)).all())
    assert all(person.totp_secret is None for person in db.session.scalars(select(StaffUser)))

    signed_in = client.post("/staff/sign-in", data={"email": admin["email"], "password": admin["password"]})
    assert signed_in.headers["Location"] == "/staff/people"
    people = client.get("/staff/people").soup.get_text()
    assert all(person["name"] in people for person in handover["staff"])

    # Running it again sets no password twice.
    before = {person.id: person.password_hash for person in db.session.scalars(select(StaffUser))}
    assert app.test_cli_runner().invoke(args=["voice", "demo"]).exit_code == 0
    db.session.expire_all()
    assert {person.id: person.password_hash for person in db.session.scalars(select(StaffUser))} == before


def test_the_demo_staff_need_a_second_factor_wherever_one_is_required(
    app, app_context, client, monkeypatch, tmp_path
):
    """Only development turns the second factor off: the demo itself bypasses nothing."""
    assert app.test_cli_runner().invoke(args=["voice", "demo"]).exit_code == 0
    assert (
        load_config(tmp_path, {"VOICE_ENV": "development", "SECRET_KEY": "k"})["STAFF_MFA_REQUIRED"] is False
    )
    monkeypatch.setitem(app.config, "STAFF_MFA_REQUIRED", True)
    answer = client.post(
        "/staff/sign-in", data={"email": "alex.morgan@example.org", "password": IRO_PASSWORD}
    )
    assert answer.headers["Location"].startswith("/staff/sign-in/set-up")
    assert client.get("/staff/", expect=302).headers["Location"].startswith("/staff/sign-in")


def test_the_demo_children_come_in_through_the_import_from_the_files_in_the_repo(app, app_context):
    from datetime import date, timedelta

    import time_machine

    from voice_app.data import children
    from voice_app.demo import DEMO_FILES
    from voice_app.models import CarePeriod

    assert app.test_cli_runner().invoke(args=["voice", "demo"]).exit_code == 0
    refs = [line.split(",")[0] for line in (DEMO_FILES / "children.csv").read_text().splitlines()[1:]]
    in_db = db.session.scalars(select(Child).order_by(Child.child_ref)).all()
    assert [child.child_ref for child in in_db] == refs
    admin = db.session.scalars(select(StaffUser).where(StaffUser.email == "sam.patel@example.org")).one()
    imported = db.session.scalars(
        select(AuditEvent.child_id).where(
            AuditEvent.action == "child_added_by_import", AuditEvent.actor_id == admin.id
        )
    ).all()
    assert sorted(imported) == sorted(child.id for child in in_db)
    by_name = {child.first_name: child for child in in_db}
    # Leo came back into care: his reviews count from his second period.
    assert len(children.care_periods(by_name["Leo"])) == 2
    assert by_name["Ella"].left_care_on is not None and by_name["Ella"].preferred_name == "Elle"
    assert by_name["Ella"].id not in {row.child.id for row in children.caseload(by_name["Noah"].iro)}
    assert db.session.scalars(select(Review.participation_code).where(Review.held_on.is_not(None))).all()

    # A week later the demo is loaded again: the same files, nothing added or changed.
    before = counts(), db.session.scalar(select(func.count()).select_from(CarePeriod))
    with time_machine.travel(date.today() + timedelta(days=8)):
        assert app.test_cli_runner().invoke(args=["voice", "demo"]).exit_code == 0
    assert (counts(), db.session.scalar(select(func.count()).select_from(CarePeriod))) == before
    import_rows = select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("%import%"))
    assert db.session.scalar(import_rows) == len(refs)
