"""Pages for parents, carers and professionals: their paper for one review, one question a
page, saved as they go, checked, sent once, and viewable afterwards."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from voice_app.auth import current_link, respondent_link_required
from voice_app.child.service import has_answers, save_answer
from voice_app.models import SubmissionStatus
from voice_app.questions.runner import parse_answer
from voice_app.respond import bp, service


def _respondent():
    return service.respondent_for(current_link())


@bp.get("")
@respondent_link_required
def start():
    respondent = _respondent()
    submission = service.their_submission(respondent)
    return render_template("respond/start.html", r=respondent, submission=submission)


@bp.route("/questions/<key>", methods=["GET", "POST"])
@respondent_link_required
def question(key: str):
    respondent = _respondent()
    paper = respondent.paper
    this_question = paper.question(key) or abort(404)
    submission = service.draft_or_new(respondent)
    if submission.status == SubmissionStatus.SENT:
        return redirect(url_for("respond.sent"))
    returning_to_check = request.values.get("return") == "check"
    answer = submission.answers_by_key().get(key)
    values = {"choice": answer.choice if answer else None, "text": answer.text if answer else None}
    errors = {}
    following = paper.next_after(key)
    if request.method == "POST":
        parsed = parse_answer(this_question, request.form)
        if parsed.errors:
            errors = parsed.errors
            values = {"choice": request.form.get("choice"), "text": request.form.get("text")}
        else:
            save_answer(submission, key, parsed)
            if returning_to_check or following is None:
                submission.current_question = None
                return redirect(url_for("respond.check_answers"))
            submission.current_question = following.key
            return redirect(url_for("respond.question", key=following.key))
    else:
        submission.current_question = key
    previous = paper.before(key)
    action_args = {"return": "check"} if returning_to_check else {}
    return render_template(
        "respond/question.html",
        question=this_question,
        name=respondent.child.first_name,
        position=paper.index_of(key) + 1,
        total=len(paper.questions),
        values=values,
        errors=errors,
        action_url=url_for("respond.question", key=key, **action_args),
        submit_text=_("Save and go back") if returning_to_check else _("Save and continue"),
        skip_url=url_for("respond.check_answers")
        if returning_to_check or following is None
        else url_for("respond.question", key=following.key),
        back_url=url_for("respond.check_answers")
        if returning_to_check
        else (url_for("respond.question", key=previous.key) if previous else url_for("respond.start")),
    ), (400 if errors else 200)


@bp.get("/check")
@respondent_link_required
def check_answers():
    respondent = _respondent()
    submission = service.draft_or_new(respondent)
    if submission.status == SubmissionStatus.SENT:
        return redirect(url_for("respond.sent"))
    return _check_page(respondent, submission)


def _check_page(respondent, submission, errors=None):
    service.audit_own_view(respondent, submission, "respondent_viewed_own_answers")
    return render_template(
        "respond/check.html",
        r=respondent,
        form=respondent.paper,
        name=respondent.child.first_name,
        answers=submission.answers_by_key(),
        errors=errors or {},
        change_urls={
            q.key: url_for("respond.question", key=q.key, **{"return": "check"}) for q in respondent.paper.questions
        },
    )


@bp.post("/send")
@respondent_link_required
def send():
    respondent = _respondent()
    submission = service.their_submission(respondent)
    if submission is not None and submission.status == SubmissionStatus.DRAFT:
        if not has_answers(submission):
            return _check_page(respondent, submission, errors={
                "send": _("You have not answered any questions yet. Answer at least one, then send your views.")
            }), 400
        service.send(submission)
    return redirect(url_for("respond.sent"))


@bp.get("/sent")
@respondent_link_required
def sent():
    respondent = _respondent()
    submission = service.their_submission(respondent)
    if submission is None or submission.status != SubmissionStatus.SENT:
        return redirect(url_for("respond.start"))
    service.audit_own_view(respondent, submission, "respondent_viewed_own_answers")
    return render_template(
        "respond/sent.html",
        r=respondent,
        submission=submission,
        form=respondent.paper,
        name=respondent.child.first_name,
        answers=submission.answers_by_key(),
        change_urls=None,
    )
