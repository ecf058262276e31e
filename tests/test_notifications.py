"""Telling people: the outbox written with the change, the fan-out to the
proposer, every agreer and every follower, the in-app list, and delivery
through the host's senders with retries (moved by the clock, never slept)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import (
    Agreement, ConfigurationError, Delivery, InvalidInput, NotAuthenticated, NotFound,
    Notification, NotificationEvent, Participant, PermissionDenied, Proposal, Role, Subscription,
)
from deliberation.committee import decide_on_proposal
from deliberation.notifications.operations import (
    MAX_ATTEMPTS, deliver_pending, fan_out, follow, is_following, mark_read,
    notifications_for, process_outbox, retry_failed, unfollow, unread_count,
)
from deliberation.proposals.admin import hide_proposal
from deliberation.proposals.operations import (
    close_expired_proposals, close_proposal, submit_proposal,
)
from deliberation.responses.operations import post_implementation_update
from deliberation.votes.operations import agree, withdraw_agreement
from tests.conftest import citizen
from tests.test_responses import (  # noqa: F401  (app: the civic ladder for every test)
    AUTHOR, COMMITTEE_MEMBER, HEALTH_OFFICIAL, agree_until, answer, app, count, publish,
    reach_department_step,
)

FOLLOWER = citizen(7)


class RecordingSender:
    """A sender that fails its first ``failures`` calls (and always for the
    participants in ``refuse``), then records."""

    def __init__(self, channel="email", failures=0, refuse=()):
        self.channel = channel
        self.failures = failures
        self.refuse = set(refuse)
        self.calls = 0
        self.sent = []

    def send(self, notification):
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError(f"SMTP down (call {self.calls})")
        if notification.participant_id in self.refuse:
            raise ValueError("mailbox unavailable")
        self.sent.append((notification.participant_id, notification.kind))


def add_sender(app, sender):
    return app.extensions["deliberation"].extension.add_sender(sender, app)


def inbox(session):
    """participant id -> the kinds of their notifications, oldest first."""
    rows = session.execute(sa.select(Notification.participant_id, Notification.kind)
                           .order_by(Notification.id)).all()
    result = {}
    for participant_id, kind in rows:
        result.setdefault(participant_id, []).append(kind)
    return result


def delivery(session):
    session.expire_all()
    return session.scalars(sa.select(Delivery)).one()


@pytest.fixture
def proposal(session):
    """Published, followed by FOLLOWER, agreed by c100 and c101."""
    proposal = publish(session)
    follow(session, FOLLOWER, proposal.id)
    agree_until(session, proposal.id, 2)
    return proposal


AUDIENCE = {"c1", "c7", "c100", "c101"}


# -- who hears of what -----------------------------------------------------------


def test_proposer_agreers_and_followers_are_notified_once_when_the_department_step_is_reached(
        session, proposal):
    agree_until(session, proposal.id, 3)
    assert process_outbox(session)["events"] == 1
    assert inbox(session) == {pid: ["step_reached"] for pid in AUDIENCE | {"c102"}}
    [note] = notifications_for(session, AUTHOR)
    assert note.data == {"step": "department_answer", "count": 3}


def test_everyone_is_notified_once_when_they_are_author_agreer_and_follower_at_once(
        session, proposal):
    agree(session, AUTHOR, proposal.id)
    follow(session, AUTHOR, proposal.id)
    agree(session, FOLLOWER, proposal.id)
    assert session.scalar(sa.select(Proposal.agreement_count)
                          .where(Proposal.id == proposal.id)) == 4
    process_outbox(session)
    assert inbox(session) == {pid: ["step_reached"] for pid in AUDIENCE}


def test_audience_is_notified_when_the_department_answers(session, proposal):
    reach_department_step(session, proposal.id)
    process_outbox(session)
    answer(session, HEALTH_OFFICIAL, proposal.id)
    process_outbox(session)
    assert inbox(session) == {pid: ["step_reached", "answered"]
                              for pid in AUDIENCE | {"c102"}}
    assert notifications_for(session, FOLLOWER)[0].data == {
        "step": "department_answer", "decision": "partly_accepted"}


def test_audience_is_notified_when_the_proposal_closes_by_expiry(session, proposal, clock):
    clock.advance(days=60)
    assert close_expired_proposals(session) == [proposal.id]
    process_outbox(session)
    assert inbox(session) == {pid: ["closed"] for pid in AUDIENCE}
    assert notifications_for(session, AUTHOR)[0].data == {"reason": "expired"}


def test_audience_is_notified_when_an_admin_closes_the_proposal(session, proposal, admin):
    close_proposal(session, admin, proposal.id, reason="Out of the city's remit.")
    process_outbox(session)
    assert inbox(session) == {pid: ["closed"] for pid in AUDIENCE}
    assert notifications_for(session, FOLLOWER)[0].data == {"reason": "admin"}


def test_audience_is_notified_when_the_committee_decides(session, proposal):
    decide_on_proposal(session, COMMITTEE_MEMBER, proposal.id, decision="open_debate",
                       reason="Often repeated across districts.")
    process_outbox(session)
    assert inbox(session) == {pid: ["committee_decided"] for pid in AUDIENCE}


def test_audience_is_notified_when_an_implementation_update_is_posted(session, proposal):
    reach_department_step(session, proposal.id)
    answer(session, HEALTH_OFFICIAL, proposal.id)
    post_implementation_update(session, HEALTH_OFFICIAL, proposal.id, status="in_progress",
                               note="Pilot in three districts.")
    process_outbox(session)
    assert inbox(session)["c101"] == ["step_reached", "answered", "implementation_updated"]
    assert notifications_for(session, citizen(101))[0].data == {"status": "in_progress"}


def test_only_the_author_is_notified_when_an_admin_hides_the_proposal(session, proposal, admin):
    hide_proposal(session, admin, proposal.id, reason="Names a private person.")
    process_outbox(session)
    assert inbox(session) == {"c1": ["hidden"]}


def test_withdrawn_agreer_is_not_notified_when_they_withdrew_before_the_fan_out(
        session, proposal):
    withdraw_agreement(session, citizen(100), proposal.id)
    close_proposal(session, Participant(id="admin", roles={Role.ADMIN}), proposal.id)
    process_outbox(session)
    assert set(inbox(session)) == AUDIENCE - {"c100"}


# -- nothing is sent inside the request ------------------------------------------


def test_only_an_outbox_row_is_written_when_an_answer_is_published(app, session, proposal):
    sender = add_sender(app, RecordingSender())
    reach_department_step(session, proposal.id)
    answer(session, HEALTH_OFFICIAL, proposal.id)
    events = session.scalars(sa.select(NotificationEvent).order_by(NotificationEvent.id)).all()
    assert [(e.kind, e.fanned_out_at) for e in events] == [("step_reached", None),
                                                           ("answered", None)]
    assert (count(session, Notification), count(session, Delivery)) == (0, 0)
    assert sender.calls == 0
    assert process_outbox(session) == {"events": 2, "sent": 10, "failed": 0}
    assert count(session, Notification) == 10


# -- following -------------------------------------------------------------------


def test_follower_stops_hearing_when_they_unfollow(session, proposal, admin):
    assert is_following(session, FOLLOWER, proposal.id)
    assert unfollow(session, FOLLOWER, proposal.id) is False
    assert not is_following(session, FOLLOWER, proposal.id)
    close_proposal(session, admin, proposal.id)
    process_outbox(session)
    assert "c7" not in inbox(session)


def test_follow_keeps_one_subscription_when_repeated(session, proposal):
    assert follow(session, FOLLOWER, proposal.id) is True
    assert count(session, Subscription, participant_id="c7") == 1


def test_follow_is_refused_as_not_found_when_the_proposal_is_a_draft(session):
    draft = submit_proposal(session, AUTHOR, title="A draft nobody else sees",
                            body="Nothing to see here yet, still being written.",
                            category="health")
    for action in (follow, unfollow):
        with pytest.raises(NotFound):
            action(session, FOLLOWER, draft.id)
    with pytest.raises(NotFound):
        follow(session, FOLLOWER, 999)
    assert count(session, Subscription) == 0


def test_follow_is_refused_as_not_found_when_the_proposal_is_hidden(session, proposal, admin):
    hide_proposal(session, admin, proposal.id, reason="Names a private person.")
    for action in (follow, unfollow):
        with pytest.raises(NotFound):
            action(session, citizen(8), proposal.id)
    assert count(session, Subscription) == 1


def test_follow_is_refused_when_nobody_is_logged_in(session, proposal):
    with pytest.raises(NotAuthenticated):
        follow(session, None, proposal.id)
    with pytest.raises(NotAuthenticated):
        unfollow(session, None, proposal.id)
    assert count(session, Subscription) == 1


# -- the in-app list -------------------------------------------------------------


@pytest.fixture
def two_events(session, proposal, admin):
    reach_department_step(session, proposal.id)
    close_proposal(session, admin, proposal.id)
    process_outbox(session)
    return proposal


def test_unread_count_falls_when_a_participant_marks_one_read(session, two_events):
    assert unread_count(session, FOLLOWER) == 2
    newest, oldest = notifications_for(session, FOLLOWER)
    assert (newest.kind, oldest.kind) == ("closed", "step_reached")
    assert mark_read(session, FOLLOWER, [oldest.id]) == 1
    assert unread_count(session, FOLLOWER) == 1
    assert [n.kind for n in notifications_for(session, FOLLOWER, unread_only=True)] == ["closed"]
    assert mark_read(session, FOLLOWER) == 1
    assert unread_count(session, FOLLOWER) == 0
    assert mark_read(session, FOLLOWER) == 0


def test_mark_read_changes_nothing_when_the_notifications_are_someone_elses(
        session, two_events):
    others = [n.id for n in notifications_for(session, AUTHOR)]
    assert mark_read(session, FOLLOWER, others) == 0
    assert unread_count(session, AUTHOR) == 2
    assert unread_count(session, FOLLOWER) == 2
    assert all(n.participant_id == "c7" for n in notifications_for(session, FOLLOWER))


def test_in_app_list_is_refused_when_nobody_is_logged_in(session, two_events):
    for call in (unread_count, notifications_for, mark_read):
        with pytest.raises(NotAuthenticated):
            call(session, None)
    assert unread_count(session, FOLLOWER) == 2


@pytest.mark.parametrize("page, per_page", [(0, 20), (-1, 20), (1, 0), (1, 101)])
def test_in_app_list_is_refused_when_the_page_is_out_of_range(
        session, two_events, page, per_page):
    with pytest.raises(InvalidInput) as caught:
        notifications_for(session, FOLLOWER, page=page, per_page=per_page)
    assert list(caught.value.fields) == ["page"]


def test_in_app_list_pages_the_newest_first_when_asked_for_page_two(session, two_events):
    [second] = notifications_for(session, FOLLOWER, page=2, per_page=1)
    assert second.kind == "step_reached"
    assert notifications_for(session, FOLLOWER, page=3, per_page=1) == []


def test_unread_count_is_zero_when_a_participant_was_never_involved(session, two_events):
    assert unread_count(session, citizen(999)) == 0
    assert notifications_for(session, citizen(999)) == []


# -- delivery with retries -------------------------------------------------------


@pytest.fixture
def lone_proposal(session):
    """A proposal only its author hears of: one notification per event."""
    return publish(session)


def test_failed_send_is_retried_with_back_off_when_the_sender_recovers(
        app, session, lone_proposal, admin, clock):
    sender = add_sender(app, RecordingSender(failures=2))
    close_proposal(session, admin, lone_proposal.id)
    first_try = clock.now
    assert process_outbox(session) == {"events": 1, "sent": 0, "failed": 1}
    failed_once = delivery(session)
    assert (failed_once.status, failed_once.attempts) == ("pending", 1)
    assert failed_once.next_attempt_at == first_try + timedelta(minutes=1)
    assert failed_once.last_error == "ConnectionError: SMTP down (call 1)"
    assert process_outbox(session) == {"events": 0, "sent": 0, "failed": 0}
    clock.advance(minutes=1)
    assert process_outbox(session)["failed"] == 1
    assert (delivery(session).attempts, delivery(session).next_attempt_at) == (
        2, clock.now + timedelta(minutes=2))
    clock.advance(minutes=1)
    assert process_outbox(session)["sent"] == 0
    clock.advance(minutes=1)
    assert process_outbox(session) == {"events": 0, "sent": 1, "failed": 0}
    sent = delivery(session)
    assert (sent.status, sent.attempts, sent.sent_at, sent.last_error) == (
        "sent", 3, clock.now, None)
    assert sender.sent == [("c1", "closed")]
    assert sender.calls == 3
    assert process_outbox(session) == {"events": 0, "sent": 0, "failed": 0}
    assert count(session, Notification) == 1


def test_delivery_is_marked_failed_but_the_notification_kept_when_attempts_run_out(
        app, session, lone_proposal, admin, clock):
    sender = add_sender(app, RecordingSender(failures=MAX_ATTEMPTS))
    close_proposal(session, admin, lone_proposal.id)
    for _ in range(MAX_ATTEMPTS):
        assert process_outbox(session)["failed"] == 1
        clock.advance(hours=1)
    gave_up = delivery(session)
    assert (gave_up.status, gave_up.attempts) == ("failed", MAX_ATTEMPTS)
    assert gave_up.last_error == f"ConnectionError: SMTP down (call {MAX_ATTEMPTS})"
    clock.advance(days=1)
    assert process_outbox(session) == {"events": 0, "sent": 0, "failed": 0}
    assert sender.calls == MAX_ATTEMPTS
    assert unread_count(session, AUTHOR) == 1
    assert retry_failed(session) == 1
    assert (delivery(session).status, delivery(session).attempts) == ("pending", 0)
    assert process_outbox(session) == {"events": 0, "sent": 1, "failed": 0}
    assert sender.sent == [("c1", "closed")]
    assert retry_failed(session) == 0


def test_each_channel_gets_its_own_delivery_when_two_senders_are_registered(
        app, session, lone_proposal, admin, clock):
    email = add_sender(app, RecordingSender("email"))
    sms = add_sender(app, RecordingSender("sms", failures=1))
    close_proposal(session, admin, lone_proposal.id)
    assert process_outbox(session) == {"events": 1, "sent": 1, "failed": 1}
    clock.advance(minutes=1)
    assert process_outbox(session) == {"events": 0, "sent": 1, "failed": 0}
    assert (email.sent, sms.sent) == ([("c1", "closed")], [("c1", "closed")])
    assert email.calls == 1


def test_stale_claim_is_taken_over_when_a_worker_died_mid_send(
        app, session, lone_proposal, admin, clock):
    sender = add_sender(app, RecordingSender())
    close_proposal(session, admin, lone_proposal.id)
    fan_out(session)
    session.execute(sa.update(Delivery).values(status="sending", claimed_at=clock.now,
                                               attempts=1))
    session.commit()
    assert deliver_pending(session) == (0, 0)
    clock.advance(minutes=11)
    assert deliver_pending(session) == (1, 0)
    assert (delivery(session).status, delivery(session).attempts) == ("sent", 2)
    assert sender.sent == [("c1", "closed")]


def test_delivery_is_not_attempted_before_its_back_off_when_the_worker_runs_early(
        app, session, lone_proposal, admin, clock):
    sender = add_sender(app, RecordingSender(failures=5))
    close_proposal(session, admin, lone_proposal.id)
    process_outbox(session)
    process_outbox(session)
    clock.advance(seconds=59)
    process_outbox(session)
    assert sender.calls == 1
    assert delivery(session).attempts == 1


def test_one_failing_recipient_does_not_hold_back_the_others_when_a_send_fails(
        app, session, proposal, admin):
    sender = add_sender(app, RecordingSender(refuse={"c100"}))
    close_proposal(session, admin, proposal.id)
    assert process_outbox(session) == {"events": 1, "sent": 3, "failed": 1}
    assert {pid for pid, _ in sender.sent} == AUDIENCE - {"c100"}
    failed = session.scalars(sa.select(Delivery).where(Delivery.status != "sent")).one()
    assert (failed.status, failed.last_error) == ("pending", "ValueError: mailbox unavailable")


def test_no_delivery_is_queued_when_no_sender_is_registered(session, proposal, admin):
    close_proposal(session, admin, proposal.id)
    assert process_outbox(session) == {"events": 1, "sent": 0, "failed": 0}
    assert (count(session, Notification), count(session, Delivery)) == (4, 0)


def test_nothing_is_queued_when_the_action_that_would_notify_is_refused(session, proposal):
    reach_department_step(session, proposal.id)
    outbox = count(session, NotificationEvent)
    stranger = Participant(id="o-other", roles={Role.DEPARTMENT_OFFICIAL}, department="parks")
    with pytest.raises(PermissionDenied):
        answer(session, stranger, proposal.id)
    with pytest.raises(PermissionDenied):
        close_proposal(session, citizen(2), proposal.id)
    assert count(session, NotificationEvent) == outbox
    process_outbox(session)
    assert {kinds_[-1] for kinds_ in inbox(session).values()} == {"step_reached"}


def test_sender_is_refused_when_it_has_no_channel_or_send(app):
    class NoChannel:
        channel = ""

        def send(self, notification):
            pass

    class NoSend:
        channel = "email"

    for sender in (NoChannel(), NoSend()):
        with pytest.raises(ConfigurationError):
            add_sender(app, sender)
    assert app.extensions["deliberation"].settings.senders == []


# -- fan-out ---------------------------------------------------------------------


def test_fan_out_writes_nothing_more_when_run_twice(app, session, proposal, admin):
    add_sender(app, RecordingSender())
    close_proposal(session, admin, proposal.id)
    assert fan_out(session) == 1
    assert fan_out(session) == 0
    assert (count(session, Notification), count(session, Delivery)) == (4, 4)


def test_fan_out_makes_no_duplicate_when_a_crash_left_the_event_unmarked(
        app, session, proposal, admin):
    add_sender(app, RecordingSender())
    close_proposal(session, admin, proposal.id)
    fan_out(session)
    session.execute(sa.update(NotificationEvent).values(fanned_out_at=None))
    session.commit()
    assert fan_out(session) == 1
    assert (count(session, Notification), count(session, Delivery)) == (4, 4)
    assert inbox(session) == {pid: ["closed"] for pid in AUDIENCE}


def test_fan_out_notifies_five_thousand_agreers_in_one_pass_when_a_big_proposal_closes(
        app, session, admin, clock):
    add_sender(app, RecordingSender())
    proposal = publish(session)
    session.execute(sa.insert(Agreement), [
        {"proposal_id": proposal.id, "participant_id": f"a{n}", "created_at": clock.now}
        for n in range(5000)])
    session.execute(sa.update(Proposal).where(Proposal.id == proposal.id)
                    .values(agreement_count=5000))
    session.commit()
    close_proposal(session, admin, proposal.id)
    assert fan_out(session) == 1
    assert count(session, Notification) == 5001
    assert count(session, Delivery) == 5001
    assert session.scalar(sa.select(sa.func.count(sa.distinct(Notification.participant_id)))) \
        == 5001
    assert count(session, NotificationEvent) == 1
    assert session.scalar(sa.select(NotificationEvent.fanned_out_at)) == clock.now


class DatabaseFailingSender:
    """A sender whose own database work fails, as a host's mail log might:
    on PostgreSQL that leaves the transaction refusing every statement."""

    channel = "email"

    def __init__(self, session):
        self.session = session

    def send(self, notification):
        self.session.execute(sa.text("SELECT * FROM no_such_mail_log"))


def test_worker_records_the_failure_when_the_sender_broke_the_transaction(
        app, session, lone_proposal, admin):
    add_sender(app, DatabaseFailingSender(session))
    close_proposal(session, admin, lone_proposal.id)

    assert process_outbox(session) == {"events": 1, "sent": 0, "failed": 1}
    failed = delivery(session)
    assert (failed.status, failed.attempts) == ("pending", 1)
    assert "no_such_mail_log" in failed.last_error
