"""Importing children from a council's files: the children file, the SSDA903 Episodes and
Reviews files, through the data layer and `flask voice import`."""

from datetime import date, timedelta

from sqlalchemy import func, select

from tests.factories import make_child, make_link, make_review, make_staff
from tests.integration.test_iro import sign_in
from voice_app import schedule
from voice_app.data import children, imports
from voice_app.data.database import db
from voice_app.models import AccessLink, AuditEvent, CarePeriod, Child, Review, StaffRole, utcnow
from voice_app.vocabulary import Participation

HEADER = "child_id,first_name,last_name,preferred_name,date_of_birth,iro_email,preferred_language\n"


def csv(text: str) -> bytes:
    return "\n".join(line.strip() for line in text.strip().splitlines()).encode() + b"\n"


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Child, CarePeriod, Review, AccessLink)
    )


def children_file(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def _iro(email="ira@example.org"):
    return make_staff(email=email)


def test_children_with_episodes_and_reviews_come_in_with_their_history(app_context):
    iro = _iro()
    report = imports.apply(
        None,
        children_file(
            "C1,Sam,Taylor,Sammy,03/04/2014,IRA@example.org,en",
            "C2,Leo,Brown,,2012-05-06,ira@example.org,Polish",
        ),
        csv("""
            CHILD,DECOM,RNE,LS,CIN,PLACE,DEC,REC
            C1,03/04/2023,S,C2,N1,U1,02/10/2023,X1
            C1,02/10/2023,P,C2,N1,U3,28/06/2024,E4A
            C1,10/11/2025,S,C2,N1,U1,,
            C2,01/02/2024,S,V2,N1,U1,,
        """),
        csv("""
            CHILD,DOB,REVIEW,REVIEW_CODE
            C1,03/04/2014,28/04/2023,PN1
            C1,03/04/2014,20/07/2023,PN6
            C1,03/04/2014,01/12/2025,PN6
        """),
        today=date(2026, 1, 15),
    )
    db.session.commit()
    assert report.ok, report.problems
    assert (report.added, report.changed, report.reviews_recorded) == (2, 0, 3)
    sam = db.session.scalars(select(Child).where(Child.child_ref == "C1")).one()
    assert (sam.preferred_name, sam.known_as, sam.iro_id) == ("Sammy", "Sammy", iro.id)
    assert sam.looked_after_since == date(2025, 11, 10) and sam.left_care_on is None
    periods = [(p.started_on, p.ended_on, p.end_reason) for p in children.care_periods(sam)]
    assert periods == [(date(2023, 4, 3), date(2024, 6, 28), "E4A"), (date(2025, 11, 10), None, None)]
    leo = db.session.scalars(select(Child).where(Child.child_ref == "C2")).one()
    assert leo.preferred_language == "pl" and leo.preferred_name is None
    held = db.session.scalars(select(Review).where(Review.child_id == sam.id).order_by(Review.held_on)).all()
    assert [(r.number, r.held_on, r.participation_code, r.iro_id) for r in held] == [
        (1, date(2023, 4, 28), Participation.PN1, iro.id),
        (2, date(2023, 7, 20), Participation.PN6, iro.id),
        (3, date(2025, 12, 1), Participation.PN6, iro.id),
    ]
    # Each review's latest lawful date follows the reviews before it in its own period.
    assert held[0].due_on == schedule.first_review_due(date(2023, 4, 3))
    assert held[2].due_on == schedule.first_review_due(date(2025, 11, 10))
    # The imports are in the audit trail, as the service's own doing.
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "child_added_by_import")
        )
        == 2
    )


def test_the_caseload_shows_the_due_date_from_the_second_period_and_its_last_review(client):
    """Two periods in care, two reviews held in the second: the next is due 6 months after
    the second of them, whatever the reviews of the first period were."""
    iro = _iro()
    report = imports.apply(
        None,
        children_file("C9,Maya,Singh,,01/01/2012,ira@example.org,"),
        csv("""
            CHILD,DECOM,RNE,DEC,REC
            C9,06/01/2020,S,30/09/2021,E13
            C9,02/03/2026,S,,
        """),
        csv("""
            CHILD,DOB,REVIEW,REVIEW_CODE
            C9,01/01/2012,31/01/2020,PN1
            C9,01/01/2012,27/03/2026,PN6
            C9,01/01/2012,15/06/2026,PN1
        """),
        today=date(2026, 7, 1),
    )
    assert report.ok, report.problems
    db.session.commit()
    [row] = children.caseload(iro)
    assert row.next_review is None
    assert row.due_on == schedule.following_review_due(date(2026, 6, 15), 2) == date(2026, 12, 15)
    sign_in(client, iro)
    assert "15 Dec 2026" in client.get("/staff/").soup.select_one(".voice-caseload tbody").get_text()


FILES = (
    children_file(
        "C1,Sam,Taylor,,03/04/2014,ira@example.org,en", "C2,Leo,Brown,,06/05/2012,ira@example.org,cy"
    ),
    csv("""
        CHILD,DECOM,RNE,DEC,REC
        C1,03/04/2023,S,02/10/2023,X1
        C1,02/10/2023,P,,
        C2,01/02/2024,S,01/08/2025,E41
    """),
    csv("""
        CHILD,DOB,REVIEW,REVIEW_CODE
        C1,03/04/2014,28/04/2023,PN1
    """),
)


def test_the_same_files_twice_change_nothing(app_context):
    _iro()
    first = imports.apply(None, *FILES)
    db.session.commit()
    assert (first.added, first.left_care) == (2, 1)
    before = counts()
    trail = db.session.scalar(select(func.count()).select_from(AuditEvent))
    second = imports.apply(None, *FILES)
    db.session.commit()
    assert (second.added, second.changed, second.unchanged, second.reviews_recorded) == (0, 0, 2, 0)
    assert second.changes == []
    assert counts() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == trail


def test_a_preview_says_what_would_change_and_writes_nothing(app_context):
    _iro()
    report = imports.preview(*FILES)
    assert report.ok and not report.applied
    assert (report.added, report.left_care, report.reviews_recorded) == (2, 1, 1)
    assert [(c.child_ref, c.added) for c in report.changes] == [("C1", True), ("C2", True)]
    assert counts() == (0, 0, 0, 0)
    assert report.fingerprint == imports.fingerprint(*FILES)
    assert report.fingerprint != imports.fingerprint(FILES[0], None, None)


EVERY_KIND_OF_ERROR = (
    (
        HEADER
        + "C1,Sam,Taylor,,31/02/2014,ira@example.org,en\n"  # no such date
        + "C2,Leo,Brown,,06/05/2012,nobody@example.org,en\n"  # unknown IRO
        + "C3,Mia,Jones,,06/05/2012,boss@example.org,en\n"  # not an IRO
        + "C2,Leo,Brown,,06/05/2012,ira@example.org,en\n"  # duplicate child id
        + "C4,Ava,Khan,,06/05/2012,ira@example.org,klingon\n"  # unknown language
        + "C5,Zoe,Hill,,2012-13-01,ira@example.org,en\n"  # bad ISO date
        + "C6,,Hill,,06/05/2012,ira@example.org,en\n"  # no first name
        + "C7,Eli,Stone,,06/05/2012,ira@example.org,en\n"  # new, no start of care given
    ).encode(),
    csv("""
        CHILD,DECOM,RNE,DEC
        C1,03/04/2023,S,
    """),
    csv("""
        CHILD,DOB,REVIEW,REVIEW_CODE
        C2,06/05/2012,28/04/2023,PN9
        C8,06/05/2012,28/04/2023,PN1
        C7,07/05/2012,01/05/2023,PN1
    """),
)


def test_a_file_with_every_kind_of_error_imports_nothing_and_lists_every_problem(app_context):
    _iro()
    make_staff(role=StaffRole.MANAGER, email="boss@example.org")
    report = imports.apply(None, *EVERY_KIND_OF_ERROR)
    assert not report.ok and not report.applied
    found = {(p.file, p.row, p.column, p.value) for p in report.problems}
    assert found == {
        ("children", 2, "date_of_birth", "31/02/2014"),
        ("children", 3, "iro_email", "nobody@example.org"),
        ("children", 4, "iro_email", "boss@example.org"),
        ("children", 5, "child_id", "C2"),
        ("children", 6, "preferred_language", "klingon"),
        ("children", 7, "date_of_birth", "2012-13-01"),
        ("children", 8, "first_name", None),
        ("children", 9, "looked_after_since", None),
        # The episodes file was refused, so these new children have no start of care either.
        ("children", 3, "looked_after_since", None),
        ("children", 4, "looked_after_since", None),
        ("episodes", 1, "REC", None),  # a missing column
        ("reviews", 2, "REVIEW_CODE", "PN9"),
        ("reviews", 3, "CHILD", "C8"),
        ("reviews", 4, "DOB", "07/05/2012"),
    }
    words = {p.column: p.why for p in report.problems}
    assert "dd/mm/yyyy" in words["date_of_birth"]
    assert "No member of staff has this email address" in next(
        p.why for p in report.problems if p.value == "nobody@example.org"
    )
    assert "also on row 3" in words["child_id"]
    assert counts() == (0, 0, 0, 0)


def test_a_dec_before_decom_and_overlapping_episodes_are_problems(app_context):
    _iro()
    report = imports.apply(
        None,
        children_file(
            "C1,Sam,Taylor,,03/04/2014,ira@example.org,en", "C2,Leo,Brown,,06/05/2012,ira@example.org,"
        ),
        csv("""
            CHILD,DECOM,RNE,DEC,REC
            C1,03/04/2023,S,01/04/2023,E13
            C2,01/02/2024,S,,
            C2,01/03/2024,P,,
            C2,01/03/2024,Q,,
            C3,01/03/2024,S,,
        """),
    )
    found = {(p.row, p.column): p.why for p in report.problems}
    assert "ends (DEC) before it starts (DECOM)" in found[(2, "DEC")]
    assert "row 3" in found[(4, "DECOM")]  # overlaps the open episode on row 3
    assert "one of S, L, P, T, U or B" in found[(5, "RNE")]
    assert "another episode starting that day" in found[(5, "DECOM")]
    assert "not in the children file" in found[(6, "CHILD")]
    assert counts() == (0, 0, 0, 0)


def test_a_child_who_left_care_in_the_episodes_has_their_links_stopped_and_no_next_review(app_context):
    iro = _iro()
    imports.apply(None, *FILES[:2])
    db.session.commit()
    sam = db.session.scalars(select(Child).where(Child.child_ref == "C1")).one()
    token = make_link(sam)
    left = imports.apply(
        None,
        FILES[0],
        csv("""
            CHILD,DECOM,RNE,DEC,REC
            C1,03/04/2023,S,02/10/2023,X1
            C1,02/10/2023,P,01/12/2025,E11
            C2,01/02/2024,S,01/08/2025,E41
        """),
        today=date(2026, 1, 5),
    )
    db.session.commit()
    assert (left.changed, left.left_care) == (1, 1)
    assert [c.what for c in left.changes] == [["care_history", "left_care"]]
    db.session.refresh(sam)
    assert sam.left_care_on == date(2025, 12, 1)
    assert db.session.scalars(select(AccessLink).where(AccessLink.child_id == sam.id)).one().revoked_at
    assert children.caseload(iro) == []
    assert token


def test_an_iro_change_in_the_file_moves_the_child_and_past_reviews_keep_their_iro(app_context):
    ira = _iro()
    other = _iro("other@example.org")
    child_row = "C1,Sam,Taylor,,03/04/2014,{},en"
    first = imports.apply(
        None,
        children_file(child_row.format("ira@example.org")),
        csv("""
            CHILD,DECOM,RNE,DEC,REC
            C1,03/04/2023,S,,
        """),
        FILES[2],
    )
    db.session.commit()
    assert first.ok, first.problems
    moved = imports.apply(None, children_file(child_row.format("other@example.org")))
    db.session.commit()
    assert (moved.moved, moved.changed) == (1, 1)
    sam = db.session.scalars(select(Child).where(Child.child_ref == "C1")).one()
    assert sam.iro_id == other.id
    assert [r.iro_id for r in sam.reviews if r.held_on] == [ira.id]
    assert [row.child.id for row in children.caseload(other)] == [sam.id]


def test_a_review_the_service_was_waiting_for_is_the_one_recorded_as_held(app_context):
    """The review the child's views went to is the one the file says was held: the views
    stay with it, and the next review follows it."""
    iro = _iro()
    child = make_child(iro, looked_after_since=date.today() - timedelta(days=400))
    child.child_ref = "C1"
    first = make_review(
        child,
        number=1,
        held_on=date.today() - timedelta(days=380),
        scheduled_for=date.today() - timedelta(days=380),
    )
    waiting = make_review(child, number=2, due_on=date.today() + timedelta(days=3))
    waiting.created_at = utcnow() - timedelta(days=30)
    held_on = date.today() - timedelta(days=1)
    born = child.date_of_birth.strftime("%d/%m/%Y")
    report = imports.apply(
        None,
        children_file(f"C1,{child.first_name},{child.last_name},,{born},{iro.email},en"),
        None,
        csv(f"""
            CHILD,DOB,REVIEW,REVIEW_CODE
            C1,{born},{first.held_on.strftime("%d/%m/%Y")},PN1
            C1,{born},{held_on.strftime("%d/%m/%Y")},PN6
        """),
    )
    db.session.commit()
    assert report.ok and report.reviews_recorded == 1
    db.session.refresh(waiting)
    assert (waiting.held_on, waiting.participation_code, waiting.iro_id) == (
        held_on,
        Participation.PN6,
        iro.id,
    )
    assert db.session.scalar(select(func.count()).select_from(Review)) == 2
    [row] = children.caseload(iro)
    assert row.due_on == schedule.following_review_due(held_on, 2)


def test_a_rule_made_review_takes_the_due_date_of_the_imported_history(app_context):
    iro = _iro()
    child = make_child(iro, looked_after_since=date.today() - timedelta(days=10))
    child.child_ref = "C1"
    rule_made = Review(
        child_id=child.id, number=1, due_on=date.today() + timedelta(days=5), created_by_rule=True
    )
    db.session.add(rule_made)
    db.session.commit()
    born = child.date_of_birth.strftime("%d/%m/%Y")
    came_in = date.today() - timedelta(days=3)
    imports.apply(
        None,
        children_file(f"C1,{child.first_name},{child.last_name},,{born},{iro.email},en"),
        csv(f"""
            CHILD,DECOM,RNE,DEC,REC
            C1,{came_in.strftime("%d/%m/%Y")},S,,
        """),
    )
    db.session.commit()
    db.session.refresh(rule_made)
    assert rule_made.due_on == schedule.first_review_due(came_in)


def test_a_new_child_without_episodes_needs_looked_after_since(app_context):
    _iro()
    header = HEADER.strip() + ",looked_after_since\n"
    report = imports.apply(
        None, (header + "C1,Sam,Taylor,,03/04/2014,ira@example.org,,01/09/2025\n").encode()
    )
    db.session.commit()
    assert report.ok and report.added == 1
    sam = db.session.scalars(select(Child)).one()
    assert sam.looked_after_since == date(2025, 9, 1)
    assert [(p.started_on, p.ended_on) for p in children.care_periods(sam)] == [(date(2025, 9, 1), None)]


def test_excel_files_with_a_bom_and_any_header_case_are_read_and_other_encodings_refused(app_context):
    _iro()
    excel = "\ufeffChild ID,First Name,Last Name,Date of birth,IRO email,Notes,Looked after since\r\n"
    excel += "C1,Zoë,Łukasiewicz,03/04/2014,ira@example.org,anything,01/09/2025\r\n"
    report = imports.apply(None, excel.encode("utf-8"))
    db.session.commit()
    assert report.ok, report.problems
    assert db.session.scalars(select(Child.first_name)).one() == "Zoë"
    refused = imports.apply(None, excel.replace("\ufeff", "").replace("Ł", "L").encode("cp1252"))
    assert [(p.row, p.why[:26]) for p in refused.problems] == [(None, "The file is not in UTF-8. ")]


def test_the_command_imports_and_prints_counts(app, app_context, tmp_path):
    _iro()
    paths = []
    for name, data in zip(("children", "episodes", "reviews"), FILES, strict=True):
        path = tmp_path / f"{name}.csv"
        path.write_bytes(data)
        paths += [f"--{name}", str(path)]
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["voice", "import", *paths, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run, nothing was changed. The import would have: added 2" in dry.output
    assert counts() == (0, 0, 0, 0)
    done = runner.invoke(args=["voice", "import", *paths])
    assert done.exit_code == 0, done.output
    assert "added 2, changed 0" in done.output and "left care 1" in done.output
    again = runner.invoke(args=["voice", "import", *paths])
    assert "added 0, changed 0, unchanged 2" in again.output


def test_the_command_lists_every_problem_and_exits_non_zero(app, app_context, tmp_path, caplog):
    _iro()
    make_staff(role=StaffRole.MANAGER, email="boss@example.org")
    paths = []
    for name, data in zip(("children", "episodes", "reviews"), EVERY_KIND_OF_ERROR, strict=True):
        path = tmp_path / f"{name}.csv"
        path.write_bytes(data)
        paths += [f"--{name}", str(path)]
    result = app.test_cli_runner().invoke(args=["voice", "import", *paths])
    assert result.exit_code == 1
    assert "Nothing was imported: 14 problem(s)" in result.output
    assert 'Children file, row 2, column date_of_birth: "31/02/2014" This is not a date' in result.output
    assert "Episodes file (SSDA903), row 1, column REC: This column is missing" in result.output
    assert counts() == (0, 0, 0, 0)
    # Nothing from the refused files reaches a log.
    assert "Taylor" not in caplog.text and "31/02/2014" not in caplog.text


def test_a_child_added_by_hand_without_a_child_id_is_found_by_name_and_birth_not_added_twice(app_context):
    iro = _iro()
    by_hand = make_child(iro, first_name="Sam", looked_after_since=date(2025, 9, 1), with_period=True)
    twin_names = [make_child(iro, first_name="Alex") for _ in range(2)]
    twin_names[1].last_name = twin_names[0].last_name
    db.session.commit()
    born = by_hand.date_of_birth.strftime("%d/%m/%Y")
    alex_born = twin_names[0].date_of_birth.strftime("%d/%m/%Y")
    report = imports.apply(
        None,
        children_file(
            f"C1,SAM,{by_hand.last_name.lower()},,{born},ira@example.org,en",
            f"C2,Alex,{twin_names[0].last_name},,{alex_born},ira@example.org,en",
        ),
        csv("""
            CHILD,DECOM,RNE,DEC,REC
            C1,01/09/2025,S,,
            C2,01/09/2025,S,,
        """),
    )
    db.session.commit()
    assert (report.added, report.changed) == (1, 1)
    db.session.refresh(by_hand)
    assert (by_hand.child_ref, by_hand.first_name) == ("C1", "SAM")
    # Two children alike: the import cannot tell which, so it adds the row as a new child.
    assert [child.child_ref for child in twin_names] == [None, None]
    assert db.session.scalar(select(func.count()).select_from(Child)) == 4


def test_a_child_who_left_care_by_hand_stays_left_until_a_new_period_starts_after(app_context):
    iro = _iro()
    header = HEADER.strip() + ",looked_after_since\n"
    since = date(2025, 9, 1)

    def with_start(day: date) -> bytes:
        return (header + f"C1,Sam,Taylor,,03/04/2014,ira@example.org,,{day:%d/%m/%Y}\n").encode()

    imports.apply(None, with_start(since))
    db.session.commit()
    sam = db.session.scalars(select(Child)).one()
    children.leave_care(iro, sam, date(2026, 3, 2))
    db.session.commit()
    again = imports.apply(None, with_start(since))
    db.session.commit()
    assert (again.changed, again.unchanged) == (0, 1)
    assert sam.left_care_on == date(2026, 3, 2)
    back = imports.apply(None, with_start(date(2026, 6, 1)))
    db.session.commit()
    assert (back.changed, back.back_in_care) == (1, 1)
    assert (sam.left_care_on, sam.looked_after_since) == (None, date(2026, 6, 1))
    assert [(p.started_on, p.ended_on) for p in children.care_periods(sam)] == [
        (since, date(2026, 3, 2)),
        (date(2026, 6, 1), None),
    ]


def test_the_command_says_so_when_another_import_ran_at_the_same_time(
    app, app_context, tmp_path, monkeypatch
):
    from sqlalchemy.exc import IntegrityError

    _iro()
    paths = []
    for name, data in zip(("children", "episodes"), FILES, strict=False):
        (tmp_path / name).write_bytes(data)
        paths += [f"--{name}", str(tmp_path / name)]

    def clash():
        raise IntegrityError(
            "INSERT INTO child ...", {"first_name": "Sam", "last_name": "Taylor"}, Exception()
        )

    monkeypatch.setattr(db.session, "commit", clash)
    result = app.test_cli_runner().invoke(args=["voice", "import", *paths])
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "Another import changed these children at the same time" in result.output
    assert "Taylor" not in result.output
    db.session.rollback()
    assert counts() == (0, 0, 0, 0)
