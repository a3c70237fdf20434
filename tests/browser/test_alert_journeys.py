"""A child who does not feel safe is heard at once: from the child's answer on a phone to
the IRO's banner, the duty inbox message, the IRO recording what they did, and the
managers' list. At phone width, with and without JavaScript, axe on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, SMALL_PHONE, check_page, new_page
from tests.factories import PASSWORD, make_child, make_link, make_staff
from voice_app.vocabulary import StaffRole

pytestmark = pytest.mark.browser


@pytest.fixture
def sam(app_context):
    iro = make_staff(name="Alex Morgan", email="alex@council.example.org")
    make_staff(role=StaffRole.MANAGER, name="Jo Green", email="jo@council.example.org")
    child = make_child(iro, first_name="Sam")
    return {"child": child, "token": make_link(child)}


def sign_in(page, live_server, email):
    page.goto(f"{live_server}/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _child_says_they_are_not_safe(page, live_server, token, browser=None):
    page.goto(f"{live_server}/c/{token}")
    page.goto(f"{live_server}/my-voice/questions/safe_home")
    expect(page.get_by_role("heading", level=1)).to_have_text("Do you feel safe where you live?")
    check_page(page, browser)
    page.get_by_role("radio", name="No", exact=True).check()
    page.get_by_label("Tell me more (you do not have to)").fill("I am scared when he shouts")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us")
    assert "will read this today and will get in touch" in page.content()
    check_page(page, browser)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Do you feel safe at school?")

    page.get_by_role("link", name="I need help now").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("I need help now")
    check_page(page, browser)
    page.get_by_label("What do you want your IRO to know? (you do not have to write anything)").fill(
        "Please ring me after school"
    )
    page.get_by_role("button", name="Tell my IRO now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your IRO has been told")
    check_page(page, browser)


def test_from_not_feeling_safe_to_the_iro_acting_and_the_managers_list(live_server, browser, sam):
    phone = new_page(browser, viewport=PHONE)
    _child_says_they_are_not_safe(phone, live_server, sam["token"])
    phone.context.close()

    laptop = new_page(browser, viewport={"width": 1280, "height": 900})
    sign_in(laptop, live_server, "alex@council.example.org")
    banner = laptop.locator(".voice-alert-banner")
    expect(banner).to_contain_text("2 open alerts")
    expect(banner).to_contain_text("may not be safe")
    check_page(laptop)

    laptop.get_by_role("link", name="Messages sent").click()
    outbox = laptop.locator("main").inner_text()
    assert "duty@council.example.org" in outbox and "URGENT" in outbox
    assert "scared" not in outbox and "Please ring me" not in outbox
    check_page(laptop)

    laptop.go_back()
    banner.get_by_role("link").first.click()
    expect(laptop.locator(".voice-quote")).to_contain_text("I am scared when he shouts")
    check_page(laptop)
    laptop.get_by_role("button", name="Save what you did").click()  # nothing written yet
    expect(laptop.locator(".govuk-error-summary")).to_be_visible()
    check_page(laptop)
    laptop.get_by_label("What did you do?").fill("Rang Sam's carer; duty social worker visiting today.")
    laptop.get_by_label("Who was told? (optional)").fill("Duty team")
    laptop.get_by_role("button", name="Save what you did").click()
    expect(laptop.locator("main")).to_contain_text("Rang Sam's carer")
    check_page(laptop)
    laptop.context.close()

    manager = new_page(browser, viewport={"width": 1280, "height": 900})
    sign_in(manager, live_server, "jo@council.example.org")
    expect(manager.locator(".voice-alert-banner")).to_contain_text("1 open alert")
    manager.get_by_role("link", name="Open alerts in the service").click()
    rows = manager.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alex Morgan")
    check_page(manager)
    manager.context.close()


@pytest.mark.parametrize("viewport", [SMALL_PHONE, PHONE], ids=["320px", "375px"])
def test_a_child_is_heard_without_javascript(live_server, browser, sam, viewport):
    page = new_page(browser, viewport=viewport, javascript=False)
    _child_says_they_are_not_safe(page, live_server, sam["token"], browser)
    page.context.close()


def test_after_sending_back_shows_none_of_the_childs_words(live_server, browser, sam):
    """A shared phone keeps no trace: pages are never cached and typed words never restored."""
    page = new_page(browser, viewport=PHONE)
    page.goto(f"{live_server}/c/{sam['token']}")
    page.goto(f"{live_server}/my-voice/questions/worries")
    page.get_by_label("Is anything worrying you?").fill("Zebra lemonade worries")
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{live_server}/my-voice/check")
    assert "Zebra lemonade worries" in page.content()
    page.get_by_role("button", name="Send to my IRO").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sent to your IRO")
    for _ in range(3):
        page.go_back()
        page.wait_for_load_state("load")
        assert "Zebra lemonade worries" not in page.content()
        for box in page.locator("textarea").all():
            assert "Zebra" not in box.input_value()
    page.context.close()
