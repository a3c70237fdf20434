"""Who may open which page, proved for every route in the URL map (the way GOV.UK Notify's
admin tests its permissions): a new route without a guard fails here."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_child, make_member, make_review, make_staff
from tests.integration.test_iro import sign_in
from voice_app.data.database import db
from voice_app.models import Alert, StaffSession, utcnow
from voice_app.permissions import (
    ADMINISTRATORS,
    ANY_STAFF,
    CHILD_LINK,
    IROS,
    MANAGERS,
    PUBLIC,
    RECORD_KEEPERS,
    RECORD_KEEPERS_OR_IROS_IF_ALLOWED,
    RESPONDENT_LINK,
)
from voice_app.vocabulary import AlertKind, AlertSource, StaffRole

# Endpoints that are not views of ours.
NOT_OURS = {"static"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_OURS:
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_endpoint_says_who_may_open_it(app):
    unmarked = [rule.endpoint for rule, view in _routes(app) if not hasattr(view, "access")]
    assert unmarked == [], f"add public, staff_required(...) or a link guard to: {unmarked}"


def test_only_the_pages_anyone_may_see_are_public(app):
    public = sorted({rule.endpoint for rule, view in _routes(app) if view.access == PUBLIC})
    assert public == [
        "child.code_sign_in",
        "child.help_now",
        "child.home",
        "child.leave",
        "child.link_needed",
        "child.open_link",
        "staff.forgotten_password",
        "staff.reset_link_sent",
        # Half-way through signing in: password checked, second factor still to come (the
        # view itself checks the session's state).
        "staff.second_factor",
        "staff.set_password",
        "staff.set_up_second_factor",
        "staff.sign_in",
        "staff.sign_out",
    ]


def test_every_staff_page_names_a_role_and_every_other_page_a_link(app):
    for rule, view in _routes(app):
        if rule.endpoint.startswith("staff.") and view.access != PUBLIC:
            assert view.access in (
                IROS,
                MANAGERS,
                IROS + MANAGERS,
                ADMINISTRATORS,
                ANY_STAFF,
                RECORD_KEEPERS,
                RECORD_KEEPERS_OR_IROS_IF_ALLOWED,
            ), rule.endpoint
        if rule.endpoint.startswith("child.") and view.access != PUBLIC:
            assert view.access == CHILD_LINK, rule.endpoint
        if rule.endpoint.startswith("respond."):
            assert view.access == RESPONDENT_LINK, rule.endpoint


@pytest.fixture
def others(app_context):
    """A child of another IRO, with a review, a circle member and an alert: ids nobody here
    may use."""
    other_iro = make_staff(email="other.iro@example.org")
    child = make_child(other_iro)
    alert = Alert(child_id=child.id, kind=AlertKind.URGENT, source=AlertSource.HELP_NOW)
    db.session.add(alert)
    their_session = StaffSession(key_hash="0" * 64, staff_id=other_iro.id, last_seen_at=utcnow())
    db.session.add(their_session)
    db.session.commit()
    return {
        "alert_id": alert.id,
        "child_id": child.id,
        "sibling_id": child.id,
        "review_id": make_review(child).id,
        "member_id": make_member(child).id,
        "staff_id": other_iro.id,
        "session_id": their_session.id,
        "key": "child",
        "token": "not-a-token",
    }


def _url(rule, ids) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:\w+:)?{name}>", str(ids[name]), path)
    return path


def _guarded(app, access):
    for rule, view in _routes(app):
        if view.access == access:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


@pytest.mark.parametrize(
    "access",
    [
        IROS,
        MANAGERS,
        IROS + MANAGERS,
        ADMINISTRATORS,
        ANY_STAFF,
        RECORD_KEEPERS,
        RECORD_KEEPERS_OR_IROS_IF_ALLOWED,
    ],
    ids=["iro", "manager", "both", "administrators", "any staff", "record keepers", "record keepers or iros"],
)
def test_staff_pages_send_someone_not_signed_in_to_sign_in(app, client, others, access):
    for rule, method in _guarded(app, access):
        response = client.open(_url(rule, others), method=method, expect=302)
        assert response.status_code == 302, (method, rule.rule)
        assert response.headers["Location"].startswith("/staff/sign-in"), (method, rule.rule)


def test_a_manager_gets_page_not_found_on_every_iro_page(app, client, others):
    sign_in(client, make_staff(role=StaffRole.MANAGER, email="manager@example.org"))
    for rule, method in _guarded(app, IROS):
        response = client.open(_url(rule, others), method=method, expect=404)
        assert response.status_code == 404, (method, rule.rule)


def test_an_iro_gets_page_not_found_on_every_manager_page(app, client, others):
    sign_in(client, make_staff())
    for rule, method in _guarded(app, MANAGERS):
        response = client.open(_url(rule, others), method=method, expect=404)
        assert response.status_code == 404, (method, rule.rule)


def test_an_iro_gets_page_not_found_for_another_iros_child_review_and_circle(app, client, others):
    sign_in(client, make_staff())
    with_ids = [
        (rule, method)
        for access in (IROS, IROS + MANAGERS)
        for rule, method in _guarded(app, access)
        if rule.arguments
    ]
    assert len(with_ids) >= 9
    for rule, method in with_ids:
        response = client.open(_url(rule, others), method=method, expect=404)
        assert response.status_code == 404, (method, rule.rule)


@pytest.mark.parametrize(
    "role", [StaffRole.IRO, StaffRole.MANAGER], ids=["an iro", "a manager without the right"]
)
def test_only_administrators_open_the_staff_administration_pages(app, client, others, role):
    sign_in(client, make_staff(role=role, email="not.an.admin@example.org"))
    pages = list(_guarded(app, ADMINISTRATORS))
    assert len(pages) >= 7
    for rule, method in pages:
        response = client.open(_url(rule, others), method=method, expect=404)
        assert response.status_code == 404, (method, rule.rule)


@pytest.mark.parametrize(
    "role", [StaffRole.ADMIN, StaffRole.MANAGER], ids=["an administrator", "a trusted manager"]
)
def test_administrators_and_trusted_managers_open_the_staff_pages(app, client, others, role):
    person = make_staff(role=role, email="runs.accounts@example.org")
    person.can_administer = role == StaffRole.MANAGER
    db.session.commit()
    sign_in(client, person)
    for rule, method in _guarded(app, ADMINISTRATORS):
        if method == "GET":
            assert client.get(_url(rule, others)).status_code == 200, rule.rule


def test_an_administrator_gets_page_not_found_on_every_iro_and_manager_page(app, client, others):
    sign_in(client, make_staff(role=StaffRole.ADMIN, email="admin@example.org"))
    for access in (IROS, MANAGERS, IROS + MANAGERS):
        for rule, method in _guarded(app, access):
            response = client.open(_url(rule, others), method=method, expect=404)
            assert response.status_code == 404, (method, rule.rule)


@pytest.mark.parametrize("role", [StaffRole.MANAGER, StaffRole.ADMIN], ids=["a manager", "an administrator"])
def test_managers_and_administrators_open_the_childrens_records_pages(app, client, others, role):
    sign_in(client, make_staff(role=role, email="keeps.records@example.org"))
    pages = [
        rule
        for access in (RECORD_KEEPERS, RECORD_KEEPERS_OR_IROS_IF_ALLOWED)
        for rule, method in _guarded(app, access)
        if method == "GET"
    ]
    assert len(pages) >= 8
    for rule in pages:
        assert client.get(_url(rule, others)).status_code == 200, rule.rule


def test_an_iro_gets_page_not_found_on_every_childrens_records_page(app, client, others):
    iro = make_staff()
    sign_in(client, iro)
    pages = [
        (rule, method)
        for access in (RECORD_KEEPERS, RECORD_KEEPERS_OR_IROS_IF_ALLOWED)
        for rule, method in _guarded(app, access)
    ]
    assert len(pages) >= 12
    for rule, method in pages:
        response = client.open(_url(rule, others), method=method, expect=404)
        assert response.status_code == 404, (method, rule.rule)


def test_where_iros_may_add_children_they_add_and_change_their_own_caseloads_only(app, client, others):
    iro = make_staff()
    theirs = make_child(iro)
    sign_in(client, iro)
    app.config["IROS_MAY_ADD_CHILDREN"] = True
    try:
        for rule, method in _guarded(app, RECORD_KEEPERS):
            response = client.open(_url(rule, others), method=method, expect=404)
            assert response.status_code == 404, (method, rule.rule)
        allowed = list(_guarded(app, RECORD_KEEPERS_OR_IROS_IF_ALLOWED))
        assert {method for _rule, method in allowed} == {"GET", "POST"}
        for rule, method in allowed:
            if rule.arguments:  # another IRO's child: not found
                response = client.open(_url(rule, others), method=method, expect=404)
                assert response.status_code == 404, (method, rule.rule)
            if method == "GET":
                assert client.get(_url(rule, {**others, "child_id": theirs.id})).status_code == 200, rule.rule
    finally:
        app.config["IROS_MAY_ADD_CHILDREN"] = False


def test_nobody_ends_another_persons_session(app, client, others):
    sign_in(client, make_staff())
    with_ids = [(rule, method) for rule, method in _guarded(app, ANY_STAFF) if rule.arguments]
    assert with_ids
    for rule, method in with_ids:
        response = client.open(_url(rule, others), method=method, expect=404)
        assert response.status_code == 404, (method, rule.rule)
    assert db.session.get(StaffSession, others["session_id"]).ended_at is None


@pytest.mark.parametrize("access", [CHILD_LINK, RESPONDENT_LINK], ids=["child", "respondent"])
def test_link_pages_without_a_link_say_a_link_is_needed(app, client, others, access):
    for rule, method in _guarded(app, access):
        response = client.open(_url(rule, others), method=method, expect=302)
        assert response.headers["Location"] == "/link-needed", (method, rule.rule)
