"""Tell my IRO something, any time: good news, a problem, getting ready for a meeting."""

from __future__ import annotations

from flask import redirect, render_template, url_for

from voice_app.auth import child_link_required, current_link, per_link_session
from voice_app.child import bp
from voice_app.child.forms import MessageForm
from voice_app.data import child_messages, children
from voice_app.extensions import limiter
from voice_app.forms import form_errors


@bp.route("/my-voice/message", methods=["GET", "POST"])
@child_link_required
@limiter.limit("20 per hour", methods=["POST"], key_func=per_link_session)
def message():
    link = current_link()
    child = children.child_of_link(link)
    form = MessageForm()
    if form.validate_on_submit():
        child_messages.send_message(child, link, form.about.data, form.message.data)
        return redirect(url_for("child.message_sent"))
    errors = form_errors(form, radios=("about",))
    return render_template("child/message.html", child=child, form=form, errors=errors), (
        400 if errors else 200
    )


@bp.get("/my-voice/message/sent")
@child_link_required
def message_sent():
    return render_template("child/message_sent.html", child=children.child_of_link(current_link()))
