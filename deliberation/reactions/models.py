import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, table_name


class Like(Base):
    """One participant liking one opinion or comment, once."""

    __tablename__ = table_name("like")

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    subject_id: Mapped[int] = mapped_column(nullable=False)
    participant_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (sa.UniqueConstraint("subject", "subject_id", "participant_id"),)


class Report(Base):
    """Someone flagging an opinion or comment for the moderators."""

    __tablename__ = table_name("report")

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    subject_id: Mapped[int] = mapped_column(nullable=False)
    participant_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    reason: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    created_at = mapped_column(UTCDateTime, nullable=False)
    resolved_at = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("subject", "subject_id", "participant_id"),
        sa.Index("ix_deliberation_report_open", "resolved_at", "subject"),
    )
