"""Citizen debates (시민토론) and city questions (서울시가 묻습니다): states that
follow the clock, one ballot per participant with exact tallies, the mayor
step recorded once, results and open data."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from deliberation import (
    AuditEntry, Ballot, Debate, InvalidInput, Metric, Milestone, NotAuthenticated, NotFound,
    Participant, Period, PermissionDenied, Proposal, Role, Step, WrongState, signals, unit_of_work,
)
from deliberation.debates.operations import (
    BallotResult, ballot_of, cast_ballot, create_city_question, edit_debate, recount_debates,
    schedule_debate_for_proposal,
)
from deliberation.debates.queries import (
    debate_of_proposal, get_debate, list_debates, open_data_rows, opinions, results_of,
)
from deliberation.debates.states import DebateState, Stance, state_of
from deliberation.proposals.operations import submit_proposal
from deliberation.reactions import Subject, hide, like
from deliberation.timeline import timeline_of
from deliberation.votes.operations import agree
from tests.conftest import START, citizen

OFFICIAL = Participant(id="official", roles={Role.DEPARTMENT_OFFICIAL}, department="health")
MAYOR_OFFICE = Participant(id="mayor", roles={Role.MAYOR_OFFICE})
COMMITTEE = Participant(id="committee", roles={Role.AGENDA_COMMITTEE, Role.CITIZEN})

OPENS = START + timedelta(days=1)
CLOSES = OPENS + timedelta(days=30)
QUESTION = "보건소에서도 난임 주사를 맞을 수 있다면 어떨까요?"
OPINION = "Travelling to a clinic every day during treatment is hard."

#: the mayor answers after 4 debate participants: small enough to cross in a test
SMALL_LADDER = {
    "name": "small",
    "collection": "60 days",
    "rules": [
        {"step": "department_answer", "metric": "agreements", "count": 3,
         "within": "30 days", "answer_due": "2 weeks"},
        {"step": "agenda_committee", "metric": "agreements", "count": 5},
        {"step": "mayor_answer", "metric": "debate_participants", "count": 4,
         "answer_due": "1 month"},
    ],
}


def ask(session, actor=OFFICIAL, **fields):
    """A city question, scheduled to open tomorrow for 30 days."""
    fields = {"question": QUESTION, "starts_at": OPENS, "ends_at": CLOSES, **fields}
    return create_city_question(session, actor, **fields)


def publish(session, title="Let us get injections at our health centre"):
    return submit_proposal(
        session, citizen(1), title=title, category="health", publish=True,
        body="Travelling to a clinic every day during treatment is hard for working couples.")


def debate_on(session, proposal_id, at):
    with unit_of_work(session) as work:
        return schedule_debate_for_proposal(session, work, proposal_id, QUESTION, at)


def vote(session, debate_id, n, stance=Stance.PRO, opinion=OPINION):
    return cast_ballot(session, citizen(n), debate_id, stance=stance, opinion=opinion)


def tallies(session, debate_id):
    """(participants, pro, con, other) counters as the database holds them now."""
    session.expire_all()
    return tuple(session.execute(sa.select(
        Debate.participant_count, Debate.pro_count, Debate.con_count, Debate.other_count
    ).where(Debate.id == debate_id)).one())


def ballot_rows(session, debate_id):
    """The ballots grouped by stance: {stance: rows}."""
    return dict(session.execute(sa.select(Ballot.stance, sa.func.count())
                                .where(Ballot.debate_id == debate_id)
                                .group_by(Ballot.stance)).all())


def count(session, model):
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def milestones(session, proposal_id):
    session.expire_all()
    return session.scalars(sa.select(Milestone).where(Milestone.proposal_id == proposal_id)
                           .order_by(Milestone.id)).all()


@pytest.fixture
def debate_signals():
    """debate_scheduled, ballot_cast and milestone_reached, as (name, kwargs)."""
    received, receivers = [], []
    for name in ("debate_scheduled", "ballot_cast", "milestone_reached"):
        signal = getattr(signals, name)

        def receiver(sender, _name=name, **kwargs):
            received.append((_name, kwargs))

        signal.connect(receiver)
        receivers.append((signal, receiver))
    yield received
    for signal, receiver in receivers:
        signal.disconnect(receiver)


def named(received, name):
    return [kwargs for signal, kwargs in received if signal == name]


@pytest.fixture
def question(session):
    return ask(session)


@pytest.fixture
def open_question(session, question, clock):
    clock.set(question.starts_at)
    return question


@pytest.fixture
def small(make_app):
    app = make_app(DELIBERATION_LADDER=SMALL_LADDER)
    with app.app_context():
        yield app.extensions["deliberation"].db.session


# -- the clock decides the state -------------------------------------------------


def test_debate_is_scheduled_when_its_start_is_one_second_away(session, question, clock):
    clock.set(question.starts_at - timedelta(seconds=1))
    assert state_of(question, clock.now) == DebateState.SCHEDULED
    assert results_of(session, question.id).state == DebateState.SCHEDULED


def test_debate_is_open_when_the_clock_shows_its_exact_start(session, question, clock):
    clock.set(question.starts_at)
    assert state_of(question, clock.now) == DebateState.OPEN
    assert results_of(session, question.id).state == DebateState.OPEN


def test_debate_is_still_open_when_one_second_remains(session, question, clock):
    clock.set(question.ends_at - timedelta(seconds=1))
    assert state_of(question, clock.now) == DebateState.OPEN
    assert vote(session, question.id, 2).participants == 1


def test_debate_is_closed_when_the_clock_shows_its_exact_end(session, question, clock):
    clock.set(question.ends_at)
    assert state_of(question, clock.now) == DebateState.CLOSED
    assert results_of(session, question.id).state == DebateState.CLOSED


# -- city questions --------------------------------------------------------------


@pytest.mark.parametrize("actor, role", [
    (Participant(id="admin", roles={Role.ADMIN}), "admin"),
    (MAYOR_OFFICE, "mayor_office"),
    (OFFICIAL, "department_official"),
])
def test_official_publishes_a_city_question_when_the_input_is_valid(session, actor, role):
    debate = ask(session, actor, background="Clinics are far from home.",
                 arguments_pro="Closer to home.", arguments_con="Fewer specialists.")
    session.expire_all()
    stored = get_debate(session, debate.id)
    assert (stored.proposal_id, stored.kind, stored.created_by_role) == (None, "pro_con", role)
    assert (stored.starts_at, stored.ends_at, stored.created_at) == (OPENS, CLOSES, START)
    assert (stored.question, stored.arguments_pro) == (QUESTION, "Closer to home.")
    assert tallies(session, debate.id) == (0, 0, 0, 0)
    entry = session.scalars(sa.select(AuditEntry)).one()
    assert (entry.action, entry.subject, entry.subject_id, entry.actor_id) == (
        "create_debate", "debate", debate.id, actor.id)


def test_city_question_announces_itself_when_published(session, debate_signals):
    debate = ask(session)
    assert named(debate_signals, "debate_scheduled") == [
        {"debate_id": debate.id, "proposal_id": None}]


def test_city_question_may_be_an_open_discussion_when_officials_choose_it(session):
    debate = ask(session, kind="open")
    assert get_debate(session, debate.id).kind == "open"


@pytest.mark.parametrize("actor, error", [
    (citizen(2), PermissionDenied),
    (COMMITTEE, PermissionDenied),
    (None, NotAuthenticated),
])
def test_city_question_is_refused_when_the_author_is_not_an_official(
        session, actor, error, debate_signals):
    with pytest.raises(error):
        ask(session, actor)
    assert count(session, Debate) == count(session, AuditEntry) == 0
    assert debate_signals == []


@pytest.mark.parametrize("question", ["Why?", "", "          ", "  ab  ", "x" * 201])
def test_city_question_is_refused_when_the_question_is_short_blank_or_long(
        session, question):
    with pytest.raises(InvalidInput) as caught:
        ask(session, question=question)
    assert caught.value.status == 422
    assert set(caught.value.fields) == {"question"}
    assert count(session, Debate) == count(session, AuditEntry) == 0


@pytest.mark.parametrize("ends_at", [OPENS, OPENS - timedelta(seconds=1)])
def test_city_question_is_refused_when_it_ends_before_it_starts(session, ends_at):
    with pytest.raises(InvalidInput) as caught:
        ask(session, ends_at=ends_at)
    assert set(caught.value.fields) == {"ends_at"}
    assert count(session, Debate) == 0


def test_city_question_is_refused_when_its_start_has_no_timezone(session):
    with pytest.raises(InvalidInput) as caught:
        ask(session, starts_at=OPENS.replace(tzinfo=None))
    assert set(caught.value.fields) == {"starts_at"}
    assert count(session, Debate) == 0


def test_city_question_is_refused_when_the_kind_is_unknown(session):
    with pytest.raises(InvalidInput) as caught:
        ask(session, kind="referendum")
    assert set(caught.value.fields) == {"kind"}
    assert count(session, Debate) == 0


def test_city_question_is_refused_when_it_would_end_before_it_is_published(session, clock):
    clock.set(CLOSES + timedelta(days=1))
    with pytest.raises(InvalidInput) as caught:
        ask(session)
    assert set(caught.value.fields) == {"ends_at"}
    assert count(session, Debate) == 0


# -- editing a debate ------------------------------------------------------------


def test_official_edits_a_debate_when_it_is_still_scheduled(session, question, clock):
    clock.advance(hours=12)
    later = OPENS + timedelta(days=2)
    edited = edit_debate(session, MAYOR_OFFICE, question.id, background="Updated facts.",
                         starts_at=later, ends_at=later + timedelta(days=30))
    session.expire_all()
    stored = get_debate(session, edited.id)
    assert (stored.background, stored.question) == ("Updated facts.", QUESTION)
    assert (stored.starts_at, stored.ends_at) == (later, later + timedelta(days=30))
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "edit_debate")).one()
    assert entry.before["starts_at"] == OPENS.isoformat()
    assert entry.after["starts_at"] == later.isoformat()


def test_edit_is_refused_when_the_debate_opened_at_this_exact_second(session, question, clock):
    clock.set(question.starts_at)
    with pytest.raises(WrongState):
        edit_debate(session, OFFICIAL, question.id, question="A different question now")
    assert get_debate(session, question.id).question == QUESTION


def test_edit_is_refused_when_the_debate_is_closed(session, question, clock):
    clock.set(question.ends_at)
    with pytest.raises(WrongState):
        edit_debate(session, OFFICIAL, question.id, background="Too late.")
    assert get_debate(session, question.id).background == ""


def test_edit_is_refused_when_the_new_start_is_in_the_past(session, question, clock):
    clock.advance(hours=1)
    with pytest.raises(InvalidInput) as caught:
        edit_debate(session, OFFICIAL, question.id, starts_at=START)
    assert set(caught.value.fields) == {"starts_at"}
    assert get_debate(session, question.id).starts_at == OPENS


def test_edit_is_refused_when_the_new_end_comes_before_the_start(session, question):
    with pytest.raises(InvalidInput) as caught:
        edit_debate(session, OFFICIAL, question.id, ends_at=OPENS - timedelta(hours=1))
    assert set(caught.value.fields) == {"ends_at"}
    assert get_debate(session, question.id).ends_at == CLOSES


def test_edit_is_refused_when_the_editor_is_a_citizen(session, question):
    with pytest.raises(PermissionDenied):
        edit_debate(session, citizen(2), question.id, question="A citizen's own question")
    assert get_debate(session, question.id).question == QUESTION
    assert session.scalars(sa.select(AuditEntry.action)).all() == ["create_debate"]


def test_edit_is_refused_when_the_question_becomes_blank(session, question):
    with pytest.raises(InvalidInput) as caught:
        edit_debate(session, OFFICIAL, question.id, question="       ")
    assert set(caught.value.fields) == {"question"}
    assert get_debate(session, question.id).question == QUESTION


def test_edit_is_refused_when_it_names_a_field_that_cannot_change(session, question):
    other = publish(session)
    with pytest.raises(InvalidInput) as caught:
        edit_debate(session, OFFICIAL, question.id, proposal_id=other.id)
    assert set(caught.value.fields) == {"proposal_id"}
    assert get_debate(session, question.id).proposal_id is None


def test_edit_is_refused_when_a_proposal_debate_would_lose_its_stances(session, clock):
    debate = debate_on(session, publish(session).id, clock.now)
    with pytest.raises(InvalidInput) as caught:
        edit_debate(session, OFFICIAL, debate.id, kind="open")
    assert set(caught.value.fields) == {"kind"}
    assert get_debate(session, debate.id).kind == "pro_con"


def test_edit_is_refused_when_the_debate_does_not_exist(session):
    with pytest.raises(NotFound):
        edit_debate(session, OFFICIAL, 999, background="Nothing here.")


# -- a proposal's debate ---------------------------------------------------------


def test_committee_debate_opens_a_week_later_for_30_days_when_scheduled(
        session, clock, debate_signals):
    proposal = publish(session)
    clock.advance(days=3)
    debate = debate_on(session, proposal.id, clock.now)
    session.expire_all()
    stored = debate_of_proposal(session, proposal.id)
    assert stored.id == debate.id
    assert (stored.kind, stored.question, stored.created_by_role) == (
        "pro_con", QUESTION, "agenda_committee")
    assert stored.starts_at == clock.now + timedelta(days=7)
    assert stored.ends_at == clock.now + timedelta(days=37)
    assert state_of(stored, clock.now) == DebateState.SCHEDULED
    event = timeline_of(session, proposal.id)[-1]
    assert (event.kind, event.occurred_at, event.actor_role) == (
        "debate_scheduled", clock.now, "agenda_committee")
    assert event.data == {"debate_id": debate.id, "starts_at": stored.starts_at.isoformat(),
                          "ends_at": stored.ends_at.isoformat()}
    assert named(debate_signals, "debate_scheduled") == [
        {"debate_id": debate.id, "proposal_id": proposal.id}]


def test_committee_debate_follows_the_settings_when_other_periods_are_set(app, session, clock):
    settings = app.extensions["deliberation"].settings
    settings.debate_preparation, settings.debate_period = Period(days=14), Period(months=1)
    debate = debate_on(session, publish(session).id, clock.now)
    assert debate.starts_at == clock.now + timedelta(days=14)
    assert debate.ends_at == clock.now + timedelta(days=14) + relativedelta(months=1)


def test_proposal_debate_is_not_kept_when_the_committee_transaction_fails(
        session, clock, debate_signals):
    proposal = publish(session)
    with pytest.raises(RuntimeError):
        with unit_of_work(session) as work:
            schedule_debate_for_proposal(session, work, proposal.id, QUESTION, clock.now)
            raise RuntimeError("the committee's decision could not be saved")
    assert debate_of_proposal(session, proposal.id) is None
    assert [e.kind for e in timeline_of(session, proposal.id)].count("debate_scheduled") == 0
    assert debate_signals == []


def test_debate_of_proposal_is_none_when_no_debate_was_scheduled(session):
    assert debate_of_proposal(session, publish(session).id) is None


def test_get_debate_is_refused_when_the_debate_does_not_exist(session):
    with pytest.raises(NotFound):
        get_debate(session, 999)


# -- casting a ballot ------------------------------------------------------------


def test_ballot_counts_the_participant_and_the_stance_when_cast_while_open(
        session, open_question, clock, debate_signals):
    result = vote(session, open_question.id, 2, Stance.CON)
    assert result == BallotResult(open_question.id, True, Stance.CON, 1, ())
    assert tallies(session, open_question.id) == (1, 0, 1, 0)
    ballot = ballot_of(session, citizen(2), open_question.id)
    assert (ballot.stance, ballot.opinion, ballot.created_at) == ("con", OPINION, clock.now)
    assert ballot_of(session, citizen(3), open_question.id) is None
    assert named(debate_signals, "ballot_cast") == [
        {"debate_id": open_question.id, "participants": 1}]


def test_participants_equal_ballots_when_many_vote_each_stance(session, open_question):
    stances = [Stance.PRO] * 4 + [Stance.CON] * 2 + [Stance.OTHER]
    for n, stance in enumerate(stances, start=10):
        vote(session, open_question.id, n, stance)
    assert tallies(session, open_question.id) == (7, 4, 2, 1)
    assert ballot_rows(session, open_question.id) == {"pro": 4, "con": 2, "other": 1}
    assert recount_debates(session) == []


def test_opinion_is_kept_stripped_when_it_has_surrounding_spaces(session, open_question):
    vote(session, open_question.id, 2, opinion="   Closer to home is better.  \n")
    assert ballot_of(session, citizen(2), open_question.id).opinion == "Closer to home is better."


def test_ballot_is_accepted_when_the_opinion_is_exactly_1000_characters(
        session, open_question):
    vote(session, open_question.id, 2, opinion="난" * 1000)
    assert len(ballot_of(session, citizen(2), open_question.id).opinion) == 1000


def test_ballot_is_accepted_when_the_opinion_is_one_character(session, open_question):
    assert vote(session, open_question.id, 2, opinion="네").participants == 1


@pytest.mark.parametrize("opinion", ["", "   ", "\n\t", "x" * 1001, "난" * 1001])
def test_ballot_is_refused_when_the_opinion_is_blank_or_over_1000(
        session, open_question, opinion, debate_signals):
    with pytest.raises(InvalidInput) as caught:
        vote(session, open_question.id, 2, opinion=opinion)
    assert set(caught.value.fields) == {"opinion"}
    assert tallies(session, open_question.id) == (0, 0, 0, 0)
    assert count(session, Ballot) == 0
    assert debate_signals == []


def test_ballot_is_refused_when_a_pro_con_debate_gets_no_stance(session, open_question):
    with pytest.raises(InvalidInput) as caught:
        vote(session, open_question.id, 2, stance=None)
    assert set(caught.value.fields) == {"stance"}
    assert count(session, Ballot) == 0


@pytest.mark.parametrize("stance", ["maybe", "PRO", ""])
def test_ballot_is_refused_when_the_stance_is_unknown(session, open_question, stance):
    with pytest.raises(InvalidInput) as caught:
        vote(session, open_question.id, 2, stance=stance)
    assert set(caught.value.fields) == {"stance"}
    assert count(session, Ballot) == 0


def test_ballot_is_refused_when_an_open_discussion_gets_a_stance(session, clock):
    debate = ask(session, kind="open")
    clock.set(debate.starts_at)
    with pytest.raises(InvalidInput) as caught:
        vote(session, debate.id, 2, stance=Stance.PRO)
    assert set(caught.value.fields) == {"stance"}
    assert count(session, Ballot) == 0


def test_open_discussion_counts_participants_only_when_opinions_come_in(session, clock):
    debate = ask(session, kind="open")
    clock.set(debate.starts_at)
    vote(session, debate.id, 2, stance=None)
    vote(session, debate.id, 3, stance=None)
    vote(session, debate.id, 2, stance=None, opinion="On second thought, yes.")
    assert tallies(session, debate.id) == (2, 0, 0, 0)
    assert ballot_rows(session, debate.id) == {None: 2}
    assert results_of(session, debate.id).stances == []
    assert recount_debates(session) == []


def test_ballot_is_refused_when_the_debate_has_not_opened(
        session, question, clock, debate_signals):
    clock.set(question.starts_at - timedelta(seconds=1))
    with pytest.raises(WrongState) as caught:
        vote(session, question.id, 2)
    assert "not opened" in caught.value.message
    assert tallies(session, question.id) == (0, 0, 0, 0)
    assert count(session, Ballot) == 0
    assert debate_signals == []


def test_ballot_is_refused_when_the_debate_closed_at_this_exact_second(
        session, question, clock):
    clock.set(question.ends_at)
    with pytest.raises(WrongState) as caught:
        vote(session, question.id, 2)
    assert "closed" in caught.value.message
    assert tallies(session, question.id) == (0, 0, 0, 0)
    assert count(session, Ballot) == 0


def test_ballot_is_refused_when_nobody_is_logged_in(session, open_question):
    with pytest.raises(NotAuthenticated):
        cast_ballot(session, None, open_question.id, stance=Stance.PRO, opinion=OPINION)
    assert count(session, Ballot) == 0


def test_ballot_is_refused_when_the_participant_is_not_a_citizen(session, open_question):
    with pytest.raises(PermissionDenied):
        cast_ballot(session, OFFICIAL, open_question.id, stance=Stance.PRO, opinion=OPINION)
    assert count(session, Ballot) == 0


def test_ballot_is_refused_when_the_debate_does_not_exist(session):
    with pytest.raises(NotFound):
        vote(session, 999, 2)
    assert count(session, Ballot) == 0


def test_database_refuses_a_second_ballot_when_inserted_directly(session, open_question, clock):
    def ballot():
        return Ballot(debate_id=open_question.id, participant_id="c2", stance="pro",
                      opinion=OPINION, created_at=clock.now, updated_at=clock.now)

    session.add(ballot())
    session.commit()
    session.add(ballot())
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()
    session.rollback()
    assert ballot_rows(session, open_question.id) == {"pro": 1}


# -- changing one's mind ---------------------------------------------------------


def test_tallies_move_exactly_when_a_participant_changes_stance(
        session, open_question, clock, debate_signals):
    vote(session, open_question.id, 2, Stance.PRO)
    vote(session, open_question.id, 3, Stance.PRO)
    clock.advance(hours=5)
    changed = vote(session, open_question.id, 2, Stance.OTHER, "Only with a nurse present.")
    assert changed == BallotResult(open_question.id, False, Stance.OTHER, 2)
    assert tallies(session, open_question.id) == (2, 1, 0, 1)
    ballot = ballot_of(session, citizen(2), open_question.id)
    assert (ballot.stance, ballot.opinion) == ("other", "Only with a nurse present.")
    assert (ballot.created_at, ballot.updated_at) == (open_question.starts_at, clock.now)
    assert len(named(debate_signals, "ballot_cast")) == 2


def test_tallies_stay_when_only_the_opinion_is_edited(session, open_question):
    vote(session, open_question.id, 2, Stance.CON)
    vote(session, open_question.id, 2, Stance.CON, "Better reasons now.")
    assert tallies(session, open_question.id) == (1, 0, 1, 0)
    assert ballot_of(session, citizen(2), open_question.id).opinion == "Better reasons now."


def test_tallies_return_when_a_participant_changes_back_and_forth(session, open_question):
    vote(session, open_question.id, 2, Stance.PRO)
    for stance in (Stance.CON, Stance.OTHER, Stance.CON, Stance.PRO):
        vote(session, open_question.id, 2, stance)
    assert tallies(session, open_question.id) == (1, 1, 0, 0)
    assert recount_debates(session) == []


def test_change_is_refused_when_the_debate_has_closed(session, open_question, clock):
    vote(session, open_question.id, 2, Stance.PRO)
    clock.set(open_question.ends_at)
    with pytest.raises(WrongState):
        vote(session, open_question.id, 2, Stance.CON, "Changed after the end.")
    assert tallies(session, open_question.id) == (1, 1, 0, 0)
    ballot = ballot_of(session, citizen(2), open_question.id)
    assert (ballot.stance, ballot.opinion) == ("pro", OPINION)


def test_change_is_refused_when_the_new_opinion_is_too_long(session, open_question):
    vote(session, open_question.id, 2, Stance.PRO)
    with pytest.raises(InvalidInput):
        vote(session, open_question.id, 2, Stance.CON, "x" * 1001)
    assert tallies(session, open_question.id) == (1, 1, 0, 0)
    assert ballot_of(session, citizen(2), open_question.id).opinion == OPINION


def test_change_is_refused_when_the_stance_is_dropped(session, open_question):
    vote(session, open_question.id, 2, Stance.PRO)
    with pytest.raises(InvalidInput):
        vote(session, open_question.id, 2, None)
    assert tallies(session, open_question.id) == (1, 1, 0, 0)


# -- the mayor step --------------------------------------------------------------


def proposal_debate(session, clock):
    proposal = publish(session)
    debate = debate_on(session, proposal.id, clock.now)
    clock.set(debate.starts_at)
    return proposal, debate


def test_mayor_step_is_recorded_once_when_the_configured_participants_vote(
        small, clock, debate_signals):
    proposal, debate = proposal_debate(small, clock)
    early = [vote(small, debate.id, n) for n in (10, 11, 12)]
    clock.advance(days=2)
    crossing = vote(small, debate.id, 13, Stance.CON)
    later = [vote(small, debate.id, n) for n in (14, 15)]
    vote(small, debate.id, 10, Stance.OTHER)
    assert [r.reached for r in early] == [(), (), ()]
    assert crossing.reached == (Step.MAYOR_ANSWER,)
    assert [r.reached for r in later] == [(), ()]
    recorded = milestones(small, proposal.id)
    assert [(m.step, m.metric, m.count_at, m.reached_at) for m in recorded] == [
        ("mayor_answer", "debate_participants", 4, clock.now)]
    assert recorded[0].answer_due_at == clock.now + relativedelta(months=1)
    assert small.get(Proposal, proposal.id).stage == Step.MAYOR_ANSWER
    assert named(debate_signals, "milestone_reached") == [{
        "proposal_id": proposal.id, "step": Step.MAYOR_ANSWER,
        "metric": Metric.DEBATE_PARTICIPANTS, "count": 4, "reached_at": clock.now}]


def test_mayor_step_is_not_recorded_when_one_participant_is_missing(
        small, clock, debate_signals):
    proposal, debate = proposal_debate(small, clock)
    for n in (10, 11, 12):
        vote(small, debate.id, n)
    for n in (10, 11, 12):
        vote(small, debate.id, n, Stance.CON, "Changed my mind three times over.")
    assert tallies(small, debate.id) == (3, 0, 3, 0)
    assert milestones(small, proposal.id) == []
    assert small.get(Proposal, proposal.id).stage is None
    assert named(debate_signals, "milestone_reached") == []


def test_mayor_step_is_recorded_after_lower_steps_when_agreements_reached_them(small, clock):
    proposal = publish(small)
    for n in range(100, 105):
        agree(small, citizen(n), proposal.id)
    assert small.get(Proposal, proposal.id).stage == Step.AGENDA_COMMITTEE
    debate = debate_on(small, proposal.id, clock.now)
    clock.set(debate.starts_at)
    for n in range(10, 14):
        vote(small, debate.id, n)
    assert [(m.step, m.count_at) for m in milestones(small, proposal.id)] == [
        ("department_answer", 3), ("agenda_committee", 5), ("mayor_answer", 4)]
    assert small.get(Proposal, proposal.id).stage == Step.MAYOR_ANSWER


def test_mayor_step_skips_unreached_lower_steps_when_the_committee_chose_a_small_proposal(
        small, clock):
    # 우수제안: the committee may send a proposal below its threshold to debate;
    # the debate's count stands on its own and the lower steps stay unreached
    proposal, debate = proposal_debate(small, clock)
    assert small.get(Proposal, proposal.id).stage is None
    for n in range(10, 14):
        vote(small, debate.id, n)
    assert [m.step for m in milestones(small, proposal.id)] == ["mayor_answer"]
    assert small.get(Proposal, proposal.id).stage == Step.MAYOR_ANSWER


def test_mayor_signal_sees_the_committed_milestone_when_it_arrives(small, clock):
    proposal, debate = proposal_debate(small, clock)
    engine = small.get_bind()
    seen = []

    def look(sender, **kwargs):
        with engine.connect() as conn:
            seen.append(conn.execute(
                sa.select(Milestone.step, Milestone.count_at)
                .where(Milestone.proposal_id == kwargs["proposal_id"])).all())
            seen.append(conn.execute(sa.select(Debate.participant_count)
                                     .where(Debate.id == debate.id)).scalar())

    signals.milestone_reached.connect(look)
    try:
        for n in range(10, 16):
            vote(small, debate.id, n)
    finally:
        signals.milestone_reached.disconnect(look)
    assert seen == [[("mayor_answer", 4)], 4]


def test_no_milestone_is_recorded_when_a_city_question_crosses_the_count(
        small, clock, debate_signals):
    debate = ask(small)
    clock.set(debate.starts_at)
    results = [vote(small, debate.id, n) for n in range(10, 16)]
    assert all(r.reached == () for r in results)
    assert count(small, Milestone) == 0
    assert named(debate_signals, "milestone_reached") == []


def test_default_ladder_needs_5000_participants_when_the_debate_crosses_4(session, clock):
    proposal, debate = proposal_debate(session, clock)
    for n in range(10, 15):
        vote(session, debate.id, n)
    assert milestones(session, proposal.id) == []


# -- recount ---------------------------------------------------------------------


def drift(session, debate_id, **counters):
    session.execute(sa.update(Debate.__table__).where(Debate.__table__.c.id == debate_id)
                    .values(**counters))
    session.commit()


def test_recount_finds_nothing_when_tallies_match_ballots(session, open_question):
    ask(session, question="A second question, nobody voted")
    vote(session, open_question.id, 2, Stance.PRO)
    vote(session, open_question.id, 3, Stance.CON)
    assert recount_debates(session) == []


def test_recount_reports_drift_without_repair_when_a_tally_is_wrong(session, open_question):
    healthy = ask(session, question="A second question, counted right")
    for n, stance in ((2, Stance.PRO), (3, Stance.PRO), (4, Stance.CON)):
        vote(session, open_question.id, n, stance)
    vote(session, healthy.id, 2, Stance.OTHER)
    drift(session, open_question.id, pro_count=9, participant_count=11)
    [found] = recount_debates(session)
    assert found.debate_id == open_question.id
    assert found.counters == {"participant_count": 11, "pro_count": 9, "con_count": 1,
                              "other_count": 0}
    assert found.rows == {"participant_count": 3, "pro_count": 2, "con_count": 1,
                          "other_count": 0}
    assert tallies(session, open_question.id) == (11, 9, 1, 0)


def test_recount_repairs_the_tallies_when_asked(session, open_question):
    vote(session, open_question.id, 2, Stance.PRO)
    vote(session, open_question.id, 3, Stance.OTHER)
    drift(session, open_question.id, participant_count=0, pro_count=0, other_count=0,
          con_count=5)
    assert len(recount_debates(session, repair=True)) == 1
    assert tallies(session, open_question.id) == (2, 1, 0, 1)
    assert recount_debates(session) == []


def test_recount_command_names_the_debate_and_exits_1_when_a_tally_drifted(
        app, session, open_question):
    vote(session, open_question.id, 2, Stance.PRO)
    drift(session, open_question.id, pro_count=4)

    found = app.test_cli_runner().invoke(args=["deliberation", "recount"])
    repaired = app.test_cli_runner().invoke(args=["deliberation", "recount", "--repair"])
    clean = app.test_cli_runner().invoke(args=["deliberation", "recount"])

    assert found.exit_code == 1 and f"debate {open_question.id}:" in found.output
    assert repaired.exit_code == 0 and "repaired" in repaired.output
    assert clean.exit_code == 0 and "0 drift(s) found" in clean.output
    assert tallies(session, open_question.id) == (1, 1, 0, 0)


# -- results ---------------------------------------------------------------------


def test_results_give_counts_and_percentages_when_people_voted(session, open_question):
    for n, stance in ((2, Stance.PRO), (3, Stance.PRO), (4, Stance.CON)):
        vote(session, open_question.id, n, stance)
    results = results_of(session, open_question.id)
    assert (results.debate_id, results.participants) == (open_question.id, 3)
    assert [(s.stance, s.count, s.percent) for s in results.stances] == [
        (Stance.PRO, 2, 66.7), (Stance.CON, 1, 33.3), (Stance.OTHER, 0, 0.0)]


def test_results_give_zero_percent_when_nobody_voted(session, open_question):
    results = results_of(session, open_question.id)
    assert results.participants == 0
    assert [(s.count, s.percent) for s in results.stances] == [(0, 0.0)] * 3
    assert results.over_time == []


def test_results_count_participants_per_day_when_some_days_are_quiet(
        session, open_question, clock):
    vote(session, open_question.id, 2)
    clock.advance(hours=3)
    vote(session, open_question.id, 3)
    clock.advance(days=2)
    vote(session, open_question.id, 4, Stance.CON)
    vote(session, open_question.id, 2, Stance.CON)  # a change is not a new participant
    day = open_question.starts_at.date()
    assert day == date(2026, 3, 3)
    assert results_of(session, open_question.id).over_time == [
        (day, 2, 2), (day + timedelta(days=1), 0, 2), (day + timedelta(days=2), 1, 3)]


def test_results_are_refused_when_the_debate_does_not_exist(session):
    with pytest.raises(NotFound):
        results_of(session, 999)


# -- opinions --------------------------------------------------------------------


@pytest.fixture
def voted(session, open_question, clock):
    """Five opinions an hour apart: c2 pro, c3 con, c4 pro, c5 other, c6 pro."""
    ids = {}
    for n, stance in ((2, Stance.PRO), (3, Stance.CON), (4, Stance.PRO), (5, Stance.OTHER),
                      (6, Stance.PRO)):
        vote(session, open_question.id, n, stance, f"Opinion of citizen {n}.")
        ids[n] = ballot_of(session, citizen(n), open_question.id).id
        clock.advance(hours=1)
    return ids


def authors(items):
    return [ballot.participant_id for ballot in items]


def test_opinions_list_newest_first_when_no_sort_is_given(session, open_question, voted):
    items, total = opinions(session, open_question.id)
    assert total == 5
    assert authors(items) == ["c6", "c5", "c4", "c3", "c2"]


def test_opinions_keep_their_place_when_an_old_one_is_edited(session, open_question, voted):
    vote(session, open_question.id, 2, Stance.PRO, "Edited much later.")
    items, _ = opinions(session, open_question.id)
    assert authors(items)[-1] == "c2"


def test_opinions_list_only_one_stance_when_filtered(session, open_question, voted):
    items, total = opinions(session, open_question.id, stance="pro")
    assert (authors(items), total) == (["c6", "c4", "c2"], 3)
    items, total = opinions(session, open_question.id, stance=Stance.OTHER)
    assert (authors(items), total) == (["c5"], 1)


def test_opinions_list_most_liked_first_when_sorted_by_likes(session, open_question, voted):
    for liker in (20, 21, 22):
        like(session, citizen(liker), Subject.OPINION, voted[3])
    for liker in (20, 21):
        like(session, citizen(liker), Subject.OPINION, voted[5])
    like(session, citizen(20), Subject.OPINION, voted[2])
    items, _ = opinions(session, open_question.id, sort="most_liked")
    assert authors(items) == ["c3", "c5", "c2", "c6", "c4"]
    assert [b.like_count for b in items] == [3, 2, 1, 0, 0]


def test_opinions_come_in_pages_when_there_are_more_than_a_page(session, open_question, voted):
    pages = [opinions(session, open_question.id, page=p, per_page=2) for p in (1, 2, 3, 4)]
    assert [authors(items) for items, _ in pages] == [["c6", "c5"], ["c4", "c3"], ["c2"], []]
    assert {total for _, total in pages} == {5}


def test_opinions_are_refused_when_the_stance_filter_is_unknown(session, open_question):
    with pytest.raises(InvalidInput) as caught:
        opinions(session, open_question.id, stance="maybe")
    assert set(caught.value.fields) == {"stance"}


def test_opinions_are_refused_when_the_sort_is_unknown(session, open_question):
    with pytest.raises(InvalidInput) as caught:
        opinions(session, open_question.id, sort="oldest")
    assert set(caught.value.fields) == {"sort"}


def test_opinions_are_refused_when_the_debate_does_not_exist(session):
    with pytest.raises(NotFound):
        opinions(session, 999)


# -- open data -------------------------------------------------------------------


def test_open_data_names_nobody_when_exported(session, open_question, voted):
    rows = list(open_data_rows(session, open_question.id))
    assert [row["number"] for row in rows] == [1, 2, 3, 4, 5]
    assert [row["stance"] for row in rows] == ["pro", "con", "pro", "other", "pro"]
    assert set(rows[0]) == {"number", "stance", "opinion", "hidden_reason", "likes",
                            "created_on"}
    exported = repr(rows)
    for n in range(2, 7):
        assert f"'c{n}'" not in exported
        assert f"Citizen {n}" not in exported
    assert rows[0]["opinion"] == "Opinion of citizen 2."


def test_open_data_withholds_the_text_when_an_opinion_is_hidden(
        session, open_question, voted, admin):
    hide(session, admin, Subject.OPINION, voted[3], reason="Insults another participant.")
    rows = list(open_data_rows(session, open_question.id))
    assert (rows[1]["opinion"], rows[1]["hidden_reason"]) == (
        "", "Insults another participant.")
    assert "Opinion of citizen 3." not in repr(rows)
    assert (rows[0]["opinion"], rows[0]["hidden_reason"]) == ("Opinion of citizen 2.", "")
    assert tallies(session, open_question.id) == (5, 3, 1, 1)


def test_open_data_is_refused_when_the_debate_does_not_exist(session):
    with pytest.raises(NotFound):
        list(open_data_rows(session, 999))


# -- lists -----------------------------------------------------------------------


@pytest.fixture
def three_states(session, clock):
    """A closed, an open and a scheduled city question, and a proposal's debate
    scheduled a week from now; the clock at the open one's exact start."""
    closed = ask(session, question="The closed question here",
                 starts_at=START, ends_at=START + timedelta(days=2))
    opened = ask(session, question="The open question here",
                 starts_at=START + timedelta(days=2), ends_at=START + timedelta(days=9))
    scheduled = ask(session, question="The scheduled question here",
                    starts_at=START + timedelta(days=3), ends_at=START + timedelta(days=9))
    committee = debate_on(session, publish(session).id, START)
    clock.set(START + timedelta(days=2))
    return closed.id, opened.id, scheduled.id, committee.id


def ids(result):
    items, total = result
    return [debate.id for debate in items], total


def test_list_shows_every_debate_latest_start_first_when_unfiltered(session, three_states):
    closed, opened, scheduled, committee = three_states
    assert ids(list_debates(session)) == ([committee, scheduled, opened, closed], 4)


@pytest.mark.parametrize("state, expected", [
    ("scheduled", [3, 2]), ("open", [1]), ("closed", [0]),
])
def test_list_shows_one_state_when_filtered_by_the_clock(session, three_states, state, expected):
    want = [three_states[i] for i in expected]
    assert ids(list_debates(session, state=state)) == (want, len(want))


def test_list_shows_only_city_questions_when_asked(session, three_states):
    closed, opened, scheduled, _ = three_states
    assert ids(list_debates(session, city_questions_only=True)) == (
        [scheduled, opened, closed], 3)
    assert ids(list_debates(session, state="scheduled", city_questions_only=True)) == (
        [scheduled], 1)


def test_list_comes_in_pages_when_asked(session, three_states):
    closed, opened, scheduled, committee = three_states
    assert ids(list_debates(session, page=2, per_page=3)) == ([closed], 4)


def test_list_is_refused_when_the_state_is_unknown(session, three_states):
    with pytest.raises(InvalidInput) as caught:
        list_debates(session, state="paused")
    assert set(caught.value.fields) == {"state"}


def test_ballot_is_refused_when_the_debates_proposal_is_hidden(session, clock, admin):
    from deliberation.committee import decide_on_proposal
    from deliberation.debates.queries import debate_of_proposal
    from deliberation.proposals.admin import hide_proposal

    proposal = submit_proposal(session, citizen(1), title="보건소 난임 주사 제안",
                               body="동네 보건소에서 난임 주사를 맞게 해 주세요. 꼭 필요합니다.",
                               category="health", publish=True)
    member = Participant(id="member", roles={Role.AGENDA_COMMITTEE})
    decide_on_proposal(session, member, proposal.id, decision="open_debate",
                       reason="시의성이 있는 우수제안입니다.")
    debate = debate_of_proposal(session, proposal.id)
    clock.advance(days=8)
    hide_proposal(session, admin, proposal.id, reason="개인정보가 들어 있습니다.")

    with pytest.raises(WrongState):
        cast_ballot(session, citizen(2), debate.id, stance="pro", opinion="찬성합니다")
    assert session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0
