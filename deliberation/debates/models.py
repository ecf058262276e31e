import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, table_name
from ..proposals.models import Proposal

QUESTION_MAX = 200
OPINION_MAX = 1000


class Debate(Base):
    """A citizen debate (시민토론) on a proposal, or a city question
    (서울시가 묻습니다) standing alone. Its state follows the clock:
    scheduled before ``starts_at``, open until ``ends_at``, then closed."""

    __tablename__ = table_name("debate")

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(Proposal.id, ondelete="CASCADE"), unique=True)
    #: pro_con: pro / con / other ballots; open: opinions without a stance
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    question: Mapped[str] = mapped_column(sa.String(QUESTION_MAX), nullable=False)
    background: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    arguments_pro: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    arguments_con: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    starts_at = mapped_column(UTCDateTime, nullable=False, index=True)
    ends_at = mapped_column(UTCDateTime, nullable=False, index=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    created_by_role: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    #: distinct people with a ballot: the count the ladder reads
    participant_count: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    pro_count: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    con_count: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    other_count: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")

    __table_args__ = (
        sa.CheckConstraint("participant_count >= 0 AND pro_count >= 0 AND con_count >= 0 "
                           "AND other_count >= 0", name="tallies_not_negative"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )


class Ballot(Base):
    """One participant's stance and written opinion in one debate."""

    __tablename__ = table_name("ballot")

    id: Mapped[int] = mapped_column(primary_key=True)
    debate_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Debate.id, ondelete="CASCADE"), nullable=False)
    participant_id: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    author_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    #: pro / con / other; None in an open discussion
    stance: Mapped[str | None] = mapped_column(sa.String(10))
    opinion: Mapped[str] = mapped_column(sa.String(OPINION_MAX), nullable=False)
    created_at = mapped_column(UTCDateTime, nullable=False, index=True)
    updated_at = mapped_column(UTCDateTime, nullable=False)
    like_count: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    report_count: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    #: a moderator withheld the text (the ballot still counts)
    hidden_at = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))

    __table_args__ = (sa.UniqueConstraint("debate_id", "participant_id"),)
