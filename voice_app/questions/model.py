"""The shape of a consultation form. Forms are data: one runner (runner.py) and one template
render any of them, so a council can change its questions without touching a view."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Kind(enum.StrEnum):
    SCALE = "scale"  # a 5-point scale, each point a face and a word, plus "tell me more"
    CHOICE = "choice"  # one of a few answers
    TEXT = "text"  # their own words


class Topic(enum.StrEnum):
    """The core topics asked of everyone, so views can be laid side by side."""

    HOME = "home"
    FAMILY_TIME = "family_time"
    SCHOOL = "school"
    HEALTH = "health"
    FRIENDS = "friends"
    SAFETY = "safety"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    face: str | None = None  # a picture drawn beside the word (macros/faces.html); never the only meaning


@dataclass(frozen=True)
class Question:
    key: str
    kind: Kind
    title: str
    hint: str | None = None
    options: tuple[Option, ...] = ()
    topic: Topic | None = None
    more_label: str | None = None  # label of the optional free-text box under a scale
    short_title: str | None = None  # how the IRO's summary names it
    is_request: bool = False  # shown at the top of the IRO's summary
    is_concern: bool = False  # a worry or concern: also shown at the top
    # Answers that raise an urgent alert the moment the page is saved ("no" to feeling safe).
    alert_on: tuple[str, ...] = ()

    @property
    def has_choice(self) -> bool:
        return bool(self.options)

    @property
    def has_text(self) -> bool:
        return self.kind in (Kind.SCALE, Kind.TEXT) or self.more_label is not None

    def title_for(self, name: str) -> str:
        """The question's words, with the child's first name where the paper names them."""
        return str(self.title) % {"name": name}

    def hint_for(self, name: str) -> str | None:
        return str(self.hint) % {"name": name} if self.hint else None

    def option(self, value: str | None) -> Option | None:
        return next((option for option in self.options if option.value == value), None)


@dataclass(frozen=True)
class Form:
    key: str
    version: int
    audience: str
    min_age: int
    max_age: int
    questions: tuple[Question, ...] = field(default_factory=tuple)

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def index_of(self, key: str) -> int:
        return [q.key for q in self.questions].index(key)

    def next_after(self, key: str) -> Question | None:
        position = self.index_of(key) + 1
        return self.questions[position] if position < len(self.questions) else None

    def before(self, key: str) -> Question | None:
        position = self.index_of(key) - 1
        return self.questions[position] if position >= 0 else None

    @property
    def topic_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.topic is not None)

    @property
    def request_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_request)
