"""A live server for the app and Debian's Chromium, driven by Playwright, with axe."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from voice_app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = {"width": 375, "height": 740}
SMALL_PHONE = {"width": 320, "height": 640}
MIN_TOUCH_TARGET = 44


@contextmanager
def _served(app, **settings):
    """The app served over HTTP on a free port, on the same database as the tests, with
    CSRF protection on as in production."""
    live_app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": True,
            # The service's duty inbox, so journeys see alerts reach it.
            "DUTY_EMAIL": "duty@council.example.org",
            **settings,
        }
    )
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def live_server(app):
    """Staff sign in with a password alone, as in development."""
    with _served(app, STAFF_MFA_REQUIRED=False) as url:
        yield url


@pytest.fixture(scope="session")
def live_server_with_second_factor(app):
    """As a live service runs: every member of staff signs in with a second factor."""
    with _served(app, STAFF_MFA_REQUIRED=True) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


def new_page(browser, viewport=PHONE, javascript=True):
    context = browser.new_context(
        viewport=viewport, java_script_enabled=javascript, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    return context.new_page()


_axe = Axe()


def assert_accessible(page) -> None:
    """axe with the WCAG 2.2 A and AA rules: no violations allowed."""
    results = _axe.run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    )
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def assert_touch_targets(page) -> None:
    """Buttons, radios, text boxes and stand-alone links are at least 44 by 44 px."""
    small = page.evaluate(
        """(minimum) => {
          const selectors = ['button', '.govuk-button', '.govuk-radios__input', 'textarea',
            '.voice-skip', '.govuk-back-link', '.voice-header a', '.govuk-summary-list__actions a'];
          return [...document.querySelectorAll(selectors.join(','))]
            .filter(el => el.offsetParent !== null || el.classList.contains('govuk-radios__input'))
            .map(el => ({el: el.outerHTML.slice(0, 80), box: el.getBoundingClientRect()}))
            .filter(({box}) => box.width > 0 && (box.height < minimum || box.width < minimum))
            .map(({el, box}) => `${el} is ${Math.round(box.width)}x${Math.round(box.height)}`);
        }""",
        MIN_TOUCH_TARGET,
    )
    assert small == [], "\n".join(small)


def assert_no_sideways_scroll(page) -> None:
    page.wait_for_load_state("load")
    # Straight after a redirect the new document may not be attached yet: ask again.
    overflow = None
    for _ in range(20):
        overflow = page.evaluate(
            "(() => { const root = document.documentElement;"
            " return root ? root.scrollWidth - root.clientWidth : null; })()"
        )
        if overflow is not None:
            break
        page.wait_for_timeout(100)
    assert overflow is not None and overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def assert_accessible_without_javascript(page, browser) -> None:
    """axe needs JavaScript, so the page as served to a browser without it is copied into a
    JavaScript page at the same address. The page's CSP blocks the copied inline script, so
    GOV.UK Frontend stays off, as it would be."""
    html = page.content()
    viewer = new_page(browser, viewport=page.viewport_size)
    try:
        origin = page.url.split("/", 3)[:3]
        viewer.goto("/".join(origin) + "/link-needed")  # same origin, same CSP, no side effects
        viewer.set_content(html)
        assert_accessible(viewer)
        assert_touch_targets(viewer)
    finally:
        viewer.context.close()


def check_page(page, browser=None) -> None:
    """Every page a journey visits: no sideways scroll, axe, touch targets."""
    assert_no_sideways_scroll(page)
    if browser is None:
        assert_accessible(page)
        assert_touch_targets(page)
    else:
        assert_accessible_without_javascript(page, browser)
