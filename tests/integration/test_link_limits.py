"""Opening personal links is limited per link and per code, not only per address: a whole
class behind one school's address gets in, while one link tried far too often is held up."""

from __future__ import annotations

from tests.factories import make_child, make_link, make_staff
from voice_app.data import links
from voice_app.data.database import db


def from_address(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_fifty_children_behind_one_address_all_open_their_links(rate_limited_app, app_context):
    iro = make_staff()
    tokens = [make_link(make_child(iro, first_name=f"Child {number}")) for number in range(50)]
    for token in tokens:
        browser = rate_limited_app.test_client()
        opened = browser.get(f"/c/{token}", expect=302, **from_address("10.9.0.1"))
        assert opened.headers["Location"] == "/my-voice"
        assert browser.get("/my-voice", **from_address("10.9.0.1")).status_code == 200


def test_one_link_opened_far_too_often_is_held_up_from_any_address(rate_limited_app, app_context):
    iro = make_staff()
    token = make_link(make_child(iro))
    for number in range(10):
        rate_limited_app.test_client().get(f"/c/{token}", expect=302, **from_address(f"10.8.0.{number}"))
    waiting = rate_limited_app.test_client().get(f"/c/{token}", expect=429, **from_address("10.8.1.1"))
    assert "0800 1111" in waiting.soup.get_text()  # help is still there
    # Another child's link, from the same address, still opens.
    other = make_link(make_child(iro, first_name="Jo"))
    rate_limited_app.test_client().get(f"/c/{other}", expect=302, **from_address("10.8.1.1"))


def test_fifty_children_behind_one_address_all_sign_in_with_their_codes(rate_limited_app, app_context):
    codes = []
    with rate_limited_app.app_context():  # its secret key is the one codes are hashed with
        iro = make_staff()
        for number in range(50):
            codes.append(links.print_card(iro, make_child(iro, first_name=f"Child {number}")).code)
        db.session.commit()
    for code in codes:
        browser = rate_limited_app.test_client()
        signed_in = browser.post("/code", data={"code": code}, expect=302, **from_address("10.7.0.1"))
        assert signed_in.headers["Location"] == "/my-voice"
