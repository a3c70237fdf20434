"""The one question-page runner shared by the child's journey and the adults' papers: shows
a question, saves its answer as the person goes, and moves them on. The blueprint says
which endpoints and template to use; the form decides everything else."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from voice_app.data.database import db
from voice_app.models import Answer, Submission, utcnow
from voice_app.questions.model import Form
from voice_app.questions.runner import ParsedAnswer, parse_answer


@dataclass(frozen=True)
class Journey:
    question_endpoint: str  # takes key=
    check_endpoint: str
    start_endpoint: str
    template: str
    continue_text: str
    return_text: str


def save_answer(draft: Submission, question_key: str, parsed: ParsedAnswer) -> None:
    """Keep this answer on the draft (an empty answer removes it). Two taps of Continue at
    once may both try to add it: the unique (submission, question) lets one win, and the
    other updates the winner's row."""
    existing = draft.answers_by_key().get(question_key)
    if parsed.is_empty:
        if existing is not None:
            draft.answers.remove(existing)
    elif existing is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    Answer(
                        submission_id=draft.id,
                        question_key=question_key,
                        choice=parsed.choice,
                        text=parsed.text,
                    )
                )
        except IntegrityError:
            db.session.execute(
                update(Answer)
                .where(Answer.submission_id == draft.id, Answer.question_key == question_key)
                .values(choice=parsed.choice, text=parsed.text, updated_at=utcnow())
            )
        db.session.expire(draft, ["answers"])
    else:
        existing.choice, existing.text = parsed.choice, parsed.text
    draft.updated_at = utcnow()


def has_answers(draft: Submission) -> bool:
    return any(not answer.is_empty for answer in draft.answers)


def question_page(journey: Journey, form: Form, draft: Submission, key: str, name: str):
    """GET shows the question; POST saves the answer and goes to the next page. Bad input
    comes back with its message and exactly what was typed."""
    question = form.question(key) or abort(404)
    returning_to_check = request.values.get("return") == "check"
    following, previous = form.next_after(key), form.before(key)
    answer = draft.answers_by_key().get(key)
    values = {"choice": answer.choice if answer else None, "text": answer.text if answer else None}
    errors = {}
    if request.method == "POST":
        parsed = parse_answer(question, request.form)
        if parsed.errors:
            errors = parsed.errors
            values = {"choice": request.form.get("choice"), "text": request.form.get("text")}
        else:
            save_answer(draft, key, parsed)
            if returning_to_check or following is None:
                draft.current_question = None
                return redirect(url_for(journey.check_endpoint))
            draft.current_question = following.key
            return redirect(url_for(journey.question_endpoint, key=following.key))
    else:
        draft.current_question = key  # where to carry on from after closing the phone

    check_url = url_for(journey.check_endpoint)
    action_args = {"return": "check"} if returning_to_check else {}
    return render_template(
        journey.template,
        question=question,
        name=name,
        position=form.index_of(key) + 1,
        total=len(form.questions),
        values=values,
        errors=errors,
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
    return {
        q.key: url_for(journey.question_endpoint, key=q.key, **{"return": "check"}) for q in form.questions
    }
