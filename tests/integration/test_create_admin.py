"""`flask voice create-admin EMAIL`: the first administrator, with a one-time link printed
to choose a password; no default password anywhere."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from tests.factories import make_staff
from voice_app.data.database import db
from voice_app.models import AuditEvent, StaffToken, StaffUser
from voice_app.vocabulary import StaffRole

LINK = re.compile(r"(https?://\S+/staff/set-password\?token=\S+)")


def create_admin(app, *args: str):
    return app.test_cli_runner().invoke(args=["voice", "create-admin", *args])


def printed_link(output: str) -> str:
    match = LINK.search(output)
    assert match, output
    return match.group(1)


def set_password_through(client, url: str, password: str) -> None:
    parts = urlsplit(url)
    client.get(f"{parts.path}?{parts.query}", expect=302)
    assert client.get("/staff/set-password").soup.h1.get_text() == "Create your password"
    client.post("/staff/set-password", data={"password": password, "password_again": password})


def test_create_admin_prints_a_link_that_sets_a_password(app, client):
    result = create_admin(app, "First.Admin@Council.example.org", "--name", "Fran Adeyemi")
    assert result.exit_code == 0, result.output
    url = printed_link(result.output)
    assert url.startswith(app.config["PUBLIC_BASE_URL"] + "/staff/set-password?token=")
    assert "24 hours" in result.output and "works once" in result.output

    admin = db.session.scalars(select(StaffUser)).one()
    assert (admin.email, admin.name, admin.role) == (
        "first.admin@council.example.org",
        "Fran Adeyemi",
        StaffRole.ADMIN,
    )
    assert admin.is_active_account and admin.password_hash is None
    assert db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.about_staff_id == admin.id)
    ).all() == ["created_by_command"]

    set_password_through(client, url, "kettle lantern otter")
    signed_in = client.post(
        "/staff/sign-in",
        data={"email": "first.admin@council.example.org", "password": "kettle lantern otter"},
    )
    assert signed_in.headers["Location"] == "/staff/people"
    # The printed link worked once.
    other = app.test_client()
    parts = urlsplit(url)
    other.get(f"{parts.path}?{parts.query}", expect=302)
    other.get("/staff/set-password", expect=404)


def test_create_admin_again_before_set_up_gives_a_new_link(app, client):
    first = printed_link(create_admin(app, "admin@example.org").output)
    again = create_admin(app, "admin@example.org")
    assert again.exit_code == 0, again.output
    assert "here is a new link" in again.output
    second = printed_link(again.output)
    assert second != first
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 1
    assert db.session.scalars(select(StaffUser.name)).one() == "Administrator"
    parts = urlsplit(first)
    client.get(f"{parts.path}?{parts.query}", expect=302)
    client.get("/staff/set-password", expect=404)  # the older link stopped
    set_password_through(client, second, "kettle lantern otter")


def test_create_admin_refuses_an_address_that_has_an_account(app, app_context):
    iro = make_staff(email="ira@example.org")
    result = create_admin(app, "IRA@example.org")
    assert result.exit_code != 0
    assert "already has an account, so nothing was changed" in result.output
    db.session.refresh(iro)
    assert iro.role == StaffRole.IRO
    assert db.session.scalar(select(func.count()).select_from(StaffToken)) == 0

    set_up = create_admin(app, "admin@example.org")
    admin = db.session.scalars(select(StaffUser).where(StaffUser.email == "admin@example.org")).one()
    admin.set_password("kettle lantern otter")
    db.session.commit()
    refused = create_admin(app, "admin@example.org")
    assert set_up.exit_code == 0 and refused.exit_code != 0
    assert "already has an account" in refused.output


def test_create_admin_refuses_a_malformed_address(app, app_context):
    result = create_admin(app, "not-an-email")
    assert result.exit_code != 0
    assert "correct format" in result.output
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 0
