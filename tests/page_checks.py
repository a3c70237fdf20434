"""Checks every HTML page a test fetches: it parses, has exactly one <h1>, its <title> starts
with that <h1>, no id is used twice, every form says where it goes, and the security headers
are there."""

from __future__ import annotations

import contextvars
import re
from collections import Counter

import html5lib
from bs4 import BeautifulSoup
from flask import has_app_context
from flask.testing import FlaskClient

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


class PageCheckingClient(FlaskClient):
    """A test client that checks every HTML page it fetches, whatever the test asserts."""

    def open(self, *args, **kwargs):
        # Each request runs in a fresh context, so it gets its own app context, `g` and
        # database session, as in production, even while the test holds an app context.
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.rollback()  # end the test's snapshot: see what the request committed
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            response.soup = check_page(response)
        return response
