"""The Alembic migrations build the schema from empty, and agree with the models."""

import importlib.util
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from voice_app.data.database import db
from voice_app.models import Base


def _drop_everything():
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_migrations_build_the_schema_the_models_describe(app):
    with app.app_context():
        _drop_everything()
        try:
            assert inspect(db.engine).get_table_names() == []
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                differences = compare_metadata(context, Base.metadata)
            assert differences == []
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        finally:
            _drop_everything()
            db.create_all()


def test_migrations_upgrade_a_database_that_already_has_data(app):
    """Each step upgrades a database in use, rows referring to each other included."""
    from datetime import UTC, datetime

    with app.app_context():
        _drop_everything()
        try:
            upgrade(revision="0001_initial")
            now = datetime.now(UTC).replace(tzinfo=None)
            with db.engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO staff_user (id, email, name, role, password_hash, is_active_account, created_at) "
                        "VALUES (1, 'iro@example.org', 'Ira', 'iro', 'x', :t, :now)"
                    ),
                    {"t": True, "now": now},
                )
                connection.execute(
                    text(
                        "INSERT INTO child (id, first_name, last_name, date_of_birth, looked_after_since, iro_id, created_at) "
                        "VALUES (1, 'Sam', 'T', '2015-01-01', '2025-01-01', 1, :now)"
                    ),
                    {"now": now},
                )
                connection.execute(
                    text(
                        "INSERT INTO access_link (id, token_hash, child_id, expires_at, created_at) "
                        "VALUES (1, 'abc', 1, :now, :now)"
                    ),
                    {"now": now},
                )
                connection.execute(
                    text(
                        "INSERT INTO submission (id, child_id, link_id, form_key, form_version, status, updated_at, created_at) "
                        "VALUES (1, 1, 1, 'child-8-12', 1, 'draft', :now, :now)"
                    ),
                    {"now": now},
                )
            upgrade()
            with db.engine.connect() as connection:
                assert connection.execute(text("SELECT link_id FROM submission")).scalar() == 1
                assert connection.execute(text("SELECT circle_member_id FROM access_link")).scalar() is None
        finally:
            _drop_everything()
            db.create_all()


def _where(dialect_options: dict):
    for option in ("sqlite_where", "postgresql_where"):
        if dialect_options.get(option) is not None:
            return dialect_options[option]
    return None


def _rules_held(engine) -> dict[str, tuple[list, list]]:
    """What the database enforces beyond columns and types, table by table: its CHECK
    constraints, and its indexes with their uniqueness and WHERE clause (Alembic's
    comparison looks at neither), as the database itself reports them."""
    # Fresh connections: SQLite can answer a PRAGMA from a statement prepared before the
    # schema last changed, which would describe a table as it used to be.
    engine.dispose()
    with engine.connect() as connection:
        return _rules_seen(inspect(connection))


def _rules_seen(inspector) -> dict[str, tuple[list, list]]:
    def squash(sql) -> str:
        return re.sub(r"\s+", " ", str(sql)).strip() if sql is not None else ""

    rules = {}
    # Only the tables that exist at this revision (later ones are added by later migrations).
    for table in sorted(set(Base.metadata.tables) & set(inspector.get_table_names())):
        checks = sorted((c["name"], squash(c["sqltext"])) for c in inspector.get_check_constraints(table))
        indexes = sorted(
            (
                index["name"],
                bool(index["unique"]),
                tuple(index["column_names"]),
                squash(_where(index.get("dialect_options", {}))),
            )
            for index in inspector.get_indexes(table)
        )
        rules[table] = (checks, indexes)
    return rules


def test_migrations_hold_the_same_rules_as_the_models(app):
    with app.app_context():
        _drop_everything()
        try:
            upgrade(revision="0002_circle_invitations")
            before = _rules_held(db.engine)
            upgrade()
            migrated = _rules_held(db.engine)
            # Downgrading takes away exactly what the upgrade added.
            downgrade(revision="0002_circle_invitations")
            assert _rules_held(db.engine) == before
            upgrade()
            assert _rules_held(db.engine) == migrated
            _drop_everything()
            db.create_all()
            modelled = _rules_held(db.engine)
        finally:
            _drop_everything()
            db.create_all()
    assert migrated == modelled
    checks = {name for table_checks, _indexes in modelled.values() for name, _sql in table_checks}
    assert checks == {
        "ck_staff_user_role",
        "ck_review_kind",
        "ck_submission_status",
        "ck_invitation_channel",
        "ck_message_kind",
        "ck_message_channel",
        "ck_message_status",
        "ck_audit_event_actor_kind",
        "ck_circle_member_relationship_key",
        "ck_message_about_one_thing",
        "ck_alert_kind",
        "ck_alert_source",
        "ck_alert_outcome",
        "ck_alert_action_outcome",
        "ck_access_link_code_only_for_a_child",
        "ck_staff_token_purpose",
        "ck_staff_session_ended_reason",
        "ck_child_preferred_language",
        "ck_review_participation_code",
    }
    partial = {name: where for name, unique, _cols, where in modelled["submission"][1] if unique}
    assert set(partial) == {"uq_submission_child_draft", "uq_submission_member_review"}
    assert all(partial.values())


def _insert(connection, table: str, **values) -> None:
    columns = ", ".join(values)
    placeholders = ", ".join(f":{name}" for name in values)
    connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"), values)


def _database_at_0002_in_use(connection) -> None:
    """A child, a mother and two reviews, with the extra drafts and papers double taps left."""
    now = datetime(2026, 11, 1, 9, 0)
    _insert(
        connection,
        "staff_user",
        id=1,
        email="iro@example.org",
        name="Ira",
        role="iro",
        password_hash="x",
        is_active_account=True,
        created_at=now,
    )
    for child_id in (1, 2):
        _insert(
            connection,
            "child",
            id=child_id,
            first_name="Sam",
            last_name="T",
            date_of_birth="2015-01-01",
            looked_after_since="2025-01-01",
            iro_id=1,
            created_at=now,
        )
    for review_id in (1, 2):
        _insert(
            connection,
            "review",
            id=review_id,
            child_id=1,
            kind="cla",
            number=review_id,
            due_on="2026-12-01",
            created_by_rule=False,
            created_at=now,
        )
    _insert(
        connection,
        "circle_member",
        id=1,
        child_id=1,
        name="Karen",
        relationship_key="mother",
        preferred_language="en",
        created_at=now,
    )

    def submission(id_, child_id, status, member=None, review=None):
        _insert(
            connection,
            "submission",
            id=id_,
            child_id=child_id,
            circle_member_id=member,
            review_id=review,
            form_key="parent" if member else "child-8-12",
            form_version=1,
            status=status,
            updated_at=now,
            sent_at=now if status == "sent" else None,
            created_at=now,
        )

    def answer(id_, submission_id, choice=None, text_=None):
        _insert(
            connection,
            "answer",
            id=id_,
            submission_id=submission_id,
            question_key="home",
            choice=choice,
            text=text_,
            updated_at=now,
            created_at=now,
        )

    # Child 1: sent views, then three drafts. The oldest holds what they wrote; the
    # newer two are empty (one has only a blank answer), left by double taps on Start.
    submission(1, 1, "sent", review=1)
    submission(10, 1, "draft")
    answer(100, 10, choice="good", text_="I like my room")
    submission(11, 1, "draft")
    submission(12, 1, "draft")
    answer(120, 12, text_="   ")
    # Child 2: two empty drafts; the newest stays.
    submission(20, 2, "draft")
    submission(21, 2, "draft")
    # The mother: a sent paper and a newer draft for review 1, a draft for review 2.
    submission(30, 1, "sent", member=1, review=1)
    answer(300, 30, choice="ok")
    submission(31, 1, "draft", member=1, review=1)
    answer(310, 31, choice="good")
    submission(32, 1, "draft", member=1, review=2)
    # Audit rows that point at drafts about to go, and at the draft that stays.
    for audit_id, submission_id in ((1, 11), (2, 10), (3, 31)):
        _insert(
            connection,
            "audit_event",
            id=audit_id,
            actor_kind="link",
            actor_id=1,
            action="child_viewed_own_answers",
            child_id=1,
            submission_id=submission_id,
            created_at=now,
        )
    _insert(
        connection,
        "invitation",
        id=1,
        review_id=1,
        child_id=1,
        circle_member_id=1,
        respondent_key="member:1",
        channel="email",
        created_at=now,
    )
    for message_id, kind, status in ((1, "invitation", "sending"), (2, "reminder", "lost")):
        _insert(
            connection,
            "message",
            id=message_id,
            invitation_id=1,
            kind=kind,
            channel="email",
            recipient="karen@example.org",
            body="Please tell us your views.",
            status=status,
            attempts=1,
            next_attempt_at=now,
            created_at=now,
        )


def test_upgrading_keeps_one_draft_per_child_and_one_paper_per_review(app):
    with app.app_context():
        _drop_everything()
        try:
            upgrade(revision="0002_circle_invitations")
            with db.engine.begin() as connection:
                _database_at_0002_in_use(connection)
            upgrade(revision="0003_rules_in_the_database")
            with db.engine.connect() as connection:

                def rows(sql):
                    return [tuple(row) for row in connection.execute(text(sql))]

                assert rows("SELECT id, child_id, status FROM submission ORDER BY id") == [
                    (1, 1, "sent"),
                    (10, 1, "draft"),
                    (21, 2, "draft"),
                    (30, 1, "sent"),
                    (32, 1, "draft"),
                ]
                assert rows("SELECT id, submission_id FROM answer ORDER BY id") == [(100, 10), (300, 30)]
                # The audit trail keeps every row; those about removed drafts point nowhere.
                assert rows("SELECT id, submission_id FROM audit_event ORDER BY id") == [
                    (1, None),
                    (2, 10),
                    (3, None),
                ]
                assert rows("SELECT id, status FROM message ORDER BY id") == [(1, "sending"), (2, "failed")]
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert revision == "0003_rules_in_the_database"
            upgrade()  # and on to the newest
            # The rules now hold on the upgraded database.
            with pytest.raises(IntegrityError), db.engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO submission (child_id, form_key, form_version, status, updated_at, "
                        "created_at) VALUES (1, 'child-8-12', 1, 'draft', :now, :now)"
                    ),
                    {"now": datetime.now(UTC).replace(tzinfo=None)},
                )
        finally:
            _drop_everything()
            db.create_all()


def test_upgrading_refuses_a_staff_role_it_cannot_place(app):
    """A role outside the list cannot be guessed (it decides what someone may see), so the
    upgrade stops before changing anything and names the value to correct."""
    with app.app_context():
        _drop_everything()
        try:
            upgrade(revision="0002_circle_invitations")
            with db.engine.begin() as connection:
                _insert(
                    connection,
                    "staff_user",
                    id=1,
                    email="boss@example.org",
                    name="Bo",
                    role="admin",
                    password_hash="x",
                    is_active_account=True,
                    created_at=datetime(2026, 11, 1, 9, 0),
                )
            # Alembic's own command, so the error itself is seen (`flask db upgrade` prints
            # it and exits with status 1).
            config = app.extensions["migrate"].migrate.get_config()
            with pytest.raises(RuntimeError, match=r"staff_user\.role = 'admin'"):
                command.upgrade(config, "head")
            db.session.remove()
            with db.engine.connect() as connection:
                assert connection.execute(text("SELECT role FROM staff_user")).scalar() == "admin"
                assert (
                    connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
                    == "0002_circle_invitations"
                )
        finally:
            _drop_everything()
            db.create_all()


def test_upgrading_keeps_the_paper_with_the_answers_when_none_was_sent():
    """Answers were saved to a member's oldest paper, so of two unsent papers the newest may
    be empty: the one kept is the one with answers."""
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0003_rules_in_the_database.py"
    spec = importlib.util.spec_from_file_location("rules_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    engine = sa.create_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE submission (id INTEGER, child_id INTEGER, circle_member_id INTEGER, review_id INTEGER, status TEXT)"
            )
        )
        connection.execute(text("CREATE TABLE answer (submission_id INTEGER, choice TEXT, text TEXT)"))
        connection.execute(text("INSERT INTO submission VALUES (1, 1, 7, 3, 'draft'), (2, 1, 7, 3, 'draft')"))
        connection.execute(text("INSERT INTO answer VALUES (1, '4', 'Settled')"))
        assert migration._extra_papers(connection) == [2]
