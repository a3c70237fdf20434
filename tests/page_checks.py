"""Checks every HTML page a test fetches: it parses, has exactly one <h1>, its <title> starts
with that <h1>, no id is used twice, every form says where it goes, and the security headers
are there. It also checks how every request used the database: a GET changes nothing a
person said (it may add to the audit trail, note when a link was opened, and note the
page a person is on), and no template runs a query."""

from __future__ import annotations

import contextvars
import re
from collections import Counter

import html5lib
from bs4 import BeautifulSoup
from flask import before_render_template, has_app_context, template_rendered
from flask.testing import FlaskClient
from sqlalchemy import event

from voice_app.data.database import db


class PageProblem(AssertionError):
    pass


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check_page(response) -> BeautifulSoup:
    html = response.get_data(as_text=True)
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(html)
    except html5lib.html5parser.ParseError as error:
        line = html.splitlines()[parser.errors[0][0][0] - 1] if parser.errors else ""
        raise PageProblem(f"HTML does not parse: {error} near: {line.strip()[:200]}") from error
    soup = BeautifulSoup(html, "html5lib")

    headings = soup.find_all("h1")
    if len(headings) != 1:
        raise PageProblem(f"expected one <h1>, found {len(headings)}: {[_squash(h.text) for h in headings]}")
    heading = _squash(headings[0].get_text())
    title = _squash(soup.title.get_text()) if soup.title else ""
    if not title.removeprefix("Error: ").startswith(heading):
        raise PageProblem(f"title {title!r} does not start with the h1 {heading!r}")

    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    repeated = [value for value, count in ids.items() if count > 1]
    if repeated:
        raise PageProblem(f"ids used more than once: {repeated}")

    for form in soup.find_all("form"):
        if not form.get("action"):
            raise PageProblem(f"a form has no action: {str(form)[:120]}")

    csp = response.headers.get("Content-Security-Policy", "")
    for part in ("object-src 'none'", "base-uri 'none'", "'nonce-"):
        if part not in csp:
            raise PageProblem(f"CSP lacks {part}: {csp}")
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    for script in soup.find_all("script"):
        if not script.get("src") and script.get("nonce") != nonce:
            raise PageProblem("an inline script has no nonce")
    if response.headers.get("Cache-Control") != "no-store":
        raise PageProblem("a page without Cache-Control: no-store")
    return soup


# What a GET may write: the audit trail, when a link was opened, a link's session starting
# and ending, where a person is, when a staff session was last used.
_GET_MAY_WRITE = (
    re.compile(r"^INSERT INTO audit_event\b"),
    re.compile(r"^UPDATE access_link SET last_opened_at=[^,]+ WHERE"),
    # Opening a link starts a session, and "Leave this page quickly" ends it.
    re.compile(r"^INSERT INTO link_session\b"),
    re.compile(r"^UPDATE link_session SET ended_at=[^,]+ WHERE"),
    # A link's session notes when it was last used (for its idle timeout, on the server).
    re.compile(r"^UPDATE link_session SET last_seen_at=[^,]+ WHERE"),
    re.compile(r"^UPDATE submission SET current_question=[^,]+, updated_at=submission\.updated_at WHERE"),
    # A staff session notes when it was last used (for its idle timeout), and ends when it
    # has idled or run out.
    re.compile(r"^UPDATE staff_session SET last_seen_at=[^,]+ WHERE"),
    re.compile(r"^UPDATE staff_session SET ended_at=[^,]+, ended_reason=[^,]+ WHERE"),
)
_WRITE = re.compile(r"^(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


class _Recorder:
    """SQL run during one request, and SQL run while a template was rendering."""

    def __init__(self):
        self.writes: list[str] = []
        self.in_templates: list[str] = []
        self.rendering: list[str] = []

    def statement(self, conn, cursor, statement, parameters, context, executemany):
        text = re.sub(r"\s+", " ", statement).strip()
        if _WRITE.match(text):
            self.writes.append(text)
        if self.rendering:
            self.in_templates.append(f"{self.rendering[-1]}: {text}")

    def before_render(self, app, template, context, **extra):
        self.rendering.append(template.name)

    def rendered(self, app, template, context, **extra):
        if self.rendering:
            self.rendering.pop()


def _check_database_use(method: str, recorder: _Recorder) -> None:
    if recorder.in_templates:
        raise PageProblem(f"a template ran a query: {recorder.in_templates[0][:300]}")
    if method == "GET":
        changes = [w for w in recorder.writes if not any(p.match(w) for p in _GET_MAY_WRITE)]
        if changes:
            raise PageProblem(f"a GET wrote to the database: {changes[0][:300]}")


class PageCheckingClient(FlaskClient):
    """A test client that checks every HTML page it fetches, whatever the test asserts."""

    _following_redirects = False  # True while Werkzeug makes the hops of a followed redirect

    def open(self, *args, expect: int | None = None, **kwargs):
        """`expect` is the status the test expects (default: 200 for a GET, a redirect for
        a POST, as a form that worked answers); any other status fails the test at once.
        With follow_redirects=True it is the status of the last page (default 200): the
        hops on the way are still checked, but not for their status."""
        hop = self._following_redirects
        following = bool(kwargs.get("follow_redirects"))
        recorder = _Recorder()
        app = self.application
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", recorder.statement)
        before_render_template.connect(recorder.before_render, app)
        template_rendered.connect(recorder.rendered, app)
        self._following_redirects = hop or following
        try:
            # Each request runs in a fresh context, so it gets its own app context, `g` and
            # database session, as in production, even while the test holds an app context.
            response = contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            self._following_redirects = hop
            event.remove(engine, "before_cursor_execute", recorder.statement)
            before_render_template.disconnect(recorder.before_render, app)
            template_rendered.disconnect(recorder.rendered, app)
        if has_app_context():
            db.session.rollback()  # end the test's snapshot: see what the request committed
        method = _method(args, kwargs)
        _check_database_use(method, recorder)
        if expect is None:
            expect = 200 if following or method == "GET" else 302
        if not hop:  # a hop of a followed redirect: the outer call checks the last page's status
            _check_status(response, expect)
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            response.soup = check_page(response)
        return response


def _check_status(response, expected: int) -> None:
    if response.status_code != expected:
        body = response.get_data(as_text=True)
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
        asked = response.history[0].request if response.history else response.request
        via = f" (followed to {response.request.path})" if response.history else ""
        raise PageProblem(
            f"{asked.method} {asked.path}{via} answered {response.status_code}, expected {expected}"
            + (f": {_squash(re.sub('<[^>]+>', '', heading.group(1)))}" if heading else "")
        )


def _method(args, kwargs) -> str:
    if kwargs.get("method"):
        return kwargs["method"].upper()
    for arg in args:
        method = getattr(arg, "method", None)  # an EnvironBuilder or a request environ
        if isinstance(method, str):
            return method.upper()
    return "GET"
