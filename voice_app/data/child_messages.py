"""A message from a child to their IRO, at any time: attached to the child's next review
like any submission, and screened like any answer the moment it is sent."""

from __future__ import annotations

from sqlalchemy import func, select

from voice_app.data import alerts, reviews
from voice_app.data.database import db
from voice_app.models import AccessLink, Answer, AuditEvent, Child, Submission, utcnow
from voice_app.questions.child_message import CHILD_MESSAGE
from voice_app.vocabulary import SubmissionStatus


def send_message(child: Child, link: AccessLink, about: str, text: str) -> Submission:
    """Send it now (there is no draft to lose: one page, one tap). Returns it sent."""
    review = reviews.next_review(child)
    now = utcnow()
    message = Submission(
        child_id=child.id,
        link_id=link.id,
        review_id=review.id,
        form_key=CHILD_MESSAGE.key,
        form_version=CHILD_MESSAGE.version,
        status=SubmissionStatus.SENT,
        sent_at=now,
        answers=[Answer(question_key="about", choice=about), Answer(question_key="message", text=text)],
    )
    db.session.add(message)
    db.session.flush()
    question = CHILD_MESSAGE.question("message")
    assert question is not None
    alerts.screen_answer(child, message, question, None, text)
    return message


def is_message(submission: Submission) -> bool:
    return submission.form_key == CHILD_MESSAGE.key


def new_messages_by_review(review_ids: list[int]) -> dict[int, int]:
    """How many of the child's messages for each review arrived since staff last read that
    review's summary (nobody has read them yet): "new" on the caseload."""
    if not review_ids:
        return {}
    last_read = (
        select(AuditEvent.review_id, func.max(AuditEvent.created_at).label("read_at"))
        .where(AuditEvent.review_id.in_(review_ids), AuditEvent.action == "viewed_consultation_summary")
        .group_by(AuditEvent.review_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Submission.review_id, func.count(Submission.id))
        .outerjoin(last_read, last_read.c.review_id == Submission.review_id)
        .where(
            Submission.review_id.in_(review_ids),
            Submission.form_key == CHILD_MESSAGE.key,
            Submission.status == SubmissionStatus.SENT,
            (last_read.c.read_at.is_(None)) | (Submission.sent_at > last_read.c.read_at),
        )
        .group_by(Submission.review_id)
    ).tuples()
    return {review_id: count for review_id, count in rows if review_id is not None}
