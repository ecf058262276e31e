"""Cancelling a whole citizen meeting: organisers only, with a public reason,
under the meeting's lock; registration stops, every confirmed and waiting
registrant is told, the proposal's timeline says so, an audit entry records
it — and every refusal leaves the meeting as it was."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import (
    AuditEntry, InvalidInput, Meeting, NotAuthenticated, NotFound, Participant,
    PermissionDenied, Registration, Role, WrongState,
)
from deliberation.meetings.operations import (
    cancel_meeting, create_meeting, edit_meeting, get_meeting, list_meetings, publish_meeting,
)
from deliberation.meetings.qna import post_question
from deliberation.meetings.registration import cancel_registration, check_in, register
from deliberation.meetings.survey import define_survey
from deliberation.notifications import NotificationKind
from deliberation.notifications.models import Notification, NotificationEvent
from deliberation.notifications.operations import fan_out
from deliberation.proposals.operations import submit_proposal
from deliberation.timeline import EventKind, timeline_of
from tests.conftest import START, citizen

OFFICIAL = Participant(id="official", roles={Role.DEPARTMENT_OFFICIAL}, department="health")
MAYOR_OFFICE = Participant(id="mayor", roles={Role.MAYOR_OFFICE})
COMMITTEE = Participant(id="committee", roles={Role.AGENDA_COMMITTEE, Role.CITIZEN})

STARTS = START + timedelta(days=20)
ENDS = STARTS + timedelta(hours=1)
DEADLINE = STARTS - timedelta(days=1)
REASON = "The venue is closed for repairs; a new date follows."


def cancel_events(session):
    session.expire_all()
    return session.scalars(sa.select(NotificationEvent).where(
        NotificationEvent.kind == NotificationKind.MEETING_CANCELLED)).all()


def meeting_row(session, meeting_id):
    session.expire_all()
    return session.get(Meeting, meeting_id)


@pytest.fixture
def proposal(session):
    return submit_proposal(
        session, citizen(90), title="동네 보건소에서 난임 주사 맞게 해주세요", category="health",
        publish=True, body="Travelling to a clinic every day during treatment is hard.")


@pytest.fixture
def hall(session, proposal):
    """Two seats: c1 and c2 confirmed, c3 waiting, c4 registered then left."""
    meeting = create_meeting(session, OFFICIAL, proposal_id=proposal.id,
                             title="Citizen meeting on injections", venue="City hall",
                             starts_at=STARTS, ends_at=ENDS, registration_deadline=DEADLINE,
                             capacity=2)
    publish_meeting(session, OFFICIAL, meeting.id)
    for n in (1, 2, 3, 4):
        register(session, citizen(n), meeting.id)
    cancel_registration(session, citizen(4), meeting.id)
    return meeting


def test_cancelling_tells_every_confirmed_and_waiting_registrant_when_an_organiser_cancels(
        session, hall, proposal):
    cancelled = cancel_meeting(session, MAYOR_OFFICE, hall.id, reason=f"  {REASON}  ")

    assert cancelled.status == "cancelled"
    assert cancelled.cancel_reason == REASON and cancelled.cancelled_at == START
    [event] = cancel_events(session)
    assert event.proposal_id == proposal.id
    assert event.data == {"recipients": ["c1", "c2", "c3"], "meeting_id": hall.id,
                          "reason": REASON}
    fan_out(session)
    told = session.scalars(sa.select(Notification.participant_id).where(
        Notification.kind == "meeting_cancelled").order_by(Notification.participant_id)).all()
    assert told == ["c1", "c2", "c3"]


def test_cancelling_is_on_the_timeline_and_audited_when_the_meeting_has_a_proposal(
        session, hall, proposal):
    cancel_meeting(session, OFFICIAL, hall.id, reason=REASON)

    last = timeline_of(session, proposal.id)[-1]
    assert last.kind == EventKind.MEETING_CANCELLED and last.actor_role == "department_official"
    assert last.data == {"meeting_id": hall.id, "reason": REASON}
    entry = session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "cancel_meeting")).one()
    assert entry.subject_id == hall.id and entry.actor_id == "official"
    assert entry.before == {"status": "published"}
    assert entry.after == {"status": "cancelled", "reason": REASON, "notified": 3}


def test_registrations_are_kept_as_they_were_when_the_meeting_is_cancelled(session, hall):
    cancel_meeting(session, OFFICIAL, hall.id, reason=REASON)

    session.expire_all()
    statuses = session.execute(sa.select(Registration.participant_id, Registration.status)
                               .order_by(Registration.seq)).all()
    assert [tuple(s) for s in statuses] == [("c1", "confirmed"), ("c2", "confirmed"),
                                            ("c3", "waitlisted"), ("c4", "cancelled")]
    meeting = meeting_row(session, hall.id)
    assert (meeting.confirmed_count, meeting.waitlist_count) == (2, 1)


@pytest.mark.parametrize("act", [
    lambda s, m: register(s, citizen(7), m),
    lambda s, m: cancel_registration(s, citizen(1), m),
    lambda s, m: edit_meeting(s, OFFICIAL, m, capacity=50),
    lambda s, m: check_in(s, OFFICIAL, m, "ABCDEFGH"),
    lambda s, m: define_survey(s, OFFICIAL, m, questions=[
        {"kind": "scale", "prompt": "How useful was it?"}]),
    lambda s, m: cancel_meeting(s, OFFICIAL, m, reason=REASON),
    lambda s, m: publish_meeting(s, OFFICIAL, m),
], ids=["register", "leave", "edit", "check_in", "survey", "cancel_again", "publish"])
def test_changes_are_refused_when_the_meeting_was_cancelled(session, hall, act):
    cancel_meeting(session, OFFICIAL, hall.id, reason=REASON)

    with pytest.raises(WrongState):
        act(session, hall.id)
    assert len(cancel_events(session)) == 1
    assert meeting_row(session, hall.id).confirmed_count == 2


def test_live_questions_are_refused_when_the_meeting_was_cancelled(session, clock):
    meeting = create_meeting(session, OFFICIAL, title="Open hall meeting", venue="City hall",
                             starts_at=STARTS, ends_at=ENDS, registration_deadline=DEADLINE,
                             online_questions=True)
    publish_meeting(session, OFFICIAL, meeting.id)
    cancel_meeting(session, OFFICIAL, meeting.id, reason=REASON)

    with pytest.raises(WrongState):
        post_question(session, citizen(1), meeting.id, body="Is there a new date?")


@pytest.mark.parametrize("actor, error", [
    (None, NotAuthenticated), (citizen(1), PermissionDenied), (COMMITTEE, PermissionDenied)])
def test_cancelling_is_refused_when_the_actor_is_not_an_organiser(session, hall, actor, error):
    with pytest.raises(error):
        cancel_meeting(session, actor, hall.id, reason=REASON)
    assert meeting_row(session, hall.id).status == "published"
    assert cancel_events(session) == []


@pytest.mark.parametrize("reason", ["", "   ", "ok", "x" * 501, None])
def test_cancelling_is_refused_with_a_reason_message_when_the_reason_is_missing_or_wrong(
        session, hall, reason):
    with pytest.raises(InvalidInput) as refused:
        cancel_meeting(session, OFFICIAL, hall.id, reason=reason)

    assert list(refused.value.fields) == ["reason"]
    assert meeting_row(session, hall.id).status == "published"
    assert cancel_events(session) == []


def test_cancelling_is_refused_when_the_meeting_is_over(session, hall, clock):
    clock.set(ENDS)

    with pytest.raises(WrongState):
        cancel_meeting(session, OFFICIAL, hall.id, reason=REASON)
    assert meeting_row(session, hall.id).status == "published"


def test_cancelling_is_refused_when_the_meeting_does_not_exist(session):
    with pytest.raises(NotFound):
        cancel_meeting(session, OFFICIAL, 4242, reason=REASON)


def test_a_draft_without_proposal_is_cancelled_quietly_when_nobody_registered(session):
    draft = create_meeting(session, OFFICIAL, title="A meeting that will not happen")

    cancel_meeting(session, OFFICIAL, draft.id, reason=REASON)

    assert meeting_row(session, draft.id).status == "cancelled"
    assert cancel_events(session) == []


def test_cancelled_meeting_stays_listed_and_readable_when_the_viewer_is_a_citizen(
        session, hall):
    cancel_meeting(session, OFFICIAL, hall.id, reason=REASON)

    assert [m.id for m in list_meetings(session, viewer=citizen(1))] == [hall.id]
    assert get_meeting(session, hall.id).cancel_reason == REASON


def test_hosts_hear_of_a_cancellation_once_after_it_is_committed(session, hall, proposal):
    from deliberation import signals

    heard = []

    def receiver(sender, **kwargs):
        # after the commit: a new session reads the cancellation
        heard.append((kwargs, session.execute(sa.select(Meeting.status).where(
            Meeting.id == kwargs["meeting_id"])).scalar()))

    signals.meeting_cancelled.connect(receiver)
    try:
        cancel_meeting(session, OFFICIAL, hall.id, reason=REASON)
        with pytest.raises(WrongState):
            cancel_meeting(session, OFFICIAL, hall.id, reason=REASON)
    finally:
        signals.meeting_cancelled.disconnect(receiver)

    assert heard == [({"meeting_id": hall.id, "proposal_id": proposal.id, "notified": 3},
                      "cancelled")]
