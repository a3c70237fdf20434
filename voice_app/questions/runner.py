"""The one question-page runner shared by the child's journey and the adults' papers: shows
a question, saves its answer as the person goes, and moves them on. The blueprint says
which endpoints and template to use and how to save; the form decides everything else.

A GET never makes or changes what a person said: the draft is made by the POST that saves
the first answer. The one thing a GET notes is the page a person is on, on a draft they
already have (like a link's "last opened"), so they come back where they were.

A journey that offers "Just for my IRO" (the child's) shows the tick under each free-text
box and passes it to save; the adults' papers never show it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import abort, redirect, render_template, request, url_for

from voice_app.questions.model import Form
from voice_app.questions.parsing import as_typed, parse_answer, ticked_just_for_iro

# save(question_key, choice, text, key of the page to carry on from, or None), and
# just_for_iro=<bool> as well on a journey that offers it; it may return the address of a
# page to show first (the child is told an alert went).
SaveAnswer = Callable[..., str | None]
# note_position(question_key): remember the page a person is on, if they have a draft
NotePosition = Callable[[str], None]


@dataclass(frozen=True)
class Journey:
    question_endpoint: str  # takes key=
    check_endpoint: str
    start_endpoint: str
    template: str
    continue_text: str
    return_text: str
    # Under each free-text box, "Just for my IRO": the child's pages only.
    offers_just_for_iro: bool = False


def has_answers(answers: Mapping[str, Any]) -> bool:
    return any(not answer.is_empty for answer in answers.values())


def question_page(
    journey: Journey,
    form: Form,
    answers: Mapping[str, Any],
    key: str,
    name: str,
    save: SaveAnswer,
    note_position: NotePosition,
    heard_anyway: Callable[[str, str, str | None], None] | None = None,
):
    """GET shows the question (and notes the page, so closing the phone and coming back
    lands here); POST saves the answer and goes to the next page. Bad input comes back with
    its message and exactly what was typed."""
    question = form.question(key) or abort(404)
    returning_to_check = request.values.get("return") == "check"
    following, previous = form.next_after(key), form.before(key)
    answer = answers.get(key)
    offers_just_for_iro = journey.offers_just_for_iro and question.has_text
    values = {
        "choice": answer.choice if answer else None,
        "text": answer.text if answer else None,
        "just_for_iro": bool(answer and answer.just_for_iro),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        parsed = parse_answer(question, request.form, offers_just_for_iro)
        if parsed.errors:
            errors = parsed.errors
            if heard_anyway is not None and parsed.choice is not None and parsed.choice in question.alert_on:
                # A child who says they are not safe is heard even when their words were
                # too long to keep: the alert does not wait for them to shorten it.
                heard_anyway(key, parsed.choice, parsed.text)
            values = {
                "choice": request.form.get("choice"),
                "text": as_typed(request.form.get("text")),
                "just_for_iro": offers_just_for_iro and ticked_just_for_iro(request.form),
            }
        else:
            # Where to carry on from after closing the phone: the page after this one.
            carry_on = None if returning_to_check or following is None else following.key
            then = (
                url_for(journey.check_endpoint)
                if carry_on is None
                else url_for(journey.question_endpoint, key=carry_on)
            )
            extra = {"just_for_iro": parsed.just_for_iro} if journey.offers_just_for_iro else {}
            first = save(key, parsed.choice, parsed.text, carry_on, **extra)
            if first is not None:
                return redirect(url_for(first, then=then))
            return redirect(then)
    else:
        note_position(key)

    check_url = url_for(journey.check_endpoint)
    action_args: dict[str, Any] = {"return": "check"} if returning_to_check else {}
    return render_template(
        journey.template,
        question=question,
        name=name,
        position=form.index_of(key) + 1,
        total=len(form.questions),
        values=values,
        errors=errors,
        offers_just_for_iro=offers_just_for_iro,
        action_url=url_for(journey.question_endpoint, key=key, **action_args),
        submit_text=journey.return_text if returning_to_check else journey.continue_text,
        skip_url=check_url
        if returning_to_check or following is None
        else url_for(journey.question_endpoint, key=following.key),
        back_url=check_url
        if returning_to_check
        else (
            url_for(journey.question_endpoint, key=previous.key)
            if previous
            else url_for(journey.start_endpoint)
        ),
    ), (400 if errors else 200)


def change_urls(journey: Journey, form: Form) -> dict[str, str]:
    back_to_check: dict[str, Any] = {"return": "check"}
    return {q.key: url_for(journey.question_endpoint, key=q.key, **back_to_check) for q in form.questions}
