"""No personal link's token reaches a log: the error log, access logs, any logger."""

import io
import logging
import secrets
import threading
import urllib.error
import urllib.request
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from gunicorn.config import Config
from gunicorn.glogging import Logger as GunicornLogger
from gunicorn.glogging import SafeAtoms
from sqlalchemy.exc import IntegrityError
from werkzeug.serving import make_server

from voice_app.child import views as child_views
from voice_app.log_privacy import HideLinkTokens, install_log_privacy


@pytest.fixture
def log_text():
    """Everything logged anywhere during the test, as a real formatter writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root, app_logger = logging.getLogger(), logging.getLogger("voice_app")
    level = root.level
    root.setLevel(logging.DEBUG)
    for logger in (root, app_logger):
        logger.addHandler(handler)
    yield stream.getvalue
    for logger in (root, app_logger):
        logger.removeHandler(handler)
    root.setLevel(level)


def test_a_view_that_fails_under_a_link_logs_no_token(app, app_context, caplog, log_text, monkeypatch):
    token = secrets.token_urlsafe(32)

    def failing_lookup(*args, **kwargs):
        raise LookupError(f"no link at /c/{args[0]} (token={args[0]!r})")

    lookup = "find_by_token"
    monkeypatch.setattr(child_views.links, lookup, failing_lookup)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    caplog.set_level(logging.DEBUG)

    assert FlaskClient(app).get(f"/c/{token}").status_code == 500  # the logs are checked, not the page

    assert app.logger.name == "voice_app"
    written = log_text()
    assert "Exception on /c/[hidden] [GET]" in written
    assert "Traceback" in written and "LookupError: no link at /c/[hidden] (token='[hidden]')" in written
    assert token not in written
    assert "Exception on /c/[hidden] [GET]" in caplog.text and token not in caplog.text
    for record in caplog.records:
        assert token not in f"{record.getMessage()} {record.args!r} {record.exc_text} {record.stack_info}"


def test_every_logger_hides_tokens_whoever_logs(app, log_text):
    token = secrets.token_urlsafe(32)
    logging.getLogger("some.library").warning("fetching /c/%s", token)
    logging.getLogger("voice_app.delivery").info("link %s", f"https://x.example/c/{token}?lang=cy")
    logging.getLogger("voice_app.delivery").info("reset %(token)s", {"token": f"token={token}"})
    try:
        raise ValueError(f"bad token {token}")
    except ValueError:
        logging.getLogger().exception("failed", stack_info=True)

    written = log_text()
    assert token not in written
    assert "fetching /c/[hidden]" in written and "https://x.example/c/[hidden]?lang=cy" in written
    assert "ValueError: bad token [hidden]" in written


def test_database_errors_in_a_log_show_no_values(app, log_text):
    check = Exception(
        'new row for relation "answer" violates check constraint "ck_answer_choice"\n'
        "DETAIL:  Failing row contains (7, 3, home, I feel sad at home\n(sometimes), 9)."
    )
    unique = Exception(
        'duplicate key value violates unique constraint "uq_staff_email"\n'
        "DETAIL:  Key (email)=(sam.jones@example.org) already exists."
    )
    for orig in (check, unique):
        error = IntegrityError(
            "INSERT INTO answer VALUES (%(text)s)", {"text": "sad"}, orig, hide_parameters=True
        )
        try:
            raise error from orig
        except IntegrityError:
            logging.getLogger("voice_app").exception("saving failed")

    written = log_text()
    assert "I feel sad" not in written and "sometimes" not in written and "sam.jones" not in written
    assert 'violates check constraint "ck_answer_choice"' in written
    assert "DETAIL:  Failing row contains [hidden]" in written
    assert "DETAIL:  Key (email)=[hidden] already exists." in written
    assert "[SQL: INSERT INTO answer VALUES (%(text)s)]" in written


def test_installing_twice_wraps_the_record_factory_once(app):
    install_log_privacy()
    factory = logging.getLogRecordFactory()
    install_log_privacy()
    assert logging.getLogRecordFactory() is factory
    assert sum(isinstance(f, HideLinkTokens) for f in logging.getLogger("werkzeug").filters) == 1


def test_access_logs_never_show_a_link_token(app, caplog):
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - [%s] "%s" %s',
        ("127.0.0.1", "now", "GET /c/AbC_123-xyz HTTP/1.1", "302"),
        None,
    )
    HideLinkTokens().filter(record)
    assert "AbC_123-xyz" not in record.getMessage()
    assert "/c/[hidden]" in record.getMessage()
    assert any(isinstance(f, HideLinkTokens) for f in logging.getLogger("werkzeug").filters)


def test_gunicorn_access_logs_never_show_a_link_token():
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s', (), None)
    record.args = {
        "h": "127.0.0.1",
        "r": "GET /c/SECRET_token-1 HTTP/1.1",
        "s": "302",
        "U": "/c/SECRET_token-1",
    }
    HideLinkTokens().filter(record)
    assert "SECRET_token-1" not in record.getMessage()
    assert record.args["U"] == "/c/[hidden]"


@pytest.fixture
def gunicorn_logger():
    """gunicorn's own logger, writing its access lines to a stream we read."""
    names = ("gunicorn.access", "gunicorn.error")
    saved = {name: logging.getLogger(name).__dict__.copy() for name in names}
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s "%({user-agent}i)s" %({x-forwarded-for}i)s %(U)s')
    logger = GunicornLogger(cfg)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(stream)
    yield logger, stream
    for name, state in saved.items():
        logging.getLogger(name).__dict__.update(state)


def test_gunicorn_access_lines_with_header_atoms_are_kept_and_hide_the_token(app, gunicorn_logger):
    logger, stream = gunicorn_logger
    token = secrets.token_urlsafe(32)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/c/{token}",
        "PATH_INFO": f"/c/{token}",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
    }
    request = SimpleNamespace(
        headers=[("User-Agent", "Phone/1.0"), ("Referer", f"https://x.example/c/{token}")]
    )
    response = SimpleNamespace(status="302 FOUND", headers=[("Location", "/my-voice")], sent=0)
    logger.access(response, request, environ, timedelta(milliseconds=12))

    line = stream.getvalue()
    assert line.strip() == '203.0.113.9 "GET /c/[hidden] HTTP/1.1" 302 "Phone/1.0" - /c/[hidden]'
    assert logger.atoms_wrapper_class is SafeAtoms


def test_the_development_servers_access_line_hides_the_token(app, caplog):
    def wsgi_app(environ, start_response):
        start_response("302 FOUND", [("Location", "/my-voice"), ("Content-Length", "0")])
        return [b""]

    caplog.set_level(logging.INFO)
    server = make_server("127.0.0.1", 0, wsgi_app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    token = secrets.token_urlsafe(32)
    no_redirects = urllib.request.build_opener(NoRedirect)
    try:
        with pytest.raises(urllib.error.HTTPError):
            no_redirects.open(f"http://127.0.0.1:{server.port}/c/{token}", timeout=5)
    finally:
        server.shutdown()
        thread.join(5)

    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /c/[hidden] HTTP/1.1" in line and " 302 " in line for line in lines), lines
    assert token not in caplog.text


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
