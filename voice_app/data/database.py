"""The database session and the one transaction policy.

Only the data layer (voice_app/data/), the CLI, migrations and tests use `db`: everything
else calls a named data function. A web request is one transaction, committed once by
the request hook in create_app; work that must wait until that commit has landed (sending
a message) is registered with `after_commit` and runs afterwards, outside the request's
transaction, so a failure there can never undo what the person did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import cast

from flask import g, has_request_context
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CursorResult, Executable

from voice_app.models.base import Base

db = SQLAlchemy(model_class=Base)

_AFTER_COMMIT = "voice_after_commit"


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once this request's transaction is committed (at once outside a
    request: the CLI and jobs commit as they go)."""
    if not has_request_context():
        db.session.commit()
        callback()
        return
    g.setdefault(_AFTER_COMMIT, []).append(callback)


def pending_after_commit() -> list[Callable[[], None]]:
    return g.pop(_AFTER_COMMIT, [])


def rows_changed(statement: Executable) -> int:
    """Run an UPDATE or DELETE and say how many rows it changed (a guarded update that
    changed none lost a race, and the caller reads what the winner wrote)."""
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return cast(CursorResult, result).rowcount


def rollback() -> None:
    """Forget everything the request wrote (an error page, a refused form)."""
    db.session.rollback()


@contextmanager
def savepoint() -> Iterator[None]:
    """A savepoint inside the request's transaction, for an insert that may lose a race to
    a twin request (the caller catches IntegrityError and reads the winner's row).

    Python's sqlite3 opens a transaction by itself before a write, but not before a
    SAVEPOINT, and SQLite then treats the savepoint as the transaction: releasing it would
    commit half a request. So on SQLite the transaction is opened first (IMMEDIATE: it
    waits its turn to write, instead of failing on a snapshot another writer has moved)."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if driver is not None and not driver.in_transaction:
            driver.execute("BEGIN IMMEDIATE")
    with db.session.begin_nested():
        yield
