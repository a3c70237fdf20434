"""A manager reads the audit trail and answers a subject access request, on a phone: signed in
through the page, at 375 px, with axe on every page, error states included."""

from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, check_page, new_page
from tests.factories import PASSWORD, make_child, make_review, make_sent_submission, make_staff
from voice_app.data import audit
from voice_app.data.database import db
from voice_app.vocabulary import StaffRole

pytestmark = pytest.mark.browser


@pytest.fixture
def service(app_context):
    iro = make_staff(name="Alex Morgan", email="alex@council.example.org")
    make_staff(role=StaffRole.MANAGER, name="Jo Green", email="jo@council.example.org")
    sam = make_child(iro, first_name="Sam")
    review = make_review(sam)
    make_sent_submission(sam, review, {"home": ("4", "I like my room")})
    audit.record(iro, "viewed_consultation_summary", sam.id, review.id)
    audit.record(iro, "printed_card", sam.id)
    db.session.commit()
    return {"sam": sam}


def _sign_in(page, live_server, email):
    page.goto(f"{live_server}/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _open(page, name):
    """A page from the staff navigation, which folds into "Menu" at phone width (once the
    page's script has run: wait for it, or the menu may fold away under the click)."""
    page.wait_for_load_state("load")
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("link", name=name, exact=True).click()


def test_a_manager_reads_the_trail_and_exports_a_childs_records(live_server, browser, service):
    sam = service["sam"]
    page = new_page(browser, viewport=PHONE)
    _sign_in(page, live_server, "jo@council.example.org")

    _open(page, "Audit trail")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(page.locator("tbody tr").first).to_contain_text("Printed a card with the child's link")
    check_page(page)

    page.get_by_label("Child's name").fill(sam.first_name)
    page.get_by_role("button", name="Show").click()
    expect(page.locator("main")).to_contain_text(f"Showing what is recorded about {sam.full_name}")
    expect(page.locator("tbody tr")).to_have_count(2)
    check_page(page)

    # A date a browser without a date picker might send: a kind message, what was typed kept.
    page.goto(f"{live_server}/staff/audit?date_from=31/02/2026")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real date, like 27/11/2026")
    check_page(page)

    _open(page, "Subject access")
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access")
    check_page(page)
    page.get_by_role("button", name="Find the child").click()  # nothing typed
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the child's name, or part of it")
    check_page(page)
    page.get_by_label("Child's name").fill(sam.last_name.lower())
    page.get_by_role("button", name="Find the child").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    check_page(page)
    with page.expect_download() as download:
        page.get_by_role("button", name=f"Download everything held about {sam.full_name} (ZIP)").click()
    with open(download.value.path(), "rb") as saved:
        archive = zipfile.ZipFile(io.BytesIO(saved.read()))
    assert "I like my room" in archive.read("index.html").decode()

    # The export is in the trail now, for that child.
    page.goto(f"{live_server}/staff/audit?child_id={sam.id}")
    expect(page.locator("tbody tr").first).to_contain_text("Exported everything held about a child")
    page.context.close()
