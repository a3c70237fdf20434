"""audit rows stay: on PostgreSQL a trigger refuses any change or deletion of an audit row

Revision ID: 0010_audit_rows_stay
Revises: 0009_staff_accounts
Create Date: 2026-12-04 09:00:00.000000

Only the retention purge may delete audit rows (those about a child whose record has reached
the end of its retention): it sets `voice.purging` for its own transaction, which the trigger
reads. SQLite has no such trigger; there the app's session listener is the guard
(voice_app/data/audit_guard.py, which also adds the same trigger on `create_all`).
"""

from alembic import op

revision = "0010_audit_rows_stay"
down_revision = "0009_staff_accounts"
branch_labels = None
depends_on = None

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_rows_stay() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('voice.purging', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_event rows are only ever added, never changed or deleted'
        USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""
TRIGGER = """
CREATE OR REPLACE TRIGGER audit_event_rows_stay
BEFORE UPDATE OR DELETE ON audit_event
FOR EACH ROW EXECUTE FUNCTION audit_event_rows_stay()
"""


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if _on_postgresql():
        op.execute(TRIGGER_FUNCTION)
        op.execute(TRIGGER)


def downgrade():
    if _on_postgresql():
        op.execute("DROP TRIGGER IF EXISTS audit_event_rows_stay ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_rows_stay()")
