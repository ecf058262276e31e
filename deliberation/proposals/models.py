import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, table_name
from .states import ProposalState

TITLE_MAX = 120
BODY_MAX = 10_000
CATEGORY_MAX = 50


class Proposal(Base):
    __tablename__ = table_name("proposal")

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    body: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.String(CATEGORY_MAX), index=True)
    author_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    author_name: Mapped[str] = mapped_column(sa.String(100), default="")
    state: Mapped[str] = mapped_column(sa.String(20), default=ProposalState.DRAFT, index=True)
    #: the highest step of the ladder reached, or None
    stage: Mapped[str | None] = mapped_column(sa.String(30), index=True)
    agreement_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at = mapped_column(UTCDateTime, nullable=False)
    updated_at = mapped_column(UTCDateTime, nullable=False)
    published_at = mapped_column(UTCDateTime, index=True)
    #: end of collection; None while open without end (or never published)
    closes_at = mapped_column(UTCDateTime, index=True)
    closed_at = mapped_column(UTCDateTime)
    closed_reason: Mapped[str | None] = mapped_column(sa.String(20))
    #: an admin withheld the text, publicly saying why; counts and history stay
    hidden_at = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))
    #: this proposal was a duplicate, folded into that one
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deliberation_proposal.id"))

    __table_args__ = (
        sa.CheckConstraint("agreement_count >= 0", name="agreement_count_not_negative"),
    )

    def __repr__(self):
        return f"<Proposal {self.id} {self.state} {self.agreement_count}>"
