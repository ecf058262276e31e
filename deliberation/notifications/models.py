import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, table_name
from ..proposals.models import Proposal


class Subscription(Base):
    """A participant following a proposal without agreeing with it."""

    __tablename__ = table_name("subscription")

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Proposal.id, ondelete="CASCADE"), nullable=False)
    participant_id: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    created_at = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (sa.UniqueConstraint("proposal_id", "participant_id"),)


class NotificationEvent(Base):
    """The outbox: written in the same transaction as the change it tells of,
    expanded into one notification per recipient later, outside the request."""

    __tablename__ = table_name("notification_event")

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    #: None for news not about one proposal (a meeting of its own): then the
    #: recipients are named in ``data``
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(Proposal.id, ondelete="CASCADE"))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at = mapped_column(UTCDateTime, nullable=False)
    fanned_out_at = mapped_column(UTCDateTime, index=True)


class Notification(Base):
    """What one participant sees in their in-app list."""

    __tablename__ = table_name("notification")

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey(NotificationEvent.id, ondelete="CASCADE"), nullable=False)
    participant_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    proposal_id: Mapped[int | None] = mapped_column()
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at = mapped_column(UTCDateTime, nullable=False)
    read_at = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("participant_id", "event_id"),
        sa.Index("ix_deliberation_notification_inbox", "participant_id", "read_at"),
    )


class Delivery(Base):
    """One notification sent through one channel (e-mail, SMS, ...), retried
    with back-off until it goes through."""

    __tablename__ = table_name("delivery")

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Notification.id, ondelete="CASCADE"), nullable=False)
    channel: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(nullable=False, default=0)
    next_attempt_at = mapped_column(UTCDateTime, nullable=False)
    claimed_at = mapped_column(UTCDateTime)
    sent_at = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))

    __table_args__ = (
        sa.UniqueConstraint("notification_id", "channel"),
        sa.Index("ix_deliberation_delivery_due", "status", "next_attempt_at"),
    )
