import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, table_name
from ..proposals.models import Proposal


class CommitteeDecision(Base):
    """The agenda committee's decision on one proposal: open a citizen debate
    or decline, with a published reason. One per proposal."""

    __tablename__ = table_name("committee_decision")

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Proposal.id, ondelete="CASCADE"), nullable=False, unique=True)
    decision: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: chosen below the threshold (우수제안)
    below_threshold: Mapped[bool] = mapped_column(nullable=False, default=False)
    #: the question the debate will put, when one is opened
    debate_question: Mapped[str | None] = mapped_column(sa.String(200))
    decided_at = mapped_column(UTCDateTime, nullable=False)
