"""The meeting's survey (설문지): defined by officials, answered once by
attendees, aggregated for everyone, free text for officials only."""

import sqlalchemy as sa

from ..db import insert_ignoring_duplicates, unit_of_work
from ..errors import Conflict, InvalidInput, PermissionDenied, WrongState
from ..participants import Role, require_role
from ..settings import current_settings
from ..validation import clean
from .models import SurveyQuestion, SurveyResponse
from .operations import get_meeting, is_organiser, locked_meeting, require_organiser
from .registration import has_confirmed_seat
from .schemas import SurveyInputSchema
from .states import MeetingStatus, SurveyKind

TEXT_ANSWER_MAX = 2000


def survey_of(session, meeting_id):
    return session.scalars(sa.select(SurveyQuestion).where(
        SurveyQuestion.meeting_id == meeting_id).order_by(SurveyQuestion.position)).all()


def survey_open(meeting, now=None):
    """Answers are taken from the meeting's start: the questions are about it."""
    now = now or current_settings().now()
    return meeting.starts_at is None or now >= meeting.starts_at


def has_answered(session, participant, meeting_id):
    if participant is None:
        return False
    return session.execute(sa.select(SurveyResponse.id).where(
        SurveyResponse.meeting_id == meeting_id,
        SurveyResponse.participant_id == participant.id)).first() is not None


def response_count(session, meeting_id):
    return session.execute(sa.select(sa.func.count()).select_from(SurveyResponse).where(
        SurveyResponse.meeting_id == meeting_id)).scalar_one()


def define_survey(session, organiser, meeting_id, *, questions):
    """Set the questionnaire; it can change until the first answer arrives."""
    require_organiser(organiser)
    if get_meeting(session, meeting_id, viewer=organiser).status == MeetingStatus.CANCELLED:
        raise WrongState("The meeting was cancelled.")
    data = clean(SurveyInputSchema, {"questions": questions}, "The survey is not valid.")
    with unit_of_work(session):
        # answers are written under the same lock, so none slips in between
        # this check and the new questions
        locked_meeting(session, meeting_id)
        answered = session.execute(sa.select(SurveyResponse.id).where(
            SurveyResponse.meeting_id == meeting_id)).first()
        if answered is not None:
            raise Conflict("People have answered already; the survey can no longer change.")
        session.execute(sa.delete(SurveyQuestion).where(
            SurveyQuestion.meeting_id == meeting_id))
        for position, question in enumerate(data["questions"], start=1):
            session.add(SurveyQuestion(meeting_id=meeting_id, position=position,
                                       kind=str(question["kind"]), prompt=question["prompt"],
                                       options=question["options"],
                                       required=question["required"]))
    return survey_of(session, meeting_id)


def _check_answer(question, value):
    """The cleaned answer to one question, or a message."""
    kind = SurveyKind(question.kind)
    if kind == SurveyKind.SINGLE:
        if value not in question.options:
            return None, "Choose one of the options."
        return value, None
    if kind == SurveyKind.MULTIPLE:
        if not isinstance(value, list) or not value or any(v not in question.options for v in value):
            return None, "Choose one or more of the options."
        return sorted(set(value), key=question.options.index), None
    if kind == SurveyKind.SCALE:
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            return None, "Choose a number from 1 to 5."
        return value, None
    if not isinstance(value, str) or not value.strip():
        return None, "Must not be blank."
    if len(value.strip()) > TEXT_ANSWER_MAX:
        return None, f"Longer than maximum length {TEXT_ANSWER_MAX}."
    return value.strip(), None


def _signature(questions):
    return [(q.id, q.kind, q.prompt, list(q.options or []), q.required) for q in questions]


def _signature_now(session, meeting_id):
    """The questions as the database holds them now, by content too: a
    redefined question may get the id a deleted one had (SQLite reuses them)."""
    table = SurveyQuestion.__table__
    return _signature(session.execute(sa.select(
        table.c.id, table.c.kind, table.c.prompt, table.c.options, table.c.required)
        .where(table.c.meeting_id == meeting_id).order_by(table.c.position)))


def answer_survey(session, participant, meeting_id, *, answers):
    """Answer once. ``answers`` maps question ids (as strings or ints) to a
    value: an option, a list of options, 1-5, or text."""
    require_role(participant, Role.CITIZEN)
    meeting = get_meeting(session, meeting_id)
    if meeting.status != MeetingStatus.PUBLISHED:
        raise PermissionDenied("The survey is not open.")
    if not survey_open(meeting):
        # its questions are about the meeting itself
        raise WrongState("The survey opens when the meeting begins.")
    if not has_confirmed_seat(session, participant, meeting_id):
        raise PermissionDenied("The survey is for the meeting's attendees.")
    if not isinstance(answers, dict):
        raise InvalidInput("The answers are not valid.", fields={"answers": ["Not a mapping."]})
    given = {str(k): v for k, v in answers.items() if v not in (None, "", [])}
    questions = survey_of(session, meeting_id)
    if not questions:
        # an empty response would also lock the survey against being defined
        raise WrongState("This meeting has no survey yet.")
    known = {str(q.id) for q in questions}
    errors = {key: ["Not a question of this survey."] for key in given if key not in known}
    cleaned = {}
    for question in questions:
        key = str(question.id)
        if key not in given:
            if question.required:
                errors[key] = ["An answer is required."]
            continue
        value, problem = _check_answer(question, given[key])
        if problem:
            errors[key] = [problem]
        else:
            cleaned[key] = value
    if errors:
        raise InvalidInput("The answers are not valid.", fields=errors)
    with unit_of_work(session):
        locked_meeting(session, meeting_id)
        if _signature_now(session, meeting_id) != _signature(questions):
            # the organisers redefined the questions while these answers were made
            raise Conflict("The survey changed meanwhile; reload it and answer again.")
        inserted = session.execute(insert_ignoring_duplicates(
            session, SurveyResponse.__table__).values(
            meeting_id=meeting_id, participant_id=participant.id, answers=cleaned,
            created_at=current_settings().now())).rowcount
        if not inserted:
            raise Conflict("You have already answered this survey.")
    return cleaned


def survey_results(session, meeting_id, *, viewer=None):
    """Per question: counts per option, the 1-5 distribution and average,
    and (for organisers only) the free-text answers."""
    get_meeting(session, meeting_id, viewer=viewer)
    organiser = is_organiser(viewer)
    responses = session.execute(sa.select(SurveyResponse.answers).where(
        SurveyResponse.meeting_id == meeting_id)).scalars().all()
    results = []
    for question in survey_of(session, meeting_id):
        key = str(question.id)
        values = [r[key] for r in responses if key in r]
        item = {"question": question, "answered": len(values)}
        if question.kind in (SurveyKind.SINGLE, SurveyKind.MULTIPLE):
            counts = {option: 0 for option in question.options}
            for value in values:
                for option in (value if isinstance(value, list) else [value]):
                    counts[option] = counts.get(option, 0) + 1
            item["counts"] = counts
        elif question.kind == SurveyKind.SCALE:
            item["counts"] = {n: sum(1 for v in values if v == n) for n in range(1, 6)}
            item["average"] = round(sum(values) / len(values), 2) if values else None
        else:
            item["texts"] = values if organiser else None
        results.append(item)
    return {"responses": len(responses), "questions": results}
