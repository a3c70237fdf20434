"""The Alembic migrations build the schema from empty, and agree with the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

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
