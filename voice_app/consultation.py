"""A review's consultation as the IRO reads it: who was asked, how far each got, and
everyone's answers laid side by side. Pure: it works on what the data layer loaded
(voice_app/data/consultation.py) and reads every submission through the form version it
was answered in.

The version for the meeting is the same summary without the answers the child kept "just
for my IRO": they are left out, not masked, so nothing in it says one was there."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from voice_app.filters import date_time
from voice_app.questions import Question, Topic, form_of
from voice_app.questions.child_message import CHILD_MESSAGE
from voice_app.vocabulary import Role

if TYPE_CHECKING:
    from voice_app.models import Answer, CircleMember, Invitation, Submission


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

    @property
    def is_removed(self) -> bool:
        return self.member is not None and self.member.removed_at is not None

    @cached_property
    def answers(self) -> dict[int, dict[str, Answer]]:
        """Each submission's answers by question key, gathered once."""
        return {submission.id: submission.answers_by_key() for submission in self.submissions}

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """Every question of every form they answered, newest form first, each key once: a
        child's message sent after their views must not hide the views."""
        seen: dict[str, Question] = {}
        for submission in self.submissions:
            for question in form_of(submission).questions:
                seen.setdefault(question.key, question)
        return tuple(seen.values())


@dataclass
class Cell:
    question: Question
    answers: list[tuple[Submission, Answer]]  # newest first


@dataclass
class Summary:
    people: list[Person]
    # The version to share at the meeting: answers "just for my IRO" are left out.
    for_meeting: bool = False
    _sent_labels: dict[int, str] = field(default_factory=dict, repr=False)

    def sent_label(self, submission: Submission) -> str:
        """ "Sent 1 December 2026 at 4:05pm", worked out once per submission however many
        answers show it."""
        if submission.id not in self._sent_labels:
            self._sent_labels[submission.id] = _("Sent %(date)s", date=date_time(submission.sent_at))
        return self._sent_labels[submission.id]

    @property
    def responders(self) -> list[Person]:
        return [p for p in self.people if p.submissions]

    @property
    def not_answered(self) -> list[Person]:
        """Invited and not answered yet; someone removed since is no longer waited for."""
        return [
            p
            for p in self.people
            if not p.submissions and p.status != Status.NOT_INVITED and not p.is_removed
        ]

    @property
    def not_invited(self) -> list[Person]:
        return [p for p in self.people if p.status == Status.NOT_INVITED]

    @property
    def invitable(self) -> list[Person]:
        """Who may be invited now: everyone but those removed from the circle."""
        return [p for p in self.people if not p.is_removed]

    def topics(self) -> list[tuple[Topic, str, list[tuple[bool, Cell | None]]]]:
        """Rows of the side-by-side table: each core topic, one (asked, answers) per
        responder, so "not asked" (a form without that topic) never reads as "skipped"."""
        rows = []
        for topic in Topic:
            cells: list[tuple[bool, Cell | None]] = []
            title = None
            for person in self.responders:
                asked = next((q for q in person.questions if q.topic == topic), None)
                title = title or (asked.short_title if asked else None)
                found = self._cells(person, lambda q, topic=topic: q.topic == topic)
                cells.append((asked is not None, found[0] if found else None))
            if title:  # a topic somebody was asked about, even if they skipped it
                rows.append((topic, str(title), cells))
        return rows

    def requests_and_concerns(self, person: Person) -> list[Cell]:
        return self._cells(person, lambda q: q.is_request or q.is_concern)

    def own_words(self, person: Person) -> list[Cell]:
        return self._cells(person, lambda q: q.topic is None and not q.is_request and not q.is_concern)

    def shows(self, answer: Answer, submission: Submission) -> bool:
        """Whether this version of the summary has this answer in it. The version for the
        meeting leaves out what the child kept for their IRO, and the messages they sent
        their IRO outside the form (written to the IRO, not to the meeting)."""
        if answer.is_empty:
            return False
        if self.for_meeting:
            return not answer.just_for_iro and submission.form_key != CHILD_MESSAGE.key
        return True

    def _cells(self, person: Person, wanted: Any) -> list[Cell]:
        """This person's answers to the wanted questions, in form order, newest first. Each
        submission's answer is found by the question's key in that submission's own form."""
        if not person.submissions:
            return []
        cells = []
        for question in person.questions:
            if not wanted(question):
                continue
            given = []
            for submission in person.submissions:
                answer = person.answers[submission.id].get(question.key)
                if answer is not None and self.shows(answer, submission):
                    given.append((submission, answer))
            if given:
                cells.append(Cell(question, given))
        return cells


def order_people(people: list[Person]) -> list[Person]:
    """Child first, then parents, carers, professionals; removed members only if they were
    invited or sent something."""
    visible = [p for p in people if not p.is_removed or p.invitation or p.submissions]
    return sorted(visible, key=lambda p: (ROLE_ORDER[p.role], p.name))
