"""Pages for parents, carers and professionals: their paper for one review, one question a
page, saved as they go, checked, sent once, and viewable afterwards."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from voice_app.auth import current_link, respondent_link_required
from voice_app.models import SubmissionStatus
from voice_app.questions.pages import Journey, change_urls, has_answers, question_page
from voice_app.respond import bp, service

JOURNEY = Journey(
    question_endpoint="respond.question",
    check_endpoint="respond.check_answers",
    start_endpoint="respond.start",
    template="respond/question.html",
    continue_text=_l("Save and continue"),
    return_text=_l("Save and go back"),
)


class ReviewHeld(Exception):
    pass


def _respondent():
    respondent = service.respondent_for(current_link())
    if respondent.review.held_on is not None:
        raise ReviewHeld(respondent)
    return respondent


@bp.errorhandler(ReviewHeld)
def review_held(error):
    """Views sent after the meeting would promise what cannot happen: say so instead."""
    respondent = error.args[0]
    return render_template("respond/held.html", r=respondent), 410


@bp.get("")
@respondent_link_required
def start():
    respondent = _respondent()
    submission = respondent.submission
    return render_template("respond/start.html", r=respondent, submission=submission)


@bp.route("/questions/<key>", methods=["GET", "POST"])
@respondent_link_required
def question(key: str):
    respondent = _respondent()
    submission = service.draft_or_new(respondent)
    if submission.status == SubmissionStatus.SENT:
        return redirect(url_for("respond.sent"))
    return question_page(JOURNEY, respondent.paper, submission, key, respondent.child.first_name)


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
        change_urls=change_urls(JOURNEY, respondent.paper),
    )


@bp.post("/send")
@respondent_link_required
def send():
    respondent = _respondent()
    submission = respondent.submission
    if submission is not None and submission.status == SubmissionStatus.DRAFT:
        if not has_answers(submission):
            return _check_page(
                respondent,
                submission,
                errors={
                    "send": _(
                        "You have not answered any questions yet. Answer at least one, then send your views."
                    )
                },
            ), 400
        service.send(submission)
    return redirect(url_for("respond.sent"))


@bp.get("/sent")
@respondent_link_required
def sent():
    respondent = _respondent()
    submission = respondent.submission
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
