"""A council runs its own staff accounts: an administrator adds an IRO, the IRO chooses a
password from the link in the outbox, sets up a second factor, signs in and signs out, and
the signed-out browser opens nothing. At phone width, axe on every page, as a live service
runs (a second factor required)."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import PHONE, check_page, new_page
from tests.factories import PASSWORD, make_staff
from voice_app.data.database import db
from voice_app.models import Message, utcnow
from voice_app.vocabulary import MessageKind, StaffRole

pytestmark = pytest.mark.browser

ADMIN_SECRET = pyotp.random_base32()


@pytest.fixture
def admin(app_context):
    person = make_staff(role=StaffRole.ADMIN, name="Sam Patel", email="sam@council.example.org")
    person.totp_secret, person.second_factor_at = ADMIN_SECRET, utcnow()
    db.session.commit()
    return person


def _heading(page, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _the_set_up_link_in_the_outbox(email: str) -> str:
    db.session.expire_all()
    message = db.session.scalars(
        select(Message).where(Message.recipient == email, Message.kind == MessageKind.STAFF_SET_UP)
    ).one()
    link = re.search(r"https?://\S+", message.body).group(0)
    return "/" + link.split("/", 3)[3]  # its path, on the server the journey runs against


def test_an_administrator_adds_an_iro_who_sets_up_their_account_and_signs_in(
    live_server_with_second_factor, browser, admin
):
    server = live_server_with_second_factor
    page = new_page(browser, viewport=PHONE)
    page.goto(f"{server}/staff/sign-in")
    _heading(page, "Sign in")
    check_page(page)
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    _heading(page, "Enter the code from your authenticator app")
    check_page(page)
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(ADMIN_SECRET).now())
    page.get_by_role("button", name="Continue").click()

    _heading(page, "Staff")
    check_page(page)
    page.get_by_role("button", name="Add a member of staff").click()
    check_page(page)
    page.get_by_label("Full name").fill("Alex Morgan")
    page.get_by_label("Email address").fill("alex@council.example.org")
    page.get_by_role("radio", name="IRO", exact=True).check()
    page.get_by_label("Team (optional)").fill("North")
    page.get_by_role("button", name="Add and send the link").click()
    _heading(page, "Alex Morgan")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("We have sent a link")
    check_page(page)
    page.context.close()

    # The IRO, on their own phone, opens the link from their email.
    phone = new_page(browser, viewport=PHONE)
    phone.goto(server + _the_set_up_link_in_the_outbox("alex@council.example.org"))
    assert "token" not in phone.url  # the link leaves the address bar at once
    check_page(phone)
    phone.get_by_label("Create a password").fill("password")
    phone.get_by_label("Confirm your password").fill("password")
    phone.get_by_role("button", name="Save password").click()
    expect(phone.locator(".govuk-error-summary")).to_be_visible()
    assert phone.get_by_label("Create a password").input_value() == ""  # never typed back
    check_page(phone)
    chosen = "a kettle on the allotment"
    phone.get_by_label("Create a password").fill(chosen)
    phone.get_by_label("Confirm your password").fill(chosen)
    phone.get_by_role("button", name="Save password").click()

    _heading(phone, "Sign in")
    check_page(phone)
    phone.get_by_label("Email address").fill("alex@council.example.org")
    phone.get_by_label("Password", exact=True).fill(chosen)
    phone.get_by_role("button", name="Sign in").click()
    _heading(phone, "Set up your authenticator app")
    check_page(phone)
    assert phone.locator(".voice-qr svg").count() == 1
    secret = phone.locator("#secret").inner_text().replace(" ", "")
    phone.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    phone.get_by_role("button", name="Continue").click()

    _heading(phone, "Your recovery codes")
    check_page(phone)
    assert phone.locator("#recovery-codes li").count() == 10
    phone.get_by_role("button", name="Continue").click()
    _heading(phone, "Your caseload")
    check_page(phone)

    phone.get_by_role("button", name="Sign out").click()
    _heading(phone, "Sign in")
    phone.goto(f"{server}/staff/")
    _heading(phone, "Sign in")  # signed out on the server: the browser opens nothing
    phone.context.close()
