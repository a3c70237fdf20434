"""Demo data: a few children of different ages and review states, two IROs, a manager and
an administrator.

Loading twice changes nothing. Demo links are derived from SECRET_KEY, so the same links
are printed on every run without storing a token anywhere."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from voice_app import schedule
from voice_app.data import alerts, child_messages, invitations, staff, staff_accounts, submissions
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
    first_name: str
    last_name: str
    age_years: int
    in_care_days: int
    iro_email: str
    held_reviews: int  # how many reviews already held
    booked_in_days: int | None  # the next review is booked this many days from today
    sends_views: bool


CHILDREN = (
    DemoChild("Sam", "Taylor", 10, 300, "alex.morgan@example.org", 2, 21, False),
    DemoChild("Leo", "Brown", 12, 500, "alex.morgan@example.org", 3, 14, True),
    DemoChild("Jade", "Wilson", 9, 6, "alex.morgan@example.org", 0, None, False),
    DemoChild("Noah", "Evans", 11, 200, "priya.shah@example.org", 1, 30, False),
)

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


def _birth_date(today: date, age_years: int) -> date:
    return schedule.add_months(today, -12 * age_years - 4)


def _child(spec: DemoChild, iro: StaffUser, today: date) -> Child:
    existing = db.session.scalars(
        select(Child).where(Child.first_name == spec.first_name, Child.last_name == spec.last_name)
    ).first()
    if existing is not None:
        return existing
    child = Child(
        first_name=spec.first_name,
        last_name=spec.last_name,
        date_of_birth=_birth_date(today, spec.age_years),
        looked_after_since=today - timedelta(days=spec.in_care_days),
        iro_id=iro.id,
    )
    db.session.add(child)
    db.session.flush()
    held: list[date] = []
    for number in range(1, spec.held_reviews + 1):
        _, due_on = schedule.next_review_due(child.looked_after_since, held)
        held_on = schedule.working_day_on_or_before(min(due_on, today - timedelta(days=1)))
        db.session.add(
            Review(child_id=child.id, number=number, due_on=due_on, scheduled_for=held_on, held_on=held_on)
        )
        held.append(held_on)
    if spec.booked_in_days is not None:
        number, due_on = schedule.next_review_due(child.looked_after_since, held)
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
    children = []
    for spec in CHILDREN:
        child = _child(spec, people[spec.iro_email], today)
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
                "age": spec.age_years,
                "iro": spec.iro_email,
                "token": token,
                "link_path": f"/c/{token}",
                "circle": circle,
            }
            for spec, child, token, circle in children
        ],
    }
