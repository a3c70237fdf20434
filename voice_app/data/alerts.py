"""Alerts: nothing a child says about being unsafe waits for the review.

An alert is raised the moment a child's answer is saved (a "no" or "not sure" to feeling
safe, or words that may mean danger) or they press "Tell my IRO now". Its messages go to
the child's IRO and the duty inbox as soon as the request has committed, and carry only
the service's name and the staff link: never the child's words or name. An urgent alert
nobody has acted on within ALERT_ESCALATE_MINUTES goes to the managers too, once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from voice_app import screening
from voice_app.data import audit, children
from voice_app.data.database import db, savepoint
from voice_app.data.errors import NotFound
from voice_app.data.messages import deliver_after_commit
from voice_app.messaging import alert_text, normalise_uk_mobile
from voice_app.models import AccessLink, Alert, AlertAction, Child, Message, StaffUser, Submission, utcnow
from voice_app.questions import Question
from voice_app.vocabulary import AlertKind, AlertOutcome, AlertSource, Channel, MessageKind, StaffRole

log = logging.getLogger(__name__)


def _word_lists() -> dict[str, screening.WordList]:
    # Cached per folder: loaded once, and checked at start-up (create_app), so a council's
    # broken list is found then, never while a child is saving.
    return screening.load_word_lists(current_app.config.get("CONCERN_WORDS_FOLDER"))


def _possible_concerns(text: str) -> list[str]:
    """Words that may mean danger in any of the service's languages: until a child's own
    language is known, every list is checked (children mix languages)."""
    lists = _word_lists()
    found: dict[str, None] = {}
    for language in lists:
        found.update(dict.fromkeys(screening.possible_concerns(text, language, lists)))
    return list(found)


def screen_answer(
    child: Child, submission: Submission, question: Question, choice: str | None, text: str | None
) -> Alert | None:
    """Raise what this saved answer calls for. Returns the urgent alert it raised, if any,
    so the child can be told at once what happens next."""
    urgent = None
    if choice is not None and choice in question.alert_on:
        label = question.option(choice)
        said = "\n".join(part for part in (str(label.label) if label else choice, text) if part)
        urgent = _raise(child, AlertKind.URGENT, AlertSource.SAFETY_ANSWER, submission, question.key, said)
    if text:
        found = _possible_concerns(text)
        if found:
            _raise(
                child, AlertKind.CONCERN, AlertSource.WORDS, submission, question.key, text, ", ".join(found)
            )
    return urgent


def help_now(child: Child, link: AccessLink, message: str | None) -> Alert:
    """The child pressed "Tell my IRO now": an urgent alert, with their message if any."""
    alert = _raise(child, AlertKind.URGENT, AlertSource.HELP_NOW, None, None, message)
    assert alert is not None  # only an answer's alert can be one already open
    audit.record(link, "asked_for_help_now", child.id)
    return alert


def _raise(
    child: Child,
    kind: AlertKind,
    source: AlertSource,
    submission: Submission | None,
    question_key: str | None,
    said: str | None,
    matched: str | None = None,
) -> Alert | None:
    """A new alert and its messages, unless this answer already has the same open alert
    (the child saved the page again): one alert, one set of messages."""
    alert = Alert(
        child_id=child.id,
        kind=kind,
        source=source,
        submission_id=submission.id if submission else None,
        question_key=question_key,
        said=said,
        matched=matched[:500] if matched else None,
    )
    try:
        with savepoint():
            db.session.add(alert)
    except IntegrityError:
        # This answer already has the same open alert (the child saved the page again).
        # Staff must read what the child says now, not what they first wrote.
        _update_open(submission, question_key, kind, said, matched)
        return None
    messages = [
        _queue(alert, MessageKind.ALERT, channel, address)
        for channel, address in _first_recipients(child, kind)
    ]
    deliver_after_commit([m for m in messages if m is not None])
    return alert


def _update_open(
    submission: Submission | None,
    question_key: str | None,
    kind: AlertKind,
    said: str | None,
    matched: str | None,
) -> None:
    if submission is None:
        return
    alert = db.session.scalars(
        select(Alert).where(
            Alert.submission_id == submission.id,
            Alert.question_key == question_key,
            Alert.kind == kind,
            Alert.closed_at.is_(None),
        )
    ).first()
    if alert is None:
        return
    alert.said = said
    if matched:
        words = dict.fromkeys([*(alert.matched or "").split(", "), *matched.split(", ")])
        alert.matched = ", ".join(w for w in words if w)[:500]


def _first_recipients(child: Child, kind: AlertKind) -> list[tuple[Channel, str]]:
    """The child's IRO and the service's duty inbox; an urgent alert also by text."""
    config = current_app.config
    iro = db.session.get_one(StaffUser, child.iro_id)
    people: list[tuple[Channel, str]] = [(Channel.EMAIL, iro.email)]
    iro_mobile = normalise_uk_mobile(iro.phone or "")
    if kind == AlertKind.URGENT and iro_mobile:
        people.append((Channel.SMS, iro_mobile))
    if config.get("DUTY_EMAIL"):
        people.append((Channel.EMAIL, config["DUTY_EMAIL"]))
    if config.get("DUTY_MOBILE"):
        people.append((Channel.SMS, config["DUTY_MOBILE"]))
    return people


def staff_url(alert: Alert) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/staff/alerts/{alert.id}"


def _queue(alert: Alert, kind: MessageKind, channel: Channel, recipient: str) -> Message | None:
    """One message of each kind to each address for an alert, ever."""
    url = staff_url(alert)
    message = Message(
        alert_id=alert.id,
        kind=kind,
        channel=channel,
        recipient=recipient,
        body=alert_text(kind, alert.kind, channel, url, current_app.config["ALERT_ESCALATE_MINUTES"]),
        link=url,
    )
    try:
        with savepoint():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def escalate_due(now: datetime | None = None) -> int:
    """Send each urgent alert nobody has acted on in time to the managers, once. Run by
    `flask voice alerts` (every few minutes) and by send-due."""
    now = now or utcnow()
    waited = now - timedelta(minutes=current_app.config["ALERT_ESCALATE_MINUTES"])
    due = db.session.scalars(
        select(Alert).where(
            Alert.kind == AlertKind.URGENT,
            Alert.first_action_at.is_(None),
            Alert.escalated_at.is_(None),
            Alert.closed_at.is_(None),
            Alert.created_at <= waited,
        )
    ).all()
    managers = db.session.scalars(
        select(StaffUser).where(StaffUser.role == StaffRole.MANAGER, StaffUser.is_active_account.is_(True))
    ).all()
    queued = []
    if not managers:
        # Nobody to escalate to: keep the alerts due, so the first manager added gets them.
        log.error("%s urgent alerts are waiting and there is no active manager to tell", len(due))
        return 0
    for alert in due:
        alert.escalated_at = now
        for manager in managers:
            queued.append(_queue(alert, MessageKind.ESCALATION, Channel.EMAIL, manager.email))
            mobile = normalise_uk_mobile(manager.phone or "")
            if mobile:
                queued.append(_queue(alert, MessageKind.ESCALATION, Channel.SMS, mobile))
    deliver_after_commit([m for m in queued if m is not None])
    return len(due)


def open_alerts_for(staff: StaffUser, child: Child | None = None) -> list[Alert]:
    """Open alerts about the children this member of staff may see (or one of them),
    oldest first."""
    query = select(Alert).join(Child, Child.id == Alert.child_id)
    if child is not None:
        query = query.where(Alert.child_id == child.id)
    return list(
        db.session.scalars(
            query.where(Alert.closed_at.is_(None), children.visible_to(staff))
            .options(joinedload(Alert.child).joinedload(Child.iro))
            .order_by(Alert.created_at, Alert.id)
        ).unique()
    )


def alert_for(staff: StaffUser, alert_id: int) -> Alert:
    """An alert this member of staff may see, with what the child said: every reading is
    audited."""
    alert = db.session.scalars(
        select(Alert)
        .join(Child, Child.id == Alert.child_id)
        .where(Alert.id == alert_id, children.visible_to(staff))
        .options(
            joinedload(Alert.child).joinedload(Child.iro),
            selectinload(Alert.actions).joinedload(AlertAction.staff),
        )
    ).first()
    if alert is None:
        raise NotFound(alert_id)
    audit.record(staff, "viewed_alert", alert.child_id)
    return alert


class NotAConcernRefused(ValueError):
    """Only a possible concern can be closed as not a concern: an urgent alert needs what
    was done."""


def record_action(
    staff: StaffUser, alert: Alert, action_taken: str, who_was_told: str | None, outcome: AlertOutcome
) -> AlertAction:
    """What someone did. The first action is the time the annual figures measure; any
    action closes the alert (the banner goes), and later actions can still be added."""
    if outcome == AlertOutcome.NOT_A_CONCERN and alert.kind != AlertKind.CONCERN:
        raise NotAConcernRefused(alert.id)
    now = utcnow()
    action = AlertAction(
        alert_id=alert.id,
        staff_id=staff.id,
        action_taken=action_taken,
        who_was_told=who_was_told,
        outcome=outcome,
    )
    db.session.add(action)
    if alert.first_action_at is None:
        alert.first_action_at = now
    if alert.closed_at is None:
        alert.closed_at, alert.outcome = now, outcome
    audit.record(staff, "acted_on_alert", alert.child_id)
    return action
