"""A card and a short code: the IRO prints an A6 card, the child types its code on a phone,
with and without JavaScript; staff see links only masked and are refused a child's pages.
axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, SMALL_PHONE, check_page, new_page
from tests.factories import PASSWORD, make_child, make_link, make_review, make_staff
from voice_app.data.database import db

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 900}
# A6 in PDF points (1/72 inch): 105 x 148 mm.
A6_POINTS = (105 / 25.4 * 72, 148 / 25.4 * 72)


@pytest.fixture
def sam(app_context):
    iro = make_staff(name="Alex Morgan", email="alex@example.org")
    child = make_child(iro, first_name="Sam")
    make_review(child)
    return {"iro": iro, "child": child}


def sign_in(page, live_server):
    page.goto(f"{live_server}/staff/sign-in")
    page.get_by_label("Email address").fill("alex@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size of each page of a PDF, from its MediaBox entries."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(width), float(height)) for width, height in boxes]


def test_the_iro_prints_a_card_and_the_child_signs_in_with_its_code(live_server, browser, sam):
    child = sam["child"]
    token = make_link(child)
    laptop = new_page(browser, viewport=LAPTOP)
    sign_in(laptop, live_server)
    laptop.goto(f"{live_server}/staff/children/{child.id}")
    check_page(laptop)

    # A browser signed in as staff opens no child's link.
    laptop.goto(f"{live_server}/c/{token}")
    expect(laptop.get_by_role("heading", level=1)).to_have_text("You are signed in as staff")
    check_page(laptop)
    laptop.go_back()

    laptop.get_by_role("button", name="Print a card").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text(re.compile("^Card for Sam"))
    check_page(laptop)
    card = laptop.locator("article.voice-card")
    assert "Your IRO is Alex Morgan." in card.inner_text() and "0800 1111" in card.inner_text()
    assert card.locator(".voice-qr svg").count() == 1
    code = card.locator(".voice-card__code").inner_text().strip()
    # Printed, the card is one A6 page.
    pages = pdf_pages(laptop.pdf(prefer_css_page_size=True, print_background=True))
    assert len(pages) == 1, pages
    assert all(abs(got - want) < 2 for got, want in zip(pages[0], A6_POINTS, strict=True)), pages
    laptop.context.close()

    phone = new_page(browser, viewport=PHONE)
    phone.goto(f"{live_server}/")
    check_page(phone)
    phone.get_by_label("Type your code").fill("ACEF-HJKM")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Type your code")
    expect(phone.locator(".govuk-error-summary")).to_contain_text("That code did not work.")
    check_page(phone)
    phone.get_by_label("Your code").fill(code.lower().replace("-", " "))
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hello Sam")
    phone.context.close()


def test_send_the_link_again_and_the_outbox_show_it_masked(live_server, browser, sam):
    child = sam["child"]
    child.email = "sam@example.org"
    db.session.commit()
    laptop = new_page(browser, viewport=LAPTOP)
    sign_in(laptop, live_server)
    laptop.goto(f"{live_server}/staff/children/{child.id}")
    laptop.get_by_role("button", name="Send the link again").click()
    notice = laptop.locator(".govuk-notification-banner")
    expect(notice).to_contain_text("is on its way to sam@example.org")
    assert re.search(r"…/c/…\S{4}\)", notice.inner_text())
    check_page(laptop)
    laptop.goto(f"{live_server}/staff/outbox")
    body = laptop.locator(".voice-message__body").first.inner_text()
    assert "…/c/…" in body and "/c/" not in body.replace("…/c/…", "")
    check_page(laptop)
    laptop.context.close()


@pytest.mark.parametrize("viewport", [SMALL_PHONE, PHONE], ids=["320px", "375px"])
def test_typing_the_code_works_without_javascript(live_server, browser, sam, viewport):
    laptop = new_page(browser, viewport=LAPTOP, javascript=False)
    sign_in(laptop, live_server)
    laptop.goto(f"{live_server}/staff/children/{sam['child'].id}")
    laptop.get_by_role("button", name="Print a card").click()
    code = laptop.locator(".voice-card__code").inner_text().strip()
    check_page(laptop, browser)
    laptop.context.close()

    page = new_page(browser, viewport=viewport, javascript=False)
    page.goto(f"{live_server}/code")
    check_page(page, browser)
    page.get_by_label("Your code").fill("")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Type the code from your card")
    check_page(page, browser)
    page.get_by_label("Your code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Sam")
    check_page(page, browser)
    page.context.close()
