"""Retention: `flask voice purge` deletes what is past its time, in chunks, safe to repeat,
and writes an audit row for each thing purged with nothing personal in it."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import event, func, select

from tests.factories import (
    make_child,
    make_link,
    make_member,
    make_member_submission,
    make_review,
    make_sent_submission,
    make_staff,
)
from voice_app.data import audit, retention
from voice_app.data.database import db
from voice_app.models import (
    AccessLink,
    Alert,
    AlertAction,
    Answer,
    AuditEvent,
    Child,
    CircleMember,
    Invitation,
    LinkSession,
    Message,
    Review,
    Submission,
    hash_token,
    utcnow,
)
from voice_app.vocabulary import (
    ActorKind,
    AlertKind,
    AlertOutcome,
    AlertSource,
    Channel,
    MessageKind,
    MessageStatus,
    SubmissionStatus,
)

DAY = timedelta(days=1)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


_addresses = itertools.count(1)


def _message(*, invitation=None, alert=None, status=MessageStatus.SENT, sent_days_ago=40, link=None):
    sent_at = utcnow() - sent_days_ago * DAY
    message = Message(
        invitation_id=invitation.id if invitation else None,
        alert_id=alert.id if alert else None,
        kind=MessageKind.ALERT if alert else MessageKind.INVITATION,
        channel=Channel.EMAIL,
        recipient=f"karen{next(_addresses)}@example.org",
        body=f"Please tell us your views: {link or 'https://staff.example/alerts/1'}",
        link=link or ("https://staff.example/alerts/1" if alert else None),
        status=status,
        sent_at=sent_at if status == MessageStatus.SENT else None,
    )
    db.session.add(message)
    db.session.commit()
    return message


def _whole_record(iro, age: int):
    """A child with something in every table that points at a child."""
    child = make_child(iro, age=age)
    review = make_review(child, held_on=date.today() - 30 * DAY)
    make_link(child)
    link = db.session.scalars(select(AccessLink).where(AccessLink.child_id == child.id)).one()
    db.session.add(LinkSession(key_hash=hash_token(f"session {child.id}"), link_id=link.id))
    views = make_sent_submission(child, review, {"home": ("good", "I like my room")})
    member = make_member(child, email=f"mum{child.id}@example.org")
    paper = make_member_submission(member, review, {"home": ("ok", None)})
    invitation = Invitation(
        review_id=review.id,
        child_id=child.id,
        circle_member_id=member.id,
        respondent_key=f"member:{member.id}",
        channel=Channel.EMAIL,
    )
    alert = Alert(
        child_id=child.id,
        kind=AlertKind.URGENT,
        source=AlertSource.SAFETY_ANSWER,
        submission_id=views.id,
        question_key="safe_home",
        said="no",
    )
    db.session.add_all([invitation, alert])
    db.session.flush()
    db.session.add(
        AlertAction(alert_id=alert.id, staff_id=iro.id, action_taken="Rang her", outcome=AlertOutcome.ACTED)
    )
    db.session.commit()
    _message(invitation=invitation, sent_days_ago=1)
    _message(alert=alert, sent_days_ago=1)
    audit.record(iro, "viewed_consultation_summary", child.id, review.id)
    audit.record(link, "child_viewed_own_answers", child.id, review.id, views.id)
    audit.record(iro, "viewed_alert", submission_id=paper.id)  # about the child by its paper only
    db.session.commit()
    return child


def _tables_about(child_id: int) -> dict[str, int]:
    reviews = select(Review.id).where(Review.child_id == child_id)
    submissions = select(Submission.id).where(Submission.child_id == child_id)
    links = select(AccessLink.id).where(AccessLink.child_id == child_id)
    alerts = select(Alert.id).where(Alert.child_id == child_id)
    invitations = select(Invitation.id).where(Invitation.child_id == child_id)
    return {
        "child": _count(Child, Child.id == child_id),
        "review": _count(Review, Review.child_id == child_id),
        "submission": _count(Submission, Submission.child_id == child_id),
        "answer": _count(Answer, Answer.submission_id.in_(submissions)),
        "access_link": _count(AccessLink, AccessLink.child_id == child_id),
        "link_session": _count(LinkSession, LinkSession.link_id.in_(links)),
        "circle_member": _count(CircleMember, CircleMember.child_id == child_id),
        "invitation": _count(Invitation, Invitation.child_id == child_id),
        "message": _count(Message, Message.invitation_id.in_(invitations) | Message.alert_id.in_(alerts)),
        "alert": _count(Alert, Alert.child_id == child_id),
        "alert_action": _count(AlertAction, AlertAction.alert_id.in_(alerts)),
        "audit_event": _count(
            AuditEvent,
            (AuditEvent.child_id == child_id)
            | AuditEvent.review_id.in_(reviews)
            | AuditEvent.submission_id.in_(submissions),
        ),
    }


def test_a_childs_whole_record_goes_75_years_after_their_birth(app_context):
    iro = make_staff()
    old = _whole_record(iro, age=75)
    young = _whole_record(iro, age=74)
    old_id = old.id
    assert set(_tables_about(old_id).values()) != {0}
    young_before = _tables_about(young.id)

    report = retention.purge_due()

    assert report.child_records == 1
    assert _tables_about(old_id) == dict.fromkeys(young_before, 0)
    assert _tables_about(young.id) == young_before
    purged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "purged_child_record")).one()
    assert (purged.actor_kind, purged.actor_id, purged.child_id) == (
        ActorKind.SYSTEM,
        audit.SYSTEM_ACTOR_ID,
        None,
    )
    assert (purged.review_id, purged.submission_id, purged.ip_address) == (None, None, None)

    # Safe to repeat: nothing more to do, nothing more written.
    rows = _count(AuditEvent)
    assert retention.purge_due() == retention.PurgeReport()
    assert _count(AuditEvent) == rows


def test_the_purge_works_in_chunks(app_context):
    iro = make_staff()
    for _ in range(5):
        make_child(iro, age=80)
    commits = []

    def committed(session):
        commits.append(session)

    session = db.session()
    event.listen(session, "after_commit", committed)
    try:
        report = retention.purge_due(batch_size=2)
    finally:
        event.remove(session, "after_commit", committed)
    assert report.child_records == 5
    assert _count(Child) == 0
    assert len(commits) >= 3  # 2 + 2 + 1, each chunk its own transaction
    assert _count(AuditEvent, AuditEvent.action == "purged_child_record") == 5


def _invited(member, review):
    db.session.add(
        Invitation(
            review_id=review.id,
            child_id=member.child_id,
            circle_member_id=member.id,
            respondent_key=f"member:{member.id}",
            channel=Channel.EMAIL,
        )
    )
    db.session.commit()
    return db.session.scalars(select(Invitation).where(Invitation.circle_member_id == member.id)).first()


def test_a_circle_members_details_go_two_years_after_their_last_review(app_context):
    iro = make_staff()
    child = make_child(iro)
    today = date.today()
    long_ago = make_review(child, number=1, held_on=today - 3 * 365 * DAY)
    lately = make_review(child, number=2, held_on=today - 365 * DAY)

    gone = make_member(child, name="Karen Taylor", email="karen@example.org", mobile="07700900982")
    invitation = _invited(gone, long_ago)
    paper = make_member_submission(gone, long_ago, {"home": ("ok", "She is doing well")})
    sent = _message(invitation=invitation, sent_days_ago=3 * 365, link="https://voice.example/c/secret")
    waiting = _message(invitation=invitation, status=MessageStatus.FAILED)

    recent = make_member(child, name="Lee Taylor", relationship="father", email="lee@example.org")
    _invited(recent, long_ago)
    make_member_submission(recent, lately, {"home": ("ok", None)})  # answered for a newer review

    never_asked_old = make_member(
        child, name="Nan Taylor", relationship="kinship_carer", mobile="07700900123"
    )
    never_asked_old.created_at = utcnow() - 3 * 365 * DAY
    never_asked_new = make_member(child, name="Ann Carer", relationship="foster_carer")
    db.session.commit()

    report = retention.purge_due()

    assert report.circle_members == 2
    for member in (gone, never_asked_old):
        db.session.refresh(member)
        assert (member.name, member.email, member.mobile) == (retention.REMOVED_NAME, None, None)
        assert member.removed_at is not None
    for member, name in ((recent, "Lee Taylor"), (never_asked_new, "Ann Carer")):
        db.session.refresh(member)
        assert member.name == name and member.removed_at is None
    # What Karen said stays in the child's record, now from "Removed (Mother)".
    db.session.refresh(paper)
    assert paper.circle_member_id == gone.id and paper.answers[0].text == "She is doing well"
    # Her messages keep no address, words or link, and nothing more goes to her.
    for message in (sent, waiting):
        db.session.refresh(message)
        assert (message.recipient, message.body, message.link) == (
            f"{retention.REMOVED_RECIPIENT}{message.id}",
            retention.BODY_REMOVED,
            None,
        )
    assert waiting.status == MessageStatus.CANCELLED
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "purged_circle_member_details")
    ).all()
    assert [(row.actor_kind, row.actor_id, row.child_id) for row in rows] == [
        (ActorKind.SYSTEM, audit.SYSTEM_ACTOR_ID, child.id)
    ] * 2

    assert retention.purge_due().circle_members == 0


def _draft(
    child, *, changed_days_ago: int, answer_changed_days_ago: int | None = None, member=None, review=None
):
    changed = utcnow() - changed_days_ago * DAY
    answer_changed = utcnow() - (answer_changed_days_ago or changed_days_ago) * DAY
    draft = Submission(
        child_id=child.id,
        circle_member_id=member.id if member else None,
        review_id=review.id if review else None,
        form_key="parent" if member else "child-8-12",
        form_version=1,
        status=SubmissionStatus.DRAFT,
        updated_at=changed,
        answers=[Answer(question_key="home", choice="good", text="Fine", updated_at=answer_changed)],
    )
    db.session.add(draft)
    db.session.commit()
    return draft


def test_drafts_never_sent_go_after_90_days(app_context):
    iro = make_staff()
    child, other = make_child(iro), make_child(iro)
    review = make_review(child)
    stale = _draft(child, changed_days_ago=91)
    alert = Alert(
        child_id=child.id,
        kind=AlertKind.CONCERN,
        source=AlertSource.WORDS,
        submission_id=stale.id,
        question_key="home",
        said="Fine",
    )
    db.session.add(alert)
    db.session.commit()
    audit.record(iro, "viewed_alert", child.id, submission_id=stale.id)
    db.session.commit()
    stale_paper = _draft(child, changed_days_ago=200, member=make_member(child), review=review)
    lately_answered = _draft(other, changed_days_ago=120, answer_changed_days_ago=10)
    sent = make_sent_submission(child, review, {"home": ("good", None)})
    sent.updated_at = utcnow() - 400 * DAY
    db.session.commit()
    stale_id, paper_id = stale.id, stale_paper.id

    assert retention.purge_due().drafts == 2

    assert db.session.get(Submission, stale_id) is None and db.session.get(Submission, paper_id) is None
    assert _count(Answer, Answer.submission_id.in_([stale_id, paper_id])) == 0
    assert db.session.get(Submission, lately_answered.id) is not None
    assert db.session.get(Submission, sent.id) is not None
    # The alert keeps its own copy of what was said; the audit row stays, pointing nowhere.
    db.session.refresh(alert)
    assert (alert.submission_id, alert.said) == (None, "Fine")
    viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "viewed_alert")).one()
    assert (viewed.child_id, viewed.submission_id) == (child.id, None)
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "purged_unsent_draft")).all()
    assert sorted((row.child_id, row.review_id or 0) for row in rows) == [
        (child.id, 0),
        (child.id, review.id),
    ]
    assert retention.purge_due().drafts == 0


def test_the_words_of_sent_messages_go_after_30_days(app_context):
    iro = make_staff()
    child = make_child(iro)
    review = make_review(child)
    member = make_member(child)
    invitation = _invited(member, review)
    alert = Alert(child_id=child.id, kind=AlertKind.URGENT, source=AlertSource.HELP_NOW, said="help")
    db.session.add(alert)
    db.session.commit()
    old_invitation = _message(invitation=invitation, sent_days_ago=31, link="https://voice.example/c/secret")
    old_alert = _message(alert=alert, sent_days_ago=31)
    fresh = _message(invitation=invitation, sent_days_ago=29, link="https://voice.example/c/other")
    queued = _message(invitation=invitation, status=MessageStatus.QUEUED, link="https://voice.example/c/q")

    assert retention.purge_due().message_bodies == 2

    for message in (old_invitation, old_alert, fresh, queued):
        db.session.refresh(message)
    assert (old_invitation.body, old_invitation.link) == (retention.BODY_REMOVED, None)
    assert old_invitation.recipient.endswith("@example.org") and old_invitation.sent_at is not None
    # An alert's link is a staff page, no secret: it keeps the outbox leading to the alert.
    assert (old_alert.body, old_alert.link) == (retention.BODY_REMOVED, "https://staff.example/alerts/1")
    assert fresh.body.startswith("Please tell us") and queued.body.startswith("Please tell us")
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "purged_message_body")).all()
    assert [row.child_id for row in rows] == [child.id, child.id]
    assert retention.purge_due().message_bodies == 0


def test_the_settings_decide(app, app_context, monkeypatch):
    iro = make_staff()
    child_id = make_child(iro, age=10).id
    make_child(iro, age=9)
    monkeypatch.setitem(app.config, "RETAIN_CHILD_YEARS_AFTER_BIRTH", 10)
    assert retention.purge_due().child_records == 1
    db.session.expire_all()
    assert db.session.get(Child, child_id) is None
    assert _count(Child) == 1


def test_the_command_prints_what_it_purged(app, app_context):
    make_child(make_staff(), age=90)
    output = app.test_cli_runner().invoke(args=["voice", "purge"]).output
    assert output.strip() == (
        "child records deleted 1, circle members' details removed 0, unsent drafts deleted 0, "
        "message bodies removed 0, staff sessions deleted 0, sign-in counts deleted 0, staff links deleted 0"
    )
    assert "child records deleted 0" in app.test_cli_runner().invoke(args=["voice", "purge"]).output


def test_a_removed_members_personal_links_stop_working(app, app_context):
    from tests.factories import make_member_link

    iro = make_staff()
    child = make_child(iro)
    long_ago = make_review(child, number=1, held_on=date.today() - 3 * 365 * DAY)
    gone = make_member(child, name="Karen Taylor", email="karen@example.org")
    _invited(gone, long_ago)
    upcoming = make_review(child, number=2)
    token = make_member_link(gone, upcoming, expires_in_days=400)  # never invited with it
    stays = make_member(child, name="Ann Carer", relationship="foster_carer")
    other_token = make_member_link(stays, upcoming, expires_in_days=400)
    browser = app.test_client()
    began = browser.get(f"/c/{token}", expect=302)  # she opened it: a session began
    her_form = began.headers["Location"]
    browser.get(her_form)

    assert retention.purge_due().circle_members == 1

    link = db.session.scalars(select(AccessLink).where(AccessLink.token_hash == hash_token(token))).one()
    assert link.revoked_at is not None
    assert _count(LinkSession, LinkSession.link_id == link.id, LinkSession.ended_at.is_(None)) == 0
    # Neither the link nor the session it began opens her form any more.
    assert browser.get(her_form, expect=302).headers["Location"] == "/link-needed"
    opened = app.test_client().get(f"/c/{token}", expect=404)
    assert "This link is not working" in opened.get_data(as_text=True)
    other = db.session.scalars(
        select(AccessLink).where(AccessLink.token_hash == hash_token(other_token))
    ).one()
    assert other.revoked_at is None  # nobody else's link is touched


def _staff_leftovers(now):
    """For each kind of staff row, one due to go and one to stay."""
    from voice_app.data.sign_in_attempts import digest
    from voice_app.models import SignInAttempts, StaffSession, StaffToken
    from voice_app.vocabulary import SessionEnd, StaffTokenPurpose

    person = make_staff(name="Ira Reed")
    old = now - 91 * DAY
    rows = {}

    def session(name, **values):
        row = StaffSession(key_hash=hash_token(name), staff_id=person.id, ip_address="192.0.2.1", **values)
        db.session.add(row)
        rows[name] = row

    session(
        "ended long ago", created_at=old, last_seen_at=old, ended_at=old, ended_reason=SessionEnd.SIGNED_OUT
    )
    session("ran out long ago", created_at=old, last_seen_at=old)
    session(
        "ended lately",
        created_at=now - 2 * DAY,
        last_seen_at=now - 2 * DAY,
        ended_at=now - DAY,
        ended_reason=SessionEnd.SIGNED_OUT,
    )
    session("in use", created_at=now - timedelta(minutes=5), last_seen_at=now)

    def attempts(name, **values):
        row = SignInAttempts(email_digest=digest(f"{name}@example.org"), **values)
        db.session.add(row)
        rows[name] = row

    attempts("failed long ago", failures=3, last_failure_at=old, created_at=old)
    attempts("failed lately", failures=3, last_failure_at=now - DAY, created_at=old)
    attempts("never failed, long ago", failures=0, created_at=old)

    def link(name, **values):
        row = StaffToken(
            staff_id=person.id, purpose=StaffTokenPurpose.SET_UP, token_hash=hash_token(name), **values
        )
        db.session.add(row)
        db.session.flush()
        db.session.add(
            Message(
                staff_token_id=row.id,
                kind=MessageKind.STAFF_SET_UP,
                channel=Channel.EMAIL,
                recipient=person.email,
                body="Choose your password",
                status=MessageStatus.SENT,
                sent_at=values.get("created_at", now),
            )
        )
        rows[name] = row

    link("used long ago", created_at=old, expires_at=old + DAY, used_at=old)
    link("ran out long ago", created_at=old - DAY, expires_at=old)
    link("used lately", created_at=now - 2 * DAY, expires_at=now + DAY, used_at=now - DAY)
    link("still working", created_at=now, expires_at=now + DAY)
    db.session.commit()
    return rows


def test_staff_sessions_sign_in_counts_and_staff_links_go_after_90_days(app_context):
    from voice_app.models import SignInAttempts, StaffSession, StaffToken

    now = utcnow()
    rows = _staff_leftovers(now)
    ids = {name: row.id for name, row in rows.items()}

    report = retention.purge_due()

    assert (report.staff_sessions, report.sign_in_attempts, report.staff_links) == (2, 2, 2)
    assert set(db.session.scalars(select(StaffSession.id))) == {ids["ended lately"], ids["in use"]}
    assert set(db.session.scalars(select(SignInAttempts.id))) == {ids["failed lately"]}
    assert set(db.session.scalars(select(StaffToken.id))) == {ids["used lately"], ids["still working"]}
    # The emails that carried the links went with them.
    assert set(db.session.scalars(select(Message.staff_token_id))) == {
        ids["used lately"],
        ids["still working"],
    }
    actions = db.session.execute(
        select(AuditEvent.action, func.count())
        .where(AuditEvent.actor_kind == ActorKind.SYSTEM, AuditEvent.action != "purged_message_body")
        .group_by(AuditEvent.action)
    ).all()
    assert dict(actions) == {"purged_staff_session": 2, "purged_sign_in_attempts": 2, "purged_staff_link": 2}
    assert _count(AuditEvent, AuditEvent.actor_kind != ActorKind.SYSTEM) == 0  # nothing personal
    again = retention.purge_due()
    assert (again.staff_sessions, again.sign_in_attempts, again.staff_links) == (0, 0, 0)


def test_a_lock_still_on_keeps_its_count(app_context):
    from voice_app.data.sign_in_attempts import digest
    from voice_app.models import SignInAttempts

    now = utcnow()
    db.session.add(
        SignInAttempts(
            email_digest=digest("locked@example.org"),
            failures=10,
            last_failure_at=now - 91 * DAY,
            locked_until=now + DAY,
        )
    )
    db.session.commit()
    assert retention.purge_due().sign_in_attempts == 0


def test_the_staff_setting_decides(app, app_context, monkeypatch):
    from voice_app.models import StaffSession

    now = utcnow()
    _staff_leftovers(now)
    monkeypatch.setitem(app.config, "RETAIN_STAFF_SESSION_DAYS", 365)
    assert retention.purge_due().staff_sessions == 0
    monkeypatch.setitem(app.config, "RETAIN_STAFF_SESSION_DAYS", 0)
    assert retention.purge_due().staff_sessions == 3  # all but the one in use
    assert _count(StaffSession) == 1
