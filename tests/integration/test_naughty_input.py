"""Naughty input into every field of every POST endpoint, with a valid CSRF token, on the
database the suite runs on: never a 5xx, never an unescaped echo, kind 400s and 413s.

The walk of the URL map fails on a POST endpoint it does not know: add a scene for it in
SCENES below. Run with -s to read the "N posts across M endpoints, 0 5xx" line.
"""

from __future__ import annotations

import contextvars
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import got_request_exception
from flask.testing import FlaskClient
from sqlalchemy import delete, event, select, update
from werkzeug.datastructures import FileStorage, MultiDict

from tests.factories import (
    PASSWORD,
    make_child,
    make_link,
    make_member,
    make_member_link,
    make_review,
    make_staff,
)
from tests.page_checks import check_page
from voice_app import create_app
from voice_app.data import children, staff_accounts
from voice_app.data.database import db
from voice_app.models import (
    Alert,
    CarePeriod,
    Child,
    CircleMember,
    SignInAttempts,
    StaffSession,
    StaffUser,
    utcnow,
)
from voice_app.vocabulary import AlertKind, AlertSource, StaffRole, StaffTokenPurpose

SCRIPT = "<script>alert(1)</script>"
BREAK_OUT = '"><img src=x onerror=alert(1)>'
ONE_MEGABYTE = "z" * (1024 * 1024)  # beyond MAX_CONTENT_LENGTH: a kind 413

# In the spirit of the Big List of Naughty Strings; escapes where an editor would hide them.
NAUGHTY = {
    "nul": "a\x00b",
    "control characters": "".join(chr(c) for c in range(1, 32)) + "\x7f\x85\x9f",
    "terminal escape": "\x1b[31mred\x1b[0m",
    "right-to-left override": "\u202egnp.exe\u202c",
    "bidi marks and isolates": "\u2066abc\u2069 \u200f\u200e",
    "zero width": "a\u200b\u200c\u200d\u2060\ufeffb",
    "emoji": "\U0001f600 \U0001f469\U0001f3fd\u200d\U0001f467 \U0001f3f3\ufe0f\u200d\U0001f308 \U0001f1ec\U0001f1e7",
    "tag sequence flag": "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "script tag": SCRIPT,
    "attribute break-out": BREAK_OUT,
    "javascript url": "javascript:alert(1)",
    "template syntax": "{{ 7*7 }} {% print 1 %} ${7*7}",
    "format string": "%s%s%s%n %(x)s {0}",
    "sql drop": "'; DROP TABLE child; --",
    "path traversal": "../../../../etc/passwd",
    "header injection": "x\r\nSet-Cookie: evil=1",
    "long word 6000": "x" * 6000,
    "long word 20000": "y" * 20_000,
    "long emoji": "\U0001f600" * 2000,
    "whitespace only": " \t\n\u00a0\u2003\u3000 ",
    "empty": "",
    "null": "null",
    "huge number": "9" * 400,
    "float overflow": "1E+309",
    "combining marks": "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324",
    "fullwidth": "\uff33\uff43\uff52\uff49\uff50\uff54\uff1c\uff1e",
    "right-to-left scripts": "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd",
    "noncharacters": "\ufffd\ufffe\uffff\U0010ffff",
    "email with a nul": "a@b.c\x00@d.e",
    "percent signs": "%00%ff%fe",
}
# The few that go as a multipart body without files, into the CSRF token, and into the
# pages like one already swept (the other questions of a form).
FEW = ("nul", "control characters", "right-to-left override", "zero width", "emoji", "script tag")
FEW += ("sql drop", "long word 6000", "long word 20000", "whitespace only", "empty")

# Bytes that are not UTF-8, written straight into an urlencoded body.
BAD_BYTES = {
    "percent ff fe": b"%ff%fe",
    "raw ff fe": b"\xff\xfe\xfd",
    "overlong nul": b"%c0%80",
    "surrogate": b"%ed%a0%80",
    "cut short": b"caf%c3",
}

FILE_REFUSED = "does not take files"
TOO_BIG = "too much to send at once"


class Browser(FlaskClient):
    """Every request in its own context, as in production (see tests/page_checks.py)."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.rollback()  # the test sees what the request committed
        return response


_exceptions: list[str] = []


def _remember_exception(sender, exception, **extra):
    _exceptions.append(f"{type(exception).__name__}: {str(exception)[:200]}")


def _no_flush_to_disk(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


@pytest.fixture(scope="module")
def csrf_app(app):
    """The app as in production, CSRF protection on, on the suite's database."""
    live = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": True,
            "STAFF_MFA_REQUIRED": False,
            # An exception becomes the 500 page, and is counted, instead of stopping the test.
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    live.test_client_class = Browser
    got_request_exception.connect(_remember_exception, live)
    with live.app_context():
        if db.engine.dialect.name == "sqlite":
            # Thousands of small commits: none need wait for the disk.
            event.listen(db.engine, "connect", _no_flush_to_disk)
        yield live
        got_request_exception.disconnect(_remember_exception, live)
        db.session.remove()
        db.engine.dispose()


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token(response) -> str:
    return soup_of(response).find("input", attrs={"name": "csrf_token"})["value"]


def fields_of_form(response, action: str) -> list[str]:
    """The names the page's form that posts to `action` sends, in page order."""
    for form in soup_of(response).find_all("form"):
        if urlsplit(form.get("action", "")).path == urlsplit(action).path:
            names = [tag["name"] for tag in form.find_all(["input", "textarea", "select"]) if tag.get("name")]
            return list(dict.fromkeys(names))
    raise AssertionError(f"no form posts to {action}")


def links_under(response, prefix: str) -> list[str]:
    return [a["href"] for a in soup_of(response).find_all("a") if a.get("href", "").startswith(prefix)]


@dataclass
class Target:
    """One address to post to, what its form holds, and how to get back to where it was."""

    endpoint: str
    client: FlaskClient
    url: str
    fields: list[str]
    baseline: dict  # a sensible value for each field, kept while another is naughty
    token: str
    after_post: Callable[[Target, object], None] = lambda target, response: None
    full: bool = True  # every value into every field; otherwise every value at once only
    takes_files: bool = False  # the import: a file is what it asks for, so not refused as one


@dataclass
class Tally:
    posts: int = 0
    endpoints: set[str] = field(default_factory=set)
    server_errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def post(self, target: Target, what: str, *, expect=None, expect_text=None, **kwargs):
        _exceptions.clear()
        response = target.client.post(target.url, **kwargs)
        self.posts += 1
        self.endpoints.add(target.endpoint)
        where = f"{target.endpoint} {target.url} {what}: {response.status_code}"
        if response.status_code >= 500:
            self.server_errors.append(f"{where} ({_exceptions[-1] if _exceptions else 'no exception'})")
        elif expect is not None and response.status_code != expect:
            self.problems.append(f"{where}, expected {expect}")
        body = response.get_data()
        for unescaped in (SCRIPT, BREAK_OUT):
            if unescaped.encode() in body:
                self.problems.append(f"{where}: {unescaped!r} came back unescaped")
        if expect_text and expect_text.encode() not in body:
            self.problems.append(f"{where}: without {expect_text!r}")
        target.after_post(target, response)
        return response


def form_with(target: Target, values: dict) -> dict:
    return {"csrf_token": target.token, **target.baseline, **values}


def a_file() -> tuple:
    return (io.BytesIO(b"%PDF-1.4 not really\x00\xff"), "report.pdf", "application/pdf")


def raw_form(target: Target, name: bytes, raw: bytes) -> bytes:
    others = [(k, v) for k, v in form_with(target, {}).items() if k.encode() != name]
    return urlencode(others, doseq=True).encode() + b"&" + name + b"=" + raw


def sweep(tally: Tally, target: Target) -> None:
    urlencoded = "application/x-www-form-urlencoded"
    # A form of nothing but its token gets a field it does not have, so it has one to fill.
    names = target.fields if len(target.fields) > 1 else [*target.fields, "unexpected"]
    everything = [name for name in names if name != "csrf_token"]
    if target.full:
        for name in names:
            # No token: the timed-out page. The import reads files: one it cannot use is a
            # kind 400 of its own.
            refused = None if name == "csrf_token" or target.takes_files else FILE_REFUSED
            for label, value in NAUGHTY.items():
                # A wrong token is refused before any view, whatever it holds: a few will do.
                if name != "csrf_token" or label in FEW:
                    tally.post(target, f"{name}={label}", data=form_with(target, {name: value}))
            huge = form_with(target, {name: ONE_MEGABYTE})
            tally.post(target, f"{name}=1 MB", data=huge, expect=413, expect_text=TOO_BIG)
            tally.post(
                target,
                f"{name}=a file",
                data=form_with(target, {name: a_file()}),
                expect=400,
                expect_text=refused,
            )
            for label, raw in BAD_BYTES.items():
                body = raw_form(target, name.encode(), raw)
                tally.post(target, f"{name}={label}", data=body, content_type=urlencoded)
        tally.post(
            target, "a name of bad bytes", data=raw_form(target, b"%ff\xfe", b"1"), content_type=urlencoded
        )
        tally.post(target, "nothing but bad bytes", data=b"\xff\xfe\x00" * 50, content_type=urlencoded)
        for label, body in {
            "numbers": {name: 12345 for name in everything},
            "lists and objects": {name: [[1], {"a": None}] for name in everything},
            "a list": [1, 2, 3],
            "a string": "email",
            "null": None,
        }.items():
            # No page sends JSON, but anyone can, with the token in a header.
            headers = {"X-CSRFToken": target.token}
            tally.post(
                target,
                f"JSON {label}",
                data=json.dumps(body),
                content_type="application/json",
                headers=headers,
            )
        for label in FEW:
            values = form_with(target, dict.fromkeys(everything, NAUGHTY[label]))
            tally.post(target, f"all={label} as multipart", data=values, content_type="multipart/form-data")
    if len(everything) > 1 or not target.full:
        for label, value in NAUGHTY.items():
            if target.full or label in FEW:
                tally.post(target, f"all={label}", data=form_with(target, dict.fromkeys(everything, value)))
    huge = form_with(target, dict.fromkeys(everything, ONE_MEGABYTE))
    tally.post(target, "all=1 MB", data=huge, expect=413, expect_text=TOO_BIG)
    files = form_with(target, {name: a_file() for name in everything})
    tally.post(
        target, "all=files", data=files, expect=400, expect_text=None if target.takes_files else FILE_REFUSED
    )
    bad = (
        b"&".join(name.encode() + b"=%ff%fe\xff" for name in everything)
        + f"&csrf_token={target.token}".encode()
    )
    tally.post(target, "all=bad bytes", data=bad, content_type=urlencoded)


# Scenes: what each endpoint needs before it can be posted to, as Targets.


class Scene:
    def __init__(self, csrf_app):
        self.csrf_app = csrf_app

    def client(self) -> FlaskClient:
        return self.csrf_app.test_client()

    def iro(self):
        """A signed-in IRO with a child (with a working link), the child's next review, and
        one circle member."""
        iro = make_staff()
        child = make_child(iro, first_name="Sam")
        make_link(child)
        review = make_review(child)
        member = make_member(child, name="Karen Taylor", email="karen@example.org")
        client = self.client()
        token = csrf_token(client.get("/staff/sign-in"))
        signed_in = client.post(
            "/staff/sign-in", data={"csrf_token": token, "email": iro.email, "password": PASSWORD}
        )
        assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:300]
        return client, child, review, member

    def admin(self) -> tuple[FlaskClient, StaffUser]:
        """A signed-in administrator, and a colleague whose account they run."""
        admin = make_staff(role=StaffRole.ADMIN, name="Sam Patel")
        colleague = make_staff(name="Ira Reed")
        client = self.client()
        token = csrf_token(client.get("/staff/sign-in"))
        signed_in = client.post(
            "/staff/sign-in", data={"csrf_token": token, "email": admin.email, "password": PASSWORD}
        )
        assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:300]
        return client, colleague

    def child(self) -> tuple[FlaskClient, str, str]:
        """A child who opened their personal link, and the first question of their form."""
        child = make_child(make_staff(), first_name="Sam")
        make_review(child)
        client = self.client()
        assert client.get(f"/c/{make_link(child)}").status_code == 302
        token = csrf_token(client.get("/my-voice"))
        first = client.post("/my-voice/start-again", data={"csrf_token": token}).headers["Location"]
        return client, token, urlsplit(first).path

    def parent(self) -> tuple[FlaskClient, str, str]:
        """A parent who opened their link for a review, and the first question of their paper."""
        child = make_child(make_staff(), first_name="Sam")
        review = make_review(child)
        member = make_member(child, name="Karen Taylor", relationship="mother")
        client = self.client()
        assert client.get(f"/c/{make_member_link(member, review)}").status_code == 302
        first = urlsplit(links_under(client.get("/your-views"), "/your-views/questions/")[0]).path
        return client, csrf_token(client.get(first)), first


def records_scene(scene: Scene) -> tuple[FlaskClient, Child, Child, StaffUser]:
    """A signed-in manager, a child (with a brother not linked yet) and a second IRO."""
    manager = make_staff(role=StaffRole.MANAGER, name="Jo Green")
    iro = make_staff(name="Ira Reed")
    # Not "Sam": the subject access scene looks for its own Sam.
    child = make_child(iro, first_name="Noor", with_period=True)
    brother = make_child(iro, first_name="Leo", with_period=True)
    other_iro = make_staff(name="Alex Morgan")
    client = scene.client()
    token = csrf_token(client.get("/staff/sign-in"))
    signed_in = client.post(
        "/staff/sign-in", data={"csrf_token": token, "email": manager.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:300]
    return client, child, brother, other_iro


def child_details(iro: StaffUser, child_ref: str = "") -> dict:
    return {
        "first_name": "Noor",
        "last_name": "Khan",
        "date_of_birth_day": "27",
        "date_of_birth_month": "3",
        "date_of_birth_year": "2015",
        "looked_after_since_day": "2",
        "looked_after_since_month": "9",
        "looked_after_since_year": "2025",
        "preferred_language": "en",
        "child_ref": child_ref,
        "iro": str(iro.id),
    }


def add_child_record_targets(scene: Scene) -> Iterator[Target]:
    client, _child, _brother, other_iro = records_scene(scene)
    url = "/staff/children-records/new"
    yield target_from_page(client, url, client.get(url), child_details(other_iro))


def edit_child_record_targets(scene: Scene) -> Iterator[Target]:
    client, child, _brother, _other_iro = records_scene(scene)
    url = f"/staff/children-records/{child.id}/edit"
    iro = db.session.get_one(StaffUser, child.iro_id)
    yield target_from_page(client, url, client.get(url), child_details(iro, "C1"))


def back_to_their_iro(child: Child):
    iro_id = child.iro_id

    def after_post(target: Target, response) -> None:
        if response.status_code == 302:  # moved: back to their IRO for the next post
            db.session.execute(update(Child).values(iro_id=iro_id))
            db.session.commit()

    return after_post


def move_child_record_targets(scene: Scene) -> Iterator[Target]:
    client, child, brother, other_iro = records_scene(scene)
    children.link_siblings(other_iro, child, [brother])
    db.session.commit()
    url = f"/staff/children-records/{child.id}/move"
    baseline = {"iro": str(other_iro.id), "with_siblings": "yes"}
    yield target_from_page(client, url, client.get(url), baseline, after_post=back_to_their_iro(child))


def siblings_targets(scene: Scene) -> Iterator[Target]:
    client, child, brother, _other_iro = records_scene(scene)
    url = f"/staff/children-records/{child.id}/siblings"
    page = client.get(f"{url}?q=Leo")
    yield target_from_page(client, url, page, {"sibling": str(brother.id)})


def unlink_sibling_targets(scene: Scene) -> Iterator[Target]:
    client, child, brother, other_iro = records_scene(scene)
    children.link_siblings(other_iro, child, [brother])
    db.session.commit()

    def link_again(target: Target, response) -> None:
        if response.status_code == 302:  # unlinked: linked again for the next post
            db.session.execute(update(Child).values(sibling_group=child.id))
            db.session.commit()

    url = f"/staff/children-records/{child.id}/siblings/{brother.id}/unlink"
    page = client.get(f"/staff/children-records/{child.id}")
    yield target_from_page(client, url, page, after_post=link_again)


def leaves_care_targets(scene: Scene) -> Iterator[Target]:
    client, child, _brother, _other_iro = records_scene(scene)

    def back_in_care(target: Target, response) -> None:
        if response.status_code == 302:  # left care: back in care for the next post
            db.session.execute(update(Child).values(left_care_on=None))
            db.session.execute(update(CarePeriod).values(ended_on=None, end_reason=None))
            db.session.commit()

    url = f"/staff/children-records/{child.id}/leave-care"
    today = date.today()
    baseline = {
        "left_on_day": str(today.day),
        "left_on_month": str(today.month),
        "left_on_year": str(today.year),
    }
    yield target_from_page(client, url, client.get(url), baseline, after_post=back_in_care)


IMPORT_FILES = (
    "child_id,first_name,last_name,date_of_birth,iro_email,looked_after_since\n"
    "C1,Noor,Khan,27/03/2015,{email},02/09/2025\n"
)


def import_targets(scene: Scene) -> Iterator[Target]:
    client, _child, _brother, _other_iro = records_scene(scene)
    url = "/staff/children-records/import"
    yield target_from_page(client, url, client.get(url), takes_files=True)


def confirm_import_targets(scene: Scene) -> Iterator[Target]:
    client, _child, _brother, other_iro = records_scene(scene)
    url = "/staff/children-records/import"
    page = client.get(url)
    data = IMPORT_FILES.format(email=other_iro.email).encode()
    preview = client.post(
        url,
        data={"csrf_token": csrf_token(page), "children": (io.BytesIO(data), "children.csv")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200, preview.get_data(as_text=True)[:500]
    fingerprint = soup_of(preview).find("input", attrs={"name": "fingerprint"})["value"]
    yield target_from_page(
        client,
        "/staff/children-records/import/confirm",
        preview,
        {"fingerprint": fingerprint},
        takes_files=True,
    )


def target_from_page(client, url, page, baseline=None, **kwargs) -> Target:
    """The form on `page` that posts to `url`; the walk fills in which endpoint it is."""
    fields = fields_of_form(page, url)
    return Target("", client, url, fields, baseline or {}, csrf_token(page), **kwargs)


def sign_in_targets(scene: Scene) -> Iterator[Target]:
    iro = make_staff()
    client = scene.client()
    # A real address and a wrong password: every post reaches the account lookup.
    baseline = {"email": iro.email, "password": "not the password"}
    page = client.get("/staff/sign-in")
    yield target_from_page(client, "/staff/sign-in", page, baseline, after_post=forget_failed_sign_ins)
    for value in ("/\x00", "/\r\nSet-Cookie: x=1", SCRIPT):
        url = "/staff/sign-in?" + urlencode({"next": value})
        yield target_from_page(
            client, url, client.get(url), baseline, full=False, after_post=forget_failed_sign_ins
        )


def new_token_once_signed_out(target: Target, response) -> None:
    if response.status_code == 302:  # the session, and its token, are gone
        target.token = csrf_token(target.client.get("/staff/sign-in"))


def bring_back_removed_people(target: Target, response) -> None:
    if response.status_code == 302:  # removed: back in the circle for the next post
        db.session.execute(update(CircleMember).values(removed_at=None))
        db.session.commit()


def staff_page(url: str, page: str | None = None, baseline=None, after_post=None):
    """The signed-in IRO's form posting to `url`, read from the page at `page` (the same
    address unless said); both may name {child}, {member} and {review}."""

    def targets(scene: Scene) -> Iterator[Target]:
        client, child, review, member = scene.iro()
        ids = {"child": child.id, "member": member.id, "review": review.id}
        shown = client.get((page or url).format(**ids))
        options = {"after_post": after_post} if after_post else {}
        yield target_from_page(client, url.format(**ids), shown, baseline, **options)

    return targets


def values_of(response, name: str) -> list[str]:
    return [tag["value"] for tag in soup_of(response).find_all("input", attrs={"name": name})]


def invite_targets(scene: Scene) -> Iterator[Target]:
    client, _child, review, _member = scene.iro()
    url = f"/staff/reviews/{review.id}/invite"
    page = client.get(url)
    people = values_of(page, "people")
    assert people, "the invite page lists nobody"
    yield target_from_page(client, url, page, {"people": people})


def letter_targets(scene: Scene) -> Iterator[Target]:
    client, _child, review, _member = scene.iro()
    invite = f"/staff/reviews/{review.id}/invite"
    # The child has no email or mobile, so their invitation is a printed letter.
    client.post(invite, data={"csrf_token": csrf_token(client.get(invite)), "people": ["child"]})
    page = client.get(f"/staff/reviews/{review.id}")
    letters = [form["action"] for form in soup_of(page).find_all("form") if "/letters/" in form["action"]]
    assert letters, "the review page offers no letter to print"
    yield target_from_page(client, letters[0], page)


def start_again_targets(scene: Scene) -> Iterator[Target]:
    client, _token, _first = scene.child()
    yield target_from_page(client, "/my-voice/start-again", client.get("/my-voice"))


def question_targets(person: str, prefix: str) -> Callable[[Scene], Iterator[Target]]:
    """Every question page of the form, found by following its skip links. The first page of
    each kind (its set of fields) gets every value in every field; the rest every value in
    all their fields at once."""

    def targets(scene: Scene) -> Iterator[Target]:
        client, _token, url = getattr(scene, person)()
        kinds: set[tuple[str, ...]] = set()
        while url.startswith(prefix):
            page = client.get(url)
            assert page.status_code == 200, (url, page.status_code)
            fields = fields_of_form(page, url)
            choices = values_of(page, "choice")
            baseline = {"choice": choices[0]} if choices else {}
            if "text" in fields:
                baseline["text"] = "My carers are kind."
            yield target_from_page(client, url, page, baseline, full=tuple(fields) not in kinds)
            kinds.add(tuple(fields))
            url = urlsplit(soup_of(page).select_one("a.voice-skip")["href"]).path

    return targets


def send_targets(person: str, check_url: str) -> Callable[[Scene], Iterator[Target]]:
    def targets(scene: Scene) -> Iterator[Target]:
        client, token, first = getattr(scene, person)()
        choices = values_of(client.get(first), "choice")
        answer = {"choice": choices[0]} if choices else {"text": "Fine."}
        assert client.post(first, data={"csrf_token": token, **answer}).status_code == 302
        page = client.get(check_url)
        send_url = next(f["action"] for f in soup_of(page).find_all("form") if f["action"].endswith("/send"))
        yield target_from_page(client, send_url, page)

    return targets


def tell_my_iro_targets(scene: Scene) -> Iterator[Target]:
    client, _token, _first = scene.child()
    yield target_from_page(client, "/help/tell-my-iro", client.get("/help"), {"message": "Please call me"})


def message_targets(scene: Scene) -> Iterator[Target]:
    client, _token, _first = scene.child()
    page = client.get("/my-voice/message")
    yield target_from_page(client, "/my-voice/message", page, {"about": "good_news", "message": "I passed"})


def alert_targets(scene: Scene) -> Iterator[Target]:
    client, child, _review, _member = scene.iro()
    alert = Alert(child_id=child.id, kind=AlertKind.CONCERN, source=AlertSource.WORDS, said="Someone hit me")
    db.session.add(alert)
    db.session.commit()
    url = f"/staff/alerts/{alert.id}"
    yield target_from_page(
        client, url, client.get(url), {"action_taken": "Rang the carer.", "outcome": "acted"}
    )


def send_link_targets(scene: Scene) -> Iterator[Target]:
    client, child, _review, _member = scene.iro()
    db.session.get_one(Child, child.id).email = "sam@example.org"  # "Send the link again" needs an address
    db.session.commit()
    url = f"/staff/children/{child.id}/links/send"
    yield target_from_page(client, url, client.get(f"/staff/children/{child.id}"))


def code_sign_in_targets(scene: Scene) -> Iterator[Target]:
    client = scene.client()
    # A well-formed code nobody was given, on the home page and on the code page.
    yield target_from_page(client, "/code", client.get("/"), {"code": "ACEF-HJKM"})
    yield target_from_page(client, "/code", client.get("/code"), {"code": "acef hjkm"}, full=False)


def subject_access_targets(scene: Scene) -> Iterator[Target]:
    """A manager downloading everything held about a child, from the search page's button."""
    manager = make_staff(role=StaffRole.MANAGER, name="Jo Green")
    child = make_child(make_staff(), first_name="Sam")
    client = scene.client()
    token = csrf_token(client.get("/staff/sign-in"))
    signed_in = client.post(
        "/staff/sign-in", data={"csrf_token": token, "email": manager.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:300]
    page = client.get("/staff/subject-access?name=Sam")
    yield target_from_page(client, f"/staff/subject-access/{child.id}.zip", page)


def forget_failed_sign_ins(target: Target, response) -> None:
    """Wrong passwords and codes count per email address, and after a few a try that comes
    too soon is turned away unread: forget them, so every post is read and checked."""
    db.session.execute(delete(SignInAttempts))
    db.session.commit()


def half_signed_in(scene: Scene, with_second_factor: bool) -> tuple[FlaskClient, str]:
    """A member of staff whose password is checked, on the page for their second factor
    (typing a code, or setting one up)."""
    person = make_staff()
    if with_second_factor:
        person.totp_secret, person.second_factor_at = "JBSWY3DPEHPK3PXP", utcnow()
        db.session.commit()
    client = scene.client()
    token = csrf_token(client.get("/staff/sign-in"))
    scene.csrf_app.config["STAFF_MFA_REQUIRED"] = True
    try:
        signed_in = client.post(
            "/staff/sign-in", data={"csrf_token": token, "email": person.email, "password": PASSWORD}
        )
    finally:
        scene.csrf_app.config["STAFF_MFA_REQUIRED"] = False
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:300]
    return client, urlsplit(signed_in.headers["Location"]).path


def second_factor_targets(with_second_factor: bool) -> Callable[[Scene], Iterator[Target]]:
    def targets(scene: Scene) -> Iterator[Target]:
        client, url = half_signed_in(scene, with_second_factor)
        expected = "/staff/sign-in/code" if with_second_factor else "/staff/sign-in/set-up"
        assert url == expected, url
        yield target_from_page(
            client, url, client.get(url), {"code": "123456"}, after_post=forget_failed_sign_ins
        )

    return targets


def sign_in_again(target: Target, response) -> None:
    if response.status_code == 302 and "/sign-in" in response.headers["Location"]:
        person = db.session.scalars(select(StaffUser).order_by(StaffUser.id.desc())).first()
        token = csrf_token(target.client.get("/staff/sign-in"))
        target.client.post(
            "/staff/sign-in", data={"csrf_token": token, "email": person.email, "password": PASSWORD}
        )
        target.token = csrf_token(target.client.get("/staff/your-account"))


def change_password_targets(scene: Scene) -> Iterator[Target]:
    client, _child, _review, _member = scene.iro()

    def old_password_again(target: Target, response) -> None:
        forget_failed_sign_ins(target, response)
        if response.status_code == 302:  # changed: back to the old one for the next post
            for person in db.session.scalars(select(StaffUser)):
                person.set_password(PASSWORD)
            db.session.commit()
            target.token = csrf_token(target.client.get("/staff/your-account/password"))

    url = "/staff/your-account/password"
    baseline = {"current_password": PASSWORD, "new_password": "a brand new password"}
    yield target_from_page(client, url, client.get(url), baseline, after_post=old_password_again)


def end_session_targets(scene: Scene) -> Iterator[Target]:
    """Ending their own session on another device (ending this one would sign them out)."""
    client, child, _review, _member = scene.iro()
    other_device = StaffSession(
        key_hash="1" * 64, staff_id=child.iro_id, last_seen_at=utcnow(), second_factor_at=utcnow()
    )
    db.session.add(other_device)
    db.session.commit()

    def open_it_again(target: Target, response) -> None:
        db.session.execute(
            update(StaffSession).where(StaffSession.id == other_device.id).values(ended_at=None)
        )
        db.session.commit()

    url = f"/staff/your-account/sessions/{other_device.id}/end"
    yield target_from_page(client, url, client.get("/staff/your-account"), after_post=open_it_again)


def with_second_factor(client: FlaskClient) -> None:
    for person in db.session.scalars(select(StaffUser)):
        person.totp_secret, person.second_factor_at = "JBSWY3DPEHPK3PXP", utcnow()
    db.session.commit()


def new_recovery_codes_targets(scene: Scene) -> Iterator[Target]:
    client, _child, _review, _member = scene.iro()
    with_second_factor(client)
    url = "/staff/your-account/recovery-codes/new"
    yield target_from_page(
        client, url, client.get(url), {"current_password": PASSWORD}, after_post=forget_failed_sign_ins
    )


def recovery_codes_kept_targets(scene: Scene) -> Iterator[Target]:
    client, _child, _review, _member = scene.iro()
    with_second_factor(client)
    token = csrf_token(client.get("/staff/your-account/recovery-codes/new"))
    shown = client.post(
        "/staff/your-account/recovery-codes/new", data={"csrf_token": token, "current_password": PASSWORD}
    )
    assert shown.headers["Location"].endswith("/staff/your-account/recovery-codes")
    page = client.get("/staff/your-account/recovery-codes")
    yield target_from_page(client, "/staff/your-account/recovery-codes/kept", page)


def admin_page(url: str, page: str | None = None, baseline=None, after_post=None):
    """The signed-in administrator's form posting to `url` (which may name {person}), read
    from the page at `page` (the same address unless said)."""

    def targets(scene: Scene) -> Iterator[Target]:
        client, colleague = scene.admin()
        ids = {"person": colleague.id}
        shown = client.get((page or url).format(**ids))
        options = {"after_post": after_post} if after_post else {}
        yield target_from_page(client, url.format(**ids), shown, baseline, **options)

    return targets


def reactivate_targets(scene: Scene) -> Iterator[Target]:
    client, colleague = scene.admin()
    colleague.is_active_account = False
    db.session.commit()

    def deactivate_again(target: Target, response) -> None:
        if response.status_code == 302:  # reactivated: deactivated again for the next post
            db.session.execute(
                update(StaffUser).where(StaffUser.id == colleague.id).values(is_active_account=False)
            )
            db.session.commit()

    url = f"/staff/people/{colleague.id}/reactivate"
    yield target_from_page(
        client, url, client.get(f"/staff/people/{colleague.id}"), after_post=deactivate_again
    )


def bring_back_deactivated_people(target: Target, response) -> None:
    if response.status_code == 302:  # deactivated: active again for the next post
        db.session.execute(update(StaffUser).values(is_active_account=True))
        db.session.commit()


def _open_set_password_link(client: FlaskClient, person: StaffUser) -> None:
    _row, token = staff_accounts.issue_link(person, StaffTokenPurpose.RESET)
    db.session.commit()
    assert client.get("/staff/set-password?" + urlencode({"token": token})).status_code == 302


def set_password_targets(scene: Scene) -> Iterator[Target]:
    person = make_staff()
    client = scene.client()
    _open_set_password_link(client, person)

    def new_link_once_used(target: Target, response) -> None:
        if response.status_code == 302:  # the link has done its work: open a new one
            _open_set_password_link(target.client, person)
            target.token = csrf_token(target.client.get("/staff/set-password"))

    page = client.get("/staff/set-password")
    baseline = {"password": "a long enough password", "password_again": "a long enough password"}
    yield target_from_page(client, "/staff/set-password", page, baseline, after_post=new_link_once_used)


def forgotten_password_targets(scene: Scene) -> Iterator[Target]:
    person = make_staff()
    client = scene.client()
    page = client.get("/staff/forgotten-password")
    yield target_from_page(client, "/staff/forgotten-password", page, {"email": person.email})


SCENES: dict[str, Callable[[Scene], Iterator[Target]]] = {
    "staff.add_child_record": add_child_record_targets,
    "staff.edit_child_record": edit_child_record_targets,
    "staff.move_child_record": move_child_record_targets,
    "staff.child_record_siblings": siblings_targets,
    "staff.unlink_child_record_sibling": unlink_sibling_targets,
    "staff.child_record_leaves_care": leaves_care_targets,
    "staff.import_children": import_targets,
    "staff.confirm_import": confirm_import_targets,
    "staff.add_person": admin_page(
        "/staff/people/new", baseline={"name": "Ann Lee", "email": "ann@example.org", "role": "iro"}
    ),
    "staff.person": admin_page("/staff/people/{person}", baseline={"role": "iro", "team": "North"}),
    "staff.deactivate_person": admin_page(
        "/staff/people/{person}/deactivate",
        "/staff/people/{person}",
        after_post=bring_back_deactivated_people,
    ),
    "staff.reactivate_person": reactivate_targets,
    "staff.send_person_link": admin_page("/staff/people/{person}/send-link", "/staff/people/{person}"),
    "staff.reset_person_second_factor": admin_page(
        "/staff/people/{person}/reset-second-factor", "/staff/people/{person}"
    ),
    "staff.set_password": set_password_targets,
    "staff.subject_access_export": subject_access_targets,
    "staff.second_factor": second_factor_targets(with_second_factor=True),
    "staff.set_up_second_factor": second_factor_targets(with_second_factor=False),
    "staff.change_password": change_password_targets,
    "staff.end_session": end_session_targets,
    "staff.sign_out_everywhere": staff_page(
        "/staff/your-account/sign-out-everywhere", "/staff/your-account", after_post=sign_in_again
    ),
    "staff.new_recovery_codes": new_recovery_codes_targets,
    "staff.recovery_codes_kept": recovery_codes_kept_targets,
    "staff.forgotten_password": forgotten_password_targets,
    "staff.alert": alert_targets,
    "child.tell_my_iro": tell_my_iro_targets,
    "child.message": message_targets,
    "staff.sign_in": sign_in_targets,
    "staff.sign_out": staff_page("/staff/sign-out", "/staff/", after_post=new_token_once_signed_out),
    "staff.send_link": send_link_targets,
    "staff.card": staff_page("/staff/children/{child}/card", "/staff/children/{child}"),
    "child.code_sign_in": code_sign_in_targets,
    "staff.stop_links": staff_page("/staff/children/{child}/links/stop", "/staff/children/{child}"),
    "staff.add_member": staff_page(
        "/staff/children/{child}/circle/new",
        baseline={"name": "Sue Jones", "relationship_key": "foster_carer", "preferred_language": "en"},
    ),
    "staff.edit_member": staff_page(
        "/staff/children/{child}/circle/{member}",
        baseline={"name": "Karen Taylor", "relationship_key": "mother", "email": "karen@example.org"},
    ),
    "staff.remove_member": staff_page(
        "/staff/children/{child}/circle/{member}/remove",
        after_post=bring_back_removed_people,
    ),
    "staff.child_contact": staff_page(
        "/staff/children/{child}/contact", baseline={"email": "sam@example.org"}
    ),
    "staff.invite": invite_targets,
    "staff.letter": letter_targets,
    "child.start_again": start_again_targets,
    "child.question": question_targets("child", "/my-voice/questions/"),
    "child.send": send_targets("child", "/my-voice/check"),
    "respond.question": question_targets("parent", "/your-views/questions/"),
    "respond.send": send_targets("parent", "/your-views/check"),
}


def post_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def test_every_post_endpoint_has_a_scene(app):
    unknown = post_endpoints(app) - SCENES.keys()
    assert not unknown, f"POST endpoints this test cannot fill yet: add a scene for {sorted(unknown)}"
    assert not SCENES.keys() - post_endpoints(app), "scenes for endpoints that take no POST any more"


def test_naughty_input_never_gives_a_server_error(csrf_app, app_context):
    endpoints = post_endpoints(csrf_app)
    assert endpoints <= SCENES.keys(), f"add a scene for {sorted(endpoints - SCENES.keys())}"
    tally = Tally()
    scene = Scene(csrf_app)
    for endpoint in sorted(endpoints):
        targets = list(SCENES[endpoint](scene))
        assert targets, endpoint
        for target in targets:
            target.endpoint = endpoint
            sweep(tally, target)
    assert db.session.scalars(select(Child)).first() is not None  # "DROP TABLE" dropped nothing
    line = f"{tally.posts} posts across {len(tally.endpoints)} endpoints, {len(tally.server_errors)} 5xx"
    print(f"\nnaughty input: {line}")
    assert not tally.server_errors, "\n".join([line, *tally.server_errors[:50]])
    assert not tally.problems, "\n".join(tally.problems[:50])
    assert tally.endpoints == endpoints


# Pages that show what was typed keep it, without control characters, with a kind message.


@pytest.fixture
def person(csrf_app, app_context):
    return Scene(csrf_app)


def post_from(client, page_url: str, url: str, data: dict, status: int):
    """Posts `data` with the token of the page at `page_url`; the answer must be a good page."""
    response = client.post(url, data={"csrf_token": csrf_token(client.get(page_url)), **data})
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if status != 302:
        response.soup = check_page(response)
    return response


def test_sign_in_keeps_the_email_typed_without_control_characters(person):
    make_staff(email="ira@example.org")
    data = {"email": "ira\x00@example\x01.org", "password": "wrong"}
    page = post_from(person.client(), "/staff/sign-in", "/staff/sign-in", data, 400)
    assert "Enter a correct email address and password" in page.soup.select_one(".govuk-error-summary").text
    assert page.soup.find("input", attrs={"name": "email"})["value"] == "ira@example.org"


def test_a_nul_in_a_circle_members_details_is_dropped(person):
    client, child, _review, _member = person.iro()
    url = f"/staff/children/{child.id}/circle/new"
    data = {"name": "Jo\x00 Bloggs", "relationship_key": "mother", "email": "not\x00-an-email"}
    bad = post_from(client, url, url, data, 400)
    assert "correct format" in bad.soup.select_one(".govuk-error-summary").get_text()
    assert bad.soup.find("input", attrs={"name": "name"})["value"] == "Jo Bloggs"
    assert bad.soup.find("input", attrs={"name": "email"})["value"] == "not-an-email"
    post_from(client, url, url, {**data, "email": "jo\x00@example.org"}, 302)
    member = db.session.scalars(select(CircleMember).where(CircleMember.name == "Jo Bloggs")).one()
    assert member.email == "jo@example.org"


def a_file_in(field_name: str) -> dict:
    return {field_name: (io.BytesIO(b"x"), "a.txt")}


def test_files_are_refused_kindly_on_every_kind_of_page(person):
    refused = post_from(person.client(), "/staff/sign-in", "/staff/sign-in", a_file_in("email"), 400)
    assert refused.soup.h1.get_text(strip=True) == "This service does not take files"
    assert "Go back and type your answer instead." in refused.soup.get_text()
    assert refused.soup.select_one(".govuk-exit-this-page") is None  # staff pages stay plain

    client, _token, first = person.child()
    refused = post_from(client, first, first, a_file_in("text"), 400)
    assert refused.soup.select_one(".govuk-exit-this-page") is not None  # a child can still leave quickly
    assert refused.soup.find("a", string="I need help now") is not None

    client, _token, first = person.parent()
    refused = post_from(client, first, first, a_file_in("text"), 400)
    assert refused.soup.find("a", string="Your views") is not None

    client, child, _review, _member = person.iro()
    url = f"/staff/children/{child.id}/contact"
    refused = post_from(client, url, url, {"email": (io.BytesIO(b""), "")}, 400)  # even an empty one
    assert refused.soup.find("button", string="Sign out") is not None


def test_staff_forms_never_hand_a_file_or_a_nul_to_a_validator(app):
    from voice_app.staff.forms import CircleMemberForm, InviteForm, SignInForm

    upload = FileStorage(io.BytesIO(b"x"), filename="a.txt")
    with app.test_request_context(method="POST"):
        form = SignInForm(formdata=MultiDict({"email": upload, "password": "pass\x00word\x1b"}))
        assert not form.validate()
        assert form.errors == {"email": ["Enter your email address"]}
        assert (form.email.data, form.password.data) == (None, "password")
        formdata = MultiDict({"name": "Line\none\ttab\x00\r", "relationship_key": "mother", "email": upload})
        form = CircleMemberForm(formdata=formdata)
        assert form.validate(), form.errors
        assert (form.name.data, form.email.data) == ("Line\none\ttab", None)
        form = InviteForm(formdata=MultiDict([("people", "member:1\x00"), ("people", "child")]))
        assert form.people.data == ["member:1", "child"]
    with app.test_request_context(method="POST", json=["not", "pairs"]):
        form = SignInForm()  # a JSON body is not a form
        assert not form.validate()
        assert form.errors == {"email": ["Enter your email address"], "password": ["Enter your password"]}


def sign_in_and_go(person: Scene, next_page: str) -> None:
    iro = make_staff()
    url = "/staff/sign-in?" + urlencode({"next": next_page})
    signed_in = post_from(person.client(), url, url, {"email": iro.email, "password": PASSWORD}, 302)
    location = signed_in.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")) and location.isprintable()


@pytest.mark.parametrize(
    "next_page", ["/\x00x", "/\tx", "//evil.example", "/\\evil.example", "/%0d%0a", SCRIPT]
)
def test_signing_in_goes_next_only_somewhere_on_this_site(person, next_page):
    sign_in_and_go(person, next_page)


@pytest.mark.parametrize("next_page", ["/\r\nSet-Cookie: x=1", "/\nx"])
def test_a_line_break_in_the_page_to_go_next_is_not_a_server_error(person, next_page):
    sign_in_and_go(person, next_page)


@pytest.mark.parametrize("who", ["child", "parent"])
def test_question_pages_keep_what_was_typed_without_control_characters(person, who):
    client, _token, first = getattr(person, who)()
    data = {"choice": "not a choice", "text": "I like\x00 my\x1b carers\r\nand school"}
    page = post_from(client, first, first, data, 400)
    assert "Choose one of the answers" in page.soup.select_one(".govuk-error-summary").get_text()
    assert page.soup.find("textarea", attrs={"name": "text"}).get_text() == "I like my carers\nand school"
