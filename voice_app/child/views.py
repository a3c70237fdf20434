"""The child's pages: one question a page, saved as they go, checked, then sent."""

from __future__ import annotations

import hashlib

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from voice_app.auth import (
    child_link_required,
    current_link,
    end_link_session,
    per_link_session,
    refuses_staff,
    start_link_session,
)
from voice_app.child import bp
from voice_app.child.forms import TellMyIroForm
from voice_app.data import alerts, children, links, reviews, submissions
from voice_app.extensions import limiter
from voice_app.permissions import public
from voice_app.questions import form_of
from voice_app.questions.runner import Journey, change_urls, has_answers, question_page

JOURNEY = Journey(
    question_endpoint="child.question",
    check_endpoint="child.check_answers",
    start_endpoint="child.start",
    template="child/question.html",
    continue_text=_l("Continue"),
    return_text=_l("Save and go back"),
    offers_just_for_iro=True,
)


@bp.get("/")
@public
def home():
    return render_template("child/home.html")


@bp.get("/help")
@public
def help_now():
    """Help for anyone; a child who opened their link can also tell their IRO at once."""
    link = current_link()
    return render_template("child/help.html", can_tell_iro=link is not None and link.is_childs, errors={})


@bp.post("/help/tell-my-iro")
@child_link_required
@limiter.limit("30 per hour", key_func=per_link_session)
def tell_my_iro():
    form = TellMyIroForm()
    if not form.validate_on_submit():
        errors = {"message": form.errors["message"][0]} if form.errors.get("message") else {}
        return render_template("child/help.html", can_tell_iro=True, form=form, errors=errors), 400
    link = current_link()
    alerts.help_now(children.child_of_link(link), link, form.message.data)
    return redirect(url_for("child.told"))


@bp.get("/help/told")
@child_link_required
def told():
    return render_template("child/told.html", child=children.child_of_link(current_link()))


@bp.get("/my-voice/heard")
@child_link_required
def heard():
    """Straight after a child says they do not feel safe: what happens next, then on."""
    then = request.args.get("then", "")
    if not then.startswith("/my-voice/") or not then.isprintable():
        then = url_for("child.start")
    return render_template("child/heard.html", child=children.child_of_link(current_link()), then=then)


def _this_link() -> str:
    """The limiter's key for one personal link: a hash of its token, never the token."""
    token = (request.view_args or {}).get("token", "")
    return "personal link " + hashlib.sha256(str(token).encode()).hexdigest()


# Each link is limited on its own, so a class of children behind one school's address all
# get in; the address has a generous limit besides, against a machine trying many tokens.
TRIES_OF_ONE_LINK = "10 per minute"
LINKS_FROM_ONE_ADDRESS = "300 per minute"


@bp.get("/c/<token>")
@limiter.limit(TRIES_OF_ONE_LINK, key_func=_this_link)
@limiter.limit(LINKS_FROM_ONE_ADDRESS)
@public
@refuses_staff  # before the link is looked up: staff never open a child's link
def open_link(token: str):
    link = links.find_by_token(token)
    if link is None or not link.is_usable():
        return render_template("child/link_not_working.html"), 404
    links.mark_opened(link)
    start_link_session(link)
    # Straight on to an address without the token, so it stays out of history and logs.
    return redirect(url_for("child.start" if link.is_childs else "respond.start"))


@bp.get("/leave")
@public
def leave():
    """ "Leave this page quickly": end the session first, on the server too, so Back (or a
    copy of the cookie) shows nothing of theirs."""
    end_link_session()
    return redirect("https://www.bbc.co.uk/weather")


@bp.get("/link-needed")
@public
def link_needed():
    return render_template("child/link_not_working.html"), 403


@bp.get("/my-voice")
@child_link_required
def start():
    child = children.child_of_link(current_link())
    draft = submissions.child_draft(child)
    return render_template(
        "child/start.html",
        child=child,
        review=reviews.find_next_review(child),
        draft=draft,
        last_sent=None if draft and draft.answers else submissions.last_sent(child),
    )


@bp.post("/my-voice/start-again")
@child_link_required
def start_again():
    link = current_link()
    draft = submissions.start_child_draft(children.child_of_link(link), link)
    first = form_of(draft).questions[0]
    return redirect(url_for("child.question", key=first.key))


@bp.route("/my-voice/questions/<key>", methods=["GET", "POST"])
@child_link_required
def question(key: str):
    link = current_link()
    child = children.child_of_link(link)
    draft = submissions.child_draft(child)
    # Before the first answer there is no draft yet: the page shows the form it will use.
    form = form_of(draft) if draft else submissions.child_form_for(child)

    def save(question_key, choice, text, carry_on, just_for_iro=False):
        raised = submissions.save_child_answer(
            child, link, question_key, choice, text, carry_on, just_for_iro
        )
        return "child.heard" if raised else None

    answers = draft.answers_by_key() if draft else {}
    return question_page(
        JOURNEY,
        form,
        answers,
        key,
        child.first_name,
        save,
        lambda k: submissions.note_position(draft, k),
        lambda k, choice, text: submissions.hear_refused_answer(child, link, k, choice, text),
    )


@bp.get("/my-voice/check")
@child_link_required
def check_answers():
    link = current_link()
    child = children.child_of_link(link)
    draft = submissions.child_draft(child)
    if draft is None:
        return redirect(url_for("child.start"))
    return _check_page(link, child, draft)


def _check_page(link, child, draft, errors=None):
    submissions.record_own_view(link, draft, "child_viewed_own_answers")
    form = form_of(draft)
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
@child_link_required
def send():
    link = current_link()
    child = children.child_of_link(link)
    draft = submissions.child_draft(child)
    if draft is not None and not has_answers(draft.answers_by_key()):
        message = _("You have not answered any questions yet. Answer at least one, then send it.")
        return _check_page(link, child, draft, errors={"send": message}), 400
    submissions.send_child_views(child)
    return redirect(url_for("child.sent"))


@bp.get("/my-voice/sent")
@child_link_required
def sent():
    child = children.child_of_link(current_link())
    submission = submissions.last_sent(child)
    if submission is None:
        return redirect(url_for("child.start"))
    return render_template("child/sent.html", child=child, submission=submission)
