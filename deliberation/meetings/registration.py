"""Registration: first come, first served up to the seats, then a waitlist in
arrival order; a cancellation promotes the first person waiting.

Every change takes the meeting's row lock first, so the seat count is
decided by one transaction at a time: 300 people registering at once for
100 seats end with exactly 100 confirmed and 200 waiting, in the order the
lock was granted."""

import secrets
from datetime import timedelta
from typing import NamedTuple

import sqlalchemy as sa

from ..audit import record_audit
from ..db import unit_of_work
from ..errors import NotFound, PermissionDenied, WrongState
from ..notifications import NotificationKind
from ..notifications.operations import queue_notification
from ..participants import Role, require_participant, require_role
from ..settings import current_settings
from .models import Meeting, Registration
from .operations import get_meeting, is_organiser, locked_meeting, require_organiser
from .states import MeetingStatus, RegistrationStatus

meetings = Meeting.__table__
registrations = Registration.__table__

#: the door opens on the day of the meeting: this long before it starts
CHECK_IN_OPENS_BEFORE_START = timedelta(hours=6)
#: late arrivals and corrections: check-in stays possible this long after the end
CHECK_IN_CLOSES_AFTER_END = timedelta(days=1)

#: no 0/O or 1/I/L: codes are read aloud and typed at the door
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _new_code():
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def registration_of(session, participant, meeting_id):
    require_participant(participant)
    return session.execute(sa.select(Registration).where(
        Registration.meeting_id == meeting_id,
        Registration.participant_id == participant.id)).scalar()


def has_confirmed_seat(session, participant, meeting_id):
    """Whether this participant holds a confirmed seat: who may answer the
    survey and, unless online questions are allowed, ask in the Q&A."""
    return participant is not None and session.execute(sa.select(Registration.id).where(
        Registration.meeting_id == meeting_id, Registration.participant_id == participant.id,
        Registration.status == RegistrationStatus.CONFIRMED)).first() is not None


def register(session, participant, meeting_id):
    """Take a seat, or a place on the waitlist. Registering again returns the
    registration one already has."""
    require_role(participant, Role.CITIZEN)
    now = current_settings().now()
    with unit_of_work(session):
        # one read of the meeting, under its lock: this is the rush's path
        meeting = locked_meeting(session, meeting_id)
        if meeting.status == MeetingStatus.DRAFT:
            raise NotFound("No such meeting.")
        if meeting.status == MeetingStatus.CANCELLED:
            raise WrongState("The meeting was cancelled.")
        if meeting.status != MeetingStatus.PUBLISHED:
            raise WrongState("Registration is not open for this meeting.")
        if now >= meeting.registration_deadline:
            raise WrongState("Registration closed at the deadline.")
        existing = session.execute(sa.select(registrations).where(
            registrations.c.meeting_id == meeting_id,
            registrations.c.participant_id == participant.id)).first()
        if existing is not None and existing.status != RegistrationStatus.CANCELLED:
            return session.get(Registration, existing.id, populate_existing=True)
        seq = meeting.registration_seq + 1
        seated = meeting.confirmed_count < meeting.capacity
        status = RegistrationStatus.CONFIRMED if seated else RegistrationStatus.WAITLISTED
        session.execute(sa.update(meetings).where(meetings.c.id == meeting_id).values(
            registration_seq=seq,
            confirmed_count=meetings.c.confirmed_count + (1 if seated else 0),
            waitlist_count=meetings.c.waitlist_count + (0 if seated else 1)))
        values = {"status": str(status), "seq": seq, "created_at": now, "cancelled_at": None,
                  "confirmed_at": now if seated else None, "checked_in_at": None,
                  "display_name": participant.display_name[:100]}
        if existing is None:
            session.execute(sa.insert(registrations).values(
                meeting_id=meeting_id, participant_id=participant.id,
                check_in_code=_new_code(), **values))
        else:  # coming back after cancelling: a new arrival, at the back
            session.execute(sa.update(registrations).where(registrations.c.id == existing.id)
                            .values(**values))
    return registration_of(session, participant, meeting_id)


def cancel_registration(session, participant, meeting_id):
    """Give the seat (or the waitlist place) back; the first person waiting
    takes a freed seat and is told so."""
    require_role(participant, Role.CITIZEN)
    now = current_settings().now()
    with unit_of_work(session):
        meeting = locked_meeting(session, meeting_id)
        if meeting.status == MeetingStatus.DRAFT:
            raise NotFound("No such meeting.")
        if meeting.status == MeetingStatus.CANCELLED:
            # the meeting's registrations stay as they were when it was called off
            raise WrongState("The meeting was cancelled.")
        if meeting.starts_at is not None and now >= meeting.starts_at:
            raise WrongState("The meeting has started.")
        mine = session.execute(sa.select(registrations).where(
            registrations.c.meeting_id == meeting_id,
            registrations.c.participant_id == participant.id)).first()
        if mine is None or mine.status == RegistrationStatus.CANCELLED:
            raise NotFound("You are not registered for this meeting.")
        if mine.checked_in_at is not None:
            # doors open before the start: a seat in use is not handed on
            raise WrongState("You have been checked in already.")
        session.execute(sa.update(registrations).where(registrations.c.id == mine.id).values(
            status=str(RegistrationStatus.CANCELLED), cancelled_at=now))
        if mine.status == RegistrationStatus.CONFIRMED:
            session.execute(sa.update(meetings).where(meetings.c.id == meeting_id)
                            .values(confirmed_count=meetings.c.confirmed_count - 1))
            _promote(session, meeting, now, seats=1)
        else:
            session.execute(sa.update(meetings).where(meetings.c.id == meeting_id)
                            .values(waitlist_count=meetings.c.waitlist_count - 1))
    return registration_of(session, participant, meeting_id)


def fill_free_seats(session, meeting_id):
    """After seats were added: promote as many waiting people as now fit."""
    with unit_of_work(session):
        return fill_free_seats_now(session, meeting_id)


def fill_free_seats_now(session, meeting_id):
    """The same inside the caller's transaction (which may hold the lock)."""
    meeting = locked_meeting(session, meeting_id)
    free = meeting.capacity - meeting.confirmed_count
    if free <= 0:
        return []
    return _promote(session, meeting, current_settings().now(), seats=free)


def _promote(session, meeting, now, *, seats):
    waiting = session.execute(sa.select(registrations.c.id, registrations.c.participant_id)
                              .where(registrations.c.meeting_id == meeting.id,
                                     registrations.c.status == RegistrationStatus.WAITLISTED)
                              .order_by(registrations.c.seq).limit(seats)).all()
    if not waiting:
        return []
    session.execute(sa.update(registrations).where(
        registrations.c.id.in_([row.id for row in waiting])).values(
        status=str(RegistrationStatus.CONFIRMED), confirmed_at=now))
    session.execute(sa.update(meetings).where(meetings.c.id == meeting.id).values(
        confirmed_count=meetings.c.confirmed_count + len(waiting),
        waitlist_count=meetings.c.waitlist_count - len(waiting)))
    queue_notification(session, NotificationKind.SEAT_CONFIRMED, meeting.proposal_id, at=now,
                       recipients=[row.participant_id for row in waiting],
                       meeting_id=meeting.id)
    return [row.participant_id for row in waiting]


class CheckIn(NamedTuple):
    """A check-in's outcome: the registration, and whether the person had been
    checked in before (the code shown twice), so the door can say so."""
    registration: Registration
    already_checked_in: bool


def check_in(session, organiser, meeting_id, code):
    """At the door: a confirmed registrant's code marks them present, from the
    day of the meeting until a day after it. Checking in twice is harmless and
    keeps the first time; the result says it happened before."""
    require_organiser(organiser)
    meeting = get_meeting(session, meeting_id, viewer=organiser)
    if meeting.status == MeetingStatus.CANCELLED:
        raise WrongState("The meeting was cancelled.")
    code = (code or "").strip().upper().replace("-", "").replace(" ", "")
    registration = session.execute(sa.select(Registration).where(
        Registration.meeting_id == meeting_id, Registration.check_in_code == code)).scalar()
    if registration is None:
        raise NotFound("No registration has this code.")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise WrongState("This person is on the waitlist, without a seat."
                         if registration.status == RegistrationStatus.WAITLISTED
                         else "This registration was cancelled.")
    now = current_settings().now()
    if meeting.starts_at is not None and now < meeting.starts_at - CHECK_IN_OPENS_BEFORE_START:
        raise WrongState("Check-in opens on the day of the meeting.")
    if meeting.ends_at is not None and now >= meeting.ends_at + CHECK_IN_CLOSES_AFTER_END:
        raise WrongState("Check-in has closed: the meeting is over.")
    already = registration.checked_in_at is not None
    if not already:
        with unit_of_work(session):
            # two doors typing the same code at once: only one UPDATE sets the time
            already = not session.execute(sa.update(registrations).where(
                registrations.c.id == registration.id,
                registrations.c.checked_in_at.is_(None)).values(
                checked_in_at=now)).rowcount
            if not already:
                record_audit(session, organiser, "check_in", "meeting", meeting_id,
                             after={"registration": registration.id})
    return CheckIn(session.get(Registration, registration.id, populate_existing=True), already)


def attendance(session, organiser, meeting_id):
    """Seats, confirmed, waiting and present: for organisers."""
    require_organiser(organiser)
    meeting = get_meeting(session, meeting_id, viewer=organiser)
    present = session.execute(sa.select(sa.func.count()).select_from(registrations).where(
        registrations.c.meeting_id == meeting_id,
        registrations.c.checked_in_at.is_not(None))).scalar_one()
    return {"capacity": meeting.capacity, "confirmed": meeting.confirmed_count,
            "waitlisted": meeting.waitlist_count, "checked_in": present}


def attendee_list(session, organiser, meeting_id):
    """Who registered, in arrival order: organisers only; nobody else ever
    sees who registered."""
    if not is_organiser(organiser):
        require_participant(organiser)
        raise PermissionDenied("Only the organisers see who registered.")
    get_meeting(session, meeting_id, viewer=organiser)
    return session.scalars(sa.select(Registration).where(
        Registration.meeting_id == meeting_id,
        Registration.status != RegistrationStatus.CANCELLED).order_by(Registration.seq)).all()
