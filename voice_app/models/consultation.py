"""What a child says: a submission (draft until sent) and its answers.

Answers keep the form key and version they were asked in, so changing the questions later
never changes what an old answer meant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voice_app.models.base import Base, Timestamped, UTCDateTime, utcnow
from voice_app.models.child import Child, Review
from voice_app.models.circle import CircleMember
from voice_app.vocabulary import SubmissionStatus


class Submission(Timestamped, Base):
    __tablename__ = "submission"
    __table_args__ = (Index("ix_submission_child_status", "child_id", "status"),)

    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("access_link.id"))
    # Empty for the child's own views; set for a parent's, carer's or professional's paper.
    circle_member_id: Mapped[int | None] = mapped_column(ForeignKey("circle_member.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("review.id"), index=True)
    form_key: Mapped[str] = mapped_column(String(40))
    form_version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=SubmissionStatus.DRAFT)
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
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="answers")

    @property
    def is_empty(self) -> bool:
        return not self.choice and not (self.text or "").strip()
