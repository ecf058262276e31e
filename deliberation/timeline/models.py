import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, table_name
from ..proposals.models import Proposal


class TimelineEvent(Base):
    """A dated public fact in a proposal's history. Holds no private data:
    ``actor_role`` says which role acted, never who."""

    __tablename__ = table_name("timeline_event")

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Proposal.id, ondelete="CASCADE"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    occurred_at = mapped_column(UTCDateTime, nullable=False)
    actor_role: Mapped[str | None] = mapped_column(sa.String(30))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
