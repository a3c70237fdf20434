"""Reads one question's answer from a posted form and checks it, whatever the question."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from voice_app.questions.model import Question

MAX_TEXT_LENGTH = 5000


@dataclass
class ParsedAnswer:
    choice: str | None = None
    text: str | None = None
    just_for_iro: bool = False  # ticked "Just for my IRO" (kept only with an answer)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.choice and not self.text


def as_typed(raw: str | None) -> str | None:
    """What the person typed, as they typed it, less NUL and the other control characters
    no keyboard makes and some databases refuse (line breaks and tabs stay)."""
    if raw is None:
        return None
    return "".join(ch for ch in raw if ch in "\n\t" or ch >= " ").replace("\r", "")


def clean_text(raw: str | None) -> str | None:
    """The answer to keep: as typed, without space around it; None when nothing is left."""
    return (as_typed(raw) or "").strip() or None


def ticked_just_for_iro(formdata) -> bool:
    return formdata.get("just_for_iro") == "yes"


def parse_answer(question: Question, formdata, offers_just_for_iro: bool = False) -> ParsedAnswer:
    """The answer to this question in the posted form. Where the page offers "Just for my
    IRO" (the child's free-text questions), the tick is read too; an empty answer keeps none."""
    answer = ParsedAnswer()
    if question.has_choice:
        choice = formdata.get("choice") or None
        if choice is not None and question.option(choice) is None:
            answer.errors["choice"] = _("Choose one of the answers, or skip this question.")
        else:
            answer.choice = choice
    if question.has_text:
        raw = formdata.get("text") or ""
        # Cut before cleaning: a huge paste is refused without walking all of it.
        answer.text = clean_text(raw[: MAX_TEXT_LENGTH * 2])
        if len(raw) > MAX_TEXT_LENGTH * 2:
            answer.text = raw[: MAX_TEXT_LENGTH * 2]
        if answer.text and len(answer.text) > MAX_TEXT_LENGTH:
            answer.errors["text"] = _(
                "Your answer is a bit too long. Make it shorter than %(limit)s characters.",
                limit=f"{MAX_TEXT_LENGTH:,}",
            )
    answer.just_for_iro = (
        offers_just_for_iro and question.has_text and ticked_just_for_iro(formdata) and not answer.is_empty
    )
    return answer
