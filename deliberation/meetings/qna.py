"""Live Q&A ("flow talk"): questions from phones, upvotes, moderation.

All state is in the database; every change bumps the meeting's
``qna_version``, so any number of screens served by any number of worker
processes poll one integer and fetch the list only when it moved."""

from datetime import timedelta

import sqlalchemy as sa

from ..db import insert_ignoring_duplicates, unit_of_work
from ..errors import NotFound, PermissionDenied, RateLimited, WrongState
from ..participants import Role, require_role
from ..settings import current_settings
from ..validation import clean
from .models import LiveQuestion, LiveQuestionVote, Meeting
from .operations import get_meeting, is_organiser, locked_meeting, require_organiser
from .registration import has_confirmed_seat
from .schemas import LiveQuestionInputSchema
from .states import MeetingStatus

meetings = Meeting.__table__
questions = LiveQuestion.__table__

#: at most this many posts per person in RATE_WINDOW (the refusal's words say 3)
RATE_LIMIT = 3
RATE_WINDOW = timedelta(seconds=60)
#: questions may come in ahead of the meeting and until a day after it
OPEN_AFTER_END = timedelta(days=1)


def _bump(session, meeting_id):
    session.execute(sa.update(meetings).where(meetings.c.id == meeting_id)
                    .values(qna_version=meetings.c.qna_version + 1))


def qna_closed(meeting, now=None):
    """True once the Q&A takes no more posts: a day after the meeting's end."""
    now = now or current_settings().now()
    return meeting.ends_at is not None and now >= meeting.ends_at + OPEN_AFTER_END


def voted_question_ids(session, participant, question_ids):
    """Which of these questions the participant upvoted: one query for a list."""
    if participant is None or not question_ids:
        return set()
    return set(session.scalars(sa.select(LiveQuestionVote.question_id).where(
        LiveQuestionVote.participant_id == participant.id,
        LiveQuestionVote.question_id.in_(list(question_ids)))).all())


def _open_meeting(session, meeting_id, now, participant=None):
    # a draft is no meeting to anybody but its organisers (404, not 409)
    meeting = get_meeting(session, meeting_id, viewer=participant)
    if meeting.status != MeetingStatus.PUBLISHED:
        raise WrongState("The Q&A of this meeting is not open.")
    if qna_closed(meeting, now):
        raise WrongState("The Q&A of this meeting has closed.")
    return meeting


def _may_ask(session, participant, meeting):
    if meeting.online_questions:
        return
    if not has_confirmed_seat(session, participant, meeting.id):
        raise PermissionDenied("Only registered attendees can post at this meeting.")


def post_question(session, participant, meeting_id, *, body):
    require_role(participant, Role.CITIZEN)
    data = clean(LiveQuestionInputSchema, {"body": body}, "The question is not valid.")
    now = current_settings().now()
    meeting = _open_meeting(session, meeting_id, now, participant)
    _may_ask(session, participant, meeting)
    with unit_of_work(session):
        # every post bumps the meeting's row anyway: taking its lock first costs
        # nothing more and makes the count below exact, whatever the concurrency
        if locked_meeting(session, meeting_id).status != MeetingStatus.PUBLISHED:
            raise WrongState("The Q&A of this meeting is not open.")  # cancelled meanwhile
        recent = session.execute(sa.select(sa.func.count()).select_from(questions).where(
            questions.c.meeting_id == meeting_id, questions.c.participant_id == participant.id,
            questions.c.created_at > now - RATE_WINDOW)).scalar_one()
        if recent >= RATE_LIMIT:
            # fixed words, so the page can translate them (they name RATE_LIMIT)
            raise RateLimited("At most 3 posts a minute; wait a moment and try again.")
        question = LiveQuestion(meeting_id=meeting_id, participant_id=participant.id,
                                author_name=participant.display_name[:100], body=data["body"],
                                created_at=now, upvote_count=0)
        session.add(question)
        _bump(session, meeting_id)
    return question


def upvote_question(session, participant, question_id):
    """Once per person; again changes nothing. Returns the upvote count."""
    require_role(participant, Role.CITIZEN)
    question = _question(session, question_id)
    if question.hidden_at is not None:
        raise WrongState("A hidden question cannot be upvoted.")
    meeting = _open_meeting(session, question.meeting_id, current_settings().now(),
                            participant)
    # upvotes rank what the hall hears next: the same people who may ask
    _may_ask(session, participant, meeting)
    with unit_of_work(session):
        inserted = session.execute(insert_ignoring_duplicates(
            session, LiveQuestionVote.__table__).values(
            question_id=question.id, participant_id=participant.id)).rowcount
        if not inserted:
            return question.upvote_count
        count = session.execute(sa.update(questions).where(questions.c.id == question.id)
                                .values(upvote_count=questions.c.upvote_count + 1)
                                .returning(questions.c.upvote_count)).scalar_one()
        _bump(session, question.meeting_id)
    return count


def _question(session, question_id):
    question = session.get(LiveQuestion, question_id, populate_existing=True)
    if question is None:
        raise NotFound("No such question.")
    return question


def moderate_question(session, organiser, question_id, *, hidden=None, pinned=None,
                      answered=None):
    """Hide, pin or mark answered (each True/False, None leaves it)."""
    require_organiser(organiser)
    question = _question(session, question_id)
    now = current_settings().now()
    values = {}
    for flag, column in ((hidden, "hidden_at"), (pinned, "pinned_at"), (answered, "answered_at")):
        if flag is not None:
            values[column] = now if flag else None
    if not values:
        return question
    with unit_of_work(session):
        session.execute(sa.update(questions).where(questions.c.id == question.id).values(**values))
        _bump(session, question.meeting_id)
    return _question(session, question.id)


def live_questions(session, meeting_id, *, viewer=None, since_version=None,
                   include_hidden=False):
    """(version, questions): pinned first, then most upvoted, then oldest.
    When ``since_version`` is the current version, the list is None: the
    screen is up to date and nothing else is read. A draft's questions are
    for its organisers only, as the draft is."""
    row = session.execute(sa.select(meetings.c.qna_version, meetings.c.status).where(
        meetings.c.id == meeting_id)).first()
    if row is None or (row.status == MeetingStatus.DRAFT and not is_organiser(viewer)):
        raise NotFound("No such meeting.")
    version = row.qna_version
    if since_version is not None and since_version == version:
        return version, None
    query = sa.select(LiveQuestion).where(LiveQuestion.meeting_id == meeting_id)
    if not include_hidden:
        query = query.where(LiveQuestion.hidden_at.is_(None))
    items = session.scalars(query.order_by(
        LiveQuestion.pinned_at.is_(None), LiveQuestion.upvote_count.desc(),
        LiveQuestion.created_at, LiveQuestion.id)).all()
    return version, items


def big_screen(session, meeting_id, *, viewer=None, limit=5):
    """The hall's screen: the top questions not yet answered."""
    version, items = live_questions(session, meeting_id, viewer=viewer)
    return version, [q for q in items if q.answered_at is None][:limit]
