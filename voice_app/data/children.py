"""Children, and who may see them.

`visible_to(staff)` is the one rule of who may see a child: every staff query about a
child, a review, a circle or a message goes through it. An IRO sees their own caseload;
a manager sees the whole service (today managers have only figures pages, which name no
child; the children's own pages are for IROs, see voice_app/permissions.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true, update
from sqlalchemy.orm import joinedload, selectinload

from voice_app.data import audit, child_messages, consultation, invitations, links, messages, reviews
from voice_app.data.database import db, rows_changed
from voice_app.data.errors import NotFound
from voice_app.models import AccessLink, CarePeriod, Child, Invitation, Review, StaffUser, utcnow
from voice_app.vocabulary import StaffRole

# The SSDA903 REC recorded when a child leaves care by hand and nobody says why:
# "period of being looked after ceased for any other reason".
LEFT_CARE_FOR_ANOTHER_REASON = "E8"


# Children who have left care keep their record (managers may read it until the retention
# purge removes it) but have no reviews, invitations or links: the caseload leaves them out.
IN_CARE = Child.left_care_on.is_(None)


def visible_to(staff: StaffUser) -> ColumnElement[bool]:
    """A filter on Child: the children this member of staff may see."""
    if staff.role == StaffRole.IRO:
        return Child.iro_id == staff.id
    if staff.role == StaffRole.MANAGER:
        return true()
    return false()


def child_for(staff: StaffUser, child_id: int) -> Child:
    """A child this member of staff may see, with their reviews, or NotFound."""
    child = db.session.scalars(
        select(Child).where(Child.id == child_id, visible_to(staff)).options(selectinload(Child.reviews))
    ).first()
    if child is None:
        raise NotFound(child_id)
    return child


def child_of_link(link: AccessLink) -> Child:
    """The child a personal link is about, with their IRO (named on the child's pages)."""
    return db.session.scalars(
        select(Child).where(Child.id == link.child_id).options(joinedload(Child.iro))
    ).one()


@dataclass
class CaseloadRow:
    child: Child
    next_review: Review | None
    due_on: date
    people: list = field(default_factory=list)  # consultation.Person: who was asked, how far they got
    new_messages: int = 0  # the child's messages nobody has read yet


def caseload(staff: StaffUser) -> list[CaseloadRow]:
    """The children this member of staff may see, soonest review first, with who has been
    asked for views on each next review. A fixed number of queries for any caseload."""
    children = db.session.scalars(
        select(Child).where(visible_to(staff), IN_CARE).order_by(Child.last_name, Child.first_name)
    ).all()
    reviews_by_child: dict[int, list[Review]] = {child.id: [] for child in children}
    if children:
        for review in db.session.scalars(select(Review).where(Review.child_id.in_(reviews_by_child))):
            reviews_by_child[review.child_id].append(review)
    rows = []
    for child in children:
        upcoming = reviews.pick_next(reviews_by_child[child.id])
        due_on = upcoming.due_on if upcoming else reviews.planned_next(child, reviews_by_child[child.id])[1]
        rows.append(CaseloadRow(child, upcoming, due_on))
    upcoming_reviews = [row.next_review for row in rows if row.next_review]
    people = consultation.people_by_review(
        upcoming_reviews, {child.id: child for child in children}, with_answers=False
    )
    new_messages = child_messages.new_messages_by_review([r.id for r in upcoming_reviews])
    for row in rows:
        if row.next_review:
            row.people = people[row.next_review.id]
            row.new_messages = new_messages.get(row.next_review.id, 0)
    return sorted(rows, key=lambda row: row.next_review.date_or_due if row.next_review else row.due_on)


def change_contact(staff: StaffUser, child: Child, email: str | None, mobile: str | None) -> None:
    """Where the child's own invitations go. When it changes, open invitations go again to
    the new address once this request has committed (see invitations.contact_changed)."""
    changed = (child.email, child.mobile) != (email, mobile)
    child.email, child.mobile = email, mobile
    audit.record(staff, "changed_child_contact", child.id)
    if changed:
        messages.deliver_after_commit(invitations.contact_changed(child, None))


@dataclass(frozen=True)
class ChildDetails:
    """What staff type in to add a child by hand, or to change one."""

    first_name: str
    last_name: str
    date_of_birth: date
    looked_after_since: date  # the start of their current period in care
    iro_id: int
    preferred_name: str | None = None
    child_ref: str | None = None  # the council's child id (SSDA903 CHILD), if known
    preferred_language: str = "en"


class ChildRefInUse(ValueError):
    """Another child already has this council child id."""


class PeriodClash(ValueError):
    """The child already had an earlier period in care that began on this day."""


def _check_ref(child_ref: str | None, child_id: int | None) -> None:
    if child_ref is None:
        return
    other = db.session.scalars(select(Child.id).where(Child.child_ref == child_ref)).first()
    if other is not None and other != child_id:
        raise ChildRefInUse(child_ref)


def add_child(staff: StaffUser, details: ChildDetails) -> Child:
    """A child added by hand, in care since `looked_after_since` (one period in care)."""
    _check_ref(details.child_ref, None)
    iro = db.session.get(StaffUser, details.iro_id)
    if iro is None:
        raise NotAnIro(details.iro_id)
    _active_iro(iro)
    child = Child(
        first_name=details.first_name,
        last_name=details.last_name,
        preferred_name=details.preferred_name,
        date_of_birth=details.date_of_birth,
        child_ref=details.child_ref,
        preferred_language=details.preferred_language,
        looked_after_since=details.looked_after_since,
        iro_id=iro.id,
    )
    db.session.add(child)
    db.session.flush()
    db.session.add(CarePeriod(child_id=child.id, started_on=details.looked_after_since))
    audit.record(staff, "added_child", child.id)
    return child


def change_details(staff: StaffUser, child: Child, details: ChildDetails) -> None:
    """Change a child's details. A new `looked_after_since` moves the start of their current
    period in care (and an unbooked review the rule made follows it); a new IRO is a move."""
    _check_ref(details.child_ref, child.id)
    new_iro = None
    if details.iro_id != child.iro_id:
        # Checked before anything changes: a refused change leaves the child as they were.
        new_iro = db.session.get(StaffUser, details.iro_id)
        if new_iro is None:
            raise NotAnIro(details.iro_id)
        _active_iro(new_iro)
    periods = care_periods(child)
    if details.looked_after_since != child.looked_after_since:
        if any(p.started_on == details.looked_after_since for p in periods[:-1]):
            raise PeriodClash(details.looked_after_since)
        if periods:
            periods[-1].started_on = details.looked_after_since
        else:
            db.session.add(CarePeriod(child_id=child.id, started_on=details.looked_after_since))
    if new_iro is not None:
        move_to_iro(staff, child, new_iro)
    for name in (
        "first_name",
        "last_name",
        "preferred_name",
        "date_of_birth",
        "child_ref",
        "preferred_language",
    ):
        setattr(child, name, getattr(details, name))
    child.looked_after_since = details.looked_after_since
    reviews.follow_history(child, list(db.session.scalars(select(Review).where(Review.child_id == child.id))))
    audit.record(staff, "changed_child_details", child.id)


class NotAnIro(ValueError):
    """Children can only be given to an active IRO's account."""


class StillInCare(ValueError):
    """The day a child leaves care cannot be before their current period in care began."""


def left_care(staff: StaffUser) -> list[Child]:
    """Children who have left care whose records this member of staff may read, most
    recently left first (they stay until the retention purge removes them)."""
    return list(
        db.session.scalars(
            select(Child)
            .where(visible_to(staff), Child.left_care_on.is_not(None))
            .order_by(Child.left_care_on.desc(), Child.last_name)
        )
    )


def stop_contact(child: Child) -> None:
    """Nothing more goes to or from a child who has left care: every personal link about
    them stops (theirs and their circle's) and messages not yet sent are cancelled."""
    links.stop_child_links(child)
    rows_changed(  # and their circle's links for each review
        update(AccessLink)
        .where(
            AccessLink.child_id == child.id,
            AccessLink.circle_member_id.is_not(None),
            AccessLink.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    messages.cancel_unsent(
        list(db.session.scalars(select(Invitation.id).where(Invitation.child_id == child.id)))
    )


def leave_care(staff: StaffUser, child: Child, on: date, reason: str | None = None) -> None:
    """The child's current period in care ends on this day (the SSDA903 REC `reason`, or
    "any other reason"). Their links stop and no invitation goes out; their record stays."""
    if on < child.looked_after_since:
        raise StillInCare(on)
    period = db.session.scalars(
        select(CarePeriod).where(CarePeriod.child_id == child.id).order_by(CarePeriod.started_on.desc())
    ).first()
    if period is None:
        period = CarePeriod(child_id=child.id, started_on=child.looked_after_since)
        db.session.add(period)
    period.ended_on = on
    period.end_reason = reason or LEFT_CARE_FOR_ANOTHER_REASON
    child.left_care_on = on
    stop_contact(child)
    audit.record(staff, "child_left_care", child.id)


def siblings_of(child: Child) -> list[Child]:
    """The child's brothers and sisters linked in the service (not the child), in care or not."""
    if child.sibling_group is None:
        return []
    return list(
        db.session.scalars(
            select(Child)
            .where(Child.sibling_group == child.sibling_group, Child.id != child.id)
            .order_by(Child.date_of_birth)
        )
    )


def link_siblings(staff: StaffUser, child: Child, others: list[Child]) -> None:
    """Link brothers and sisters: all of them, and those already linked to any of them,
    share one group (numbered by the first child's id)."""
    everyone = [child, *others]
    groups = {c.sibling_group for c in everyone if c.sibling_group is not None}
    group = min(groups) if groups else min(c.id for c in everyone)
    if groups:
        rows_changed(update(Child).where(Child.sibling_group.in_(groups)).values(sibling_group=group))
        db.session.expire_all()
    for each in everyone:
        each.sibling_group = group
    for each in everyone:
        audit.record(staff, "linked_siblings", each.id)


def unlink_sibling(staff: StaffUser, child: Child) -> None:
    child.sibling_group = None
    audit.record(staff, "unlinked_siblings", child.id)


def _active_iro(person: StaffUser) -> None:
    if person.role != StaffRole.IRO or not person.is_active_account:
        raise NotAnIro(person.id)


def give_to(child: Child, new_iro: StaffUser) -> bool:
    """The child's IRO becomes `new_iro`; the reviews already held keep the IRO they had.
    Says whether anything changed."""
    if child.iro_id == new_iro.id:
        return False
    rows_changed(
        update(Review)
        .where(Review.child_id == child.id, Review.held_on.is_not(None), Review.iro_id.is_(None))
        .values(iro_id=child.iro_id)
    )
    child.iro_id = new_iro.id
    child.iro = new_iro
    return True


def move_to_iro(
    staff: StaffUser, child: Child, new_iro: StaffUser, with_siblings: bool = False
) -> list[Child]:
    """Move the child (and, if asked, their brothers and sisters still in care) to another
    IRO's caseload. Past reviews keep who was their IRO; each move is audited. Returns the
    children who moved."""
    _active_iro(new_iro)
    moving = [child] + ([c for c in siblings_of(child) if c.in_care] if with_siblings else [])
    moved = []
    for each in moving:
        if give_to(each, new_iro):
            audit.record(staff, "moved_child_to_iro", each.id, about_staff_id=new_iro.id)
            moved.append(each)
    return moved


def active_iros() -> list[StaffUser]:
    """Whom a child may be given to."""
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(StaffUser.role == StaffRole.IRO, StaffUser.is_active_account.is_(True))
            .order_by(StaffUser.name)
        )
    )


def care_periods(child: Child) -> list[CarePeriod]:
    return list(
        db.session.scalars(
            select(CarePeriod).where(CarePeriod.child_id == child.id).order_by(CarePeriod.started_on)
        )
    )


# The records pages (voice_app/staff/children_records_views.py): a child's details, periods in
# care, reviews held and siblings, for whoever keeps the records. Never what a child or their
# circle said: an administrator keeps records but reads no child's words.


def records_of(staff: StaffUser) -> ColumnElement[bool]:
    """A filter on Child: the children whose records this member of staff may keep.
    Managers and administrators keep every child's; an IRO (where the council lets IROs add
    children) only those on their own caseload."""
    if staff.role in (StaffRole.MANAGER, StaffRole.ADMIN):
        return true()
    if staff.role == StaffRole.IRO:
        return Child.iro_id == staff.id
    return false()


RECORDS_SHOWN = 200  # a search narrows a council's thousands of children to a page


@dataclass
class RecordsFound:
    children: list[Child]
    total: int  # how many matched, of which the first RECORDS_SHOWN are in `children`


def search_records(staff: StaffUser, text: str | None) -> RecordsFound:
    """Children whose name (first, last, preferred, or first and last together) or child id
    has `text` in it, any case; every child for no text. With their IRO, in name order."""
    wanted = records_of(staff)
    typed = " ".join((text or "").split()).casefold()
    if typed:
        full_name = func.lower(Child.first_name + " " + Child.last_name)
        wanted = and_(
            wanted,
            or_(
                full_name.contains(typed, autoescape=True),
                func.lower(Child.preferred_name).contains(typed, autoescape=True),
                func.lower(Child.child_ref).contains(typed, autoescape=True),
            ),
        )
    total = db.session.scalar(select(func.count()).select_from(Child).where(wanted)) or 0
    found = db.session.scalars(
        select(Child)
        .where(wanted)
        .options(joinedload(Child.iro))
        .order_by(Child.last_name, Child.first_name, Child.id)
        .limit(RECORDS_SHOWN)
    ).all()
    return RecordsFound(list(found), total)


def record_for(staff: StaffUser, child_id: int) -> Child:
    """A child whose record this member of staff keeps, with their IRO, or NotFound."""
    child = db.session.scalars(
        select(Child).where(Child.id == child_id, records_of(staff)).options(joinedload(Child.iro))
    ).first()
    if child is None:
        raise NotFound(child_id)
    return child


@dataclass
class HeldReview:
    review: Review
    iro_name: str  # who was its IRO (a held review keeps its own; others are the child's IRO's)


@dataclass
class ChildRecord:
    child: Child
    periods: list[CarePeriod]
    reviews: list[HeldReview]
    siblings: list[Child]
    next_due: date | None = None  # the next review's latest lawful date, while in care


def record_page(staff: StaffUser, child_id: int) -> ChildRecord:
    """Everything the record page shows, loaded here (templates run no query); reading it
    is written to the audit trail."""
    child = record_for(staff, child_id)
    when = func.coalesce(Review.held_on, Review.scheduled_for, Review.due_on)
    theirs = list(
        db.session.scalars(select(Review).where(Review.child_id == child.id).order_by(when, Review.id))
    )
    iro_ids = {review.iro_id for review in theirs if review.iro_id is not None}
    names: dict[int, str] = {}
    if iro_ids:
        rows = db.session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(iro_ids)))
        names = {staff_id: name for staff_id, name in rows.tuples()}
    held = [
        HeldReview(review, names.get(review.iro_id, child.iro.name) if review.iro_id else child.iro.name)
        for review in theirs
    ]
    siblings = siblings_of(child)
    next_due = None
    if child.in_care:  # the same "next review" as the caseload's, from the same rule
        upcoming = reviews.pick_next(theirs)
        next_due = upcoming.due_on if upcoming else reviews.planned_next(child, theirs)[1]
    audit.record(staff, "viewed_child_record", child.id)
    return ChildRecord(child, care_periods(child), held, siblings, next_due)


def sibling_candidates(staff: StaffUser, child: Child, text: str) -> list[Child]:
    """Children this member of staff keeps records of whose name or id has `text` in it,
    who are not this child nor already linked to them."""
    linked = {child.id, *(sibling.id for sibling in siblings_of(child))}
    return [other for other in search_records(staff, text).children if other.id not in linked]
