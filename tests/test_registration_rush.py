"""The registration rush: 300 people registering at once for 100 seats end with
exactly 100 confirmed and 200 waiting in arrival order, and concurrent
cancellations promote exactly the first people waiting; threads with their
own app contexts and processes with their own apps, on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import Meeting, Participant, Registration, Role
from deliberation.meetings.operations import create_meeting, publish_meeting
from deliberation.meetings.registration import cancel_registration, register
from deliberation.notifications.models import NotificationEvent
from tests.threads import process_pool, run_threads
from tests.conftest import START, citizen

pytestmark = pytest.mark.concurrency

THREADS = 10
PROCESSES = 4
PEOPLE = 300
SEATS = 100
CANCELLING = 20

OFFICIAL = Participant(id="official", roles={Role.DEPARTMENT_OFFICIAL}, department="health")
STARTS = START + timedelta(days=20)
DEADLINE = STARTS - timedelta(days=1)
#: while registration is open
RUSH_AT = START + timedelta(days=2)


def person(n):
    return citizen(1000 + n)


def plan(workers, index, numbers):
    return numbers[index::workers]


def open_meeting(session):
    meeting = create_meeting(session, OFFICIAL, title="Citizen meeting on injections",
                             venue="사랑의열매회관 B1", starts_at=STARTS,
                             ends_at=STARTS + timedelta(hours=1),
                             registration_deadline=DEADLINE, capacity=SEATS)
    publish_meeting(session, OFFICIAL, meeting.id)
    return meeting.id


def register_all(session, meeting_id, numbers):
    return [(r.participant_id, r.status, r.seq)
            for r in (register(session, person(n), meeting_id) for n in numbers)]


def cancel_all(session, meeting_id, numbers):
    return [cancel_registration(session, person(n), meeting_id).status for n in numbers]


def facts(session, meeting_id):
    """The meeting's counters and its registrations by status, as stored now."""
    session.expire_all()
    counters = session.execute(sa.select(
        Meeting.confirmed_count, Meeting.waitlist_count, Meeting.registration_seq
    ).where(Meeting.id == meeting_id)).one()
    registrations = session.execute(
        sa.select(Registration.participant_id, Registration.status, Registration.seq,
                  Registration.check_in_code)
        .where(Registration.meeting_id == meeting_id).order_by(Registration.seq)).all()
    by_status = {}
    for row in registrations:
        by_status.setdefault(row.status, []).append(row.seq)
    return tuple(counters), registrations, by_status


def assert_rush_is_exact(session, meeting_id, reported):
    counters, registrations, by_status = facts(session, meeting_id)
    assert [r.seq for r in registrations] == list(range(1, PEOPLE + 1))
    assert len({r.participant_id for r in registrations}) == PEOPLE
    assert len({r.check_in_code for r in registrations}) == PEOPLE
    assert by_status == {"confirmed": list(range(1, SEATS + 1)),
                         "waitlisted": list(range(SEATS + 1, PEOPLE + 1))}
    assert counters == (SEATS, PEOPLE - SEATS, PEOPLE)
    # what each registrant was told is what the database holds
    assert sorted(reported, key=lambda r: r[2]) == [
        (r.participant_id, r.status, r.seq) for r in registrations]
    return {r.participant_id: r.seq for r in registrations}


def cancellers(seq_of):
    """Twenty confirmed people spread over the seats."""
    by_seq = {seq: pid for pid, seq in seq_of.items()}
    return [int(by_seq[seq][1:]) - 1000 for seq in range(3, SEATS + 1, SEATS // CANCELLING)]


def assert_promotions_are_exact(session, meeting_id, seq_of, cancelled):
    counters, registrations, by_status = facts(session, meeting_id)
    gone = sorted(seq_of[person(n).id] for n in cancelled)
    assert len(gone) == CANCELLING
    assert by_status == {
        "confirmed": sorted(set(range(1, SEATS + CANCELLING + 1)) - set(gone)),
        "cancelled": gone,
        "waitlisted": list(range(SEATS + CANCELLING + 1, PEOPLE + 1))}
    assert counters == (SEATS, PEOPLE - SEATS - CANCELLING, PEOPLE)
    # each promoted person is told once, nobody else is
    told = [pid for data in session.scalars(
        sa.select(NotificationEvent.data).where(NotificationEvent.kind == "seat_confirmed"))
        for pid in data["recipients"]]
    promoted = {pid for pid, seq in seq_of.items() if SEATS < seq <= SEATS + CANCELLING}
    assert sorted(told) == sorted(promoted)



def test_seats_are_exact_and_in_arrival_order_when_300_threads_register_for_100(
        app, session, clock):
    meeting_id = open_meeting(session)
    clock.set(RUSH_AT)
    session.remove()
    db = app.extensions["deliberation"].db
    everyone = list(range(PEOPLE))
    reported = []

    def register_in_own_context(index):
        with app.app_context():
            reported.extend(register_all(db.session, meeting_id, plan(THREADS, index, everyone)))
            db.session.remove()

    run_threads(register_in_own_context, THREADS)
    seq_of = assert_rush_is_exact(session, meeting_id, reported)

    leaving = cancellers(seq_of)
    session.remove()

    def cancel_in_own_context(index):
        with app.app_context():
            assert cancel_all(db.session, meeting_id, [leaving[index]]) == ["cancelled"]
            db.session.remove()

    run_threads(cancel_in_own_context, CANCELLING)
    assert_promotions_are_exact(session, meeting_id, seq_of, leaving)


def act_in_own_process(database_url, moment, meeting_id, action, numbers):
    """Runs in a process of its own: its own host app on the shared database."""
    from deliberation import Deliberation, FrozenClock
    from tests.host import create_host_app

    app = create_host_app(database_url, TESTING=True)
    Deliberation.set_clock(app, FrozenClock(moment))
    db = app.extensions["deliberation"].db
    with app.app_context():
        done = {"register": register_all, "cancel": cancel_all}[action](
            db.session, meeting_id, numbers)
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return done


def test_seats_are_exact_when_four_processes_register_and_cancel_at_once(
        database, app, session, clock):
    meeting_id = open_meeting(session)
    session.remove()
    everyone = list(range(PEOPLE))
    with process_pool(PROCESSES) as pool:
        reports = pool.starmap(act_in_own_process, [
            (database, RUSH_AT, meeting_id, "register", plan(PROCESSES, index, everyone))
            for index in range(PROCESSES)], chunksize=1)
        seq_of = assert_rush_is_exact(session, meeting_id,
                                      [row for report in reports for row in report])
        leaving = cancellers(seq_of)
        session.remove()
        outcomes = pool.starmap(act_in_own_process, [
            (database, RUSH_AT, meeting_id, "cancel", plan(PROCESSES, index, leaving))
            for index in range(PROCESSES)], chunksize=1)

    assert sorted(s for outcome in outcomes for s in outcome) == ["cancelled"] * CANCELLING
    assert_promotions_are_exact(session, meeting_id, seq_of, leaving)
