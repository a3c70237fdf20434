"""The child's pages: one question a page, saved as they go, checked, then sent."""

from __future__ import annotations

from flask import redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from voice_app import links
from voice_app.auth import current_link, link_required, start_link_session
from voice_app.child import bp, service
from voice_app.extensions import limiter
from voice_app.questions.pages import Journey, change_urls, has_answers, question_page

JOURNEY = Journey(
    question_endpoint="child.question",
    check_endpoint="child.check_answers",
    start_endpoint="child.start",
    template="child/question.html",
    continue_text=_l("Continue"),
    return_text=_l("Save and go back"),
)


@bp.get("/")
def home():
    return render_template("child/home.html")


@bp.get("/help")
def help_now():
    return render_template("child/help.html")


@bp.get("/c/<token>")
@limiter.limit("30 per minute")
def open_link(token: str):
    link = links.find_link_by_token(token)
    if link is None or not link.is_usable():
        return render_template("child/link_not_working.html"), 404
    service.mark_opened(link)
    start_link_session(link)
    # Straight on to an address without the token, so it stays out of history and logs.
    return redirect(url_for("child.start" if link.is_childs else "respond.start"))


@bp.get("/leave")
def leave():
    """ "Leave this page quickly": end the session first, so Back shows nothing of theirs."""
    session.clear()
    return redirect("https://www.bbc.co.uk/weather")


@bp.get("/link-needed")
def link_needed():
    return render_template("child/link_not_working.html"), 403


@bp.get("/my-voice")
@link_required
def start():
    link = current_link()
    child = service.load_child(link)
    draft = service.current_draft(child)
    return render_template(
        "child/start.html",
        child=child,
        review=service.reviews.find_next_review(child.id),
        draft=draft,
        last_sent=None if draft and draft.answers else service.last_sent(child),
    )


@bp.post("/my-voice/start-again")
@link_required
def start_again():
    child = service.load_child(current_link())
    draft = service.draft_or_new(child, current_link())
    first = service.form_of(draft).questions[0]
    return redirect(url_for("child.question", key=first.key))


@bp.route("/my-voice/questions/<key>", methods=["GET", "POST"])
@link_required
def question(key: str):
    link = current_link()
    child = service.load_child(link)
    draft = service.draft_or_new(child, link)
    return question_page(JOURNEY, service.form_of(draft), draft, key, child.first_name)


@bp.get("/my-voice/check")
@link_required
def check_answers():
    link = current_link()
    child = service.load_child(link)
    draft = service.current_draft(child)
    if draft is None:
        return redirect(url_for("child.start"))
    return _check_page(link, child, draft)


def _check_page(link, child, draft, errors=None):
    service.audit_own_view(link, draft, "child_viewed_own_answers")
    form = service.form_of(draft)
    return render_template(
        "child/check.html",
        form=form,
        answers=draft.answers_by_key(),
        child=child,
        name=child.first_name,
        errors=errors or {},
        change_urls=change_urls(JOURNEY, form),
    )


@bp.post("/my-voice/send")
@link_required
def send():
    link = current_link()
    child = service.load_child(link)
    draft = service.current_draft(child)
    if draft is not None:
        if not has_answers(draft):
            return _check_page(
                link,
                child,
                draft,
                errors={
                    "send": _("You have not answered any questions yet. Answer at least one, then send it.")
                },
            ), 400
        service.send(draft, child)
    return redirect(url_for("child.sent"))


@bp.get("/my-voice/sent")
@link_required
def sent():
    child = service.load_child(current_link())
    submission = service.last_sent(child)
    if submission is None:
        return redirect(url_for("child.start"))
    return render_template("child/sent.html", child=child, submission=submission)
