"""Real-browser journeys at phone width, checked with axe on every page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, SMALL_PHONE, check_page, new_page
from tests.factories import PASSWORD, make_child, make_link, make_review, make_staff

pytestmark = pytest.mark.browser


@pytest.fixture
def family(app_context):
    iro = make_staff(name="Alex Morgan", email="alex@example.org")
    child = make_child(iro, first_name="Sam")
    review = make_review(child, scheduled_for=date.today() + timedelta(days=21))
    return {"iro": iro, "child": child, "review": review, "token": make_link(child)}


def answer_scale(page, word, more=None):
    page.get_by_role("radio", name=word, exact=True).check()
    if more:
        page.get_by_label("Tell me more (you do not have to)").fill(more)
    page.get_by_role("button", name="Continue").click()


def test_child_answers_comes_back_changes_and_sends_then_iro_reads_it(live_server, browser, family):
    page = new_page(browser, viewport=PHONE)
    page.goto(f"{live_server}/c/{family['token']}")
    assert page.url == f"{live_server}/my-voice"
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Sam")
    assert "Your IRO is Alex Morgan" in page.content()
    check_page(page)

    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How are things where you live?")
    check_page(page)
    answer_scale(page, "Good", more="My carers are kind")
    check_page(page)  # family time
    page.get_by_role("link", name="Skip this question").click()
    answer_scale(page, "Not good", more="Too much homework")

    # Bad input: a kind error, and nothing typed is lost. Checked with axe too.
    page.get_by_role("radio", name="Really good", exact=True).check()
    page.get_by_label("Tell me more (you do not have to)").fill("x" * 5001)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.get_by_label("Tell me more (you do not have to)").input_value() == "x" * 5001
    check_page(page)
    page.get_by_label("Tell me more (you do not have to)").fill("I like drama club")
    page.get_by_role("button", name="Continue").click()

    # The child closes the phone. Later they open their link again and carry on.
    page.context.close()
    page = new_page(browser, viewport=PHONE)
    page.goto(f"{live_server}/c/{family['token']}")
    page.get_by_role("button", name="Carry on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How are things with friends and things you like doing?"
    )

    for _ in range(11):  # skip the rest: feeling safe (three questions) and the eight after
        page.get_by_role("link", name="Skip this question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    check_page(page)

    # Change an answer from the check page, and land back on it.
    page.get_by_role("link", name="Change Do you want to come to your meeting?").click()
    page.get_by_role("radio", name="Yes, for part of it").check()
    page.get_by_role("button", name="Save and go back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert "Yes, for part of it" in page.locator(".voice-check").inner_text()

    page.get_by_role("button", name="Send to my IRO").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sent to your IRO")
    assert "0800 1111" in page.content()
    check_page(page)
    page.context.close()

    # The IRO signs in on a laptop and reads it.
    laptop = new_page(browser, viewport={"width": 1280, "height": 900})
    laptop.goto(f"{live_server}/staff/sign-in")
    check_page(laptop)
    laptop.get_by_label("Email address").fill("alex@example.org")
    laptop.get_by_label("Password", exact=True).fill(PASSWORD)
    laptop.get_by_role("button", name="Sign in").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Your caseload")
    assert "Sent" in laptop.locator("tbody").inner_text()
    check_page(laptop)
    laptop.locator("tbody").get_by_role("link").nth(1).click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text(
        re.compile("^" + "Consultation summary for Sam")
    )
    summary = laptop.locator("main").inner_text()
    assert "Yes, for part of it" in summary
    assert "My carers are kind" in summary and "I like drama club" in summary
    assert "Too much homework" in summary
    check_page(laptop)

    # The child's page: print a card to give them, shown once (a QR code and a short code).
    laptop.get_by_role("link", name="Your caseload").click()
    laptop.locator("tbody th").get_by_role("link").first.click()
    check_page(laptop)
    laptop.get_by_role("button", name="Print a card").click()
    expect(laptop.locator(".voice-card .voice-qr svg")).to_have_count(1)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", laptop.locator(".voice-card__code").inner_text().strip())
    check_page(laptop)
    laptop.context.close()


@pytest.mark.parametrize("viewport", [SMALL_PHONE, PHONE], ids=["320px", "375px"])
def test_child_journey_works_without_javascript(live_server, browser, family, viewport):
    page = new_page(browser, viewport=viewport, javascript=False)
    page.goto(f"{live_server}/c/{family['token']}")
    check_page(page, browser)
    page.get_by_role("button", name="Start").click()
    check_page(page, browser)
    page.get_by_role("radio", name="Really good", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{live_server}/my-voice/questions/attend")
    page.get_by_role("radio", name="No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{live_server}/my-voice/questions/worries")
    page.get_by_label("Is anything worrying you?").fill("y" * 5001)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_page(page, browser)
    page.goto(f"{live_server}/my-voice/check")
    check_page(page, browser)
    page.get_by_role("button", name="Send to my IRO").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sent to your IRO")
    check_page(page, browser)
    page.goto(f"{live_server}/help")
    check_page(page, browser)
    page.goto(f"{live_server}/c/not-a-working-link")
    check_page(page, browser)
    page.context.close()
