"""Telling people: the proposer, everyone who agreed and every follower hear
of a new step, an answer or a close. Changes write an outbox row in their own
transaction; a worker (``flask deliberation notify``) fans it out into
in-app notifications and hands them to the host's senders, with retries."""

from enum import StrEnum

from .models import Delivery, Notification, NotificationEvent, Subscription


class NotificationKind(StrEnum):
    STEP_REACHED = "step_reached"
    ANSWERED = "answered"
    CLOSED = "closed"
    COMMITTEE_DECIDED = "committee_decided"
    IMPLEMENTATION_UPDATED = "implementation_updated"
    AGREEMENT_MOVED = "agreement_moved"
    HIDDEN = "hidden"
    MEETING_PUBLISHED = "meeting_published"
    SEAT_CONFIRMED = "seat_confirmed"
    MEETING_CANCELLED = "meeting_cancelled"


__all__ = ["Delivery", "Notification", "NotificationEvent", "NotificationKind", "Subscription"]
