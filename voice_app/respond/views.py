"""Pages for parents, carers and professionals: their paper for one review, one question a
page, saved as they go, checked, sent once, and viewable afterwards."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from voice_app.auth import current_link, respondent_link_required
from voice_app.data import respondents, submissions
from voice_app.data.errors import NotFound, ReviewClosed
from voice_app.questions.runner import Journey, change_urls, has_answers, question_page
from voice_app.respond import bp
from voice_app.vocabulary import SubmissionStatus

JOURNEY = Journey(
    question_endpoint="respond.question",
    check_endpoint="respond.check_answers",
    start_endpoint="respond.start",
    template="respond/question.html",
    continue_text=_l("Save and continue"),
    return_text=_l("Save and go back"),
)


def _respondent() -> respondents.Respondent:
    try:
        return respondents.respondent_for(current_link())
    except NotFound:
        abort(404)


@bp.errorhandler(ReviewClosed)
def review_closed(error: ReviewClosed):
    """Views sent after the meeting would promise what cannot happen: say so instead."""
    return render_template("respond/held.html", r=error.respondent), 410


def _is_sent(respondent: respondents.Respondent) -> bool:
    return respondent.submission is not None and respondent.submission.status == SubmissionStatus.SENT


@bp.get("")
@respondent_link_required
def start():
    respondent = _respondent()
    return render_template("respond/start.html", r=respondent, submission=respondent.submission)


@bp.route("/questions/<key>", methods=["GET", "POST"])
@respondent_link_required
def question(key: str):
    respondent = _respondent()
    if _is_sent(respondent):
        return redirect(url_for("respond.sent"))

    def save(question_key, choice, text, carry_on):
        submissions.save_paper_answer(respondent, question_key, choice, text, carry_on)
        return None

    answers = respondent.submission.answers_by_key() if respondent.submission else {}
    return question_page(
        JOURNEY,
        respondent.paper,
        answers,
        key,
        respondent.child.first_name,
        save,
        lambda k: submissions.note_position(respondent.submission, k),
    )


@bp.get("/check")
@respondent_link_required
def check_answers():
    respondent = _respondent()
    if _is_sent(respondent):
        return redirect(url_for("respond.sent"))
    return _check_page(respondent)


def _check_page(respondent, errors=None):
    """Their answers so far, to check before sending (none yet is a page too)."""
    paper = respondent.submission
    if paper is not None:
        submissions.record_own_view(respondent.link, paper, "respondent_viewed_own_answers")
    return render_template(
        "respond/check.html",
        r=respondent,
        form=respondent.paper,
        name=respondent.child.first_name,
        answers=paper.answers_by_key() if paper else {},
        errors=errors or {},
        change_urls=change_urls(JOURNEY, respondent.paper),
    )


@bp.post("/send")
@respondent_link_required
def send():
    respondent = _respondent()
    if _is_sent(respondent):  # a double tap, or a second tab
        return redirect(url_for("respond.sent"))
    paper = respondent.submission
    if paper is None or not has_answers(paper.answers_by_key()):
        message = _("You have not answered any questions yet. Answer at least one, then send your views.")
        return _check_page(respondent, errors={"send": message}), 400
    submissions.send_paper(respondent)
    return redirect(url_for("respond.sent"))


@bp.get("/sent")
@respondent_link_required
def sent():
    respondent = _respondent()
    submission = respondent.submission
    if submission is None or not _is_sent(respondent):
        return redirect(url_for("respond.start"))
    submissions.record_own_view(respondent.link, submission, "respondent_viewed_own_answers")
    return render_template(
        "respond/sent.html",
        r=respondent,
        submission=submission,
        form=respondent.paper,
        name=respondent.child.first_name,
        answers=submission.answers_by_key(),
        change_urls=None,
    )
