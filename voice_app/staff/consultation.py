"""Who was asked for their views on a review, how far each got, and everyone's answers laid
side by side. Loads everything a page needs in a fixed number of queries, however many
people, reviews or submissions there are."""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voice_app.data.database import db
from voice_app.models import (
    CHILD_KEY,
    AccessLink,
    Child,
    CircleMember,
    Invitation,
    Review,
    Role,
    Submission,
    SubmissionStatus,
    respondent_key,
)
from voice_app.questions import Form, Question, Topic, get_form


class Status(enum.StrEnum):
    NOT_INVITED = "not_invited"
    INVITED = "invited"
    OPENED = "opened"
    SENT = "sent"


STATUS_LABELS = {
    Status.NOT_INVITED: _l("Not invited"),
    Status.INVITED: _l("Invited"),
    Status.OPENED: _l("Opened"),
    Status.SENT: _l("Sent"),
}
ROLE_ORDER = {Role.CHILD: 0, Role.PARENT: 1, Role.CARER: 2, Role.PROFESSIONAL: 3}


@dataclass
class Person:
    """The child or one of their circle, as one column of the summary."""

    key: str
    name: str
    role: Role
    label: str  # "Child", "Mother", "Foster carer"...
    member: CircleMember | None = None
    status: Status = Status.NOT_INVITED
    invitation: Invitation | None = None
    submissions: list[Submission] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def _people(child: Child, members: list[CircleMember]) -> dict[str, Person]:
    people = {CHILD_KEY: Person(CHILD_KEY, child.first_name, Role.CHILD, str(_l("Child")))}
    for member in members:
        key = respondent_key(member.id)
        people[key] = Person(key, member.name, member.role, member.relationship_label, member)
    return people


def people_by_review(
    reviews: list[Review], children: dict[int, Child], with_answers: bool = True
) -> dict[int, list[Person]]:
    """For each review: the child and every circle member, with how far each has got.
    Removed members appear only if they were invited or sent something."""
    review_ids = [r.id for r in reviews]
    child_ids = list({r.child_id for r in reviews})
    if not review_ids:
        return {}
    members = db.session.scalars(select(CircleMember).where(CircleMember.child_id.in_(child_ids))).all()
    invitations = db.session.scalars(select(Invitation).where(Invitation.review_id.in_(review_ids))).all()
    submission_query = (
        select(Submission)
        .where(Submission.review_id.in_(review_ids), Submission.status == SubmissionStatus.SENT)
        .order_by(Submission.sent_at.desc(), Submission.id.desc())
    )
    if with_answers:
        submission_query = submission_query.options(selectinload(Submission.answers))
    submissions = db.session.scalars(submission_query).all()
    opened = db.session.execute(
        select(
            AccessLink.child_id, AccessLink.circle_member_id, AccessLink.review_id, AccessLink.last_opened_at
        ).where(AccessLink.child_id.in_(child_ids), AccessLink.last_opened_at.is_not(None))
    ).all()

    members_by_child = defaultdict(list)
    for member in members:
        members_by_child[member.child_id].append(member)
    result = {}
    for review in reviews:
        people = _people(children[review.child_id], members_by_child[review.child_id])
        for invitation in invitations:
            if invitation.review_id == review.id and invitation.respondent_key in people:
                people[invitation.respondent_key].invitation = invitation
                people[invitation.respondent_key].status = Status.INVITED
        for child_id, member_id, link_review_id, opened_at in opened:
            person = people.get(respondent_key(member_id))
            if child_id != review.child_id or person is None or person.invitation is None:
                continue
            if (
                member_id is None and opened_at >= person.invitation.created_at
            ) or link_review_id == review.id:
                person.status = Status.OPENED
        for submission in submissions:
            person = people.get(respondent_key(submission.circle_member_id))
            if submission.review_id == review.id and person is not None:
                person.submissions.append(submission)
                person.status = Status.SENT
        visible = [
            p
            for p in people.values()
            if p.member is None or p.member.removed_at is None or p.invitation or p.submissions
        ]
        result[review.id] = sorted(visible, key=lambda p: (ROLE_ORDER[p.role], p.name))
    return result


@dataclass
class Cell:
    question: Question
    answers: list  # [(submission, answer)], newest first


@dataclass
class Summary:
    people: list[Person]

    @property
    def responders(self) -> list[Person]:
        return [p for p in self.people if p.submissions]

    @property
    def not_answered(self) -> list[Person]:
        """Invited and not answered yet; someone removed since is no longer waited for."""
        return [
            p
            for p in self.people
            if not p.submissions
            and p.status != Status.NOT_INVITED
            and (p.member is None or p.member.removed_at is None)
        ]

    @property
    def not_invited(self) -> list[Person]:
        return [p for p in self.people if p.status == Status.NOT_INVITED]

    def topics(self) -> list[tuple[Topic, str, list[tuple[bool, Cell | None]]]]:
        """Rows of the side-by-side table: each core topic, one (asked, answers) per
        responder, so "not asked" (the child's form has no safety question) never reads
        as "skipped"."""
        rows = []
        for topic in Topic:
            cells, title = [], None
            for person in self.responders:
                asked = next((q for q in _form_of(person).questions if q.topic == topic), None)
                title = title or (asked.short_title if asked else None)
                cell = _cell(person, lambda q, topic=topic: q.topic == topic)
                cells.append((asked is not None, cell[0] if cell else None))
            if title:  # a topic somebody was asked about, even if they skipped it
                rows.append((topic, title, cells))
        return rows

    @staticmethod
    def requests_and_concerns(person: Person) -> list[Cell]:
        return _cell(person, lambda q: q.is_request or q.is_concern)

    @staticmethod
    def own_words(person: Person) -> list[Cell]:
        return _cell(person, lambda q: q.topic is None and not q.is_request and not q.is_concern)


def _form_of(person: Person) -> Form:
    return get_form(person.submissions[0].form_key)


def _cell(person: Person, wanted) -> list[Cell]:
    """Answers of this person to the wanted questions, in form order, newest first."""
    if not person.submissions:
        return []
    form = _form_of(person)
    cells = []
    for question in form.questions:
        if not wanted(question):
            continue
        given = []
        for submission in person.submissions:
            answer = submission.answers_by_key().get(question.key)
            if answer is not None and not answer.is_empty:
                given.append((submission, answer))
        if given:
            cells.append(Cell(question, given))
    return cells


def summary_for(review: Review) -> Summary:
    people = people_by_review([review], {review.child_id: review.child})[review.id]
    return Summary(people)
