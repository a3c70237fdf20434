"""A council brings its children in: a manager uploads the children, 903 Episodes and 903
Reviews files, sees what will change, confirms with the same files, and the IRO's caseload
shows the children with the right due dates. At phone width, axe on every page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, check_page, new_page
from tests.factories import PASSWORD, make_staff
from voice_app import schedule
from voice_app.vocabulary import StaffRole

pytestmark = pytest.mark.browser

CAME_IN = date.today() - timedelta(days=70)  # Sam: in care since, with one review held
HELD = date.today() - timedelta(days=50)
LEO_CAME_IN = date.today() - timedelta(days=4)  # Leo: just come into care, no review yet


def _uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _short(day: date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"  # as the caseload shows it: 3 Feb 2027


@pytest.fixture
def files(tmp_path):
    written = {
        "children": (
            "child_id,first_name,last_name,preferred_name,date_of_birth,iro_email,preferred_language\n"
            "C1001,Samuel,Taylor,Sam,01/08/2016,alex@example.org,en\n"
            "C1002,Leo,Brown,,01/08/2014,alex@example.org,Polish\n"
        ),
        "episodes": (
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
            f"C1001,{_uk(CAME_IN)},S,V2,N1,U1,PR1,,\n"
            f"C1002,{_uk(LEO_CAME_IN)},S,C2,N1,U1,PR1,,\n"
        ),
        "reviews": f"CHILD,DOB,REVIEW,REVIEW_CODE\nC1001,01/08/2016,{_uk(HELD)},PN1\n",
    }
    paths = {}
    for name, text in written.items():
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


@pytest.fixture
def people(app_context):
    return {
        "manager": make_staff(role=StaffRole.MANAGER, name="Jo Green", email="jo@example.org"),
        "iro": make_staff(name="Alex Morgan", email="alex@example.org"),
    }


def _sign_in(page, server, person):
    page.goto(f"{server}/staff/sign-in")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _open(page, name):
    """A page from the staff navigation, which folds into "Menu" at phone width (once the
    page's script has run)."""
    page.wait_for_load_state("load")
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("link", name=name, exact=True).click()


def _heading(page, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def test_a_manager_imports_the_files_and_the_iros_caseload_shows_the_children(
    live_server, browser, people, files
):
    page = new_page(browser, viewport=PHONE)
    _sign_in(page, live_server, people["manager"])
    _open(page, "Children")
    _heading(page, "Children")
    check_page(page)
    page.get_by_role("button", name="Import from files").click()
    _heading(page, "Import children from files")
    check_page(page)

    # A file with a problem first: every problem listed, nothing imported.
    broken = files["children"].with_name("broken.csv")
    broken.write_text(files["children"].read_text().replace("alex@example.org", "nobody@example.org", 1))
    page.get_by_label("The children file (CSV)").set_input_files(broken)
    page.get_by_role("button", name="Preview the import").click()
    _heading(page, "The files have problems: nothing was imported")
    expect(page.locator("#problems")).to_contain_text("No member of staff has this email address")
    check_page(page)

    page.get_by_label("The children file (CSV)").set_input_files(files["children"])
    page.get_by_label("The SSDA903 Episodes file (CSV, optional)").set_input_files(files["episodes"])
    page.get_by_label("The SSDA903 Reviews file (CSV, optional)").set_input_files(files["reviews"])
    page.get_by_role("button", name="Preview the import").click()
    _heading(page, "Check what the import will change")
    expect(page.locator("#counts")).to_contain_text("Children added")
    expect(page.locator("#changes")).to_contain_text("Samuel Taylor (C1001): added")
    check_page(page)

    # Nothing was kept: the same files are chosen again to confirm.
    confirm = page.locator("form[action$='/import/confirm']")
    confirm.get_by_label("The children file (CSV)").set_input_files(files["children"])
    confirm.get_by_label("The SSDA903 Episodes file (CSV, optional)").set_input_files(files["episodes"])
    confirm.get_by_label("The SSDA903 Reviews file (CSV, optional)").set_input_files(files["reviews"])
    confirm.get_by_role("button", name="Confirm and import").click()
    _heading(page, "Children")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The files are imported: 2 added")
    check_page(page)
    page.get_by_role("link", name="Samuel Taylor").click()
    _heading(page, "Samuel Taylor")
    expect(page.locator("#reviews")).to_contain_text("PN1")
    check_page(page)
    page.context.close()

    # The IRO's caseload has both children, each with the due date their history gives.
    phone = new_page(browser, viewport=PHONE)
    _sign_in(phone, live_server, people["iro"])
    caseload = phone.locator(".voice-caseload tbody")
    expect(caseload).to_contain_text("Sam")
    sam_due = schedule.following_review_due(HELD, 1)
    leo_due = schedule.first_review_due(LEO_CAME_IN)
    expect(caseload.locator("tr", has_text="Taylor")).to_contain_text(_short(sam_due))
    expect(caseload.locator("tr", has_text="Brown")).to_contain_text(_short(leo_due))
    check_page(phone)
    phone.context.close()
