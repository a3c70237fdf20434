"""What a child says: a submission (draft until sent) and its answers.

Answers keep the form key and version they were asked in, so changing the questions later
never changes what an old answer meant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice_app.models.base import Base, Timestamped, UTCDateTime, stored_enum, utcnow
from voice_app.models.child import Child, Review
from voice_app.models.circle import CircleMember
from voice_app.vocabulary import SubmissionStatus

# The child's own views being written: at most one per child, so a double-tapped Start
# cannot leave a second, empty draft behind. Sent views are kept, as many as there are.
_CHILDS_DRAFT = text("status = 'draft' AND circle_member_id IS NULL")
# A parent's, carer's or professional's paper: one per person per review, draft or sent.
_MEMBERS_PAPER = text("circle_member_id IS NOT NULL")


class Submission(Timestamped, Base):
    __tablename__ = "submission"
    __table_args__ = (
        Index("ix_submission_child_status", "child_id", "status"),
        Index(
            "uq_submission_child_draft",
            "child_id",
            unique=True,
            sqlite_where=_CHILDS_DRAFT,
            postgresql_where=_CHILDS_DRAFT,
        ),
        Index(
            "uq_submission_member_review",
            "circle_member_id",
            "review_id",
            unique=True,
            sqlite_where=_MEMBERS_PAPER,
            postgresql_where=_MEMBERS_PAPER,
        ),
    )

    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("access_link.id"))
    # Empty for the child's own views; set for a parent's, carer's or professional's paper.
    circle_member_id: Mapped[int | None] = mapped_column(ForeignKey("circle_member.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"), index=True)
    form_key: Mapped[str] = mapped_column(String(40))
    form_version: Mapped[int]
    status: Mapped[SubmissionStatus] = mapped_column(
        stored_enum(SubmissionStatus, name="status", length=10), default=SubmissionStatus.DRAFT
    )
    # Where the person was, so closing the phone and coming back lands on the same page.
    current_question: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    child: Mapped[Child] = relationship()
    review: Mapped[Review | None] = relationship()
    circle_member: Mapped[CircleMember | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Answer.id"
    )

    def answers_by_key(self) -> dict[str, Answer]:
        return {answer.question_key: answer for answer in self.answers}


class Answer(Timestamped, Base):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("submission_id", "question_key"),)

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))
    question_key: Mapped[str] = mapped_column(String(40))
    choice: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str | None] = mapped_column(Text)
    # The child ticked "Just for my IRO": their IRO reads it, the meeting's version of the
    # summary leaves it out. Never secret: it is screened and alerts like any answer.
    just_for_iro: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="answers")

    @property
    def is_empty(self) -> bool:
        return not self.choice and not (self.text or "").strip()
