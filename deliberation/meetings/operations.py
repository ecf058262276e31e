"""Meetings: drafted at the mayor step, completed and published by officials."""

import sqlalchemy as sa

from .. import signals
from ..audit import record_audit
from ..db import insert_ignoring_duplicates, lock_row, unit_of_work
from ..errors import InvalidInput, NotFound, WrongState
from ..notifications import NotificationKind
from ..notifications.operations import queue_notification
from ..participants import Role, require_role
from ..proposals.models import Proposal
from ..settings import current_settings
from ..threshold.rules import Step
from ..timeline import EventKind, record_event
from ..validation import clean
from .models import Meeting, ProgrammeItem, Registration
from .schemas import CancelMeetingInputSchema, MeetingInputSchema
from .states import ORGANISERS, MeetingStatus, RegistrationStatus

meetings = Meeting.__table__

#: what a meeting needs before it can be published
REQUIRED_TO_PUBLISH = ("starts_at", "ends_at", "registration_deadline", "venue")


def require_organiser(actor):
    return require_role(actor, *ORGANISERS)


def is_organiser(viewer):
    return viewer is not None and any(viewer.has(r) for r in ORGANISERS)


def _role_of(actor):
    return next(Role(r) for r in ORGANISERS if actor.has(r))


def get_meeting(session, meeting_id, *, viewer=None):
    """A meeting; a draft only for organisers."""
    meeting = session.get(Meeting, meeting_id, populate_existing=True)
    if meeting is None:
        raise NotFound("No such meeting.")
    if meeting.status == MeetingStatus.DRAFT and not is_organiser(viewer):
        raise NotFound("No such meeting.")
    return meeting


def locked_meeting(session, meeting_id):
    """The meeting's row, read after taking its lock: seats, the Q&A's rate
    limit and cancelling are each decided by one transaction at a time."""
    if lock_row(session, meetings, meeting_id) is None:
        raise NotFound("No such meeting.")
    return session.execute(sa.select(meetings).where(meetings.c.id == meeting_id)).one()


def meeting_of_proposal(session, proposal_id):
    return session.execute(sa.select(Meeting).where(Meeting.proposal_id == proposal_id)).scalar()


def programme_of(session, meeting_id):
    return session.scalars(sa.select(ProgrammeItem).where(ProgrammeItem.meeting_id == meeting_id)
                           .order_by(ProgrammeItem.position)).all()


def draft_on_milestone(session, work, proposal_id, rule, at):
    """Milestone hook: the mayor step drafts the citizen meeting, in the same
    transaction, for officials to complete (date, venue, seats, programme)."""
    if rule.step != Step.MAYOR_ANSWER:
        return
    from ..debates.queries import debate_of_proposal

    title = session.execute(sa.select(Proposal.title).where(Proposal.id == proposal_id)).scalar()
    debate = debate_of_proposal(session, proposal_id)
    # officials may have created the proposal's meeting before the step was
    # reached: theirs stands, and the ballot that crossed the step must not fail
    meeting_id = session.execute(insert_ignoring_duplicates(session, meetings).values(
        proposal_id=proposal_id, status=str(MeetingStatus.DRAFT), title=title,
        agenda_question=debate.question if debate else title, capacity=100,
        created_at=at).returning(meetings.c.id)).scalar()
    if meeting_id is None:
        return
    record_event(session, proposal_id, EventKind.MEETING_DRAFTED, at, meeting_id=meeting_id)
    work.emit(signals.meeting_drafted, meeting_id=meeting_id, proposal_id=proposal_id)


def create_meeting(session, actor, *, proposal_id=None, **fields):
    """Officials create a meeting directly (a draft until published)."""
    require_organiser(actor)
    data = clean(MeetingInputSchema, fields, "The meeting is not valid.")
    if proposal_id is not None:
        row = session.execute(sa.select(Proposal.published_at).where(
            Proposal.id == proposal_id)).first()
        if row is None or row.published_at is None:
            raise NotFound("No such proposal.")
    programme = data.pop("programme")
    now = current_settings().now()
    try:
        with unit_of_work(session):
            meeting = Meeting(proposal_id=proposal_id, status=str(MeetingStatus.DRAFT),
                              created_at=now, **data)
            session.add(meeting)
            session.flush()
            _replace_programme(session, meeting.id, programme)
            record_audit(session, actor, "create_meeting", "meeting", meeting.id,
                         after={"title": meeting.title, "proposal_id": proposal_id})
    except sa.exc.IntegrityError:
        # the unique proposal_id decides between two officials creating at once
        # (or the mayor step drafting meanwhile), not a read made before
        if proposal_id is not None and meeting_of_proposal(session, proposal_id) is not None:
            raise WrongState("This proposal already has a meeting.") from None
        raise
    return meeting


def edit_meeting(session, actor, meeting_id, **fields):
    """Complete or change a meeting. Seats can grow at any time, and shrink
    only down to the people already confirmed."""
    require_organiser(actor)
    meeting = get_meeting(session, meeting_id, viewer=actor)
    if meeting.status == MeetingStatus.CANCELLED:
        raise WrongState("The meeting was cancelled.")
    current = {key: getattr(meeting, key) for key in (
        "title", "agenda_question", "venue", "audience", "starts_at", "ends_at",
        "registration_deadline", "capacity", "online_questions")}
    if "programme" not in fields:
        fields["programme"] = [
            {"starts_at": item.starts_at, "ends_at": item.ends_at, "title": item.title,
             "note": item.note} for item in programme_of(session, meeting.id)]
    merged = {**current, **fields}
    merged["programme"] = [{k: (v.isoformat() if hasattr(v, "isoformat") else v)
                            for k, v in item.items()} for item in merged["programme"]]
    for key in ("starts_at", "ends_at", "registration_deadline"):
        if hasattr(merged[key], "isoformat"):
            merged[key] = merged[key].isoformat()
    data = clean(MeetingInputSchema, merged, "The meeting is not valid.")
    if meeting.status == MeetingStatus.PUBLISHED:
        _require_complete(data)
        deadline_moved = data["registration_deadline"] != current["registration_deadline"]
        if deadline_moved and data["registration_deadline"] <= current_settings().now():
            raise InvalidInput("The meeting is not valid.", fields={
                "registration_deadline": ["Must be in the future."]})
    programme = data.pop("programme")
    from .registration import fill_free_seats_now

    with unit_of_work(session):
        # seats are decided under the meeting's lock, as registration decides them
        locked = locked_meeting(session, meeting.id)
        if locked.status == MeetingStatus.CANCELLED:
            raise WrongState("The meeting was cancelled.")
        confirmed = locked.confirmed_count
        if data["capacity"] < confirmed:
            raise InvalidInput("The meeting is not valid.", fields={"capacity": [
                "Not fewer than the people already confirmed."]})
        before = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in current.items()}
        for key, value in data.items():
            setattr(meeting, key, value)
        _replace_programme(session, meeting.id, programme)
        session.flush()
        if meeting.status == MeetingStatus.PUBLISHED:
            # added seats go to the waiting people first, in this same transaction
            fill_free_seats_now(session, meeting.id)
        record_audit(session, actor, "edit_meeting", "meeting", meeting.id, before=before,
                     after={k: (v.isoformat() if hasattr(v, "isoformat") else v)
                            for k, v in data.items()})
    return get_meeting(session, meeting.id, viewer=actor)


def _replace_programme(session, meeting_id, programme):
    session.execute(sa.delete(ProgrammeItem).where(
        ProgrammeItem.meeting_id == meeting_id))
    for position, item in enumerate(programme, start=1):
        session.add(ProgrammeItem(meeting_id=meeting_id, position=position, **item))


def _require_complete(data):
    missing = {key: ["Needed before the meeting is published."]
               for key in REQUIRED_TO_PUBLISH if not data.get(key)}
    if missing:
        raise InvalidInput("The meeting is not complete.", fields=missing)


def publish_meeting(session, actor, meeting_id):
    """Open registration; the proposal's supporters hear of it."""
    require_organiser(actor)
    meeting = get_meeting(session, meeting_id, viewer=actor)
    if meeting.status != MeetingStatus.DRAFT:
        raise WrongState("Only a draft meeting can be published.")
    _require_complete({key: getattr(meeting, key) for key in REQUIRED_TO_PUBLISH})
    now = current_settings().now()
    if meeting.registration_deadline <= now:
        raise InvalidInput("The meeting is not complete.", fields={
            "registration_deadline": ["Must be in the future."]})
    with unit_of_work(session) as work:
        changed = session.execute(sa.update(meetings).where(
            meetings.c.id == meeting.id, meetings.c.status == MeetingStatus.DRAFT
        ).values(status=str(MeetingStatus.PUBLISHED))).rowcount
        if not changed:
            raise WrongState("The meeting was published meanwhile.")
        if meeting.proposal_id is not None:
            record_event(session, meeting.proposal_id, EventKind.MEETING_PUBLISHED, now,
                         actor_role=_role_of(actor), meeting_id=meeting.id,
                         starts_at=meeting.starts_at.isoformat(), venue=meeting.venue)
            queue_notification(session, NotificationKind.MEETING_PUBLISHED, meeting.proposal_id,
                               at=now, meeting_id=meeting.id)
        record_audit(session, actor, "publish_meeting", "meeting", meeting.id,
                     before={"status": "draft"}, after={"status": "published"})
        work.emit(signals.meeting_published, meeting_id=meeting.id)
    return get_meeting(session, meeting.id, viewer=actor)


def cancel_meeting(session, actor, meeting_id, *, reason):
    """Call the whole meeting off, with a public reason: registration stops,
    every confirmed and waiting registrant is told, and the proposal's
    timeline says so. The registrations stay as they were, for the record."""
    require_organiser(actor)
    get_meeting(session, meeting_id, viewer=actor)
    data = clean(CancelMeetingInputSchema, {"reason": reason}, "The cancellation is not valid.")
    now = current_settings().now()
    with unit_of_work(session) as work:
        # under the lock no registration slips in between the list and the status
        meeting = locked_meeting(session, meeting_id)
        if meeting.status == MeetingStatus.CANCELLED:
            raise WrongState("The meeting was cancelled.")
        if meeting.ends_at is not None and now >= meeting.ends_at:
            raise WrongState("The meeting is over; it can no longer be cancelled.")
        registrants = session.scalars(sa.select(Registration.participant_id).where(
            Registration.meeting_id == meeting_id, Registration.status.in_(
                [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]))).all()
        session.execute(sa.update(meetings).where(meetings.c.id == meeting_id).values(
            status=str(MeetingStatus.CANCELLED), cancelled_at=now,
            cancel_reason=data["reason"]))
        if registrants:
            queue_notification(session, NotificationKind.MEETING_CANCELLED, meeting.proposal_id,
                               at=now, recipients=registrants, meeting_id=meeting_id,
                               reason=data["reason"])
        if meeting.proposal_id is not None:
            record_event(session, meeting.proposal_id, EventKind.MEETING_CANCELLED, now,
                         actor_role=_role_of(actor), meeting_id=meeting_id,
                         reason=data["reason"])
        record_audit(session, actor, "cancel_meeting", "meeting", meeting_id,
                     before={"status": meeting.status},
                     after={"status": "cancelled", "reason": data["reason"],
                            "notified": len(registrants)})
        work.emit(signals.meeting_cancelled, meeting_id=meeting_id,
                  proposal_id=meeting.proposal_id, notified=len(registrants))
    return get_meeting(session, meeting_id, viewer=actor)


def list_meetings(session, *, viewer=None, upcoming_only=False):
    """Published and cancelled meetings, soonest first (organisers also see
    drafts): a cancelled meeting stays listed so its registrants learn why."""
    query = sa.select(Meeting)
    if not is_organiser(viewer):
        query = query.where(Meeting.status != MeetingStatus.DRAFT)
    if upcoming_only:
        query = query.where(Meeting.ends_at > current_settings().now())
    return session.scalars(query.order_by(Meeting.starts_at.is_(None), Meeting.starts_at,
                                          Meeting.id)).all()
