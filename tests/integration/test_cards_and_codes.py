"""A card and a short code, no email needed; and staff never act as the child.

The IRO prints a card (the child's QR code and sign-in code) or sends the link again; staff
pages and the outbox show links only masked; a browser signed in as staff opens no child's
or parent's page; codes are hashed with a key, rate-limited, and expire with their link."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_child, make_link, make_member, make_member_link, make_review, make_staff
from tests.integration.test_child_journey import open_link
from tests.integration.test_iro import sign_in
from voice_app import create_app
from voice_app.config import load_config
from voice_app.data.database import db
from voice_app.extensions import limiter
from voice_app.models import AccessLink, AuditEvent, Invitation, Message, utcnow
from voice_app.models.links import (
    CODE_ALPHABET,
    hash_code,
    is_code,
    new_code,
    normalise_code,
    show_code,
)
from voice_app.permissions import CHILD_LINK, RESPONDENT_LINK

CODE_DID_NOT_WORK = "That code did not work. Check it and try again, or ask your IRO for a new card."
STAFF_SIGNED_IN = "Sign out first: a child's page must only ever be used by the child."
CODE_SHAPE = re.compile(rf"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")


@pytest.fixture
def sam(app_context):
    iro = make_staff(name="Alex Morgan", email="alex@example.org")
    child = make_child(iro, first_name="Sam")
    review = make_review(child, scheduled_for=date.today() + timedelta(days=20))
    return {"iro": iro, "child": child, "review": review}


def print_card(client, child) -> str:
    """The IRO prints a card; the code on it."""
    page = client.post(f"/staff/children/{child.id}/card", expect=200)
    return page.soup.select_one(".voice-card__code").get_text(strip=True)


def type_code(client, code: str, expect: int = 302):
    return client.post("/code", data={"code": code}, expect=expect)


def child_links():
    return db.session.scalars(
        select(AccessLink).where(AccessLink.circle_member_id.is_(None)).order_by(AccessLink.id)
    ).all()


# The code itself.


def test_codes_have_no_characters_a_child_could_mistake_for_others():
    for look_alikes in ("0OQD", "1IL", "2Z", "5S", "6G", "8B", "UV"):
        assert len(set(look_alikes) & set(CODE_ALPHABET)) <= 1, look_alikes
    assert not set("0O1IL2Z5S8B") & set(CODE_ALPHABET)
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200 and all(is_code(code) and len(code) == 8 for code in codes)
    assert show_code("ACEFHJKM") == "ACEF-HJKM"
    for typed in ("ACEF-HJKM", "acef-hjkm", "acefhjkm", " ACEF HJKM ", "Acef\u2013hjkm", "ac ef-hj km"):
        assert normalise_code(typed) == "ACEFHJKM", typed
    assert not is_code(normalise_code("ABCD-1234"))  # the example on the page is never a code


def test_a_code_is_stored_only_as_a_hash_keyed_with_the_secret_key(client, sam):
    sign_in(client, sam["iro"])
    code = print_card(client, sam["child"])
    assert CODE_SHAPE.match(code), code
    stored = child_links()[-1].code_hash
    plain = normalise_code(code)
    assert stored == hash_code(plain, client.application.config["SECRET_KEY"])
    assert stored != hashlib.sha256(plain.encode()).hexdigest()  # no table of 21^8 hashes gives it
    assert stored != hash_code(plain, "another key")
    assert plain not in stored and code not in stored


# The card.


def test_the_iro_prints_an_a6_card_with_the_qr_code_the_code_and_the_help_line(client, other_client, sam):
    child = sam["child"]
    old_token = make_link(child)
    sign_in(client, sam["iro"])
    page = client.post(f"/staff/children/{child.id}/card", expect=200)
    card = page.soup.select_one("article.voice-card")
    text = " ".join(card.get_text(" ").split())
    assert "For Sam" in text and child.last_name not in text  # first name only
    assert "Your IRO is Alex Morgan." in text
    assert "Call Childline free on 0800 1111. In danger? Call 999." in text
    assert "Use it to tell your IRO what you think" in text
    assert "Or go to 127.0.0.1:5000 and type your code:" in text
    assert card.select_one(".voice-qr svg") is not None
    assert CODE_SHAPE.match(card.select_one(".voice-card__code").get_text(strip=True))
    assert "/c/" not in text  # a QR code and a short code; no link to copy
    works_until = (utcnow() + timedelta(days=395)).strftime("%-d %b %Y")
    assert f"Works until {works_until}." in text
    assert "voice-card-page" in page.soup.body["class"]  # printed on its own A6 page

    # Like a letter, it replaces the older link: that opens nothing new.
    assert other_client.get(f"/c/{old_token}", expect=404).status_code == 404
    old, new = child_links()
    assert old.replaced_at is not None and old.revoked_at is None
    assert new.code_hash and new.is_usable()
    assert abs(new.expires_at - new.created_at - timedelta(days=395)) < timedelta(minutes=1)
    audit = db.session.scalars(select(AuditEvent.action).where(AuditEvent.child_id == child.id)).all()
    assert audit == ["printed_card"]


def test_a_link_lasts_thirteen_months_unless_a_council_says_otherwise(app, tmp_path, monkeypatch):
    assert app.config["LINK_LIFETIME_DAYS"] == 395
    monkeypatch.setenv("LINK_LIFETIME_DAYS", "200")
    assert load_config(tmp_path, {"TESTING": True})["LINK_LIFETIME_DAYS"] == 200


def test_each_card_gets_a_code_never_given_before(client, sam, monkeypatch):
    sign_in(client, sam["iro"])
    first = print_card(client, sam["child"])
    drawn = iter([normalise_code(first), "ACEFHJKM"])
    monkeypatch.setattr("voice_app.data.links.new_code", lambda: next(drawn))
    assert print_card(client, sam["child"]) == "ACEF-HJKM"  # the first draw was taken: drawn again
    assert len({link.code_hash for link in child_links()}) == 2


def test_another_iros_child_gets_no_card_and_no_message(client, sam):
    other = make_child(make_staff(), first_name="Zara")
    sign_in(client, sam["iro"])
    client.post(f"/staff/children/{other.id}/card", expect=404)
    client.post(f"/staff/children/{other.id}/links/send", expect=404)
    assert not db.session.scalars(select(AccessLink)).all()


# Typing the code.


def test_the_home_page_takes_the_code_in_any_case_with_or_without_the_dash(app, client, sam):
    sign_in(client, sam["iro"])
    code = print_card(client, sam["child"])
    home = app.test_client().get("/")
    form = home.soup.find("form", action="/code")
    assert form is not None and form.find("input", attrs={"name": "code"})["autocomplete"] == "off"
    for typed in (code, code.lower(), code.replace("-", ""), " ".join(code.replace("-", "").lower())):
        child_browser = app.test_client()
        assert type_code(child_browser, typed).headers["Location"] == "/my-voice"
        assert child_browser.get("/my-voice").soup.h1.get_text(strip=True) == "Hello Sam"
    assert child_links()[-1].last_opened_at is not None


def test_a_wrong_code_never_tells_whether_a_code_exists(app, client, sam, query_counter):
    child = sam["child"]
    sign_in(client, sam["iro"])
    stopped = print_card(client, child)
    client.post(f"/staff/children/{child.id}/links/stop")
    replaced = print_card(client, child)
    expired = print_card(client, child)
    child_links()[-1].expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    tries = {
        "never given": "ACEF-HJKM",
        "stopped": stopped,
        "replaced": replaced,
        "expired": expired,
        "not a code": "ABCD-1234",
        "too long": "ACEF-HJKM-ACEF",
        "script": "<script>alert(1)</script>",
    }
    answers = {}
    for what, typed in tries.items():
        browser = app.test_client()
        with query_counter() as queries:
            page = type_code(browser, typed, expect=400)
        answers[what] = (
            page.status_code,
            " ".join(page.soup.select_one(".govuk-error-message").get_text().split()),
        )
        assert len(queries) == 1, (what, queries)  # the same one lookup, whatever was typed
        assert browser.get("/my-voice", expect=302).headers["Location"] == "/link-needed"
        assert page.soup.find("input", attrs={"name": "code"})["value"] == typed  # kept to correct
    assert set(answers.values()) == {(400, f"Error: {CODE_DID_NOT_WORK}")}
    empty = type_code(app.test_client(), "  ", expect=400)
    assert "Type the code from your card" in empty.soup.select_one(".govuk-error-summary").get_text()


def test_stopping_the_link_stops_its_code_and_a_new_card_replaces_the_old_one(app, client, sam):
    child = sam["child"]
    sign_in(client, sam["iro"])
    first = print_card(client, child)
    answering = app.test_client()
    type_code(answering, first)
    answering.post("/my-voice/start-again")
    second = print_card(client, child)
    # The old card opens nothing new, but the child answering through it is not cut off.
    type_code(app.test_client(), first, expect=400)
    assert answering.get("/my-voice/questions/home").status_code == 200
    type_code(app.test_client(), second)
    # Stopping the link (a lost card) stops its code, and signs out whoever used it.
    client.post(f"/staff/children/{child.id}/links/stop")
    type_code(app.test_client(), second, expect=400)
    assert answering.get("/my-voice", expect=302).headers["Location"] == "/link-needed"
    page = client.get(f"/staff/children/{child.id}")
    notice = page.soup.select_one(".govuk-notification-banner").get_text(" ")
    assert "Sam's link has stopped" in notice and "print a card or send the link again" in notice
    # Sending the link again replaces the card's code too.
    third = print_card(client, child)
    db.session.get_one(type(child), child.id).email = "sam@example.org"
    db.session.commit()
    client.post(f"/staff/children/{child.id}/links/send")
    type_code(app.test_client(), third, expect=400)


def test_a_parents_link_never_has_a_code(app_context, sam):
    from sqlalchemy.exc import IntegrityError

    member = make_member(sam["child"])
    make_member_link(member, sam["review"])
    link = db.session.scalars(select(AccessLink)).one()
    link.code_hash = "x" * 64
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# Rate limits: off in the test suite, on here.


@pytest.fixture
def limited(app, app_context):
    limited = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_ENABLED": True,
            "WTF_CSRF_ENABLED": False,
            "SIGN_IN_CODE_FAILURES_PER_HOUR": 40,
            "STAFF_MFA_REQUIRED": False,
        }
    )
    limited.test_client_class = type(app.test_client())
    try:
        yield limited
    finally:
        # The limiter is one object for every app: leave it as the suite's app has it.
        limiter.enabled = app.config["RATELIMIT_ENABLED"]


def from_address(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_wrong_codes_are_limited_per_address_and_a_right_one_is_not_counted(limited, sam):
    iro_browser = limited.test_client()
    sign_in(iro_browser, sam["iro"])
    code = print_card(iro_browser, sam["child"])
    browser = limited.test_client()
    for number in range(10):
        browser.post("/code", data={"code": f"ACEF-HJK{CODE_ALPHABET[number]}"}, expect=400)
    waiting = browser.post("/code", data={"code": "ACEF-HJKX"}, expect=429)
    text = waiting.soup.select_one(".govuk-error-summary").get_text()
    assert "Wait an hour" in text and "scan the QR code on your card" in text
    assert "0800 1111" in waiting.soup.get_text()  # help is still there
    assert waiting.soup.find("form", action="/code") is not None
    # Another address is not held up; a right code costs nothing of the address's tries.
    other = limited.test_client()
    for _ in range(3):
        other.post("/code", data={"code": code}, **from_address("10.0.0.2"))
    for number in range(10):
        other.post(
            "/code", data={"code": f"ACEF-HJM{CODE_ALPHABET[number]}"}, expect=400, **from_address("10.0.0.2")
        )
    other.post("/code", data={"code": code}, expect=429, **from_address("10.0.0.2"))


def test_one_code_is_limited_however_many_addresses_try_it(limited, sam):
    for number in range(10):
        limited.test_client().post(
            "/code", data={"code": "acef hjkm"}, expect=400, **from_address(f"10.1.0.{number}")
        )
    # The same code, typed another way, from yet another address.
    limited.test_client().post("/code", data={"code": "ACEF-HJKM"}, expect=429, **from_address("10.1.1.1"))
    limited.test_client().post("/code", data={"code": "ACEF-HJKN"}, expect=400, **from_address("10.1.1.1"))


def test_wrong_codes_are_limited_across_the_whole_service(limited, sam):
    for number in range(40):
        code = f"ACEF-H{CODE_ALPHABET[number // 10]}{CODE_ALPHABET[number % 10]}K"
        limited.test_client().post(
            "/code", data={"code": code}, expect=400, **from_address(f"10.2.0.{number}")
        )
    limited.test_client().post("/code", data={"code": "ACEF-HJKM"}, expect=429, **from_address("10.2.1.1"))


def test_other_child_pages_keep_the_usual_page_when_kept_waiting(limited, sam):
    browser = limited.test_client()
    open_link(browser, make_link(sam["child"]))
    for _ in range(30):
        browser.post("/help/tell-my-iro", data={"message": ""})
    waiting = browser.post("/help/tell-my-iro", data={"message": ""}, expect=429)
    assert waiting.soup.h1.get_text(strip=True) == "Please wait a minute"


# Staff never act as the child.


def test_a_browser_signed_in_as_staff_opens_no_link_and_types_no_code(app, client, sam):
    child = sam["child"]
    token = make_link(child)
    sign_in(client, sam["iro"])
    code = print_card(client, child)
    for refused in (client.get(f"/c/{token}", expect=403), type_code(client, code, expect=403)):
        assert refused.soup.h1.get_text(strip=True) == "You are signed in as staff"
        assert STAFF_SIGNED_IN in refused.soup.get_text()
        assert refused.soup.find("form", action="/staff/sign-out").find("button").get_text(strip=True) == (
            "Sign out"
        )
    assert all(link.last_opened_at is None for link in child_links())
    assert client.get("/staff/").status_code == 200  # still signed in: nothing was started
    client.post("/staff/sign-out")
    assert type_code(client, code).headers["Location"] == "/my-voice"


def _url(rule) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", "home", rule.rule)


@pytest.mark.parametrize("access", [CHILD_LINK, RESPONDENT_LINK], ids=["child", "respondent"])
def test_every_childs_and_parents_page_refuses_a_browser_signed_in_as_staff(app, client, sam, access):
    sign_in(client, sam["iro"])
    pages = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "access", None) == access
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    assert pages
    for rule, method in pages:
        refused = client.open(_url(rule), method=method, expect=403)
        assert "You are signed in as staff" in refused.soup.h1.get_text(), rule.rule


# Send the link again, and links shown masked.


def test_send_the_link_again_by_email_shows_staff_only_its_last_characters(app, client, other_client, sam):
    child, review = sam["child"], sam["review"]
    child.email = "sam@example.org"
    db.session.commit()
    old_token = make_link(child)
    sign_in(client, sam["iro"])
    page = client.get(f"/staff/children/{child.id}")
    assert "sends a new link to sam@example.org" in page.soup.get_text()
    sent = client.post(f"/staff/children/{child.id}/links/send")
    assert sent.headers["Location"] == f"/staff/children/{child.id}#personal-link"

    message = db.session.scalars(select(Message)).one()
    token = message.link.rsplit("/c/", 1)[1]
    assert (message.recipient, message.kind, message.channel, message.status) == (
        "sam@example.org",
        "invitation",
        "email",
        "sent",
    )
    # It goes as the invitation for the child's next review.
    invitation = db.session.get_one(Invitation, message.invitation_id)
    assert (invitation.review_id, invitation.respondent_key) == (review.id, "child")
    page = client.get(f"/staff/children/{child.id}")
    notice = page.soup.select_one(".govuk-notification-banner").get_text(" ")
    assert f"…/c/…{token[-4:]}" in notice and "sam@example.org" in notice
    outbox = client.get("/staff/outbox")
    assert f"…/c/…{token[-4:]}" in outbox.soup.select_one(".voice-message__body").get_text()
    for staff_page in (page, outbox, client.get("/staff/"), client.get(f"/staff/reviews/{review.id}")):
        assert token not in staff_page.get_data(as_text=True)
        assert token[:-4] not in staff_page.get_data(as_text=True)

    # The new link works for the child; the old one opens nothing new.
    open_link(other_client, token)
    assert app.test_client().get(f"/c/{old_token}", expect=404).status_code == 404

    # Again: the same message goes again with the newest link, one row per review and address.
    client.post(f"/staff/children/{child.id}/links/send")
    again = db.session.scalars(select(Message)).one()
    newest = again.link.rsplit("/c/", 1)[1]
    assert again.status == "sent" and newest != token and newest in again.body and token not in again.body
    assert app.test_client().get(f"/c/{token}", expect=404).status_code == 404
    assert app.test_client().get(f"/c/{newest}", expect=302).status_code == 302
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "sent_link_again")
    ).all()
    assert len(actions) == 2


def test_send_the_link_again_by_text_message(client, sam):
    child = sam["child"]
    child.mobile = "07700900982"
    db.session.commit()
    sign_in(client, sam["iro"])
    client.post(f"/staff/children/{child.id}/links/send")
    message = db.session.scalars(select(Message)).one()
    assert (message.recipient, message.channel) == ("07700900982", "sms")


def test_a_child_with_no_email_or_mobile_is_offered_a_card(client, sam):
    child = sam["child"]
    sign_in(client, sam["iro"])
    page = client.get(f"/staff/children/{child.id}")
    assert page.soup.find("form", action=f"/staff/children/{child.id}/links/send") is None
    assert page.soup.find("form", action=f"/staff/children/{child.id}/card") is not None
    assert "has no email address or mobile number" in page.soup.get_text()
    refused = client.post(f"/staff/children/{child.id}/links/send", expect=400)
    summary = refused.soup.select_one(".govuk-error-summary").get_text()
    assert "Sam has no email address or mobile number" in summary and "Print a card" in summary
    assert not db.session.scalars(select(Message)).all() and not db.session.scalars(select(AccessLink)).all()


def test_a_message_being_sent_this_moment_is_not_sent_over(client, sam):
    child = sam["child"]
    child.email = "sam@example.org"
    db.session.commit()
    sign_in(client, sam["iro"])
    client.post(f"/staff/children/{child.id}/links/send")
    message = db.session.scalars(select(Message)).one()
    message.status, message.next_attempt_at = "sending", utcnow()
    db.session.commit()
    busy = client.post(f"/staff/children/{child.id}/links/send", expect=409)
    assert "going this moment" in busy.soup.select_one(".govuk-error-summary").get_text()


def test_the_outbox_masks_every_personal_link_but_not_an_alerts_staff_link(client, sam):
    child, review = sam["child"], sam["review"]
    mother = make_member(child, "Karen Taylor", "mother", email="karen@example.org")
    sign_in(client, sam["iro"])
    client.post(f"/staff/reviews/{review.id}/invite", data={"people": [f"member:{mother.id}"]})
    message = db.session.scalars(select(Message)).one()
    outbox = client.get("/staff/outbox")
    body = outbox.soup.select_one(".voice-message__body").get_text()
    assert message.link not in body and f"…/c/…{message.link[-4:]}" in body
    assert "Personal links show only their last characters" in outbox.soup.get_text()
