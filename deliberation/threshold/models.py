import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, table_name
from ..proposals.models import Proposal


class Milestone(Base):
    """A step reached, recorded once: the unique (proposal, step) pair makes
    the insert that records it the one and only crossing."""

    __tablename__ = table_name("milestone")

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Proposal.id, ondelete="CASCADE"), nullable=False)
    step: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    metric: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    #: the metric's value at the moment of crossing
    count_at: Mapped[int] = mapped_column(nullable=False)
    reached_at = mapped_column(UTCDateTime, nullable=False)
    #: when the answer this step calls for is due (None: no deadline)
    answer_due_at = mapped_column(UTCDateTime)

    __table_args__ = (sa.UniqueConstraint("proposal_id", "step"),)
