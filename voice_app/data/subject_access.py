"""Subject access: everything the service holds about one child, for a manager answering a
subject access request (UK GDPR article 15).

`export_for` gathers it (and audits the export); `as_zip` packs it as one JSON file per
kind of record and the readable page the view renders. Every submission is read back
through the form version it was answered in, so each answer sits under the question the
person was actually asked. Circle members appear by name and relationship only: their
addresses are their own personal data, not the child's.

What a circle member said about the child is about the child, but it is also the member's
own information (a third party's, in the law's words). It stays in the export, each such
paper marked as third-party information for whoever answers the request to review before
anything is released; and the answers a member kept just for the IRO are left out: they
were given in confidence, and the export says that it leaves them out. The child's own
"just for my IRO" answers are theirs, and stay."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voice_app import questions
from voice_app.data import audit, children
from voice_app.data.database import db
from voice_app.models import (
    Alert,
    AlertAction,
    AuditEvent,
    Child,
    CircleMember,
    Invitation,
    Message,
    Review,
    StaffUser,
    Submission,
    utcnow,
)
from voice_app.questions.child_message import CHILD_MESSAGE
from voice_app.vocabulary import LANGUAGES, PARTICIPATION_WORDS


@dataclass
class SubjectAccessRecord:
    child: dict[str, Any]
    reviews: list[dict[str, Any]] = field(default_factory=list)
    views: list[dict[str, Any]] = field(default_factory=list)
    messages_from_child: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    circle: list[dict[str, Any]] = field(default_factory=list)
    messages_sent: list[dict[str, Any]] = field(default_factory=list)
    audit_trail: list[dict[str, Any]] = field(default_factory=list)
    made_at: datetime = field(default_factory=utcnow)
    made_by: str = ""

    def files(self) -> dict[str, Any]:
        """Each JSON file of the export, by name."""
        return {
            "child.json": self.child,
            "reviews.json": self.reviews,
            "views.json": self.views,
            "messages_from_child.json": self.messages_from_child,
            "alerts.json": self.alerts,
            "circle.json": self.circle,
            "messages_sent.json": self.messages_sent,
            "audit_trail.json": self.audit_trail,
        }


def find_children(typed: str) -> list[Child]:
    """Children whose name holds what was typed, with their IRO: a manager picks one by
    name and date of birth."""
    return audit.children_named(typed)


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_for(staff: StaffUser, child_id: int) -> SubjectAccessRecord:
    """Everything held about this child, read in a fixed number of queries. Audited."""
    child = children.child_for(staff, child_id)
    members = list(
        db.session.scalars(
            select(CircleMember).where(CircleMember.child_id == child.id).order_by(CircleMember.id)
        )
    )
    # Who was the IRO of each review (a child moved to another IRO keeps that history).
    their_iros = {review.iro_id for review in child.reviews if review.iro_id is not None}
    iro_names = {
        staff_id: name
        for staff_id, name in db.session.execute(
            select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(their_iros))
        ).tuples()
    }
    record = SubjectAccessRecord(
        child={
            "id": child.id,
            "child_id": child.child_ref,
            "first_name": child.first_name,
            "last_name": child.last_name,
            "preferred_name": child.preferred_name,
            "preferred_language": LANGUAGES.get(child.preferred_language, child.preferred_language),
            "date_of_birth": _when(child.date_of_birth),
            "looked_after_since": _when(child.looked_after_since),
            "left_care_on": _when(child.left_care_on),
            "periods_in_care": [
                {"started": _when(period.started_on), "ended": _when(period.ended_on)}
                for period in children.care_periods(child)
            ],
            "email": child.email,
            "mobile": child.mobile,
            "iro": child.iro.name,
            "added": _when(child.created_at),
        },
        reviews=[
            _review(review, iro_names.get(review.iro_id or 0, child.iro.name)) for review in child.reviews
        ],
        circle=[
            {
                "name": member.name,
                "relationship": member.relationship_label,
                "added": _when(member.created_at),
                "left_the_circle": _when(member.removed_at),
            }
            for member in members
        ],
        made_by=staff.name,
    )
    reviews_by_id = {review.id: review for review in child.reviews}
    for submission in db.session.scalars(
        select(Submission)
        .where(Submission.child_id == child.id)
        .options(selectinload(Submission.answers), selectinload(Submission.circle_member))
        .order_by(Submission.id)
    ):
        review = reviews_by_id.get(submission.review_id) if submission.review_id else None
        read_back = _submission(child, submission, review)
        if submission.form_key == CHILD_MESSAGE.key:
            record.messages_from_child.append(read_back)
        else:
            record.views.append(read_back)
    record.alerts = [
        _alert(alert)
        for alert in db.session.scalars(
            select(Alert)
            .where(Alert.child_id == child.id)
            .options(selectinload(Alert.actions).selectinload(AlertAction.staff))
            .order_by(Alert.id)
        )
    ]
    record.messages_sent = _messages_about(child)
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.child_id == child.id)
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    )
    record.audit_trail = [
        {"when": _when(row.when), "who": row.who, "what": row.what, "action": event.action}
        for event, row in zip(events, audit.in_words(events), strict=True)
    ]
    audit.record(staff, "exported_subject_access", child_id=child.id)
    return record


def _review(review: Review, iro: str) -> dict[str, Any]:
    return {
        "number": review.number,
        "due_on": _when(review.due_on),
        "booked_for": _when(review.scheduled_for),
        "held_on": _when(review.held_on),
        "iro": iro,
        # How the child took part, as the council returns it to the DfE (SSDA903 REVIEW_CODE).
        "participation": (
            f"{review.participation_code}: {PARTICIPATION_WORDS[review.participation_code]}"
            if review.participation_code
            else None
        ),
    }


THIRD_PARTY_NOTE = _l(
    "Third-party information: what a member of the child's circle said. Review it before "
    "anything is released, and leave out what would identify someone or is theirs alone. "
    "Answers they gave just for the IRO are not in this export."
)


def _submission(child: Child, submission: Submission, review: Review | None) -> dict[str, Any]:
    member = submission.circle_member
    try:
        form = questions.form_of(submission)
    except questions.UnknownForm:
        form = None
    answers = []
    for answer in submission.answers:
        if member is not None and answer.just_for_iro:
            continue  # a circle member's confidence to the IRO: left out

        question = form.question(answer.question_key) if form else None
        option = question.option(answer.choice) if question and answer.choice else None
        answers.append(
            {
                "question": question.title_for(child.first_name) if question else answer.question_key,
                "answer": str(option.label) if option else answer.choice,
                "in_their_own_words": answer.text,
                "just_for_the_iro": answer.just_for_iro,
                "last_changed": _when(answer.updated_at),
            }
        )
    return {
        "from": f"{member.name} ({member.relationship_label})" if member else child.full_name,
        "form": f"{submission.form_key} version {submission.form_version}",
        "status": str(submission.status),
        "review_number": review.number if review else None,
        "started": _when(submission.created_at),
        "sent": _when(submission.sent_at),
        "third_party": member is not None,
        "review_before_release": str(THIRD_PARTY_NOTE) if member is not None else None,
        "answers": answers,
    }


def _alert(alert: Alert) -> dict[str, Any]:
    return {
        "kind": str(alert.kind),
        "how": str(alert.source),
        "raised": _when(alert.created_at),
        "what_was_said": alert.said,
        "words_found": alert.matched,
        "sent_to_the_managers": _when(alert.escalated_at),
        "first_acted_on": _when(alert.first_action_at),
        "closed": _when(alert.closed_at),
        "outcome": str(alert.outcome) if alert.outcome else None,
        "what_was_done": [
            {
                "by": action.staff.name,
                "when": _when(action.created_at),
                "what_was_done": action.action_taken,
                "who_was_told": action.who_was_told,
                "outcome": str(action.outcome),
            }
            for action in alert.actions
        ],
    }


def _messages_about(child: Child) -> list[dict[str, Any]]:
    """Messages sent to the child themselves (their invitations and reminders): what kind,
    how and when. Their words are the service's standard text and a link, not kept here."""
    sent = db.session.scalars(
        select(Message)
        .join(Invitation, Invitation.id == Message.invitation_id)
        .where(Invitation.child_id == child.id, Invitation.circle_member_id.is_(None))
        .order_by(Message.id)
    )
    return [
        {
            "kind": str(message.kind),
            "how": str(message.channel),
            "to": message.recipient,
            "status": str(message.status),
            "queued": _when(message.created_at),
            "sent": _when(message.sent_at),
        }
        for message in sent
    ]


def as_zip(record: SubjectAccessRecord, index_html: str) -> bytes:
    """The export as one ZIP file: a JSON file per kind of record, and index.html to read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", index_html)
        for name, content in record.files().items():
            archive.writestr(name, json.dumps(content, indent=2, ensure_ascii=False))
    return buffer.getvalue()
