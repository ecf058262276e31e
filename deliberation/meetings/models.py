import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, table_name
from ..proposals.models import Proposal

QUESTION_MAX = 300
CANCEL_REASON_MAX = 500


class Meeting(Base):
    """A citizen meeting (시민간담회): drafted when a proposal reaches the
    mayor step, completed and published by officials."""

    __tablename__ = table_name("meeting")

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(Proposal.id, ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    agenda_question: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    venue: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    audience: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    starts_at = mapped_column(UTCDateTime)
    ends_at = mapped_column(UTCDateTime)
    registration_deadline = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(nullable=False, default=100)
    #: people watching online may ask questions too
    online_questions: Mapped[bool] = mapped_column(nullable=False, default=False)
    #: registrations so far, in arrival order (the waitlist's order)
    registration_seq: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    confirmed_count: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    waitlist_count: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    #: bumped on every change to the live Q&A, so screens poll cheaply
    qna_version: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    created_at = mapped_column(UTCDateTime, nullable=False)
    cancelled_at = mapped_column(UTCDateTime)
    #: shown publicly with the cancelled meeting and on the proposal's timeline
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(CANCEL_REASON_MAX))

    __table_args__ = (
        sa.CheckConstraint("confirmed_count >= 0 AND confirmed_count <= capacity",
                           name="seats_within_capacity"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
    )


class ProgrammeItem(Base):
    """One timed item of a meeting's programme."""

    __tablename__ = table_name("programme_item")

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Meeting.id, ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(nullable=False)
    starts_at = mapped_column(UTCDateTime)
    ends_at = mapped_column(UTCDateTime, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    note: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")


class Registration(Base):
    __tablename__ = table_name("registration")

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Meeting.id, ondelete="CASCADE"), nullable=False)
    participant_id: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    #: confirmed, waitlisted or cancelled
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    #: arrival order among the meeting's registrations
    seq: Mapped[int] = mapped_column(nullable=False)
    check_in_code: Mapped[str] = mapped_column(sa.String(12), nullable=False, unique=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    confirmed_at = mapped_column(UTCDateTime)
    cancelled_at = mapped_column(UTCDateTime)
    checked_in_at = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "participant_id"),
        sa.Index("ix_deliberation_registration_queue", "meeting_id", "status", "seq"),
    )


class LiveQuestion(Base):
    """A comment or question posted from a phone during the meeting."""

    __tablename__ = table_name("live_question")

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Meeting.id, ondelete="CASCADE"), nullable=False, index=True)
    participant_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    author_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    body: Mapped[str] = mapped_column(sa.String(QUESTION_MAX), nullable=False)
    created_at = mapped_column(UTCDateTime, nullable=False)
    upvote_count: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    hidden_at = mapped_column(UTCDateTime)
    pinned_at = mapped_column(UTCDateTime)
    answered_at = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_deliberation_live_question_rate", "participant_id",
                               "created_at"),)


class LiveQuestionVote(Base):
    __tablename__ = table_name("live_question_vote")

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey(LiveQuestion.id, ondelete="CASCADE"), nullable=False)
    participant_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)

    __table_args__ = (sa.UniqueConstraint("question_id", "participant_id"),)


class SurveyQuestion(Base):
    __tablename__ = table_name("survey_question")

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Meeting.id, ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(nullable=False)
    #: single, multiple, scale (1-5) or text
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    prompt: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    options: Mapped[list] = mapped_column(sa.JSON, default=list)
    required: Mapped[bool] = mapped_column(nullable=False, default=True)


class SurveyResponse(Base):
    """One attendee's answers, once; keyed by survey question id."""

    __tablename__ = table_name("survey_response")

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Meeting.id, ondelete="CASCADE"), nullable=False)
    participant_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    answers: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    created_at = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (sa.UniqueConstraint("meeting_id", "participant_id"),)
