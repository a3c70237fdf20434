"""What people send: the child's views (a draft until sent, then attached to their next
review) and a parent's, carer's or professional's paper for one review.

Drafts are made by the POST that saves a first answer or starts the form, never by a page
being looked at. The database holds one draft of the child's own views per child and one
paper per person per review (partial unique indexes), so a double tap can make only one;
the loser of such a race reads the winner's row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from voice_app.data import alerts, audit, reviews
from voice_app.data.database import db, rows_changed, savepoint
from voice_app.data.respondents import Respondent, find_paper
from voice_app.models import AccessLink, Answer, Child, Submission, utcnow
from voice_app.questions import Form, form_for, form_of
from voice_app.questions.child_message import CHILD_MESSAGE
from voice_app.vocabulary import SubmissionStatus

OLDEST_CHILD_AGE = 17


def child_form_for(child: Child, today: date | None = None) -> Form:
    """The child's form for their age on the day they start. A care leaver whose link
    still works past their 18th birthday gets the oldest band."""
    age = child.age_on(today or utcnow().date())
    return form_for("child", min(max(age, 0), OLDEST_CHILD_AGE))


def child_draft(child: Child) -> Submission | None:
    """The child's draft with its answers, in one query (there is at most one draft)."""
    return (
        db.session.scalars(
            select(Submission)
            .where(
                Submission.child_id == child.id,
                Submission.circle_member_id.is_(None),
                Submission.status == SubmissionStatus.DRAFT,
            )
            .options(joinedload(Submission.answers))
        )
        .unique()
        .first()
    )


def _insert_or_find(submission: Submission, find: Callable[[], Submission | None]) -> Submission:
    """Add the submission unless a twin request added its own a moment ago."""
    try:
        with savepoint():
            db.session.add(submission)
    except IntegrityError:
        winner = find()
        if winner is None:
            raise
        return winner
    return submission


def start_child_draft(child: Child, link: AccessLink) -> Submission:
    """The child's draft, started now if they have none."""
    existing = child_draft(child)
    if existing is not None:
        return existing
    form = child_form_for(child)
    draft = Submission(
        child_id=child.id, link_id=link.id, form_key=form.key, form_version=form.version, answers=[]
    )
    return _insert_or_find(draft, lambda: child_draft(child))


def _save_answer(
    submission: Submission,
    key: str,
    choice: str | None,
    text: str | None,
    next_key: str | None,
    just_for_iro: bool = False,
) -> None:
    """Keep this answer (an empty one removes it, "Just for my IRO" with it) and where to
    carry on from. Two taps of Continue at once may both try to add it: the unique
    (submission, question) lets one win, and the other updates the winner's row."""
    existing = submission.answers_by_key().get(key)
    if not choice and not text:
        if existing is not None:
            submission.answers.remove(existing)
    elif existing is None:
        try:
            with savepoint():
                db.session.add(
                    Answer(
                        submission_id=submission.id,
                        question_key=key,
                        choice=choice,
                        text=text,
                        just_for_iro=just_for_iro,
                    )
                )
        except IntegrityError:
            db.session.execute(
                update(Answer)
                .where(Answer.submission_id == submission.id, Answer.question_key == key)
                .values(choice=choice, text=text, just_for_iro=just_for_iro, updated_at=utcnow())
            )
        db.session.expire(submission, ["answers"])
    else:
        existing.choice, existing.text, existing.just_for_iro = choice, text, just_for_iro
    submission.current_question = next_key
    submission.updated_at = utcnow()


def save_child_answer(
    child: Child,
    link: AccessLink,
    key: str,
    choice: str | None,
    text: str | None,
    next_key: str | None,
    just_for_iro: bool = False,
) -> bool:
    """Save the child's answer and raise at once any alert it calls for. True when it
    raised an urgent alert, so the child is told straight away what happens next.

    An answer "just for my IRO" is screened and alerts like any other: it is kept out of
    the meeting, never out of keeping the child safe."""
    draft = start_child_draft(child, link)
    _save_answer(draft, key, choice, text, next_key, just_for_iro)
    question = form_of(draft).question(key)
    assert question is not None  # the runner only saves questions of the draft's form
    return alerts.screen_answer(child, draft, question, choice, text) is not None


def note_position(submission: Submission | None, key: str) -> None:
    """Where the person is, so closing the phone and coming back lands on the same page.
    Written by looking at a page (a GET): it touches this one column and nothing they
    said, and never makes a draft."""
    if submission is None or submission.current_question == key:
        return
    db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id)
        # updated_at stays as it was: looking at a page changes nothing they said.
        .values(current_question=key, updated_at=Submission.updated_at)
        .execution_options(synchronize_session=False)
    )


def hear_refused_answer(child: Child, link: AccessLink, key: str, choice: str, text: str | None) -> None:
    """An answer sent back for its words (too long) still raises the alert its choice calls
    for ("no" to feeling safe): the child is heard before they shorten it."""
    draft = start_child_draft(child, link)
    question = form_of(draft).question(key)
    if question is not None:
        alerts.screen_answer(child, draft, question, choice, None)


def send_child_views(child: Child) -> bool:
    """Attach the child's draft to their next review and mark it sent.

    Returns False when there was nothing to send (a double tap, or a second tab, sent it
    already): the guarded update lets exactly one request win."""
    draft = child_draft(child)
    if draft is None:
        return False
    review = reviews.next_review(child)
    now = utcnow()
    changed = rows_changed(
        update(Submission)
        .where(Submission.id == draft.id, Submission.status == SubmissionStatus.DRAFT)
        .values(status=SubmissionStatus.SENT, review_id=review.id, sent_at=now, updated_at=now)
    )
    db.session.expire(draft)
    return changed == 1


def last_sent(child: Child) -> Submission | None:
    """The child's views they sent last (a message sent outside the form is not that)."""
    return db.session.scalars(
        select(Submission)
        .where(
            Submission.child_id == child.id,
            Submission.circle_member_id.is_(None),
            Submission.status == SubmissionStatus.SENT,
            Submission.form_key != CHILD_MESSAGE.key,
        )
        .options(selectinload(Submission.review), selectinload(Submission.answers))
        .order_by(Submission.sent_at.desc())
        .limit(1)
    ).first()


def start_paper(respondent: Respondent) -> Submission:
    """The respondent's paper for their review, started now if they have none."""
    if respondent.submission is not None:
        return respondent.submission
    paper = Submission(
        child_id=respondent.child.id,
        link_id=respondent.link.id,
        circle_member_id=respondent.member.id,
        review_id=respondent.review.id,
        form_key=respondent.paper.key,
        form_version=respondent.paper.version,
        answers=[],
    )
    respondent.submission = _insert_or_find(
        paper, lambda: find_paper(respondent.member.id, respondent.review.id)
    )
    return respondent.submission


def save_paper_answer(
    respondent: Respondent, key: str, choice: str | None, text: str | None, next_key: str | None
) -> None:
    _save_answer(start_paper(respondent), key, choice, text, next_key)


def send_paper(respondent: Respondent) -> bool:
    """Mark the paper sent. Only one request can win, so sending twice makes one submission."""
    paper = respondent.submission
    if paper is None:
        return False
    now = utcnow()
    changed = rows_changed(
        update(Submission)
        .where(Submission.id == paper.id, Submission.status == SubmissionStatus.DRAFT)
        .values(status=SubmissionStatus.SENT, sent_at=now, updated_at=now)
    )
    db.session.expire(paper)
    return changed == 1


def record_own_view(link: AccessLink, submission: Submission, action: str) -> None:
    """A child or respondent looked at their own answers: audited like any other view."""
    audit.record(
        link,
        action,
        child_id=submission.child_id,
        review_id=submission.review_id,
        submission_id=submission.id,
    )
