"""Demo data: a few children of different ages and review states, two IROs, a manager and
an administrator.

Loading twice changes nothing. Demo links are derived from SECRET_KEY, so the same links
are printed on every run without storing a token anywhere."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from voice_app import schedule
from voice_app.data import (
    alerts,
    child_messages,
    imports,
    invitations,
    reviews,
    staff,
    staff_accounts,
    submissions,
)
from voice_app.data.database import db
from voice_app.data.messages import deliver_due
from voice_app.data.staff_accounts import StaffDetails
from voice_app.models import (
    AccessLink,
    Alert,
    Answer,
    Child,
    CircleMember,
    Review,
    StaffRole,
    StaffUser,
    Submission,
    SubmissionStatus,
    hash_token,
    utcnow,
)
from voice_app.questions.child_message import CHILD_MESSAGE
from voice_app.vocabulary import StaffTokenPurpose

IRO_PASSWORD = "demo-iro-password"
MANAGER_PASSWORD = "demo-manager-password"
ADMIN_PASSWORD = "demo-admin-password"
DEMO_TEAM = "Independent Reviewing Service"

# The administrator comes first: the others are added by them, as a council adds its staff.
STAFF = (
    ("sam.patel@example.org", "Sam Patel", StaffRole.ADMIN, ADMIN_PASSWORD),
    ("alex.morgan@example.org", "Alex Morgan", StaffRole.IRO, IRO_PASSWORD),
    ("priya.shah@example.org", "Priya Shah", StaffRole.IRO, IRO_PASSWORD),
    ("jo.green@example.org", "Jo Green", StaffRole.MANAGER, MANAGER_PASSWORD),
)


@dataclass(frozen=True)
class DemoChild:
    """What the demo does for a child beyond what the import files hold."""

    child_ref: str
    first_name: str
    last_name: str
    iro_email: str
    booked_in_days: int | None  # the next review is booked this many days from today
    sends_views: bool


# The children, their episodes of care and their reviews held come from the files in
# demo_files/, through the import a council uses (voice_app/data/imports.py). Ella Clarke
# is in the files too: she left care in October, so she has no link, review or circle.
CHILDREN = (
    DemoChild("DEMO001", "Sam", "Taylor", "alex.morgan@example.org", 21, False),
    DemoChild("DEMO002", "Leo", "Brown", "alex.morgan@example.org", 14, True),
    DemoChild("DEMO003", "Jade", "Wilson", "alex.morgan@example.org", None, False),
    DemoChild("DEMO004", "Noah", "Evans", "priya.shah@example.org", 30, False),
)
DEMO_FILES = Path(__file__).parent / "demo_files"
# The day the demo files were written: their dates move on by whole weeks (so reviews stay
# on weekdays) to the day the demo was first loaded, and stay put after that, so loading
# again imports the very same files and changes nothing.
FILES_WRITTEN_ON = date(2026, 12, 1)
_FILE_DATE = re.compile(rb"\b(\d{2})/(\d{2})/(\d{4})\b")

LEO_ANSWERS = {
    "home": ("4", "My carers are kind. I like my room."),
    "family_time": ("2", "I only see my mum once a month and it is too short."),
    "school": ("3", None),
    "health": ("4", None),
    "friends": ("5", "I joined the football club on Saturdays."),
    "going_well": (None, "Football and my new school."),
    "worries": (None, "I worry about my little sister."),
    "change": (None, "I want to see my mum and my sister more."),
    "attend": ("part", None),
    "who": (None, "My carer Sue and my football coach. Not my social worker's manager."),
    "advocate": ("yes", None),
}


# Leo ticked "Just for my IRO" on this answer: the meeting version of the summary leaves it out.
LEO_JUST_FOR_IRO = {"worries"}


def _demo_hmac(message: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def demo_token(child: Child) -> str:
    return _demo_hmac(f"demo-link:{child.id}:{child.first_name}:{child.last_name}")


def _staff() -> dict[str, StaffUser]:
    """The demo's staff, made the way a council makes its own: the administrator by
    `voice create-admin`, everyone else by the administrator's "Add a member of staff".
    Each then chooses their known demo password through a set-up link, as the set-password
    page does; an account that already has a password keeps it (safe to run twice)."""
    people: dict[str, StaffUser] = {}
    for email, name, role, _password in STAFF:
        person = staff.find_by_email(email)
        if person is None and role == StaffRole.ADMIN:
            person = staff_accounts.create_admin(email, name).person
        elif person is None:
            admin = people[STAFF[0][0]]
            details = StaffDetails(name=name, email=email, role=role, team=DEMO_TEAM, can_administer=False)
            person = staff_accounts.add_person(admin, details)
        people[email] = person
    for email, _name, _role, password in STAFF:
        person = people[email]
        if person.password_hash is None:
            _row, token = staff_accounts.issue_link(person, StaffTokenPurpose.SET_UP)
            staff_accounts.set_password_from_link(staff_accounts.link_key(token), password)
    return people


def _demo_file(name: str, weeks: int) -> bytes:
    def moved(match: re.Match[bytes]) -> bytes:
        day, month, year = (int(part) for part in match.groups())
        return (date(year, month, day) + timedelta(weeks=weeks)).strftime("%d/%m/%Y").encode()

    return _FILE_DATE.sub(moved, (DEMO_FILES / name).read_bytes())


def _adopt_older_demo_children() -> None:
    """Demo children loaded before they had a child id (by name), so the import finds them."""
    for spec in CHILDREN:
        db.session.execute(
            update(Child)
            .where(
                Child.first_name == spec.first_name,
                Child.last_name == spec.last_name,
                Child.child_ref.is_(None),
            )
            .values(child_ref=spec.child_ref)
        )


def _import_children(admin: StaffUser, today: date) -> dict[str, Child]:
    """The demo's children, brought in from its files by the administrator, as a council does."""
    _adopt_older_demo_children()
    first_loaded = min(admin.created_at.date(), today)
    weeks = max(0, (first_loaded - FILES_WRITTEN_ON).days // 7)
    children_file, episodes_file, reviews_file = (
        _demo_file(name, weeks) for name in ("children.csv", "episodes.csv", "reviews.csv")
    )
    report = imports.apply(admin, children_file, episodes_file, reviews_file, today=today)
    if not report.ok:
        raise RuntimeError(
            "The demo files do not import: " + "; ".join(p.in_words() for p in report.problems)
        )
    refs = [spec.child_ref for spec in CHILDREN]
    return {
        child.child_ref or "": child
        for child in db.session.scalars(select(Child).where(Child.child_ref.in_(refs)))
    }


def _child(spec: DemoChild, child: Child, today: date) -> Child:
    """The child's next review, booked, with their views sent for it where the demo says so."""
    if spec.booked_in_days is None or reviews.find_next_review(child) is not None:
        return child
    held = [r for r in db.session.scalars(select(Review).where(Review.child_id == child.id)) if r.held_on]
    number, due_on = reviews.planned_next(child, held)
    booked = schedule.working_day_on_or_before(today + timedelta(days=spec.booked_in_days))
    review = Review(child_id=child.id, number=number, due_on=max(due_on, booked), scheduled_for=booked)
    db.session.add(review)
    db.session.flush()
    if spec.sends_views:
        _sent_views(child, review)
    return child


def _sent_views(child: Child, review: Review) -> None:
    sent_at = utcnow() - timedelta(days=2)
    submission = Submission(
        child_id=child.id,
        review_id=review.id,
        form_key="child-8-12",
        form_version=1,
        status=SubmissionStatus.SENT,
        sent_at=sent_at,
        answers=[
            Answer(question_key=key, choice=choice, text=text, just_for_iro=key in LEO_JUST_FOR_IRO)
            for key, (choice, text) in LEO_ANSWERS.items()
        ],
    )
    db.session.add(submission)


# Each demo child's circle: (name, relationship, email, mobile, sends their paper).
CIRCLES: dict[str, list[tuple[str, str, str | None, str | None, bool]]] = {
    "Sam": [
        ("Karen Taylor", "mother", "karen.taylor@example.org", None, False),
        ("Sue Jones", "foster_carer", None, "07700900123", True),
        ("Raj Patel", "school", "r.patel@school.example.org", None, False),
    ],
    "Leo": [
        ("Dave Brown", "father", None, None, False),
        ("Amira Khan", "residential_key_worker", "amira.khan@example.org", None, True),
        ("Grace Okafor", "health", "grace.okafor@nhs.example.org", None, False),
    ],
    "Jade": [
        ("Lisa Wilson", "mother", "lisa.wilson@example.org", None, False),
        ("Pat Wilson", "kinship_carer", None, "07700900456", False),
    ],
    "Noah": [("Tom Evans", "foster_carer", "tom.evans@example.org", None, False)],
}

CARER_ANSWERS = {
    "home": ("4", "Settled and part of the family routine."),
    "family_time": ("3", "Contact with mum is going ahead but is often cancelled at short notice."),
    "school": ("3", "Needs help with reading; school is putting a plan in place."),
    "health": ("4", None),
    "friends": ("5", "Loves football club."),
    "safety": ("5", None),
    "placement": ("5", "Long-term match is going well."),
    "worries": (None, "Cancelled family time leaves them upset for days."),
    "support_needed": (None, "Respite for one weekend a month."),
    "advocate": ("yes", "They have asked about having someone on their side."),
    "attend": ("yes", None),
}


def _circle(child: Child) -> list[CircleMember]:
    members = []
    for name, relationship, email, mobile, _sends in CIRCLES.get(child.first_name, []):
        member = db.session.scalars(
            select(CircleMember).where(CircleMember.child_id == child.id, CircleMember.name == name)
        ).first()
        if member is None:
            member = CircleMember(
                child_id=child.id, name=name, relationship_key=relationship, email=email, mobile=mobile
            )
            db.session.add(member)
            db.session.flush()
        members.append(member)
    return members


def _invite_and_answer(child: Child, members: list[CircleMember]) -> list[dict]:
    """Invite everyone for the child's booked review; some have sent their paper. Returns
    each circle member's demo link for that review, for trainers."""
    review = db.session.scalars(
        select(Review).where(Review.child_id == child.id, Review.held_on.is_(None))
    ).first()
    if review is None:
        return []
    invitations.invite(review, [None, *members])
    sends = {name for name, *_rest, sent in CIRCLES.get(child.first_name, []) if sent}
    for member in members:
        if member.name not in sends:
            continue
        exists = db.session.scalars(
            select(Submission).where(
                Submission.circle_member_id == member.id, Submission.review_id == review.id
            )
        ).first()
        if exists is None:
            db.session.add(
                Submission(
                    child_id=child.id,
                    circle_member_id=member.id,
                    review_id=review.id,
                    form_key=member.role,
                    form_version=1,
                    status=SubmissionStatus.SENT,
                    sent_at=utcnow() - timedelta(days=1),
                    answers=[Answer(question_key=k, choice=c, text=t) for k, (c, t) in CARER_ANSWERS.items()],
                )
            )
    return [
        {
            "name": m.name,
            "relationship": m.relationship_label,
            "role": str(m.role),
            "link_path": f"/c/{_member_link(m, review)}",
        }
        for m in members
    ]


def _member_link(member: CircleMember, review: Review) -> str:
    token = _demo_hmac(f"demo-member-link:{member.id}:{review.id}")
    link = db.session.scalars(select(AccessLink).where(AccessLink.token_hash == hash_token(token))).first()
    if link is None:
        link = AccessLink(
            token_hash=hash_token(token),
            child_id=member.child_id,
            circle_member_id=member.id,
            review_id=review.id,
        )
        db.session.add(link)
    link.revoked_at = None
    link.expires_at = utcnow() + timedelta(days=365)
    return token


def _link(child: Child) -> str:
    """The child's demo link, working again even if a trainer stopped it or it ran out."""
    token = demo_token(child)
    link = db.session.scalars(select(AccessLink).where(AccessLink.token_hash == hash_token(token))).first()
    if link is None:
        link = AccessLink(token_hash=hash_token(token), child_id=child.id)
        db.session.add(link)
    link.revoked_at = None
    link.expires_at = utcnow() + timedelta(days=365)
    return token


# Open alerts for trainers to act on, raised the way a child raises them.
HELP_NOW = ("Jade", "Can you ring me? Something happened at home and I am scared.")
WORRY = ("Noah", "worries", "Some days I am scared to go home.")
MESSAGE = ("Sam", "good_news", "I got a certificate at school for my reading!")


def _alerts(children: list) -> None:
    by_name = {child.first_name: (child, token) for _spec, child, token, _circle in children}
    for name, raise_alert in (
        (HELP_NOW[0], lambda child, link: alerts.help_now(child, link, HELP_NOW[1])),
        (
            WORRY[0],
            lambda child, link: submissions.save_child_answer(child, link, WORRY[1], None, WORRY[2], None),
        ),
    ):
        child, token = by_name[name]
        link = db.session.scalars(select(AccessLink).where(AccessLink.token_hash == hash_token(token))).one()
        if not db.session.scalars(select(Alert).where(Alert.child_id == child.id)).first():
            raise_alert(child, link)
    # A message sent outside the review form, as a child sends one.
    child, token = by_name[MESSAGE[0]]
    link = db.session.scalars(select(AccessLink).where(AccessLink.token_hash == hash_token(token))).one()
    sent = select(Submission).where(Submission.child_id == child.id, Submission.form_key == CHILD_MESSAGE.key)
    if not db.session.scalars(sent).first():
        child_messages.send_message(child, link, MESSAGE[1], MESSAGE[2])


def load_demo(today: date | None = None) -> dict:
    """Create the demo (once) and return how to use it."""
    today = today or date.today()
    people = _staff()
    imported = _import_children(people[STAFF[0][0]], today)
    children = []
    for spec in CHILDREN:
        child = _child(spec, imported[spec.child_ref], today)
        circle = _invite_and_answer(child, _circle(child))
        children.append((spec, child, _link(child), circle))
    _alerts(children)
    db.session.commit()
    deliver_due()
    return {
        "staff": [
            {"email": email, "password": password, "role": str(role), "name": name}
            for email, name, role, password in STAFF
        ],
        "children": [
            {
                "name": child.full_name,
                "age": child.age_on(today),
                "iro": spec.iro_email,
                "token": token,
                "link_path": f"/c/{token}",
                "circle": circle,
            }
            for spec, child, token, circle in children
        ],
    }
