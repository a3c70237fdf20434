"""The audit trail, readable: managers see every row in words, filtered by child, member of
staff and date, page by page and as CSV; everyone else sees their own actions. Audit rows
are never changed or deleted by the app (nor, on PostgreSQL, by anyone without the purge)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.factories import make_child, make_member, make_member_link, make_review, make_staff
from tests.integration.test_iro import sign_in
from voice_app.data import audit
from voice_app.data.database import db
from voice_app.models import AccessLink, AuditEvent, hash_token
from voice_app.vocabulary import ActorKind, StaffRole


@pytest.fixture
def service(app_context):
    manager = make_staff(role=StaffRole.MANAGER, name="Jo Green")
    iro = make_staff(name="Alex Morgan")
    other_iro = make_staff(name="Pat Lane")
    sam = make_child(iro, first_name="Sam")
    kim = make_child(other_iro, first_name="Kim")
    return {"manager": manager, "iro": iro, "other_iro": other_iro, "sam": sam, "kim": kim}


def _event(actor_kind, actor_id, action, child=None, when=None, about=None):
    event = AuditEvent(
        actor_kind=actor_kind,
        actor_id=actor_id,
        action=action,
        child_id=child.id if child else None,
        about_staff_id=about.id if about else None,
    )
    if when is not None:
        event.created_at = when
    db.session.add(event)
    db.session.commit()
    return event


def _squash(text: str) -> str:
    return " ".join(text.split())


def _rows(page) -> list[list[str]]:
    """Each row as [when, who, what, what it was about (child, staff account)]."""
    rows = []
    for row in page.soup.select("tbody tr"):
        when, who, what = row.find_all("td")
        about = what.find("span")
        words = "".join(what.find_all(string=True, recursive=False))
        rows.append(
            [
                _squash(when.get_text()),
                _squash(who.get_text()),
                _squash(words),
                _squash(about.get_text()) if about else "",
            ]
        )
    return rows


def _not_reading_the_trail(page) -> list[list[str]]:
    """The rows, but for the manager's own readings of the trail (a reading about one child
    is itself a row about them)."""
    return [row for row in _rows(page) if row[2] != "Read the audit trail"]


def test_a_manager_reads_every_row_in_words(client, service):
    sam, iro = service["sam"], service["iro"]
    member = make_member(sam, name="Karen Taylor", relationship="mother")
    review = make_review(sam)
    make_member_link(member, review)
    member_link = db.session.scalars(select(AccessLink).where(AccessLink.circle_member_id == member.id)).one()
    childs_link = AccessLink(
        token_hash=hash_token("t"), child_id=sam.id, expires_at=datetime.now(UTC) + timedelta(days=1)
    )
    db.session.add(childs_link)
    db.session.commit()
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    _event(ActorKind.STAFF, iro.id, "viewed_consultation_summary", sam, when=summer)
    _event(
        ActorKind.LINK, childs_link.id, "child_viewed_own_answers", sam, when=summer + timedelta(minutes=1)
    )
    _event(
        ActorKind.LINK,
        member_link.id,
        "respondent_viewed_own_answers",
        sam,
        when=summer + timedelta(minutes=2),
    )
    _event(
        ActorKind.STAFF,
        service["manager"].id,
        "reset_second_factor",
        about=iro,
        when=summer + timedelta(minutes=3),
    )
    _event(ActorKind.STAFF, iro.id, "something_new", when=summer + timedelta(minutes=4))
    _event(ActorKind.SYSTEM, audit.SYSTEM_ACTOR_ID, "purged_child_record", when=summer + timedelta(minutes=5))

    sign_in(client, service["manager"])
    page = client.get("/staff/audit")

    assert page.soup.h1.get_text(strip=True) == "Audit trail"
    assert _rows(page) == [
        [
            "1 July 2026 at 1:05 pm",
            "The retention purge (automatic)",
            "Deleted a child's whole record at the end of its retention",
            "",
        ],
        ["1 July 2026 at 1:04 pm", "Alex Morgan", "something_new", ""],
        ["1 July 2026 at 1:03 pm", "Jo Green", "Reset a colleague's second factor", "Staff: Alex Morgan"],
        [
            "1 July 2026 at 1:02 pm",
            "A parent's link",
            "Looked at their own answers",
            f"Child: {sam.full_name}",
        ],
        [
            "1 July 2026 at 1:01 pm",
            "The child's link",
            "Looked at their own answers",
            f"Child: {sam.full_name}",
        ],
        ["1 July 2026 at 1:00 pm", "Alex Morgan", "Read the consultation summary", f"Child: {sam.full_name}"],
    ]
    # Reading the trail is itself in the trail.
    read = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "viewed_audit_trail")).one()
    assert (read.actor_kind, read.actor_id) == (ActorKind.STAFF, service["manager"].id)


def test_a_manager_filters_by_child_staff_and_date(client, service):
    sam, kim, iro, other = service["sam"], service["kim"], service["iro"], service["other_iro"]
    day = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    _event(ActorKind.STAFF, iro.id, "viewed_alert", sam, when=day)
    _event(ActorKind.STAFF, other.id, "viewed_alert", kim, when=day + timedelta(days=1))
    _event(ActorKind.STAFF, other.id, "printed_card", kim, when=day + timedelta(days=2))
    sign_in(client, service["manager"])

    by_id = client.get(f"/staff/audit?child_id={kim.id}")
    assert [row[2] for row in _rows(by_id)] == ["Printed a card with the child's link", "Read an alert"]
    assert "born" in by_id.soup.get_text()

    by_name = client.get("/staff/audit", query_string={"child": sam.full_name.upper()})
    assert [row[3] for row in _rows(by_name)] == [f"Child: {sam.full_name}"]

    # Both children's names hold "tester": rows about both, and a list to pick one from.
    both = client.get("/staff/audit", query_string={"child": "tester"})
    assert len(_not_reading_the_trail(both)) == 3
    picks = [a["href"] for a in both.soup.select("ul.govuk-list a")]
    assert any(f"child_id={sam.id}" in href for href in picks)

    nobody = client.get("/staff/audit", query_string={"child": "Nobody"})
    assert _rows(nobody) == []
    assert "No child's name has" in nobody.soup.get_text()

    by_staff = client.get("/staff/audit", query_string={"staff": str(iro.id)})
    assert [row[1] for row in _rows(by_staff)] == ["Alex Morgan"]

    # 11 November in London: the second row only. A day starts at midnight UK time.
    one_day = client.get("/staff/audit", query_string={"date_from": "2026-11-11", "date_to": "11/11/2026"})
    assert len(_rows(one_day)) == 1
    assert [row[2] for row in _rows(one_day)] == ["Read an alert"]
    assert [row[3] for row in _rows(one_day)] == [f"Child: {kim.full_name}"]


def test_a_day_starts_at_midnight_in_london_in_summer(client, service):
    iro = service["iro"]
    _event(
        ActorKind.STAFF, iro.id, "viewed_alert", when=datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    )  # 00:30 on 2 July
    sign_in(client, service["manager"])
    assert _rows(client.get("/staff/audit?date_to=2026-07-01")) == []
    assert len(_rows(client.get("/staff/audit?date_from=2026-07-02&date_to=2026-07-02"))) == 1


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"date_from": "31/02/2026"}, "date_from", "Enter a real date, like 27/11/2026"),
        ({"date_to": "yesterday"}, "date_to", "Enter a real date, like 27/11/2026"),
        ({"date_to": "0001-01-01"}, "date_to", "Enter a real date, like 27/11/2026"),
        ({"date_to": "9999-12-31"}, "date_to", "Enter a real date, like 27/11/2026"),
        (
            {"date_from": "2026-11-12", "date_to": "2026-11-11"},
            "date_to",
            "The date to must be the same as or after the date from",
        ),
        ({"staff": "999999"}, "staff", "Choose a member of staff from the list"),
        ({"child_id": "abc"}, "child_id", "Choose a child from the list"),
        ({"child": "x" * 161}, "child", "A child's name must be 160 characters or fewer"),
    ],
)
def test_bad_filters_get_a_kind_message(client, service, arguments, field, message):
    sign_in(client, service["manager"])
    for address in ("/staff/audit", "/staff/audit.csv"):
        page = client.get(address, query_string=arguments, expect=400)
        summary = page.soup.select_one(".govuk-error-summary")
        assert summary.find("a", href=f"#{field}").get_text(strip=True) == message
        if field.startswith("date"):  # what was typed is kept
            assert page.soup.find("input", attrs={"name": field})["value"] == arguments[field]


def test_pages_of_fifty_newest_first(client, service):
    iro = service["iro"]
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    for minute in range(51):
        _event(ActorKind.STAFF, iro.id, "viewed_outbox", when=start + timedelta(minutes=minute))
    sign_in(client, service["manager"])
    first = client.get("/staff/audit")
    assert len(_rows(first)) == 50
    assert _rows(first)[0][0] == "1 November 2026 at 9:50 am"
    older = first.soup.select_one(".govuk-pagination__next a")["href"]
    second = client.get(older)
    assert _rows(second) == [["1 November 2026 at 9:00 am", "Alex Morgan", "Read the messages sent", ""]]
    assert second.soup.select_one(".govuk-pagination__prev a") is not None
    assert second.soup.select_one(".govuk-pagination__next") is None


def test_everyone_else_sees_only_their_own_actions(client, service):
    iro, other, sam = service["iro"], service["other_iro"], service["sam"]
    _event(ActorKind.STAFF, iro.id, "viewed_alert", sam, when=datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    _event(
        ActorKind.STAFF,
        other.id,
        "viewed_alert",
        service["kim"],
        when=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
    )
    _event(ActorKind.STAFF, iro.id, "printed_card", sam, when=datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    sign_in(client, iro)
    page = client.get("/staff/audit")
    assert page.soup.h1.get_text(strip=True) == "Your activity"
    assert [row[2] for row in _rows(page)] == ["Printed a card with the child's link", "Read an alert"]
    assert page.soup.find("input", attrs={"name": "child"}) is None
    assert page.soup.find("select", attrs={"name": "staff"}) is None
    # A manager's filters do nothing for them: still only their own rows.
    widened = client.get("/staff/audit", query_string={"staff": str(other.id), "child_id": service["kim"].id})
    assert [row[1] for row in _not_reading_the_trail(widened)] == ["Alex Morgan", "Alex Morgan"]
    assert {row[1] for row in _rows(widened)} == {"Alex Morgan"}  # their readings are theirs too
    assert [row[2] for row in _rows(client.get("/staff/audit?date_to=2026-11-02"))] == ["Read an alert"]
    csv_rows = list(csv.reader(io.StringIO(client.get("/staff/audit.csv").get_data(as_text=True))))
    assert {row[1] for row in csv_rows[1:]} == {"Alex Morgan"}


def test_the_trail_downloads_as_csv_safe_for_spreadsheets(client, service):
    sneaky = make_staff(name='=HYPERLINK("http://evil.example")')
    child = make_child(service["iro"], first_name="@SUM(A1)")
    _event(ActorKind.STAFF, sneaky.id, "viewed_alert", child, when=datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    _event(ActorKind.STAFF, service["iro"].id, "-1+1", when=datetime(2026, 11, 1, 10, 0, tzinfo=UTC))
    sign_in(client, service["manager"])

    response = client.get("/staff/audit.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0] == ["When (UK time)", "Who", "What", "Child", "About member of staff", "IP address"]
    assert rows[1][:3] == ["2026-11-01 10:00:00", "Alex Morgan", "'-1+1"]
    assert rows[2][:4] == [
        "2026-11-01 09:00:00",
        '\'=HYPERLINK("http://evil.example")',
        "Read an alert",
        f"'{child.full_name}",
    ]
    downloaded = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "downloaded_audit_trail")
    ).one()
    assert downloaded.actor_id == service["manager"].id


def test_the_csv_streams_every_row_in_chunks(client, service, monkeypatch):
    monkeypatch.setattr(audit, "CSV_CHUNK", 7)
    iro, sam = service["iro"], service["sam"]
    same_time = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # ties are broken by id, none lost
    for _ in range(20):
        _event(ActorKind.STAFF, iro.id, "viewed_alert", sam, when=same_time)
    _event(ActorKind.STAFF, iro.id, "printed_card", service["kim"], when=same_time)
    sign_in(client, service["manager"])
    rows = list(
        csv.reader(io.StringIO(client.get(f"/staff/audit.csv?child_id={sam.id}").get_data(as_text=True)))
    )
    assert len(rows) == 1 + 20
    assert {row[2] for row in rows[1:]} == {"Read an alert"}


@pytest.mark.parametrize("address", ["/staff/audit", "/staff/audit.csv"])
def test_signed_out_people_are_sent_to_sign_in(client, service, address):
    response = client.get(address, expect=302)
    assert "/staff/sign-in" in response.headers["Location"]


# Audit rows stay


def test_the_app_never_changes_or_deletes_an_audit_row(app_context, service):
    event = _event(ActorKind.STAFF, service["iro"].id, "viewed_alert", service["sam"])

    event.action = "nothing_happened"
    with pytest.raises(audit.AuditRowsStay):
        db.session.flush()
    db.session.rollback()

    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(audit.AuditRowsStay):
        db.session.flush()
    db.session.rollback()

    with pytest.raises(audit.AuditRowsStay):
        db.session.execute(update(AuditEvent).values(action="nothing_happened"))
    db.session.rollback()
    with pytest.raises(audit.AuditRowsStay):
        db.session.execute(delete(AuditEvent))
    db.session.rollback()

    assert db.session.get(AuditEvent, event.id).action == "viewed_alert"


def test_on_postgresql_the_database_refuses_too(app_context, service):
    if db.engine.dialect.name == "sqlite":
        # SQLite has no such trigger (the app's guard above is what holds the rule there).
        with db.engine.connect() as connection:
            triggers = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            assert triggers.scalars().all() == []
        return
    event = _event(ActorKind.STAFF, service["iro"].id, "viewed_alert", service["sam"])
    for statement in (
        "UPDATE audit_event SET action = 'nothing_happened'",
        "DELETE FROM audit_event",
    ):
        with pytest.raises(DBAPIError, match="only ever added"), db.engine.begin() as connection:
            connection.execute(text(statement))
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT action FROM audit_event")).scalars().all() == ["viewed_alert"]
    assert event.id


def test_inside_purging_an_audit_row_can_be_deleted(app_context, service):
    keep = _event(ActorKind.STAFF, service["iro"].id, "viewed_alert", service["kim"])
    gone = _event(ActorKind.STAFF, service["iro"].id, "viewed_alert", service["sam"])
    with audit.purging():
        db.session.execute(delete(AuditEvent).where(AuditEvent.id == gone.id))
    db.session.commit()
    assert db.session.scalars(select(AuditEvent.id)).all() == [keep.id]
    # Only inside: afterwards (a new transaction) the guard holds again, in both places.
    with pytest.raises(audit.AuditRowsStay):
        db.session.execute(delete(AuditEvent))
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError), db.engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_event"))
        # Nor does the setting outlive the purge's transaction on the session's connection.
        with audit.purging():
            pass
        db.session.commit()
        with pytest.raises(DBAPIError):
            db.session.connection().execute(text("DELETE FROM audit_event"))
        db.session.rollback()
    assert db.session.scalars(select(AuditEvent.id)).all() == [keep.id]


def _has_trigger() -> bool:
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            sql = "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_event_rows_stay'"
        else:
            sql = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
        return bool(connection.execute(text(sql)).scalar())


def test_migration_0010_adds_the_trigger_and_its_downgrade_takes_it_away(app):
    from flask_migrate import downgrade, upgrade

    on_postgresql = None
    with app.app_context():
        on_postgresql = db.engine.dialect.name == "postgresql"
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        try:
            upgrade(revision="0009_staff_accounts")
            assert not _has_trigger()
            upgrade(revision="0010_audit_rows_stay")
            # On PostgreSQL the database refuses; SQLite has no trigger (the app's guard holds).
            assert _has_trigger() is on_postgresql
            downgrade(revision="0009_staff_accounts")
            assert not _has_trigger()
            if on_postgresql:
                with db.engine.connect() as connection:
                    functions = "SELECT count(*) FROM pg_proc WHERE proname = 'audit_event_rows_stay'"
                    assert connection.execute(text(functions)).scalar() == 0
        finally:
            db.session.remove()
            db.drop_all()
            with db.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.create_all()
            assert _has_trigger() is on_postgresql  # create_all adds it too


def test_the_page_runs_the_same_queries_for_five_rows_or_fifty(client, service, query_counter):
    sign_in(client, service["manager"])
    counts = []
    for how_many in (5, 45):
        for number in range(how_many):
            child = make_child(service["iro"]) if number % 5 == 0 else service["sam"]
            _event(ActorKind.STAFF, service["iro"].id, "viewed_alert", child)
            _event(ActorKind.STAFF, service["manager"].id, "reset_second_factor", about=service["other_iro"])
        with query_counter() as statements:
            client.get("/staff/audit")
        counts.append(len(statements))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("address", ["/staff/audit", "/staff/audit.csv"])
def test_a_child_id_of_no_child_shows_an_empty_trail(client, service, address):
    _event(ActorKind.STAFF, service["iro"].id, "viewed_alert", service["sam"])
    sign_in(client, service["manager"])
    response = client.get(f"{address}?child_id=999999999")
    if address.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
        assert len(rows) == 1  # the header only
        action = "downloaded_audit_trail"
    else:
        assert _rows(response) == []
        assert "There is no child with this record number" in response.soup.get_text()
        action = "viewed_audit_trail"
    # Reading it is audited, pointing at no child (there is none to point at).
    reading = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).one()
    assert (reading.actor_id, reading.child_id) == (service["manager"].id, None)


def test_reading_one_childs_trail_is_audited_against_that_child(client, service):
    sign_in(client, service["manager"])
    client.get(f"/staff/audit?child_id={service['sam'].id}")
    client.get(f"/staff/audit.csv?child_id={service['sam'].id}").get_data()
    readings = db.session.execute(
        select(AuditEvent.action, AuditEvent.child_id)
        .where(AuditEvent.action.in_(["viewed_audit_trail", "downloaded_audit_trail"]))
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(row) for row in readings] == [
        ("viewed_audit_trail", service["sam"].id),
        ("downloaded_audit_trail", service["sam"].id),
    ]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET action = 'nothing_happened'",
        "DELETE FROM audit_event",
        'delete from "audit_event" where id > 0',
    ],
)
def test_sql_written_by_hand_cannot_change_an_audit_row_either(app_context, service, statement):
    """Through the app's own session: on SQLite the engine listener refuses, on PostgreSQL
    the trigger does."""
    _event(ActorKind.STAFF, service["iro"].id, "viewed_alert", service["sam"])
    refused = audit.AuditRowsStay if db.engine.dialect.name == "sqlite" else DBAPIError
    with pytest.raises(refused):
        db.session.execute(text(statement))
    db.session.rollback()
    with pytest.raises(refused), db.engine.begin() as connection:
        connection.execute(text(statement))
    assert db.session.scalars(select(AuditEvent.action)).all() == ["viewed_alert"]
    # Inside `purging()` (the retention purge) the same SQL goes through.
    with audit.purging():
        db.session.execute(text("DELETE FROM audit_event"))
    db.session.commit()
    assert db.session.scalars(select(AuditEvent.action)).all() == []
    # And afterwards the guard holds again.
    _event(ActorKind.STAFF, service["iro"].id, "viewed_alert", service["sam"])
    with pytest.raises(refused):
        db.session.execute(text(statement))
    db.session.rollback()
