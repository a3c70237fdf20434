"""Importing the council's files from the pages: upload, a preview of what will change or
of every problem (nothing imported), then "Confirm and import" with the same files again.
Nothing of the files is kept on the server between the two steps."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import make_staff
from tests.integration.test_import import EVERY_KIND_OF_ERROR, FILES, counts
from tests.integration.test_iro import sign_in
from voice_app import schedule
from voice_app.data import children, imports
from voice_app.data.database import db
from voice_app.input_guard import IMPORT_MAX_BYTES
from voice_app.models import AuditEvent, Child
from voice_app.vocabulary import StaffRole

IMPORT = "/staff/children-records/import"
CONFIRM = "/staff/children-records/import/confirm"


@pytest.fixture
def manager(app_context):
    return make_staff(role=StaffRole.MANAGER, name="Jo Green", email="jo@example.org")


def upload(children_file=None, episodes=None, reviews=None, **form) -> dict:
    data = dict(form)
    for name, content in (("children", children_file), ("episodes", episodes), ("reviews", reviews)):
        if content is not None:
            data[name] = (io.BytesIO(content), f"{name}.csv", "text/csv")
    return data


def post(client, url, data, expect):
    return client.post(url, data=data, content_type="multipart/form-data", expect=expect)


def test_a_manager_previews_then_confirms_and_the_iros_caseload_has_the_children(client, manager):
    iro = make_staff(email="ira@example.org")
    sign_in(client, manager)
    page = client.get(IMPORT)
    assert [i["name"] for i in page.soup.select("input[type=file]")] == ["children", "episodes", "reviews"]
    assert page.soup.select_one("form[enctype='multipart/form-data']")
    preview = post(client, IMPORT, upload(*FILES), 200)
    assert preview.soup.h1.get_text(strip=True) == "Check what the import will change"
    shown = preview.soup.select_one("#counts").get_text(" ", strip=True)
    assert "Children added 2" in shown and "Left care 1" in shown and "Reviews recorded as held 1" in shown
    changes = [li.get_text(" ", strip=True) for li in preview.soup.select("#changes li")]
    assert changes == ["Sam Taylor (C1): added", "Leo Brown (C2): added"]
    assert counts() == (0, 0, 0, 0)  # a preview writes nothing
    fingerprint = preview.soup.find("input", attrs={"name": "fingerprint"})["value"]
    assert fingerprint == imports.fingerprint(*FILES)
    # "Confirm and import" asks for the same files again.
    assert [i["name"] for i in preview.soup.select(f"form[action='{CONFIRM}'] input[type=file]")] == [
        "children",
        "episodes",
        "reviews",
    ]
    done = post(client, CONFIRM, upload(*FILES, fingerprint=fingerprint), 302)
    assert done.headers["Location"] == "/staff/children-records"
    listed = client.get("/staff/children-records")
    assert (
        "The files are imported: 2 added" in listed.soup.select_one(".govuk-notification-banner").get_text()
    )
    sam = db.session.scalars(select(Child).where(Child.child_ref == "C1")).one()
    [row] = children.caseload(iro)
    assert row.child.id == sam.id  # Leo left care: not on the caseload
    assert row.due_on == schedule.following_review_due(date(2023, 4, 28), 1)
    imported = (
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "child_added_by_import", AuditEvent.actor_id == manager.id)
    )
    assert db.session.scalar(imported) == 2


def test_the_same_files_twice_change_nothing(client, manager):
    make_staff(email="ira@example.org")
    sign_in(client, manager)
    post(client, CONFIRM, upload(*FILES, fingerprint=imports.fingerprint(*FILES)), 302)
    before = counts()
    again = post(client, IMPORT, upload(*FILES), 200)
    assert again.soup.select_one("#no-changes")
    assert "Children unchanged 2" in again.soup.select_one("#counts").get_text(" ", strip=True)
    trail = db.session.scalar(select(func.count()).select_from(AuditEvent))
    post(client, CONFIRM, upload(*FILES, fingerprint=imports.fingerprint(*FILES)), 302)
    assert counts() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == trail


def test_a_file_with_every_kind_of_error_lists_every_problem_and_imports_nothing(client, manager):
    make_staff(email="ira@example.org")
    make_staff(role=StaffRole.MANAGER, email="boss@example.org")
    sign_in(client, manager)
    for url, extra in ((IMPORT, {}), (CONFIRM, {"fingerprint": imports.fingerprint(*EVERY_KIND_OF_ERROR)})):
        page = post(client, url, upload(*EVERY_KIND_OF_ERROR, **extra), 400)
        assert page.soup.h1.get_text(strip=True) == "The files have problems: nothing was imported"
        rows = [
            [cell.get_text(" ", strip=True) for cell in tr.select("td")]
            for tr in page.soup.select("#problems tbody tr")
        ]
        assert len(rows) == 14
        assert ["Children file, row 2, column date_of_birth", "31/02/2014"] == rows[0][:2]
        assert "dd/mm/yyyy" in rows[0][2]
        assert ["Episodes file (SSDA903), row 1, column REC", ""] == rows[10][:2]
        assert any(r[:2] == ["Reviews file (SSDA903), row 2, column REVIEW_CODE", "PN9"] for r in rows)
        assert "Taylor" not in page.get_data(as_text=True)  # names are never echoed
        # And the corrected files can be chosen again on the same page.
        assert page.soup.select(f"form[action='{IMPORT}'] input[type=file]")
    assert counts() == (0, 0, 0, 0)


def test_files_that_are_not_the_ones_previewed_are_previewed_not_imported(client, manager):
    make_staff(email="ira@example.org")
    sign_in(client, manager)
    preview = post(client, IMPORT, upload(*FILES), 200)
    fingerprint = preview.soup.find("input", attrs={"name": "fingerprint"})["value"]
    other = post(client, CONFIRM, upload(FILES[0], FILES[1], fingerprint=fingerprint), 400)
    assert "not the files you previewed" in other.soup.select_one(".govuk-warning-text").get_text()
    assert other.soup.find("input", attrs={"name": "fingerprint"})["value"] == imports.fingerprint(
        FILES[0], FILES[1], None
    )
    post(client, CONFIRM, upload(*FILES), 400)  # no fingerprint at all: a preview first
    assert counts() == (0, 0, 0, 0)


def test_bad_uploads_get_kind_messages(client, manager):
    make_staff(email="ira@example.org")
    sign_in(client, manager)
    nothing = post(client, IMPORT, upload(), 400)
    assert "Choose the children file" in nothing.soup.select_one(".govuk-error-summary").get_text()
    only_episodes = post(client, IMPORT, upload(None, FILES[1]), 400)
    assert "Choose the children file" in only_episodes.soup.select_one(".govuk-error-summary").get_text()
    empty = post(client, IMPORT, upload(b""), 400)
    assert "The file you chose is empty" in empty.soup.select_one(".govuk-error-summary").get_text()
    latin = FILES[0].replace(b"Sam", "Zoë".encode()).decode().encode("cp1252")
    encoding = post(client, IMPORT, upload(latin), 400)
    assert "not in UTF-8" in encoding.soup.select_one("#problems").get_text()
    pdf = post(client, IMPORT, upload(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n"), 400)
    assert pdf.soup.select("#problems tbody tr")
    spreadsheet = post(client, IMPORT, upload(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256))), 400)
    assert spreadsheet.soup.select("#problems tbody tr")
    assert counts() == (0, 0, 0, 0)


def test_files_beyond_the_forms_limit_are_taken_in_memory_and_beyond_the_imports_limit_refused(
    client, manager, monkeypatch
):
    import werkzeug.formparser

    make_staff(email="ira@example.org")
    sign_in(client, manager)

    def no_temporary_files(*args, **kwargs):
        raise AssertionError("an uploaded file went to a temporary file on disk")

    monkeypatch.setattr(werkzeug.formparser, "SpooledTemporaryFile", no_temporary_files)
    monkeypatch.setattr(werkzeug.formparser, "TemporaryFile", no_temporary_files, raising=False)
    header, *rows = FILES[0].decode().splitlines()
    padding = "x" * 900
    wide = "\n".join([header + ",notes", *(row + "," + padding for row in rows * 500)]) + "\n"
    assert 800_000 < len(wide) < IMPORT_MAX_BYTES  # well past the 256 KB every other page takes
    big = post(client, IMPORT, upload(wide.encode()), 400)
    assert "also on row 2" in big.soup.select_one("#problems").get_text()  # read whole: duplicates
    too_big = post(client, IMPORT, upload(b"child_id\n" + b"C1\n" * (IMPORT_MAX_BYTES // 3 + 10)), 413)
    assert too_big.soup.h1.get_text(strip=True) == "That was too much to send at once"
    assert "up to 20 MB" in too_big.soup.get_text()
    assert counts() == (0, 0, 0, 0)


def test_every_other_page_still_refuses_files(client, manager):
    sign_in(client, manager)
    refused = client.post(
        "/staff/children-records/new",
        data={"first_name": (io.BytesIO(b"x"), "a.csv")},
        content_type="multipart/form-data",
        expect=400,
    )
    assert refused.soup.h1.get_text(strip=True) == "This service does not take files"
    big = client.post("/staff/children-records/new", data={"first_name": "x" * (300 * 1024)}, expect=413)
    assert "Go back, make your answer shorter" in big.soup.get_text()


def test_an_iro_and_an_administrator(client, app_context):
    iro = make_staff(email="ira@example.org")
    sign_in(client, iro)
    post(client, IMPORT, upload(*FILES), 404)
    post(client, CONFIRM, upload(*FILES, fingerprint=imports.fingerprint(*FILES)), 404)
    client.post("/staff/sign-out")
    sign_in(client, make_staff(role=StaffRole.ADMIN, email="admin@example.org"))
    post(client, CONFIRM, upload(*FILES, fingerprint=imports.fingerprint(*FILES)), 302)
    assert counts()[0] == 2
