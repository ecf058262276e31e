import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, table_name
from ..proposals.models import Proposal

COMMENT_MAX = 2000


class Comment(Base):
    """An opinion on a proposal. Commenting is not agreeing: a participant may
    write several, and none of them counts toward a step."""

    __tablename__ = table_name("comment")

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Proposal.id, ondelete="CASCADE"), nullable=False, index=True)
    participant_id: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    author_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    body: Mapped[str] = mapped_column(sa.String(COMMENT_MAX), nullable=False)
    created_at = mapped_column(UTCDateTime, nullable=False)
    updated_at = mapped_column(UTCDateTime, nullable=False)
    deleted_at = mapped_column(UTCDateTime)
    like_count: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    report_count: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    hidden_at = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))
