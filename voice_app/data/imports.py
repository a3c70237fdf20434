"""Bringing children in from a council's files: the children file, and optionally the
SSDA903 Episodes and Reviews files (voice_app/imports/ reads them).

`preview` says what an import would change and writes nothing; `apply` makes the same
changes (the caller commits: one transaction, so it all lands or none of it does). Both
refuse files with any problem and list every one; nothing from a refused file is written
anywhere. Importing the same files again changes nothing: children are matched by the
council's child id (a child added by hand without one, by their names and date of birth, when
only one child and one row are alike), periods in care by their start, reviews by the day
they were held.

What an import does to a child already here:
- names, date of birth, language and IRO follow the children file (a new IRO is a move:
  the reviews already held keep the IRO they had);
- for a child in the episodes file, their periods in care are the ones the episodes give
  (the file is the council's record); the last one's start is `looked_after_since`, and a
  child whose last period ended has left care (links stopped, no more invitations);
- each review in the reviews file is recorded as held, with how the child took part: the
  review the service was waiting for, if it already had it then, or a new one;
- a child not in the children file is left as they are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from voice_app import care_history, schedule
from voice_app.care_history import Period
from voice_app.data import audit, children, reviews
from voice_app.data.database import db
from voice_app.imports import Files, read_files
from voice_app.imports.children import ChildRow
from voice_app.imports.problems import CHILDREN, Problem, sorted_problems
from voice_app.imports.reviews import ReviewRow
from voice_app.models import CarePeriod, Child, Review, StaffUser
from voice_app.vocabulary import StaffRole


@dataclass
class ChildChange:
    """One child the import adds or changes, for the preview page."""

    child_ref: str
    name: str
    added: bool
    what: list[str] = field(default_factory=list)  # keys of CHANGE_WORDS


CHANGE_WORDS = {
    "details": _l("name, date of birth or language"),
    "iro": _l("moves to another IRO"),
    "care_history": _l("periods in care"),
    "left_care": _l("leaves care"),
    "back_in_care": _l("back in care"),
    "reviews": _l("reviews held"),
}


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    moved: int = 0
    left_care: int = 0
    back_in_care: int = 0
    reviews_recorded: int = 0
    changes: list[ChildChange] = field(default_factory=list)
    fingerprint: str = ""  # of the files: a confirm page can check it applies what it showed
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def fingerprint(*files: bytes | None) -> str:
    digest = hashlib.sha256()
    for data in files:
        digest.update(b"-" if data is None else hashlib.sha256(data).digest())
    return digest.hexdigest()


def preview(
    children_file: bytes,
    episodes_file: bytes | None = None,
    reviews_file: bytes | None = None,
    today: date | None = None,
) -> ImportReport:
    """What importing these files would change; writes nothing."""
    return _run(None, children_file, episodes_file, reviews_file, today, write=False)


def apply(
    actor: StaffUser | None,
    children_file: bytes,
    episodes_file: bytes | None = None,
    reviews_file: bytes | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import these files (the caller commits), or change nothing if any has a problem.
    `actor` is the member of staff importing, or None for the service itself (the nightly
    command)."""
    return _run(actor, children_file, episodes_file, reviews_file, today, write=True)


def _run(
    actor: StaffUser | None,
    children_file: bytes,
    episodes_file: bytes | None,
    reviews_file: bytes | None,
    today: date | None,
    write: bool,
) -> ImportReport:
    today = today or date.today()
    files = read_files(children_file, episodes_file, reviews_file, today)
    report = ImportReport(
        problems=files.problems, fingerprint=fingerprint(children_file, episodes_file, reviews_file)
    )
    iros = _iros(files.children, report.problems)
    existing = _existing(files.children)
    _need_a_start(files, existing, report.problems)
    if report.problems:
        report.problems = sorted_problems(report.problems)
        return report
    with db.session.no_autoflush:
        _Importer(actor, files, iros, existing, report, write).run()
    report.applied = write
    return report


def _iros(rows: Sequence[ChildRow], problems: list[Problem]) -> dict[str, StaffUser]:
    emails = {row.iro_email for row in rows}
    found = (
        {
            person.email.lower(): person
            for person in db.session.scalars(select(StaffUser).where(func.lower(StaffUser.email).in_(emails)))
        }
        if emails
        else {}
    )
    for row in rows:
        person = found.get(row.iro_email)
        if person is None:
            why = _l("No member of staff has this email address: add the IRO on the Staff pages first.")
        elif person.role != StaffRole.IRO:
            why = _l("This member of staff is not an IRO.")
        elif not person.is_active_account:
            why = _l("This IRO's account is switched off.")
        else:
            continue
        problems.append(Problem(CHILDREN, row.row, "iro_email", row.iro_email, str(why)))
    return found


@dataclass
class _Known:
    child: Child
    periods: list[CarePeriod]
    reviews: list[Review]


def _existing(rows: Sequence[ChildRow]) -> dict[str, _Known]:
    """The children of these rows already here, with their periods and reviews: three
    queries, whatever the number of children."""
    refs = [row.child_ref for row in rows]
    known: dict[str, _Known] = {}
    for chunk in _chunks(refs):
        for child in db.session.scalars(select(Child).where(Child.child_ref.in_(chunk))):
            known[child.child_ref or ""] = _Known(child, [], [])
    _added_by_hand(rows, known)
    by_id = {entry.child.id: entry for entry in known.values()}
    for chunk in _chunks(list(by_id)):
        for period in db.session.scalars(
            select(CarePeriod).where(CarePeriod.child_id.in_(chunk)).order_by(CarePeriod.started_on)
        ):
            by_id[period.child_id].periods.append(period)
        for review in db.session.scalars(
            select(Review).where(Review.child_id.in_(chunk)).order_by(Review.id)
        ):
            by_id[review.child_id].reviews.append(review)
    return known


def _added_by_hand(rows: Sequence[ChildRow], known: dict[str, _Known]) -> None:
    """A child added by hand without the council's id is the row with the same names and
    date of birth, if only one child and one row are alike: the import gives them the id
    rather than adding them twice."""
    unmatched = [row for row in rows if row.child_ref not in known]
    if not unmatched:
        return
    candidates: dict[tuple[str, str, date], list[Child]] = {}
    for chunk in _chunks(sorted({row.date_of_birth for row in unmatched})):
        for child in db.session.scalars(
            select(Child).where(Child.child_ref.is_(None), Child.date_of_birth.in_(chunk))
        ):
            candidates.setdefault(_alike(child.first_name, child.last_name, child.date_of_birth), []).append(
                child
            )
    rows_alike: dict[tuple[str, str, date], int] = {}
    for row in rows:
        key = _alike(row.first_name, row.last_name, row.date_of_birth)
        rows_alike[key] = rows_alike.get(key, 0) + 1
    for row in unmatched:
        key = _alike(row.first_name, row.last_name, row.date_of_birth)
        if len(candidates.get(key, [])) == 1 and rows_alike[key] == 1:
            known[row.child_ref] = _Known(candidates[key][0], [], [])


def _alike(first_name: str, last_name: str, born: date) -> tuple[str, str, date]:
    return first_name.strip().casefold(), last_name.strip().casefold(), born


def _chunks(values: list, size: int = 900) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _need_a_start(files: Files, existing: dict[str, _Known], problems: list[Problem]) -> None:
    """A new child needs the day they became looked after, from the episodes or the file."""
    with_episodes = files.periods or {}
    for row in files.children:
        if (
            row.child_ref not in existing
            and row.child_ref not in with_episodes
            and row.looked_after_since is None
        ):
            problems.append(
                Problem(
                    CHILDREN,
                    row.row,
                    "looked_after_since",
                    None,
                    str(
                        _l(
                            "A new child needs the day their current period in care began, here or "
                            "in the episodes file."
                        )
                    ),
                )
            )


class _Importer:
    def __init__(
        self,
        actor: StaffUser | None,
        files: Files,
        iros: dict[str, StaffUser],
        existing: dict[str, _Known],
        report: ImportReport,
        write: bool,
    ):
        self.actor, self.files, self.iros, self.existing = actor, files, iros, existing
        self.report, self.write = report, write

    def record(self, action: str, child_id: int) -> None:
        """In the audit trail: by the member of staff importing, or by the service itself."""
        if self.actor is None:
            audit.record_system(action, child_id)
        else:
            audit.record(self.actor, action, child_id)

    def run(self) -> None:
        added: list[tuple[ChildRow, Child]] = []
        for row in self.files.children:
            known = self.existing.get(row.child_ref)
            if known is None:
                added.append((row, self._new_child(row)))
            else:
                self._update(row, known)
        if self.write and added:
            db.session.flush()  # the new children's ids, for their periods and reviews
        for row, child in added:
            self._history(row, _Known(child, [], []), ChildChange(row.child_ref, child.full_name, True))
        if self.write:
            for _row, child in added:
                self.record("child_added_by_import", child.id)

    def _periods_wanted(self, row: ChildRow, known: _Known) -> list[Period] | None:
        """The child's periods in care after the import, or None to leave them as they are."""
        from_episodes = (self.files.periods or {}).get(row.child_ref)
        if from_episodes:
            return from_episodes
        if row.looked_after_since is None:
            return None
        since = row.looked_after_since
        have = [Period(p.started_on, p.ended_on, p.end_reason) for p in known.periods]
        if not have:
            return [Period(since)]
        last = have[-1]
        if last.is_open:
            # The start of the current period, as the file now gives it.
            return None if last.started_on == since else [*have[:-1], Period(since)]
        # The child has left care: only a start after they left brings them back.
        return [*have, Period(since)] if last.ended_on is not None and since > last.ended_on else None

    def _new_child(self, row: ChildRow) -> Child:
        periods = self._periods_wanted(row, _Known(Child(), [], [])) or []
        last = periods[-1]
        child = Child(
            child_ref=row.child_ref,
            first_name=row.first_name,
            last_name=row.last_name,
            preferred_name=row.preferred_name,
            date_of_birth=row.date_of_birth,
            preferred_language=row.preferred_language,
            iro_id=self.iros[row.iro_email].id,
            looked_after_since=last.started_on,
            left_care_on=last.ended_on,
        )
        self.report.added += 1
        if self.write:
            db.session.add(child)
        return child

    def _update(self, row: ChildRow, known: _Known) -> None:
        child = known.child
        change = ChildChange(row.child_ref, f"{row.first_name} {row.last_name}", False)
        details = {
            "child_ref": row.child_ref,
            "first_name": row.first_name,
            "last_name": row.last_name,
            "preferred_name": row.preferred_name,
            "date_of_birth": row.date_of_birth,
            "preferred_language": row.preferred_language,
        }
        if any(getattr(child, name) != value for name, value in details.items()):
            change.what.append("details")
            if self.write:
                for name, value in details.items():
                    setattr(child, name, value)
        iro = self.iros[row.iro_email]
        if child.iro_id != iro.id:
            change.what.append("iro")
            self.report.moved += 1
            if self.write:
                children.give_to(child, iro)
                self.record("moved_child_to_iro", child.id)
        self._history(row, known, change)

    def _history(self, row: ChildRow, known: _Known, change: ChildChange) -> None:
        """Periods in care, leaving or coming back, and the reviews held."""
        child = known.child
        wanted = self._periods_wanted(row, known)
        if wanted is not None and not change.added:
            have = [Period(p.started_on, p.ended_on, p.end_reason) for p in known.periods]
            if have != wanted:
                change.what.append("care_history")
        if wanted is not None and (change.added or "care_history" in change.what):
            if self.write:
                self._replace_periods(child, known.periods, wanted)
            last = wanted[-1]
            was_in_care = child.left_care_on is None
            if self.write:
                child.looked_after_since = last.started_on
                child.left_care_on = last.ended_on
            if not change.added and was_in_care and last.ended_on is not None:
                change.what.append("left_care")
                self.report.left_care += 1
                if self.write:
                    children.stop_contact(child)
                    self.record("child_left_care", child.id)
            elif not change.added and not was_in_care and last.ended_on is None:
                change.what.append("back_in_care")
                self.report.back_in_care += 1
            elif change.added and last.ended_on is not None:
                self.report.left_care += 1
        held = (self.files.reviews or {}).get(row.child_ref, [])
        periods = wanted or [Period(p.started_on, p.ended_on, p.end_reason) for p in known.periods]
        if self._record_reviews(child, known.reviews, held, periods, row):
            change.what.append("reviews")
        if self.write and not change.added and change.what:
            reviews.follow_history(child, known.reviews)
            self.record("child_changed_by_import", child.id)
        if change.added or change.what:
            self.report.changes.append(change)
            if not change.added:
                self.report.changed += 1
        else:
            self.report.unchanged += 1

    def _replace_periods(self, child: Child, have: list[CarePeriod], wanted: list[Period]) -> None:
        by_start = {period.started_on: period for period in have}
        keep = {period.started_on for period in wanted}
        for old in have:
            if old.started_on not in keep:
                db.session.delete(old)
        for period in wanted:
            row = by_start.get(period.started_on)
            if row is None:
                db.session.add(
                    CarePeriod(
                        child_id=child.id,
                        started_on=period.started_on,
                        ended_on=period.ended_on,
                        end_reason=period.end_reason,
                    )
                )
            else:
                row.ended_on, row.end_reason = period.ended_on, period.end_reason

    def _record_reviews(
        self,
        child: Child,
        theirs: list[Review],
        held: list[ReviewRow],
        periods: list[Period],
        row: ChildRow,
    ) -> bool:
        """Record each review the file says was held; says whether anything changed."""
        if not held:
            return False
        by_day: dict[date, Review] = {
            review.held_on: review for review in theirs if review.held_on is not None
        }
        waiting = reviews.pick_next(theirs)
        number = max((review.number for review in theirs), default=0)
        iro_id = self.iros[row.iro_email].id
        changed = False
        for review_row in held:
            review = by_day.get(review_row.held_on)
            if review is not None:
                if review.participation_code != review_row.participation:
                    changed = True
                    if self.write:
                        review.participation_code = review_row.participation
                continue
            changed = True
            self.report.reviews_recorded += 1
            if not self.write:
                continue
            if waiting is not None and waiting.created_at.date() <= review_row.held_on:
                # The review the service was waiting for (views may be attached to it).
                review, waiting = waiting, None
            else:
                number += 1
                review = Review(
                    child_id=child.id,
                    number=number,
                    due_on=_due_on(periods, review_row.held_on, by_day),
                    scheduled_for=review_row.held_on,
                )
                db.session.add(review)
                theirs.append(review)
            review.held_on = review_row.held_on
            review.participation_code = review_row.participation
            review.iro_id = review.iro_id or iro_id
            by_day[review_row.held_on] = review
        return changed


def _due_on(periods: list[Period], held_on: date, held_before: dict[date, Review]) -> date:
    """The latest lawful date of a review held on `held_on`, from the reviews held before it
    in the same period in care (the day it was held, if no period holds it)."""
    period = next((p for p in periods if p.holds(held_on)), None)
    if period is None:
        return held_on
    earlier = care_history.held_in(period, [day for day in held_before if day < held_on])
    return schedule.next_review_due(period.started_on, earlier)[1]


class ImportClash(RuntimeError):
    """Another import changed the same children at the same moment: nothing was imported."""


def apply_now(
    actor: StaffUser,
    children_file: bytes,
    episodes_file: bytes | None = None,
    reviews_file: bytes | None = None,
    today: date | None = None,
) -> ImportReport:
    """`apply` from a page: its writes are sent to the database at once, inside a savepoint,
    so a clash with another import at the same moment (the same child id added twice) is
    ImportClash and a kind page, never a failed commit after the page has rendered. The
    database's own words would quote the rows, so they go nowhere."""
    savepoint = db.session.begin_nested()
    try:
        report = apply(actor, children_file, episodes_file, reviews_file, today)
        if report.ok:
            db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise ImportClash() from None
    if not report.ok:
        savepoint.rollback()
    else:
        savepoint.commit()
    return report
