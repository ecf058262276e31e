"""Registration for a citizen meeting: first come, first served up to the
seats, then a waitlist in arrival order; cancellations promote the first
person waiting, who is told; check-in codes at the door; who registered is
for organisers only."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import (
    InvalidInput, Meeting, NotAuthenticated, NotFound, Participant, PermissionDenied,
    Registration, Role, WrongState,
)
from deliberation.meetings.operations import create_meeting, edit_meeting, publish_meeting
from deliberation.meetings.registration import (
    CHECK_IN_OPENS_BEFORE_START, attendance, attendee_list, cancel_registration, check_in,
    fill_free_seats, register, registration_of,
)
from deliberation.notifications.models import Notification, NotificationEvent
from deliberation.notifications.operations import process_outbox
from tests.conftest import START, citizen

OFFICIAL = Participant(id="official", roles={Role.DEPARTMENT_OFFICIAL}, department="health")
MAYOR_OFFICE = Participant(id="mayor", roles={Role.MAYOR_OFFICE})
ADMIN = Participant(id="admin", roles={Role.ADMIN, Role.CITIZEN})
COMMITTEE = Participant(id="committee", roles={Role.AGENDA_COMMITTEE, Role.CITIZEN})

SEATS = 3
STARTS = START + timedelta(days=20)
ENDS = STARTS + timedelta(hours=1)
DEADLINE = STARTS - timedelta(days=1)
CODE_ALPHABET = set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")


def new_meeting(session, *, capacity=SEATS, publish=True, title="Citizen meeting on injections"):
    meeting = create_meeting(session, OFFICIAL, title=title, venue="City hall, room 3",
                             starts_at=STARTS, ends_at=ENDS, registration_deadline=DEADLINE,
                             capacity=capacity)
    if publish:
        publish_meeting(session, OFFICIAL, meeting.id)
    return meeting


def counters(session, meeting_id):
    """(confirmed, waitlisted, seq) as the meeting row holds them now."""
    session.expire_all()
    return tuple(session.execute(sa.select(
        Meeting.confirmed_count, Meeting.waitlist_count, Meeting.registration_seq
    ).where(Meeting.id == meeting_id)).one())


def rows(session, meeting_id):
    """(participant, status, seq) of every registration, in arrival order."""
    session.expire_all()
    return [tuple(r) for r in session.execute(
        sa.select(Registration.participant_id, Registration.status, Registration.seq)
        .where(Registration.meeting_id == meeting_id).order_by(Registration.seq)).all()]


def seat_events(session):
    session.expire_all()
    return [(e.proposal_id, e.data) for e in session.scalars(
        sa.select(NotificationEvent).where(NotificationEvent.kind == "seat_confirmed")
        .order_by(NotificationEvent.id)).all()]


@pytest.fixture
def meeting(session):
    return new_meeting(session)


@pytest.fixture
def full(session, meeting):
    """Three seated (c1-c3) and two waiting (c4, c5)."""
    for n in range(1, 6):
        register(session, citizen(n), meeting.id)
    return meeting


# -- first come, first served --------------------------------------------------------


def test_seats_go_in_arrival_order_then_a_waitlist_when_more_register_than_fit(
        session, meeting, clock):
    results = [register(session, citizen(n), meeting.id) for n in range(1, 6)]
    assert [(r.participant_id, r.status, r.seq) for r in results] == [
        ("c1", "confirmed", 1), ("c2", "confirmed", 2), ("c3", "confirmed", 3),
        ("c4", "waitlisted", 4), ("c5", "waitlisted", 5)]
    assert [r.confirmed_at for r in results] == [clock.now] * 3 + [None] * 2
    assert counters(session, meeting.id) == (3, 2, 5)


def test_registration_keeps_the_display_name_and_gives_a_door_code_when_confirmed(
        session, meeting):
    registration = register(session, citizen(1), meeting.id)
    assert registration.display_name == "Citizen 1"
    assert len(registration.check_in_code) == 8
    assert set(registration.check_in_code) <= CODE_ALPHABET


def test_check_in_codes_differ_when_many_register(session, meeting):
    codes = {register(session, citizen(n), meeting.id).check_in_code for n in range(1, 21)}
    assert len(codes) == 20


@pytest.mark.parametrize("n", [2, 4], ids=["confirmed", "waitlisted"])
def test_registering_twice_returns_the_same_registration_when_already_registered(
        session, full, clock, n):
    first = registration_of(session, citizen(n), full.id)
    clock.advance(minutes=5)
    again = register(session, citizen(n), full.id)
    assert (again.id, again.status, again.seq, again.check_in_code, again.created_at) == (
        first.id, first.status, first.seq, first.check_in_code, first.created_at)
    assert counters(session, full.id) == (3, 2, 5)


def test_registration_is_accepted_when_one_second_remains_before_the_deadline(
        session, meeting, clock):
    clock.set(DEADLINE - timedelta(seconds=1))
    assert register(session, citizen(1), meeting.id).status == "confirmed"


@pytest.mark.parametrize("after", [timedelta(0), timedelta(hours=2)],
                         ids=["the exact deadline", "after the deadline"])
def test_registration_is_refused_when_the_deadline_has_come(session, meeting, clock, after):
    clock.set(DEADLINE + after)
    with pytest.raises(WrongState):
        register(session, citizen(1), meeting.id)
    assert rows(session, meeting.id) == []
    assert counters(session, meeting.id) == (0, 0, 0)


def test_registration_is_refused_when_the_meeting_is_a_draft(session):
    draft = new_meeting(session, publish=False)
    with pytest.raises(NotFound):
        register(session, citizen(1), draft.id)
    assert rows(session, draft.id) == []


def test_registration_is_refused_when_the_meeting_does_not_exist(session):
    with pytest.raises(NotFound):
        register(session, citizen(1), 4242)


@pytest.mark.parametrize("person, error", [
    (None, NotAuthenticated), (MAYOR_OFFICE, PermissionDenied), (OFFICIAL, PermissionDenied)])
def test_registration_is_refused_when_the_person_is_not_a_citizen(
        session, meeting, person, error):
    with pytest.raises(error):
        register(session, person, meeting.id)
    assert counters(session, meeting.id) == (0, 0, 0)


def test_registration_of_is_none_when_the_person_never_registered(session, full):
    assert registration_of(session, citizen(9), full.id) is None
    with pytest.raises(NotAuthenticated):
        registration_of(session, None, full.id)


# -- cancelling and the waitlist -------------------------------------------------------


def test_cancelling_a_seat_promotes_the_first_waiting_person_when_people_wait(
        session, full, clock):
    clock.advance(hours=1)
    cancelled = cancel_registration(session, citizen(2), full.id)
    assert (cancelled.status, cancelled.cancelled_at) == ("cancelled", clock.now)
    promoted = registration_of(session, citizen(4), full.id)
    assert (promoted.status, promoted.confirmed_at, promoted.seq) == ("confirmed", clock.now, 4)
    assert registration_of(session, citizen(5), full.id).status == "waitlisted"
    assert counters(session, full.id) == (3, 1, 5)


def test_promoted_person_is_notified_when_a_seat_frees_up(session, full, clock):
    cancel_registration(session, citizen(1), full.id)
    assert seat_events(session) == [(None, {"recipients": ["c4"], "meeting_id": full.id})]
    summary = process_outbox(session)
    assert summary["events"] == 1
    told = session.scalars(sa.select(Notification).where(
        Notification.kind == "seat_confirmed")).all()
    assert [(n.participant_id, n.data) for n in told] == [("c4", {"meeting_id": full.id})]


def test_promotion_of_a_proposal_meeting_names_the_proposal_when_notified(session):
    from deliberation.proposals.operations import submit_proposal

    proposal = submit_proposal(
        session, citizen(1), title="Let us get injections at our health centre",
        category="health", publish=True,
        body="Travelling to a clinic every day during treatment is hard for working couples.")
    meeting = create_meeting(session, OFFICIAL, proposal_id=proposal.id,
                             title="Citizen meeting on injections", venue="Hall",
                             starts_at=STARTS, ends_at=ENDS, registration_deadline=DEADLINE,
                             capacity=1)
    publish_meeting(session, OFFICIAL, meeting.id)
    register(session, citizen(1), meeting.id)
    register(session, citizen(2), meeting.id)
    cancel_registration(session, citizen(1), meeting.id)
    assert seat_events(session) == [(proposal.id, {"recipients": ["c2"], "meeting_id": meeting.id})]
    process_outbox(session)
    told = session.scalars(sa.select(Notification.participant_id).where(
        Notification.kind == "seat_confirmed")).all()
    assert told == ["c2"]  # only the promoted person, not the proposal's supporters


def test_cancelling_a_seat_leaves_it_free_when_nobody_waits(session, meeting):
    for n in (1, 2):
        register(session, citizen(n), meeting.id)
    cancel_registration(session, citizen(1), meeting.id)
    assert counters(session, meeting.id) == (1, 0, 2)
    assert seat_events(session) == []
    assert register(session, citizen(3), meeting.id).status == "confirmed"


def test_waitlisted_person_just_leaves_the_queue_when_cancelling(session, full):
    cancel_registration(session, citizen(4), full.id)
    assert rows(session, full.id) == [
        ("c1", "confirmed", 1), ("c2", "confirmed", 2), ("c3", "confirmed", 3),
        ("c4", "cancelled", 4), ("c5", "waitlisted", 5)]
    assert counters(session, full.id) == (3, 1, 5)
    assert seat_events(session) == []
    cancel_registration(session, citizen(1), full.id)
    assert registration_of(session, citizen(5), full.id).status == "confirmed"


def test_reregistering_after_cancelling_goes_to_the_back_when_people_wait(session, full, clock):
    cancel_registration(session, citizen(1), full.id)  # c4 takes the seat
    clock.advance(minutes=10)
    back = register(session, citizen(1), full.id)
    assert (back.status, back.seq, back.created_at, back.cancelled_at, back.confirmed_at) == (
        "waitlisted", 6, clock.now, None, None)
    assert counters(session, full.id) == (3, 2, 6)
    cancel_registration(session, citizen(2), full.id)
    assert registration_of(session, citizen(5), full.id).status == "confirmed"
    assert registration_of(session, citizen(1), full.id).status == "waitlisted"


def test_cancel_is_refused_when_the_person_is_not_registered(session, full):
    with pytest.raises(NotFound):
        cancel_registration(session, citizen(9), full.id)
    assert counters(session, full.id) == (3, 2, 5)


def test_cancel_is_refused_when_already_cancelled(session, full):
    cancel_registration(session, citizen(1), full.id)
    with pytest.raises(NotFound):
        cancel_registration(session, citizen(1), full.id)
    assert counters(session, full.id) == (3, 1, 5)
    assert len(seat_events(session)) == 1


@pytest.mark.parametrize("after", [timedelta(0), timedelta(minutes=30)],
                         ids=["the exact start", "during the meeting"])
def test_cancel_is_refused_when_the_meeting_has_started(session, full, clock, after):
    clock.set(STARTS + after)
    with pytest.raises(WrongState):
        cancel_registration(session, citizen(1), full.id)
    assert registration_of(session, citizen(1), full.id).status == "confirmed"
    assert counters(session, full.id) == (3, 2, 5)


def test_cancel_still_promotes_when_the_deadline_passed_but_the_meeting_has_not_started(
        session, full, clock):
    clock.set(STARTS - timedelta(seconds=1))
    cancel_registration(session, citizen(3), full.id)
    assert registration_of(session, citizen(4), full.id).status == "confirmed"


def test_cancel_is_refused_when_the_person_has_checked_in(session, full, clock):
    # doors open before the start: someone checked in cannot hand their seat on
    clock.set(STARTS - timedelta(minutes=20))
    code = registration_of(session, citizen(1), full.id).check_in_code
    check_in(session, OFFICIAL, full.id, code)
    with pytest.raises(WrongState):
        cancel_registration(session, citizen(1), full.id)
    assert counters(session, full.id) == (3, 2, 5)
    assert attendance(session, OFFICIAL, full.id)["checked_in"] == 1


def test_cancel_is_refused_when_nobody_is_logged_in(session, full):
    with pytest.raises(NotAuthenticated):
        cancel_registration(session, None, full.id)


# -- capacity changes -------------------------------------------------------------------


def test_raising_capacity_promotes_waiting_people_in_order_when_seats_are_added(
        session, full, clock):
    for n in range(6, 9):
        register(session, citizen(n), full.id)  # c4..c8 wait
    edit_meeting(session, OFFICIAL, full.id, capacity=5)
    assert [(p, s) for p, s, _ in rows(session, full.id)] == [
        ("c1", "confirmed"), ("c2", "confirmed"), ("c3", "confirmed"), ("c4", "confirmed"),
        ("c5", "confirmed"), ("c6", "waitlisted"), ("c7", "waitlisted"), ("c8", "waitlisted")]
    assert counters(session, full.id) == (5, 3, 8)
    assert seat_events(session) == [(None, {"recipients": ["c4", "c5"], "meeting_id": full.id})]


def test_raising_capacity_beyond_the_waitlist_confirms_everyone_when_few_wait(session, full):
    edit_meeting(session, OFFICIAL, full.id, capacity=50)
    assert counters(session, full.id) == (5, 0, 5)
    assert register(session, citizen(6), full.id).status == "confirmed"


def test_fill_free_seats_changes_nothing_when_no_seat_is_free(session, full):
    fill_free_seats(session, full.id)
    assert counters(session, full.id) == (3, 2, 5)
    assert seat_events(session) == []


def test_shrinking_capacity_below_the_confirmed_is_refused_when_seats_are_taken(session, full):
    with pytest.raises(InvalidInput) as caught:
        edit_meeting(session, OFFICIAL, full.id, capacity=2)
    assert list(caught.value.fields) == ["capacity"]
    assert counters(session, full.id) == (3, 2, 5)


def test_shrunk_capacity_sends_newcomers_to_the_waitlist_when_seats_ran_out(session, meeting):
    register(session, citizen(1), meeting.id)
    edit_meeting(session, OFFICIAL, meeting.id, capacity=1)
    assert register(session, citizen(2), meeting.id).status == "waitlisted"


# -- check-in at the door ----------------------------------------------------------------


@pytest.fixture
def doors_open(clock):
    """The day of the meeting, an hour before it starts."""
    clock.set(STARTS - timedelta(hours=1))


@pytest.mark.parametrize("typed", [
    lambda code: code,
    lambda code: code.lower(),
    lambda code: f"  {code[:4]}-{code[4:]}  ",
    lambda code: f"{code[:4].lower()} {code[4:]}",
], ids=["as given", "lowercase", "dash and spaces", "space and mixed case"])
def test_check_in_marks_the_person_present_when_the_code_is_typed_loosely(
        session, full, clock, doors_open, typed):
    code = registration_of(session, citizen(2), full.id).check_in_code
    checked, already = check_in(session, OFFICIAL, full.id, typed(code))
    assert (checked.participant_id, checked.checked_in_at, already) == ("c2", clock.now, False)


def test_checking_in_twice_keeps_the_first_time_and_says_so_when_the_code_is_shown_again(
        session, full, clock, doors_open):
    code = registration_of(session, citizen(1), full.id).check_in_code
    first = check_in(session, OFFICIAL, full.id, code)
    clock.advance(minutes=3)
    again = check_in(session, MAYOR_OFFICE, full.id, code)
    assert (first.already_checked_in, again.already_checked_in) == (False, True)
    assert again.registration.checked_in_at == first.registration.checked_in_at
    assert attendance(session, OFFICIAL, full.id)["checked_in"] == 1


@pytest.mark.parametrize("when, message", [
    (STARTS - timedelta(days=7), "Check-in opens on the day of the meeting."),
    (STARTS - CHECK_IN_OPENS_BEFORE_START - timedelta(seconds=1),
     "Check-in opens on the day of the meeting."),
    (ENDS + timedelta(days=1), "Check-in has closed: the meeting is over."),
], ids=["a week before", "just before the door opens", "a day after the end"])
def test_check_in_is_refused_when_it_is_not_the_day_of_the_meeting(
        session, full, clock, when, message):
    code = registration_of(session, citizen(1), full.id).check_in_code
    clock.set(when)
    with pytest.raises(WrongState) as caught:
        check_in(session, OFFICIAL, full.id, code)
    assert caught.value.message == message
    assert registration_of(session, citizen(1), full.id).checked_in_at is None


def test_check_in_is_accepted_when_the_door_just_opened(session, full, clock):
    code = registration_of(session, citizen(1), full.id).check_in_code
    clock.set(STARTS - CHECK_IN_OPENS_BEFORE_START)
    assert check_in(session, OFFICIAL, full.id, code).registration.checked_in_at == clock.now


@pytest.mark.parametrize("code", ["", "   ", "NOSUCHCD", "ABCD-EFGH-J"])
def test_check_in_is_refused_when_the_code_is_unknown(session, full, code):
    with pytest.raises(NotFound):
        check_in(session, OFFICIAL, full.id, code)
    assert attendance(session, OFFICIAL, full.id)["checked_in"] == 0


def test_check_in_is_refused_when_the_code_belongs_to_another_meeting(session, full):
    other = new_meeting(session, title="Another citizen meeting")
    code = register(session, citizen(1), other.id).check_in_code
    with pytest.raises(NotFound):
        check_in(session, OFFICIAL, full.id, code)


@pytest.mark.parametrize("n, cancel", [(4, False), (2, True)], ids=["waitlisted", "cancelled"])
def test_check_in_is_refused_when_the_registration_is_not_confirmed(session, full, n, cancel):
    code = registration_of(session, citizen(n), full.id).check_in_code
    if cancel:
        cancel_registration(session, citizen(n), full.id)
    with pytest.raises(WrongState):
        check_in(session, OFFICIAL, full.id, code)
    session.expire_all()
    assert session.scalar(sa.select(Registration.checked_in_at).where(
        Registration.check_in_code == code)) is None


@pytest.mark.parametrize("actor, error", [
    (citizen(1), PermissionDenied), (COMMITTEE, PermissionDenied), (None, NotAuthenticated)])
def test_check_in_is_refused_when_the_person_at_the_door_is_not_an_organiser(
        session, full, actor, error):
    code = registration_of(session, citizen(1), full.id).check_in_code
    with pytest.raises(error):
        check_in(session, actor, full.id, code)
    assert registration_of(session, citizen(1), full.id).checked_in_at is None


# -- attendance and the attendee list ---------------------------------------------------


def test_attendance_counts_seats_waiting_and_present_when_people_checked_in(
        session, full, doors_open):
    for n in (1, 3):
        code = registration_of(session, citizen(n), full.id).check_in_code
        check_in(session, OFFICIAL, full.id, code)
    assert attendance(session, ADMIN, full.id) == {
        "capacity": 3, "confirmed": 3, "waitlisted": 2, "checked_in": 2}


def test_attendance_is_refused_when_a_citizen_asks(session, full):
    with pytest.raises(PermissionDenied):
        attendance(session, citizen(1), full.id)


@pytest.mark.parametrize("organiser", [ADMIN, MAYOR_OFFICE, OFFICIAL], ids=lambda p: p.id)
def test_organisers_see_who_registered_in_arrival_order_without_the_cancelled(
        session, full, organiser):
    cancel_registration(session, citizen(2), full.id)
    listed = attendee_list(session, organiser, full.id)
    assert [(r.participant_id, r.status) for r in listed] == [
        ("c1", "confirmed"), ("c3", "confirmed"), ("c4", "confirmed"), ("c5", "waitlisted")]


@pytest.mark.parametrize("actor, error", [
    (citizen(1), PermissionDenied), (COMMITTEE, PermissionDenied), (None, NotAuthenticated)])
def test_attendee_list_is_refused_when_the_viewer_is_not_an_organiser(
        session, full, actor, error):
    with pytest.raises(error):
        attendee_list(session, actor, full.id)


def test_attendee_list_is_refused_when_the_meeting_does_not_exist(session):
    with pytest.raises(NotFound):
        attendee_list(session, OFFICIAL, 4242)



def test_deadline_cannot_move_into_the_past_when_the_meeting_is_published(
        session, clock, meeting):
    from deliberation.meetings.operations import edit_meeting

    with pytest.raises(InvalidInput) as refused:
        edit_meeting(session, MAYOR_OFFICE, meeting.id,
                     registration_deadline=(clock.now - timedelta(hours=1)).isoformat())
    assert "registration_deadline" in refused.value.fields
    assert session.get(Meeting, meeting.id, populate_existing=True).registration_deadline == DEADLINE


def test_added_seats_go_to_the_waiting_people_first_when_capacity_grows(session, full):
    from deliberation.meetings.operations import edit_meeting

    last = register(session, citizen(50), full.id)  # behind c4 and c5
    edited = edit_meeting(session, MAYOR_OFFICE, full.id, capacity=SEATS + 2)

    assert session.get(Registration, last.id, populate_existing=True).status == "waitlisted"
    assert (edited.confirmed_count, edited.waitlist_count) == (SEATS + 2, 1)
    assert sorted(r.participant_id for r in session.scalars(sa.select(Registration).where(
        Registration.status == "confirmed"))) == ["c1", "c2", "c3", "c4", "c5"]
