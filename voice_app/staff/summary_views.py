"""The consultation summary for the meeting: everyone's views without the answers the
child kept "just for my IRO", to show on screen or print on A4."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from voice_app.data import consultation, reviews
from voice_app.permissions import IROS, staff_required
from voice_app.staff import bp


@bp.get("/reviews/<int:review_id>/for-the-meeting")
@staff_required(*IROS)
def for_the_meeting(review_id: int):
    review = reviews.review_for(current_user, review_id)
    summary = consultation.read_for_meeting(current_user, review)
    return render_template("staff/for_the_meeting.html", review=review, child=review.child, summary=summary)
