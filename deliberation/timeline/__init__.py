from enum import StrEnum

import sqlalchemy as sa

from .models import TimelineEvent


class EventKind(StrEnum):
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    EDITED = "edited"
    MILESTONE_REACHED = "milestone_reached"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    ASSIGNED = "assigned"
    ANSWER_SUBMITTED = "answer_submitted"
    ANSWERED = "answered"
    ANSWER_EDITED = "answer_edited"
    IMPLEMENTATION_UPDATED = "implementation_updated"
    COMMITTEE_DECIDED = "committee_decided"
    HIDDEN = "hidden"
    UNHIDDEN = "unhidden"
    MERGED_INTO = "merged_into"
    MERGED_FROM = "merged_from"
    DEBATE_SCHEDULED = "debate_scheduled"
    MEETING_DRAFTED = "meeting_drafted"
    MEETING_PUBLISHED = "meeting_published"
    MEETING_CANCELLED = "meeting_cancelled"


def record_event(session, proposal_id, kind, occurred_at, *, actor_role=None, **data):
    """Append one event to a proposal's timeline (inside the caller's transaction)."""
    session.execute(sa.insert(TimelineEvent).values(
        proposal_id=proposal_id, kind=str(kind), occurred_at=occurred_at,
        actor_role=None if actor_role is None else str(actor_role), data=data))


def timeline_of(session, proposal_id):
    return session.scalars(
        sa.select(TimelineEvent)
        .where(TimelineEvent.proposal_id == proposal_id)
        .order_by(TimelineEvent.occurred_at, TimelineEvent.id)
    ).all()


__all__ = ["EventKind", "TimelineEvent", "record_event", "timeline_of"]
