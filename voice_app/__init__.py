"""My Voice: children's views, and everyone else's, in front of their IRO before each review."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from flask import Flask
from jinja2 import BaseLoader, ChoiceLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from voice_app import screening
from voice_app.config import load_config
from voice_app.data.database import db, pending_after_commit
from voice_app.error_pages import register_error_pages
from voice_app.extensions import babel, csrf, limiter, login_manager, migrate
from voice_app.input_guard import init_input_guard
from voice_app.log_privacy import install_log_privacy
from voice_app.security import init_security_headers

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        static_folder=str(PROJECT_ROOT / "static" / "build"),
        static_url_path="/static",
    )
    app.config.update(load_config(Path(app.instance_path), overrides))
    if app.config["PROXY_COUNT"]:
        # Behind a proxy: the client's real address (rate limits, audit) and scheme.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )
    # Ids beyond the database's range are simply not found, never an error.
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.jinja_loader = ChoiceLoader(
        [
            cast(BaseLoader, app.jinja_loader),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    init_security_headers(app)
    init_input_guard(app)
    install_log_privacy()

    from voice_app import auth, filters
    from voice_app.child import bp as child_bp
    from voice_app.cli import voice_cli
    from voice_app.respond import bp as respond_bp
    from voice_app.staff import bp as staff_bp

    auth.init_login(app)
    filters.init_filters(app)
    app.register_blueprint(child_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(respond_bp)
    app.cli.add_command(voice_cli)
    register_error_pages(app)
    # A council's own lists of words that may mean danger are read now, so a broken file
    # stops the app starting instead of failing while a child saves an answer.
    screening.load_word_lists(app.config.get("CONCERN_WORDS_FOLDER"))
    _commit_after_request(app)
    return app


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # WAL lets readers and a writer work at once; the busy timeout waits for a lock instead
    # of failing a child's save; foreign keys are off in SQLite unless asked for;
    # synchronous=NORMAL is safe under WAL and spares a disk sync at every commit.
    if _is_sqlite(dbapi_connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _commit_after_request(app: Flask) -> None:
    """One transaction per request, committed here and nowhere else: committed if the view
    finished, rolled back if not. Work that must wait for the commit (sending the messages
    the request queued) runs after it, so it can never undo or half-do the request."""

    @app.after_request
    def commit(response):
        waiting = pending_after_commit()
        # A form sent back with its errors (4xx) finished its work too: what it recorded
        # (the audit of who read a child's words) is kept. Error pages roll back first.
        if response.status_code < 500:
            db.session.commit()
            for callback in waiting:
                callback()
        else:
            db.session.rollback()
        return response
