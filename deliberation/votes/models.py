import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, table_name
from ..proposals.models import Proposal


class Agreement(Base):
    """One participant's 공감 for one proposal; the unique constraint is what
    makes it one."""

    __tablename__ = table_name("agreement")

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Proposal.id, ondelete="CASCADE"), nullable=False)
    participant_id: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    created_at = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (sa.UniqueConstraint("proposal_id", "participant_id"),)
