"""Just for my IRO, in a real browser at phone width, with and without JavaScript, axe on every
page: the child ticks it under their words and sees it on the check page; the IRO sees it
marked in the summary, and the version for the meeting leaves it out, on screen and printed
on A4."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, check_page, new_page
from tests.browser.test_alert_journeys import sign_in
from tests.factories import make_child, make_link, make_review, make_staff

pytestmark = pytest.mark.browser

KEPT_BACK = "I would like to live with my nan"
SHARED = "Drama club on Tuesdays"
A4_POINTS = (595, 842)  # 210 mm by 297 mm


@pytest.fixture
def sam(app_context):
    iro = make_staff(name="Alex Morgan", email="alex.jfi@example.org")
    child = make_child(iro, first_name="Sam")
    review = make_review(child, scheduled_for=date.today() + timedelta(days=21))
    return {"child": child, "review": review, "token": make_link(child)}


def _child_keeps_an_answer_for_their_iro(page, live_server, token, browser):
    page.goto(f"{live_server}/c/{token}")
    page.goto(f"{live_server}/my-voice/questions/going_well")
    page.get_by_label("What is going well for you?").fill(SHARED)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Is anything worrying you?")
    tick = page.get_by_role("checkbox", name="Just for my IRO")
    expect(tick).not_to_be_checked()
    expect(page.locator("main")).to_contain_text(
        "If you tell us you are not safe, your IRO must tell someone who can help keep you safe."
    )
    check_page(page, browser)
    page.get_by_label("Is anything worrying you?").fill(KEPT_BACK)
    tick.check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What would you like to change?")

    page.goto(f"{live_server}/my-voice/check")
    rows = page.locator(".voice-check .govuk-summary-list__row")
    expect(rows.filter(has_text=KEPT_BACK)).to_contain_text("Just for your IRO")
    expect(rows.filter(has_text=SHARED)).not_to_contain_text("Just for your IRO")
    check_page(page, browser)
    page.get_by_role("button", name="Send to my IRO").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sent to your IRO")


def _iro_reads_the_summary_and_the_version_for_the_meeting(page, live_server, review, browser):
    sign_in(page, live_server, "alex.jfi@example.org")
    page.goto(f"{live_server}/staff/reviews/{review.id}")
    expect(page.locator(".voice-requests")).to_contain_text("Just for the IRO")
    expect(page.locator(".voice-requests")).to_contain_text(KEPT_BACK)
    check_page(page, browser)

    page.get_by_role("link", name="See the version for the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Views for Sam .*'s meeting$"))
    main = page.locator("main")
    expect(main).to_contain_text(SHARED)
    expect(main).not_to_contain_text(KEPT_BACK)
    expect(main).not_to_contain_text("Just for the IRO")
    check_page(page, browser)

    # Printed: only the views, none of the page around them or the note for the IRO, on A4.
    page.emulate_media(media="print")
    for part in (".voice-header", ".voice-footer", ".govuk-back-link", ".voice-no-print"):
        expect(page.locator(part).first).to_be_hidden()
    expect(main).to_contain_text(SHARED)
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = {
        (round(float(width)), round(float(height)))
        for width, height in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    }
    assert boxes == {A4_POINTS}, boxes
    page.emulate_media(media="screen")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_child_keeps_an_answer_for_their_iro_and_the_meeting_never_sees_it(
    live_server, browser, sam, javascript
):
    without_javascript = None if javascript else browser
    phone = new_page(browser, viewport=PHONE, javascript=javascript)
    _child_keeps_an_answer_for_their_iro(phone, live_server, sam["token"], without_javascript)
    phone.context.close()

    staff_phone = new_page(browser, viewport=PHONE, javascript=javascript)
    _iro_reads_the_summary_and_the_version_for_the_meeting(
        staff_phone, live_server, sam["review"], without_javascript
    )
    staff_phone.context.close()
