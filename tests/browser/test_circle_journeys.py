"""A carer answers their paper on a phone; the IRO manages the circle, invites, prints a
letter, and reads everyone's views side by side. axe on every page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, SMALL_PHONE, check_page, new_page
from tests.factories import (
    PASSWORD,
    make_child,
    make_member,
    make_member_link,
    make_review,
    make_sent_submission,
    make_staff,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def family(app_context):
    iro = make_staff(name="Alex Morgan", email="alex.circle@example.org")
    child = make_child(iro, first_name="Sam")
    review = make_review(child, scheduled_for=date.today() + timedelta(days=14))
    make_sent_submission(child, review, {"home": ("5", "I love my room"), "attend": ("yes", None)})
    carer = make_member(child, "Sue Jones", "foster_carer", mobile="07700900123")
    make_member(child, "Dave Brown", "father")
    return {"iro": iro, "child": child, "review": review, "carer_token": make_member_link(carer, review)}


def test_carer_answers_on_a_phone_and_the_iro_sees_views_side_by_side(live_server, browser, family):
    phone = new_page(browser, viewport=PHONE)
    phone.goto(f"{live_server}/c/{family['carer_token']}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your views for Sam's review")
    check_page(phone)
    phone.get_by_role("button", name="Start").click()
    check_page(phone)
    phone.get_by_role("radio", name="Good", exact=True).check()
    phone.get_by_label("Comments (optional)").fill("Settled and happy at home")
    phone.get_by_role("button", name="Save and continue").click()
    phone.get_by_role("radio", name="Not good", exact=True).check()
    phone.get_by_label("Comments (optional)").fill("Contact is often cancelled")
    phone.get_by_role("button", name="Save and continue").click()
    phone.goto(f"{live_server}/your-views/questions/support_needed")
    phone.get_by_label("What support do you need as Sam's carer?").fill("Respite one weekend a month")
    phone.get_by_role("button", name="Save and continue").click()
    check_page(phone)  # the advocate question: a choice with comments
    phone.goto(f"{live_server}/your-views/check")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your answers")
    check_page(phone)
    phone.get_by_role("button", name="Send to the IRO").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your views have been sent")
    assert "Respite one weekend a month" in phone.content()
    check_page(phone)
    phone.context.close()

    laptop = new_page(browser, viewport={"width": 1280, "height": 900})
    laptop.goto(f"{live_server}/staff/sign-in")
    laptop.get_by_label("Email address").fill("alex.circle@example.org")
    laptop.get_by_label("Password", exact=True).fill(PASSWORD)
    laptop.get_by_role("button", name="Sign in").click()
    assert "Sue Jones" in laptop.locator("tbody").inner_text()
    check_page(laptop)
    laptop.goto(f"{live_server}/staff/reviews/{family['review'].id}")
    table = laptop.locator(".voice-topics")
    assert "Sam" in table.locator("thead").inner_text() and "Sue Jones" in table.locator("thead").inner_text()
    home = table.locator("tbody tr").first.inner_text()
    assert "I love my room" in home and "Settled and happy at home" in home
    assert "Respite one weekend a month" in laptop.locator("main").inner_text()
    check_page(laptop)

    # Invite the father, who has no email or mobile, and print his letter.
    laptop.get_by_role("button", name="Invite people").click()
    check_page(laptop)
    laptop.get_by_role("button", name="Send invitations").click()
    laptop.get_by_role("button", name="Print a letter for Dave Brown").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Letter for Dave Brown")
    assert laptop.locator(".voice-qr svg").count() == 1
    check_page(laptop)
    laptop.goto(f"{live_server}/staff/outbox")
    check_page(laptop)

    # Manage the circle: add someone, with an error first.
    laptop.goto(f"{live_server}/staff/children/{family['child'].id}")
    check_page(laptop)
    laptop.get_by_role("button", name="Add someone").click()
    laptop.get_by_role("button", name="Save").click()
    expect(laptop.locator(".govuk-error-summary")).to_be_visible()
    check_page(laptop)
    laptop.get_by_label("Full name").fill("Raj Patel")
    laptop.get_by_label("School or college").check()
    laptop.get_by_label("Email address (optional)").fill("raj@example.org")
    laptop.get_by_role("button", name="Save").click()
    expect(laptop.locator("main table")).to_contain_text("Raj Patel")
    laptop.get_by_role("link", name="Remove Raj Patel").click()
    check_page(laptop)
    laptop.get_by_role("button", name="Remove").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text(re.compile("^Sam Tester"))
    expect(laptop.locator("main table")).not_to_contain_text("Raj Patel")
    laptop.get_by_role("link", name="Change where invitations go").click()
    laptop.get_by_label("Mobile number (optional)").fill("12")
    laptop.get_by_role("button", name="Save").click()
    check_page(laptop)  # with its error
    laptop.context.close()


def test_a_parents_paper_works_without_javascript_at_320px(live_server, browser, family):
    from tests.factories import make_member as member_factory

    with_nothing = new_page(browser, viewport=SMALL_PHONE, javascript=False)
    parent = member_factory(family["child"], "Karen Taylor", "mother", email="karen@example.org")
    token = make_member_link(parent, family["review"])
    with_nothing.goto(f"{live_server}/c/{token}")
    check_page(with_nothing, browser)
    with_nothing.get_by_role("button", name="Start").click()
    with_nothing.get_by_role("radio", name="OK", exact=True).check()
    with_nothing.get_by_role("button", name="Save and continue").click()
    with_nothing.goto(f"{live_server}/your-views/questions/support")
    check_page(with_nothing, browser)
    with_nothing.get_by_role("radio", name="Yes", exact=True).check()
    with_nothing.get_by_label("What would help? (optional)").fill("A Polish interpreter")
    with_nothing.get_by_role("button", name="Save and continue").click()
    with_nothing.goto(f"{live_server}/your-views/check")
    check_page(with_nothing, browser)
    with_nothing.get_by_role("button", name="Send to the IRO").click()
    expect(with_nothing.get_by_role("heading", level=1)).to_have_text("Your views have been sent")
    check_page(with_nothing, browser)
    with_nothing.context.close()
