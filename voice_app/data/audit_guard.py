"""Audit rows are only ever added: nothing in the app may change or delete one.

Held twice. In the data layer, a session listener refuses a flush that would change or
delete an `AuditEvent`, and any bulk UPDATE or DELETE statement on `audit_event`. On
PostgreSQL, a trigger refuses the same in the database itself, whoever sends the SQL
(the migration 0010 adds it, and `create_all` does too). SQLite has no such trigger: there
an engine listener reads every statement sent, SQL written by hand included
(`db.session.execute(text("DELETE FROM audit_event"))`), and refuses an UPDATE or DELETE
of `audit_event`.

The one way round all of them is `purging()`, used by the retention purge alone: it marks
the session and the running context, and on PostgreSQL sets `voice.purging` for the
transaction, which the trigger reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from alembic import context as alembic_context
from sqlalchemy import DDL, Engine, event, text
from sqlalchemy.orm import ORMExecuteState, Session

from voice_app.data.database import db
from voice_app.models import AuditEvent

_PURGING = "voice_purging"
# Set inside `purging()`: the engine listener sees connections, not sessions.
_purging_now: ContextVar[bool] = ContextVar("voice_purging_now", default=False)
# An UPDATE or DELETE of audit_event (or a REPLACE, which deletes the row it replaces),
# however it is written: quoted, in any case, with its schema, after a comment or WITH.
_CHANGES_AUDIT_ROWS = re.compile(
    r"\b(?:UPDATE\s+(?:OR\s+\w+\s+)?|DELETE\s+FROM\s+|(?:INSERT\s+OR\s+)?REPLACE\s+INTO\s+)"
    r"(?:[\"`\[]?\w+[\"`\]]?\.)?[\"`\[]?audit_event\b",
    re.IGNORECASE,
)

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
DROP_TRIGGER = "DROP TRIGGER IF EXISTS audit_event_rows_stay ON audit_event"
DROP_FUNCTION = "DROP FUNCTION IF EXISTS audit_event_rows_stay()"

# So `db.create_all()` (the test suite, a fresh development database) gets the trigger too.
event.listen(AuditEvent.__table__, "after_create", DDL(TRIGGER_FUNCTION).execute_if(dialect="postgresql"))
event.listen(AuditEvent.__table__, "after_create", DDL(TRIGGER).execute_if(dialect="postgresql"))


class AuditRowsStay(RuntimeError):
    """Something tried to change or delete an audit row."""


def _is_purging(session: Session) -> bool:
    return bool(session.info.get(_PURGING))


@event.listens_for(Session, "before_flush")
def _refuse_changed_rows(session: Session, flush_context, instances) -> None:
    if _is_purging(session):
        return
    if any(isinstance(row, AuditEvent) for row in session.deleted):
        raise AuditRowsStay("audit rows are never deleted")
    if any(isinstance(row, AuditEvent) and session.is_modified(row) for row in session.dirty):
        raise AuditRowsStay("audit rows are never changed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete) or _is_purging(state.session):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and getattr(table, "name", None) == AuditEvent.__tablename__:
        raise AuditRowsStay("audit rows are never changed or deleted")


def _in_a_migration() -> bool:
    """Alembic is running a migration: migration 0003 cleared audit rows' pointers to the
    drafts it tidied, and an upgrade of an old SQLite database must still do that."""
    return getattr(alembic_context, "_proxy", None) is not None


@event.listens_for(Engine, "before_cursor_execute")
def _refuse_changes_in_sql(conn, cursor, statement: str, parameters, context, executemany) -> None:
    # PostgreSQL's trigger refuses these itself, for whoever sends them; SQLite has no
    # trigger, so here is where SQL written by hand meets the rule.
    if conn.dialect.name != "sqlite" or _purging_now.get() or _in_a_migration():
        return
    if _CHANGES_AUDIT_ROWS.search(statement):
        raise AuditRowsStay("audit rows are never changed or deleted")


def _allow_in_database(connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT set_config('voice.purging', 'on', true)"))


@event.listens_for(Session, "after_begin")
def _carry_purging_into_new_transactions(session: Session, transaction, connection) -> None:
    # The purge commits as it goes (one chunk a transaction), and a setting made with
    # SET LOCAL ends with its transaction: each new one inside `purging()` gets it again.
    if _is_purging(session):
        _allow_in_database(connection)


@contextmanager
def purging_by_hand() -> Iterator[None]:
    """SQL sent on a connection of its own may delete audit rows here: for emptying a
    test database between tests, which deletes every table's rows."""
    now = _purging_now.set(True)
    try:
        yield
    finally:
        _purging_now.reset(now)


@contextmanager
def purging() -> Iterator[None]:
    """Inside this block the session may delete audit rows (and clear what they point at):
    for the retention purge only, which removes the rows about a child whose record has
    reached the end of its retention."""
    session = db.session()
    session.info[_PURGING] = True
    now = _purging_now.set(True)
    try:
        _allow_in_database(session.connection())
        yield
    except BaseException:
        # The caller rolls back, and the rollback ends the setting with its transaction.
        session.info.pop(_PURGING, None)
        raise
    finally:
        _purging_now.reset(now)
    session.info.pop(_PURGING, None)
    if session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT set_config('voice.purging', 'off', true)"))
