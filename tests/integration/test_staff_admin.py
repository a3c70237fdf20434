"""Running staff accounts: the list, adding someone (who gets a set-up link through the
message queue), changing a role, deactivating and reactivating, new links, resetting a
second factor; who may open these pages; and never locking the service out."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD, make_child, make_staff
from tests.integration.test_iro import sign_in
from voice_app.data.database import db
from voice_app.models import AuditEvent, Message, StaffSession, StaffToken, StaffUser
from voice_app.vocabulary import Channel, MessageKind, SessionEnd, StaffRole, StaffTokenPurpose

NEW_IRO = {"name": "Robin Ash", "email": "Robin.Ash@Council.example.org", "role": "iro", "team": "North"}


def link_path(message: Message) -> str:
    """The path and query of the link in a message, as the person would open it."""
    assert message.link is not None and message.link in message.body
    parts = urlsplit(message.link)
    return f"{parts.path}?{parts.query}"


def audit_actions(person: StaffUser) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.about_staff_id == person.id).order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def admin(app_context):
    return make_staff(role=StaffRole.ADMIN, name="Sam Patel", email="sam.patel@example.org")


def test_an_administrator_adds_an_iro_whose_link_works_once(app, client, other_client, admin):
    sign_in(client, admin)
    assert client.get("/staff/people").soup.h1.get_text() == "Staff"
    form = client.get("/staff/people/new").soup.find("form", action="/staff/people/new")
    assert form.find("input", attrs={"name": "role", "value": "manager"}) is not None
    assert form.find("input", attrs={"name": "can_administer", "type": "checkbox"}) is not None

    added = client.post("/staff/people/new", data=NEW_IRO)
    person = db.session.scalars(select(StaffUser).where(StaffUser.name == "Robin Ash")).one()
    assert added.headers["Location"] == f"/staff/people/{person.id}"
    assert person.email == "robin.ash@council.example.org"  # unique whatever the case
    assert (person.role, person.team, person.is_active_account) == (StaffRole.IRO, "North", True)
    assert person.password_hash is None and not person.can_administer
    assert audit_actions(person) == ["added_staff"]
    page = client.get(f"/staff/people/{person.id}").soup.get_text()
    assert "We have sent a link to robin.ash@council.example.org" in page

    # The set-up link went through the message queue (the outbox sender records it).
    message = db.session.scalars(select(Message).where(Message.staff_token_id.is_not(None))).one()
    assert (message.kind, message.channel, message.recipient) == (
        MessageKind.STAFF_SET_UP,
        Channel.EMAIL,
        person.email,
    )
    assert message.staff_token.staff_id == person.id
    assert message.staff_token.purpose == StaffTokenPurpose.SET_UP
    assert message.link.startswith(app.config["PUBLIC_BASE_URL"] + "/staff/set-password?token=")
    assert "24 hours" in message.body

    opened = other_client.get(link_path(message), expect=302)
    assert opened.headers["Location"] == "/staff/set-password"  # the token leaves the address bar
    choose = other_client.get("/staff/set-password").soup
    assert choose.h1.get_text() == "Create your password"
    assert "Your password must be at least 10 characters" in choose.get_text()
    done = other_client.post(
        "/staff/set-password",
        data={"password": "kettle lantern otter", "password_again": "kettle lantern otter"},
    )
    assert done.headers["Location"] == "/staff/sign-in"
    with other_client.session_transaction() as cookie:  # shown by the sign-in page
        assert any("Your password has been set" in text for _kind, text in cookie["_flashes"])
    db.session.refresh(person)
    assert person.check_password("kettle lantern otter") and person.password_changed_at is not None
    assert audit_actions(person) == ["added_staff", "set_password"]
    signed_in = other_client.post(
        "/staff/sign-in", data={"email": "ROBIN.ASH@council.example.org", "password": "kettle lantern otter"}
    )
    assert signed_in.headers["Location"] == "/staff/"

    # Once only: the same link now gets the kind page, in any browser.
    again = app.test_client()
    again.get(link_path(message), expect=302)
    used = again.get("/staff/set-password", expect=404).soup
    assert used.h1.get_text() == "This link has expired or has been used"
    assert "Ask your administrator for a new one" in used.get_text()
    assert used.find("a", href="/staff/forgotten-password") is not None


def test_a_set_up_link_stops_working_when_it_runs_out(app, client, other_client, admin):
    sign_in(client, admin)
    client.post("/staff/people/new", data=NEW_IRO)
    message = db.session.scalars(select(Message).where(Message.staff_token_id.is_not(None))).one()
    token = message.staff_token
    hours = (token.expires_at - token.created_at).total_seconds() / 3600
    assert round(hours) == app.config["STAFF_LINK_HOURS"] == 24
    token.expires_at = token.created_at  # as if a day had passed
    db.session.commit()
    other_client.get(link_path(message), expect=302)
    assert other_client.get("/staff/set-password", expect=404).soup.h1.get_text() == (
        "This link has expired or has been used"
    )
    refused = other_client.post(
        "/staff/set-password",
        data={"password": "kettle lantern otter", "password_again": "kettle lantern otter"},
        expect=404,
    )
    assert "expired" in refused.soup.h1.get_text()
    assert db.session.get(StaffUser, token.staff_id).password_hash is None


def test_a_duplicate_email_gets_a_kind_message_and_keeps_what_was_typed(client, admin):
    make_staff(email="robin.ash@council.example.org")
    sign_in(client, admin)
    refused = client.post("/staff/people/new", data=NEW_IRO, expect=400)
    assert (
        "Someone already has an account with this email address"
        in refused.soup.select_one(".govuk-error-summary").get_text()
    )
    assert refused.soup.find("input", attrs={"name": "name"})["value"] == "Robin Ash"
    assert refused.soup.find("input", attrs={"name": "email"})["value"] == NEW_IRO["email"]
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 2
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_adding_someone_without_the_details_says_what_is_missing(client, admin):
    sign_in(client, admin)
    missing = client.post("/staff/people/new", data={"name": "", "email": "not-an-email"}, expect=400)
    summary = missing.soup.select_one(".govuk-error-summary").get_text()
    assert "Enter their full name" in summary
    assert "Enter an email address in the correct format" in summary
    assert "Choose their role" in summary
    assert missing.soup.select_one(".govuk-error-summary a[href='#role-0']") is not None
    made_up = client.post("/staff/people/new", data={**NEW_IRO, "role": "superuser"}, expect=400)
    assert made_up.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 1


def test_the_list_shows_each_persons_role_team_state_and_factors(client, admin):
    iro = make_staff(name="Ira Reed", email="ira@example.org")
    iro.team = "South"
    iro.totp_secret, iro.second_factor_at = "JBSWY3DPEHPK3PXP", iro.created_at
    gone = make_staff(role=StaffRole.MANAGER, name="Gone Person")
    gone.is_active_account = False
    new = StaffUser(email="new@example.org", name="New Person", role=StaffRole.IRO)
    db.session.add(new)
    db.session.commit()
    sign_in(client, admin)
    rows = {
        row.th.a.get_text(): [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in client.get("/staff/people").soup.select("tbody tr")
    }
    # Three columns, so the list fits a phone: the account's state, password and factor in one.
    assert rows["Ira Reed"] == ["IRO South", "Active Password set Second factor set up"]
    assert rows["Gone Person"] == ["Manager", "Deactivated Password set Second factor not set up yet"]
    assert rows["New Person"] == ["IRO", "Active Password not set yet Second factor not set up yet"]
    assert rows["Sam Patel"][0] == "Administrator"
    assert "ira@example.org" in client.get("/staff/people").soup.get_text()


def test_changing_a_role_takes_effect_at_once_and_is_audited(client, other_client, admin):
    iro = make_staff(name="Ira Reed")
    sign_in(other_client, iro)
    sign_in(client, admin)
    changed = client.post(
        f"/staff/people/{iro.id}", data={"role": "manager", "can_administer": "yes", "team": "Duty"}
    )
    assert changed.headers["Location"] == f"/staff/people/{iro.id}"
    db.session.refresh(iro)
    assert (iro.role, iro.can_administer, iro.team) == (StaffRole.MANAGER, True, "Duty")
    assert audit_actions(iro) == ["changed_staff"]
    ended = db.session.scalars(select(StaffSession.ended_reason).where(StaffSession.staff_id == iro.id)).all()
    assert ended == [SessionEnd.ROLE_CHANGED]
    assert other_client.get("/staff/overview", expect=302).headers["Location"].startswith("/staff/sign-in")

    # The right to run staff accounts is only ever a manager's.
    client.post(f"/staff/people/{iro.id}", data={"role": "iro", "can_administer": "yes", "team": ""})
    db.session.refresh(iro)
    assert (iro.role, iro.can_administer, iro.team) == (StaffRole.IRO, False, None)


def test_deactivating_ends_their_sessions_and_reactivating_lets_them_back(client, other_client, admin):
    iro = make_staff(name="Ira Reed")
    sign_in(other_client, iro)
    assert other_client.get("/staff/").status_code == 200
    sign_in(client, admin)
    done = client.post(f"/staff/people/{iro.id}/deactivate")
    assert done.headers["Location"] == f"/staff/people/{iro.id}"
    db.session.refresh(iro)
    assert not iro.is_active_account
    ended = db.session.scalars(select(StaffSession.ended_reason).where(StaffSession.staff_id == iro.id)).all()
    assert ended == [SessionEnd.DEACTIVATED]
    # Their browser, replayed as it was: the sign-in page.
    assert other_client.get("/staff/", expect=302).headers["Location"].startswith("/staff/sign-in")
    refused = other_client.post("/staff/sign-in", data={"email": iro.email, "password": PASSWORD}, expect=400)
    assert refused.status_code == 400
    assert "Reactivate" in client.get(f"/staff/people/{iro.id}").soup.get_text()

    client.post(f"/staff/people/{iro.id}/reactivate")
    db.session.refresh(iro)
    assert iro.is_active_account
    assert audit_actions(iro) == ["deactivated_staff", "reactivated_staff"]
    sign_in(other_client, iro)


def test_nobody_deactivates_or_demotes_themselves(client, admin):
    make_staff(role=StaffRole.ADMIN, name="Other Admin")
    sign_in(client, admin)
    refused = client.post(f"/staff/people/{admin.id}/deactivate", expect=400)
    assert (
        "You cannot change your own role or deactivate your own account"
        in refused.soup.select_one(".govuk-error-summary").get_text()
    )
    assert refused.soup.select_one(".govuk-error-summary a[href='#deactivate']") is not None
    demoted = client.post(f"/staff/people/{admin.id}", data={"role": "iro", "team": ""}, expect=400)
    assert "You cannot change your own role" in demoted.soup.get_text()
    db.session.refresh(admin)
    assert admin.role == StaffRole.ADMIN and admin.is_active_account
    # Their own team they may change.
    client.post(f"/staff/people/{admin.id}", data={"role": "admin", "team": "Business support"})
    db.session.refresh(admin)
    assert admin.team == "Business support"


def test_the_last_administrator_cannot_be_deactivated_or_demoted(client, other_client, admin):
    manager = make_staff(role=StaffRole.MANAGER, name="Mo Trusted")
    manager.can_administer = True
    db.session.commit()
    sign_in(client, manager)
    refused = client.post(f"/staff/people/{admin.id}/deactivate", expect=400)
    assert (
        "This is the only active administrator" in refused.soup.select_one(".govuk-error-summary").get_text()
    )
    demoted = client.post(f"/staff/people/{admin.id}", data={"role": "manager", "team": ""}, expect=400)
    assert "This is the only active administrator" in demoted.soup.get_text()
    db.session.refresh(admin)
    assert admin.role == StaffRole.ADMIN and admin.is_active_account

    # With a second administrator, the first can go (at the hands of an administrator: a
    # trusted manager runs IRO and manager accounts only).
    second = make_staff(role=StaffRole.ADMIN, name="Second Admin")
    sign_in(other_client, second)
    other_client.post(f"/staff/people/{admin.id}/deactivate")
    db.session.refresh(admin)
    assert not admin.is_active_account


ADMIN_PAGES = [
    ("GET", "/staff/people"),
    ("GET", "/staff/people/new"),
    ("POST", "/staff/people/new"),
    ("GET", "/staff/people/{id}"),
    ("POST", "/staff/people/{id}"),
    ("POST", "/staff/people/{id}/deactivate"),
    ("POST", "/staff/people/{id}/reactivate"),
    ("POST", "/staff/people/{id}/send-link"),
    ("POST", "/staff/people/{id}/reset-second-factor"),
]


@pytest.mark.parametrize("who", ["iro", "manager"])
def test_only_those_who_run_staff_accounts_open_these_pages(client, admin, who):
    person = make_staff(role=StaffRole(who))
    target = make_staff(name="Target Person")
    sign_in(client, person)
    for method, path in ADMIN_PAGES:
        response = client.open(path.format(id=target.id), method=method, data=NEW_IRO, expect=404)
        assert response.status_code == 404, (method, path)
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 3
    assert db.session.get(StaffUser, target.id).is_active_account


def test_a_manager_given_the_right_runs_staff_accounts(client, admin):
    manager = make_staff(role=StaffRole.MANAGER, name="Mo Trusted")
    manager.can_administer = True
    db.session.commit()
    sign_in(client, manager)
    overview = client.get("/staff/overview").soup
    assert overview.find("a", href="/staff/people") is not None
    assert "Sam Patel" in client.get("/staff/people").soup.get_text()
    client.post("/staff/people/new", data=NEW_IRO)
    assert db.session.scalars(select(StaffUser).where(StaffUser.name == "Robin Ash")).one()


def test_staff_pages_need_signing_in(client, admin):
    for path in ("/staff/people", "/staff/people/new", f"/staff/people/{admin.id}"):
        assert client.get(path, expect=302).headers["Location"].startswith("/staff/sign-in")


def test_a_new_link_stops_the_old_one_and_is_a_reset_link_once_they_have_a_password(
    app, client, other_client, admin
):
    iro = make_staff(name="Ira Reed")
    pending = StaffUser(email="pending@example.org", name="Pending Person", role=StaffRole.IRO)
    db.session.add(pending)
    db.session.commit()
    sign_in(client, admin)

    client.post(f"/staff/people/{pending.id}/send-link")
    client.post(f"/staff/people/{pending.id}/send-link")
    first, second = db.session.scalars(
        select(Message).where(Message.recipient == "pending@example.org").order_by(Message.id)
    ).all()
    assert first.kind == second.kind == MessageKind.STAFF_SET_UP
    other_client.get(link_path(first), expect=302)
    other_client.get("/staff/set-password", expect=404)  # stopped by the newer link
    other_client.get(link_path(second), expect=302)
    assert other_client.get("/staff/set-password").soup.h1.get_text() == "Create your password"

    client.post(f"/staff/people/{iro.id}/send-link")
    reset = db.session.scalars(select(Message).where(Message.recipient == iro.email)).one()
    assert reset.kind == MessageKind.PASSWORD_RESET
    assert reset.staff_token.purpose == StaffTokenPurpose.RESET
    assert reset.staff_token.created_by_id == admin.id
    assert "sent_reset_link" in audit_actions(iro)
    assert "sent_set_up_link" in audit_actions(pending)

    iro.is_active_account = False
    db.session.commit()
    refused = client.post(f"/staff/people/{iro.id}/send-link", expect=400)
    assert "deactivated. Reactivate it first" in refused.soup.select_one(".govuk-error-summary").get_text()


def test_deactivating_stops_a_link_on_its_way(client, other_client, admin):
    sign_in(client, admin)
    client.post("/staff/people/new", data=NEW_IRO)
    message = db.session.scalars(select(Message).where(Message.staff_token_id.is_not(None))).one()
    person_id = message.staff_token.staff_id
    client.post(f"/staff/people/{person_id}/deactivate")
    other_client.get(link_path(message), expect=302)
    assert other_client.get("/staff/set-password", expect=404).status_code == 404
    tokens = db.session.scalars(select(StaffToken).where(StaffToken.staff_id == person_id)).all()
    assert all(token.used_at is None for token in tokens)


def test_an_administrator_resets_a_colleagues_second_factor(client, other_client, admin):
    iro = make_staff(name="Ira Reed")
    sign_in(other_client, iro)
    iro.totp_secret, iro.totp_last_step, iro.second_factor_at = "JBSWY3DPEHPK3PXP", 5, iro.created_at
    db.session.commit()
    sign_in(client, admin)
    client.post(f"/staff/people/{iro.id}/reset-second-factor")
    db.session.refresh(iro)
    assert (iro.totp_secret, iro.totp_last_step, iro.second_factor_at) == (None, None, None)
    assert "reset_second_factor" in audit_actions(iro)
    assert other_client.get("/staff/", expect=302).headers["Location"].startswith("/staff/sign-in")
    assert "second factor has been reset" in client.get(f"/staff/people/{iro.id}").soup.get_text()


def test_staff_links_never_show_in_the_outbox_iros_read(client, admin):
    iro = make_staff(name="Ira Reed")
    make_child(iro)
    sign_in(client, admin)
    client.post("/staff/people/new", data=NEW_IRO)
    client.post(f"/staff/people/{iro.id}/send-link")
    link = db.session.scalars(select(Message.link).where(Message.recipient == iro.email)).one()
    client.post("/staff/sign-out")
    sign_in(client, iro)  # the IRO whose reset link it is, too
    outbox = client.get("/staff/outbox").soup.get_text()
    assert "No messages yet" in outbox
    assert link not in outbox and "set-password" not in outbox


def test_the_administrators_are_locked_before_they_are_counted(app, admin, monkeypatch):
    """The count of other administrators runs under a lock: FOR UPDATE on PostgreSQL, the
    write lock taken at once (BEGIN IMMEDIATE) on SQLite."""
    from sqlalchemy import event

    from voice_app.data import staff_accounts

    other = make_staff(role=StaffRole.ADMIN, name="Other Admin")
    db.session.commit()
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        staff_accounts.deactivate(admin, other)
        if engine.dialect.name == "postgresql":
            assert any("FOR UPDATE" in statement for statement in statements)
        else:
            driver = db.session.connection().connection.driver_connection
            assert driver.in_transaction  # the write lock was taken before the count
    finally:
        event.remove(engine, "before_cursor_execute", seen)
        db.session.rollback()


def test_two_administrators_deactivating_each_other_at_once_leave_one(app, admin):
    """One deactivates the other and holds its transaction open; the other's deactivation
    waits for the lock, then counts afresh and is refused."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from voice_app.data import staff_accounts

    other = make_staff(role=StaffRole.ADMIN, name="Other Admin")
    db.session.commit()
    admin_id, other_id = admin.id, other.id
    locked, release = threading.Event(), threading.Event()

    def first() -> None:
        with app.app_context():
            try:
                me, them = db.session.get(StaffUser, admin_id), db.session.get(StaffUser, other_id)
                staff_accounts.deactivate(me, them)
                locked.set()
                release.wait(5)
                db.session.commit()
            finally:
                locked.set()
                db.session.remove()

    with ThreadPoolExecutor(max_workers=1) as pool:
        done = pool.submit(first)
        assert locked.wait(5)
        db.session.rollback()
        me, them = db.session.get(StaffUser, other_id), db.session.get(StaffUser, admin_id)
        timer = threading.Timer(0.3, release.set)  # the first commits while the second waits
        timer.start()
        with pytest.raises(staff_accounts.LastAdministrator):
            staff_accounts.deactivate(me, them)
        db.session.rollback()
        done.result(timeout=5)  # the first went through (its error, if any, is raised here)
    active = db.session.scalar(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == StaffRole.ADMIN, StaffUser.is_active_account.is_(True))
    )
    assert active == 1


@pytest.fixture
def trusted(app_context):
    manager = make_staff(role=StaffRole.MANAGER, name="Mo Trusted")
    manager.can_administer = True
    db.session.commit()
    return manager


ONLY_AN_ADMINISTRATOR = "Only an administrator can make someone an administrator"


def test_a_trusted_manager_is_not_offered_the_administrator_role_or_the_right(
    client, other_client, admin, trusted
):
    sign_in(client, trusted)
    for path in ("/staff/people/new", f"/staff/people/{make_staff(name='Ira Reed').id}"):
        form = client.get(path).soup.find("form", action=path)
        assert form.find("input", attrs={"name": "role", "value": "manager"}) is not None
        assert form.find("input", attrs={"name": "role", "value": "admin"}) is None
        assert form.find("input", attrs={"name": "can_administer"}) is None
    # An administrator is offered both.
    sign_in(other_client, admin)
    form = other_client.get("/staff/people/new").soup.find("form", action="/staff/people/new")
    assert form.find("input", attrs={"name": "role", "value": "admin"}) is not None
    assert form.find("input", attrs={"name": "can_administer"}) is not None


@pytest.mark.parametrize(
    "details",
    [
        {**NEW_IRO, "role": "admin"},
        {**NEW_IRO, "role": "manager", "can_administer": "yes"},
    ],
)
def test_a_trusted_manager_cannot_add_an_administrator(client, admin, trusted, details):
    sign_in(client, trusted)
    refused = client.post("/staff/people/new", data=details, expect=400)
    assert ONLY_AN_ADMINISTRATOR in refused.soup.select_one(".govuk-error-summary").get_text()
    assert db.session.scalars(select(StaffUser).where(StaffUser.name == "Robin Ash")).first() is None


def test_a_trusted_manager_cannot_give_or_take_the_role_or_the_right(client, admin, trusted):
    iro = make_staff(name="Ira Reed")
    other_trusted = make_staff(role=StaffRole.MANAGER, name="Other Trusted")
    other_trusted.can_administer = True
    db.session.commit()
    sign_in(client, trusted)
    for person, data in (
        (iro, {"role": "admin", "team": ""}),
        (iro, {"role": "manager", "team": "", "can_administer": "yes"}),
        (other_trusted, {"role": "iro", "team": ""}),  # which would take the right away
        (trusted, {"role": "admin", "team": ""}),
    ):
        refused = client.post(f"/staff/people/{person.id}", data=data, expect=400)
        assert ONLY_AN_ADMINISTRATOR in refused.soup.get_text() or "your own role" in refused.soup.get_text()
    for person in (iro, other_trusted, trusted):
        db.session.refresh(person)
    assert (iro.role, iro.can_administer) == (StaffRole.IRO, False)
    assert (other_trusted.role, other_trusted.can_administer) == (StaffRole.MANAGER, True)
    assert trusted.role == StaffRole.MANAGER

    # Their team is theirs to change, and the right stays (the tick is not shown to them).
    client.post(f"/staff/people/{other_trusted.id}", data={"role": "manager", "team": "South"})
    db.session.refresh(other_trusted)
    assert (other_trusted.team, other_trusted.can_administer) == ("South", True)
    # They run IRO and manager accounts.
    client.post(f"/staff/people/{iro.id}", data={"role": "manager", "team": ""})
    db.session.refresh(iro)
    assert (iro.role, iro.can_administer) == (StaffRole.MANAGER, False)


def test_a_trusted_manager_cannot_run_an_administrators_account(client, admin, trusted):
    make_staff(role=StaffRole.ADMIN, name="Second Admin")  # so the last-administrator rule is not why
    admin.set_password("another password entirely")
    db.session.commit()
    password_before = admin.password_hash
    sign_in(client, trusted)
    page = client.get(f"/staff/people/{admin.id}").soup
    assert "Only another administrator can change it" in page.get_text()
    assert page.find("form", action=f"/staff/people/{admin.id}") is None
    for path, data in (
        (f"/staff/people/{admin.id}", {"role": "manager", "team": ""}),
        (f"/staff/people/{admin.id}", {"role": "admin", "team": "Somewhere"}),
        (f"/staff/people/{admin.id}/deactivate", {}),
        (f"/staff/people/{admin.id}/send-link", {}),
        (f"/staff/people/{admin.id}/reset-second-factor", {}),
    ):
        refused = client.post(path, data=data, expect=400)
        assert ONLY_AN_ADMINISTRATOR in refused.soup.select_one(".govuk-error-summary").get_text(), path
    db.session.refresh(admin)
    assert (admin.role, admin.team, admin.is_active_account) == (StaffRole.ADMIN, None, True)
    assert admin.password_hash == password_before
    assert (
        db.session.scalar(select(func.count()).select_from(StaffToken).where(StaffToken.staff_id == admin.id))
        == 0
    )
    assert audit_actions(admin) == []

    admin.is_active_account = False
    db.session.commit()
    refused = client.post(f"/staff/people/{admin.id}/reactivate", expect=400)
    assert ONLY_AN_ADMINISTRATOR in refused.soup.get_text()
    db.session.refresh(admin)
    assert not admin.is_active_account
