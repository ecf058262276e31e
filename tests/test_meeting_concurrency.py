"""Organisers and attendees acting at the same moment: two officials creating
the proposal's meeting at once end with one meeting and one clear refusal,
and one person's posts sent at once to the live Q&A are limited exactly."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import LiveQuestion, Meeting, Participant, Role, WrongState
from deliberation.errors import RateLimited
from deliberation.meetings.operations import create_meeting, publish_meeting
from deliberation.meetings.qna import RATE_LIMIT, post_question
from deliberation.proposals.operations import submit_proposal
from tests.conftest import START, citizen
from tests.threads import run_threads

pytestmark = pytest.mark.concurrency

OFFICIAL = Participant(id="official", roles={Role.DEPARTMENT_OFFICIAL}, department="health")
MAYOR_OFFICE = Participant(id="mayor", roles={Role.MAYOR_OFFICE})
STARTS = START + timedelta(days=20)


def in_threads(app, count, act):
    """Run ``act(session, index)`` in ``count`` threads with their own app
    contexts; return what each returned or raised, by thread."""
    db = app.extensions["deliberation"].db
    outcomes = [None] * count

    def run(index):
        with app.app_context():
            try:
                outcomes[index] = act(db.session, index)
            except (WrongState, RateLimited) as refused:
                outcomes[index] = refused
            finally:
                db.session.remove()

    run_threads(run, count)
    return outcomes


def test_one_meeting_and_one_conflict_when_two_officials_create_for_a_proposal_at_once(
        app, session):
    proposal_id = submit_proposal(
        session, citizen(90), title="동네 보건소에서 난임 주사 맞게 해주세요", category="health",
        publish=True, body="Travelling to a clinic every day during treatment is hard.").id
    session.remove()
    officials = [OFFICIAL, MAYOR_OFFICE]

    outcomes = in_threads(app, 2, lambda s, i: create_meeting(
        s, officials[i], proposal_id=proposal_id, title=f"Citizen meeting, take {i}").id)

    refused = [o for o in outcomes if isinstance(o, WrongState)]
    created = [o for o in outcomes if isinstance(o, int)]
    assert len(refused) == 1 and len(created) == 1
    assert refused[0].status == 409 and refused[0].message == (
        "This proposal already has a meeting.")
    session.expire_all()
    assert session.scalars(sa.select(Meeting.id).where(
        Meeting.proposal_id == proposal_id)).all() == created


def test_exactly_the_limit_is_stored_when_one_person_posts_many_questions_at_once(
        app, session, clock):
    meeting = create_meeting(session, OFFICIAL, title="Open hall meeting", venue="City hall",
                             starts_at=STARTS, ends_at=STARTS + timedelta(hours=1),
                             registration_deadline=STARTS - timedelta(days=1),
                             online_questions=True)
    publish_meeting(session, OFFICIAL, meeting.id)
    meeting_id = meeting.id
    clock.set(STARTS)
    session.remove()
    attempts = RATE_LIMIT * 2

    outcomes = in_threads(app, attempts, lambda s, i: post_question(
        s, citizen(1), meeting_id, body=f"Question number {i}").id)

    assert sum(isinstance(o, RateLimited) for o in outcomes) == attempts - RATE_LIMIT
    session.expire_all()
    stored = session.scalars(sa.select(LiveQuestion.id).where(
        LiveQuestion.meeting_id == meeting_id)).all()
    assert sorted(stored) == sorted(o for o in outcomes if isinstance(o, int))
    assert len(stored) == RATE_LIMIT
    assert session.scalar(sa.select(Meeting.qna_version).where(
        Meeting.id == meeting_id)) == RATE_LIMIT


def test_no_answer_keeps_old_questions_when_the_survey_is_redefined_while_people_answer(
        app, session, clock):
    from deliberation.errors import DeliberationError
    from deliberation.meetings.registration import register
    from deliberation.meetings.survey import answer_survey, define_survey, survey_of
    from deliberation.meetings.models import SurveyResponse

    meeting = create_meeting(session, OFFICIAL, title="Survey meeting", venue="City hall",
                             starts_at=STARTS, ends_at=STARTS + timedelta(hours=1),
                             registration_deadline=STARTS - timedelta(days=1))
    publish_meeting(session, OFFICIAL, meeting.id)
    meeting_id = meeting.id
    answerers = 7
    for number in range(answerers):
        register(session, citizen(number), meeting_id)
    [old] = define_survey(session, OFFICIAL, meeting_id, questions=[
        {"kind": "scale", "prompt": "How useful was the meeting?"}])
    old_key = str(old.id)
    clock.set(STARTS)  # answers open when the meeting begins
    session.remove()
    db = app.extensions["deliberation"].db
    outcomes = [None] * (answerers + 1)

    def act(index):
        with app.app_context():
            try:
                if index == answerers:
                    outcomes[index] = define_survey(db.session, OFFICIAL, meeting_id, questions=[
                        {"kind": "text", "prompt": "What should the city do next?"}])
                else:
                    outcomes[index] = answer_survey(db.session, citizen(index), meeting_id,
                                                    answers={old_key: 4})
            except DeliberationError as refused:
                outcomes[index] = refused
            finally:
                db.session.remove()

    run_threads(act, answerers + 1)

    current = {str(q.id) for q in survey_of(session, meeting_id)}
    stored = session.scalars(sa.select(SurveyResponse.answers).where(
        SurveyResponse.meeting_id == meeting_id)).all()
    # whoever won, every stored answer belongs to the questions that stand
    assert all(set(answers) <= current for answers in stored)
    redefined = not isinstance(outcomes[answerers], DeliberationError)
    # by prompt, not id: SQLite may give the new question the freed id
    prompts = [q.prompt for q in survey_of(session, meeting_id)]
    assert (prompts != ["How useful was the meeting?"]) == redefined
    assert len(stored) == sum(isinstance(o, dict) for o in outcomes[:answerers])
    if redefined:
        assert stored == []
