"""Following, the outbox, fan-out, delivery with retries, the in-app list."""

from datetime import timedelta

import sqlalchemy as sa

from ..db import insert_ignoring_duplicates, unit_of_work
from ..errors import InvalidInput, NotFound
from ..participants import require_participant
from ..proposals.models import Proposal
from ..settings import current_settings
from ..votes.models import Agreement
from .models import Delivery, Notification, NotificationEvent, Subscription

MAX_ATTEMPTS = 8
CLAIM_TIMEOUT = timedelta(minutes=10)

events = NotificationEvent.__table__
notifications = Notification.__table__
deliveries = Delivery.__table__


def queue_notification(session, kind, proposal_id, *, at, recipients=None, **data):
    """Write an outbox row inside the caller's transaction. Recipients are the
    proposal's author, agreers and followers at fan-out time, or the given
    list of participant ids."""
    if recipients is not None:
        data["recipients"] = sorted(set(recipients))
    session.execute(sa.insert(events).values(
        kind=str(kind), proposal_id=proposal_id, data=data, created_at=at))


def follow(session, participant, proposal_id):
    require_participant(participant)
    _public_proposal(session, proposal_id)
    with unit_of_work(session):
        session.execute(insert_ignoring_duplicates(session, Subscription.__table__).values(
            proposal_id=proposal_id, participant_id=participant.id,
            created_at=current_settings().now()))
    return True


def unfollow(session, participant, proposal_id):
    require_participant(participant)
    _public_proposal(session, proposal_id)
    with unit_of_work(session):
        session.execute(sa.delete(Subscription.__table__).where(
            Subscription.proposal_id == proposal_id,
            Subscription.participant_id == participant.id))
    return False


def is_following(session, participant, proposal_id):
    return session.execute(sa.select(Subscription.id).where(
        Subscription.proposal_id == proposal_id,
        Subscription.participant_id == participant.id)).first() is not None


def _public_proposal(session, proposal_id):
    row = session.execute(sa.select(Proposal.published_at, Proposal.hidden_at)
                          .where(Proposal.id == proposal_id)).first()
    if row is None or row.published_at is None or row.hidden_at is not None:
        raise NotFound("No such proposal.")


def _audience(proposal_id):
    author = sa.select(Proposal.author_id.label("pid")).where(Proposal.id == proposal_id)
    agreers = sa.select(Agreement.participant_id).where(Agreement.proposal_id == proposal_id)
    followers = sa.select(Subscription.participant_id).where(
        Subscription.proposal_id == proposal_id)
    return sa.union(author, agreers, followers).subquery()


def fan_out(session, *, limit=20):
    """Expand outbox rows into notifications and deliveries. Idempotent: a
    crash half-way repeats the work without duplicates."""
    settings = current_settings()
    now = settings.now()
    channels = [sender.channel for sender in settings.senders]
    pending = session.execute(
        sa.select(events).where(events.c.fanned_out_at.is_(None))
        .order_by(events.c.id).limit(limit)).all()
    done = 0
    for event in pending:
        with unit_of_work(session):
            data = dict(event.data or {})
            explicit = data.pop("recipients", None)
            columns = {"event_id": event.id, "kind": event.kind, "proposal_id": event.proposal_id,
                       "data": data, "created_at": event.created_at}
            if explicit is not None:
                if explicit:
                    session.execute(insert_ignoring_duplicates(session, notifications),
                                    [{**columns, "participant_id": pid} for pid in explicit])
            elif event.proposal_id is not None:
                audience = _audience(event.proposal_id)
                session.execute(
                    insert_ignoring_duplicates(session, notifications).from_select(
                        ["event_id", "participant_id", "kind", "proposal_id", "data",
                         "created_at"],
                        sa.select(sa.literal(event.id), audience.c.pid, sa.literal(event.kind),
                                  sa.literal(event.proposal_id), sa.literal(data, type_=sa.JSON),
                                  sa.literal(event.created_at, type_=Notification.created_at.type))
                        # SQLite needs a WHERE to tell ON CONFLICT from a join's ON
                        .where(sa.true())))
            for channel in channels:
                session.execute(
                    insert_ignoring_duplicates(session, deliveries).from_select(
                        ["notification_id", "channel", "status", "attempts",
                         "next_attempt_at"],
                        sa.select(notifications.c.id, sa.literal(channel),
                                  sa.literal("pending"), sa.literal(0),
                                  sa.literal(now, type_=Delivery.next_attempt_at.type))
                        .where(notifications.c.event_id == event.id)))
            session.execute(sa.update(events).where(events.c.id == event.id)
                            .values(fanned_out_at=now))
        done += 1
    return done


def _backoff(attempts):
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def deliver_pending(session, *, limit=100):
    """Hand due deliveries to the senders. A sender that raises gets the same
    notification again later, with growing back-off; after MAX_ATTEMPTS the
    delivery is marked failed (the in-app notification stays) until
    ``retry_failed`` puts it back. Returns (sent, failed) counts."""
    settings = current_settings()
    now = settings.now()
    senders = {sender.channel: sender for sender in settings.senders}
    due = session.execute(
        sa.select(deliveries.c.id, deliveries.c.channel, deliveries.c.attempts,
                  deliveries.c.notification_id)
        .where(sa.or_(
            sa.and_(deliveries.c.status == "pending", deliveries.c.next_attempt_at <= now),
            sa.and_(deliveries.c.status == "sending", deliveries.c.claimed_at < now - CLAIM_TIMEOUT)))
        .order_by(deliveries.c.next_attempt_at, deliveries.c.id).limit(limit)).all()
    session.commit()
    sent = failed = 0
    for row in due:
        sender = senders.get(row.channel)
        if sender is None:
            continue
        with unit_of_work(session):
            claimed = session.execute(
                sa.update(deliveries)
                .where(deliveries.c.id == row.id, deliveries.c.status.in_(["pending", "sending"]),
                       deliveries.c.attempts == row.attempts)
                .values(status="sending", claimed_at=now, attempts=row.attempts + 1)).rowcount
        if not claimed:
            continue  # another worker has it
        notification = session.get(Notification, row.notification_id)
        try:
            sender.send(notification)
        except Exception as exc:  # the sender's failure is data here, not a crash
            attempts = row.attempts + 1
            # a sender that failed inside the database (PostgreSQL then refuses
            # every statement until rollback) must not take the worker down
            session.rollback()
            with unit_of_work(session):
                session.execute(sa.update(deliveries).where(deliveries.c.id == row.id).values(
                    status="failed" if attempts >= MAX_ATTEMPTS else "pending",
                    next_attempt_at=now + _backoff(attempts), claimed_at=None,
                    last_error=f"{type(exc).__name__}: {exc}"[:500]))
            failed += 1
        else:
            with unit_of_work(session):
                session.execute(sa.update(deliveries).where(deliveries.c.id == row.id).values(
                    status="sent", sent_at=now, claimed_at=None, last_error=None))
            sent += 1
    return sent, failed


def retry_failed(session):
    with unit_of_work(session):
        return session.execute(sa.update(deliveries).where(deliveries.c.status == "failed")
                               .values(status="pending", attempts=0,
                                       next_attempt_at=current_settings().now())).rowcount


def process_outbox(session):
    """One pass of the worker: fan out, then deliver. Returns a summary."""
    fanned = fan_out(session)
    sent, failed = deliver_pending(session)
    return {"events": fanned, "sent": sent, "failed": failed}


def notifications_for(session, participant, *, unread_only=False, page=1, per_page=20):
    require_participant(participant)
    if page < 1 or not 1 <= per_page <= current_settings().max_per_page:
        # a negative OFFSET is an error on PostgreSQL: refuse it as input
        raise InvalidInput("Bad page.", fields={"page": ["Out of range."]})
    query = sa.select(Notification).where(Notification.participant_id == participant.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return session.scalars(query.order_by(Notification.id.desc())
                           .limit(per_page).offset((page - 1) * per_page)).all()


def unread_count(session, participant):
    require_participant(participant)
    return session.execute(sa.select(sa.func.count()).select_from(notifications).where(
        notifications.c.participant_id == participant.id,
        notifications.c.read_at.is_(None))).scalar_one()


def mark_read(session, participant, notification_ids=None):
    """Mark the given notifications (or all) read; only one's own."""
    require_participant(participant)
    query = sa.update(notifications).where(notifications.c.participant_id == participant.id,
                                           notifications.c.read_at.is_(None))
    if notification_ids is not None:
        query = query.where(notifications.c.id.in_(list(notification_ids)))
    with unit_of_work(session):
        return session.execute(query.values(read_at=current_settings().now())).rowcount
