"""Loads who was asked for views on reviews and what they sent, in a fixed number of
queries however many people, reviews or submissions there are. The summary itself is
pure (voice_app/consultation.py)."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voice_app.consultation import Person, Status, Summary, order_people
from voice_app.data import audit
from voice_app.data.database import db
from voice_app.models import AccessLink, Child, CircleMember, Invitation, Review, StaffUser, Submission
from voice_app.questions.child_message import CHILD_MESSAGE
from voice_app.vocabulary import CHILD_KEY, Role, SubmissionStatus, respondent_key


def _people(child: Child, members: list[CircleMember]) -> dict[str, Person]:
    people = {CHILD_KEY: Person(CHILD_KEY, child.first_name, Role.CHILD, str(_l("Child")))}
    for member in members:
        key = respondent_key(member.id)
        people[key] = Person(key, member.name, member.role, member.relationship_label, member)
    return people


def people_by_review(
    reviews: list[Review], children: dict[int, Child], with_answers: bool = True
) -> dict[int, list[Person]]:
    """For each review: the child and every circle member, with how far each has got."""
    review_ids = [r.id for r in reviews]
    child_ids = list({r.child_id for r in reviews})
    if not review_ids:
        return {}
    members = db.session.scalars(select(CircleMember).where(CircleMember.child_id.in_(child_ids))).all()
    invitations = db.session.scalars(select(Invitation).where(Invitation.review_id.in_(review_ids))).all()
    submission_query = (
        select(Submission)
        .where(Submission.review_id.in_(review_ids), Submission.status == SubmissionStatus.SENT)
        .order_by(Submission.sent_at.desc(), Submission.id.desc())
    )
    if with_answers:
        submission_query = submission_query.options(selectinload(Submission.answers))
    submissions = db.session.scalars(submission_query).all()
    opened = db.session.execute(
        select(
            AccessLink.child_id, AccessLink.circle_member_id, AccessLink.review_id, AccessLink.last_opened_at
        ).where(AccessLink.child_id.in_(child_ids), AccessLink.last_opened_at.is_not(None))
    ).all()

    members_by_child = defaultdict(list)
    for member in members:
        members_by_child[member.child_id].append(member)
    invitations_by_review = defaultdict(list)
    for invitation in invitations:
        invitations_by_review[invitation.review_id].append(invitation)
    submissions_by_review = defaultdict(list)
    for submission in submissions:
        submissions_by_review[submission.review_id].append(submission)
    opened_by_child = defaultdict(list)
    for row in opened:
        opened_by_child[row.child_id].append(row)

    result = {}
    for review in reviews:
        people = _people(children[review.child_id], members_by_child[review.child_id])
        for invitation in invitations_by_review[review.id]:
            if invitation.respondent_key in people:
                people[invitation.respondent_key].invitation = invitation
                people[invitation.respondent_key].status = Status.INVITED
        for _child_id, member_id, link_review_id, opened_at in opened_by_child[review.child_id]:
            person = people.get(respondent_key(member_id))
            if person is None or person.invitation is None:
                continue
            if (
                member_id is None and opened_at >= person.invitation.created_at
            ) or link_review_id == review.id:
                person.status = Status.OPENED
        for submission in submissions_by_review[review.id]:
            person = people.get(respondent_key(submission.circle_member_id))
            if person is not None:
                person.submissions.append(submission)
                if submission.form_key != CHILD_MESSAGE.key:  # a message is not their views
                    person.status = Status.SENT
        result[review.id] = order_people(list(people.values()))
    return result


def summary_for(review: Review, for_meeting: bool = False) -> Summary:
    """Who was asked for views on this review and what they sent (nobody's words are shown
    from this alone: see read_by and read_for_meeting)."""
    people = people_by_review([review], {review.child_id: review.child})[review.id]
    return Summary(people, for_meeting=for_meeting)


def read_by(staff: StaffUser, review: Review) -> Summary:
    """The summary as a member of staff reads it, words and all: every reading is audited."""
    audit.record(staff, "viewed_consultation_summary", review.child_id, review.id)
    return summary_for(review)


def read_for_meeting(staff: StaffUser, review: Review) -> Summary:
    """The version to share at the meeting, on screen or printed: the same summary without
    what the child kept "just for my IRO". Audited like any reading, under its own name."""
    audit.record(staff, "viewed_meeting_summary", review.child_id, review.id)
    return summary_for(review, for_meeting=True)
