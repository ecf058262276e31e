"""Many voters at once on one debate: threads with their own app contexts, and
processes with their own apps, casting and changing ballots as the debate
crosses the mayor step."""


import pytest
import sqlalchemy as sa

from deliberation import Ballot, Debate, Milestone, Proposal, Step, signals, unit_of_work
from deliberation.debates.operations import (
    cast_ballot, recount_debates, schedule_debate_for_proposal,
)
from deliberation.debates.states import Stance
from deliberation.proposals.operations import submit_proposal
from tests.threads import process_pool, run_threads
from tests.conftest import START, citizen

pytestmark = pytest.mark.concurrency

THREADS = 8
PROCESSES = 4
VOTERS = 120
MAYOR_AT = 50

LADDER = {
    "name": "concurrent",
    "rules": [
        {"step": "department_answer", "metric": "agreements", "count": 3},
        {"step": "agenda_committee", "metric": "agreements", "count": 5},
        {"step": "mayor_answer", "metric": "debate_participants", "count": MAYOR_AT},
    ],
}
STANCES = (Stance.PRO, Stance.CON, Stance.OTHER)


def first_stance(n):
    return STANCES[n % 3]


def second_stance(n):
    """Most change their mind; every seventh keeps the stance and edits the text."""
    return first_stance(n) if n % 7 == 0 else STANCES[(n + 1 + n % 2) % 3]


def plan(workers, index):
    return [100 + n for n in range(index, VOTERS, workers)]


def vote_then_change(session, debate_id, voters, *, change=True):
    for n in voters:
        cast_ballot(session, citizen(n), debate_id, stance=first_stance(n),
                    opinion=f"First thoughts of citizen {n}.")
    for n in voters if change else ():
        cast_ballot(session, citizen(n), debate_id, stance=second_stance(n),
                    opinion=f"Second thoughts of citizen {n}.")


def open_debate(session, clock):
    proposal = submit_proposal(
        session, citizen(1), title="Let us get injections at our health centre",
        category="health", publish=True,
        body="Travelling to a clinic every day during treatment is hard for working couples.")
    with unit_of_work(session) as work:
        debate = schedule_debate_for_proposal(session, work, proposal.id,
                                              "What if health centres gave the injections?",
                                              clock.now)
    clock.set(debate.starts_at)
    return proposal.id, debate.id, debate.starts_at


def expected_tallies(final_stance):
    final = [final_stance(100 + n) for n in range(VOTERS)]
    return {str(stance): final.count(stance) for stance in STANCES}


def facts(session, proposal_id, debate_id):
    session.expire_all()
    counters = session.execute(sa.select(
        Debate.participant_count, Debate.pro_count, Debate.con_count, Debate.other_count
    ).where(Debate.id == debate_id)).one()
    rows = dict(session.execute(sa.select(Ballot.stance, sa.func.count())
                                .where(Ballot.debate_id == debate_id)
                                .group_by(Ballot.stance)).all())
    distinct = session.scalar(sa.select(sa.func.count(sa.distinct(Ballot.participant_id)))
                              .where(Ballot.debate_id == debate_id))
    milestones = session.scalars(
        sa.select(Milestone).where(Milestone.proposal_id == proposal_id)).all()
    return counters, rows, distinct, milestones


def assert_exact(session, proposal_id, debate_id, moment, final_stance=second_stance):
    counters, rows, distinct, milestones = facts(session, proposal_id, debate_id)
    participants, pro, con, other = counters
    assert participants == sum(rows.values()) == distinct == VOTERS
    assert {"pro": pro, "con": con, "other": other} == rows == expected_tallies(final_stance)
    assert recount_debates(session) == []
    assert [(m.step, m.count_at, m.reached_at) for m in milestones] == [
        ("mayor_answer", MAYOR_AT, moment)]
    assert session.get(Proposal, proposal_id).stage == Step.MAYOR_ANSWER



@pytest.fixture
def app(make_app):
    return make_app(DELIBERATION_LADDER=LADDER)


@pytest.fixture
def received():
    log = {"milestone_reached": [], "ballot_cast": []}

    def on_milestone(sender, **kwargs):
        log["milestone_reached"].append(kwargs)

    def on_ballot(sender, **kwargs):
        log["ballot_cast"].append(kwargs["participants"])

    signals.milestone_reached.connect(on_milestone)
    signals.ballot_cast.connect(on_ballot)
    yield log
    signals.milestone_reached.disconnect(on_milestone)
    signals.ballot_cast.disconnect(on_ballot)


def test_tallies_equal_ballots_and_the_mayor_step_is_crossed_once_when_threads_vote_at_once(
        app, session, clock, received):
    proposal_id, debate_id, moment = open_debate(session, clock)
    session.remove()
    db = app.extensions["deliberation"].db

    def vote_in_own_context(index):
        with app.app_context():
            vote_then_change(db.session, debate_id, plan(THREADS, index))
            db.session.remove()

    run_threads(vote_in_own_context, THREADS)

    assert_exact(session, proposal_id, debate_id, moment)
    assert [(kw["step"], kw["count"]) for kw in received["milestone_reached"]] == [
        (Step.MAYOR_ANSWER, MAYOR_AT)]
    # each new participant saw its own count: none lost, none doubled
    assert sorted(received["ballot_cast"]) == list(range(1, VOTERS + 1))


def vote_in_own_process(database_url, moment, debate_id, voters):
    """Runs in a process of its own: its own host app on the shared database."""
    from deliberation import Deliberation, FrozenClock, signals
    from tests.host import create_host_app

    app = create_host_app(database_url, TESTING=True, DELIBERATION_LADDER=LADDER)
    Deliberation.set_clock(app, FrozenClock(moment))
    received = {"milestone_reached": 0, "ballot_cast": []}

    def on_milestone(sender, **kwargs):
        received["milestone_reached"] += 1

    def on_ballot(sender, **kwargs):
        received["ballot_cast"].append(kwargs["participants"])

    signals.milestone_reached.connect(on_milestone)
    signals.ballot_cast.connect(on_ballot)
    db = app.extensions["deliberation"].db
    with app.app_context():
        vote_then_change(db.session, debate_id, voters, change=False)
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return received


def test_mayor_step_is_crossed_once_when_processes_vote_at_once(database, app, session, clock):
    proposal_id, debate_id, moment = open_debate(session, clock)
    assert moment > START
    session.remove()
    with process_pool(PROCESSES) as pool:
        reports = pool.starmap(vote_in_own_process, [
            (database, moment, debate_id, plan(PROCESSES, index))
            for index in range(PROCESSES)], chunksize=1)

    assert sum(report["milestone_reached"] for report in reports) == 1
    counts = sorted(c for report in reports for c in report["ballot_cast"])
    assert counts == list(range(1, VOTERS + 1))
    assert_exact(session, proposal_id, debate_id, moment, final_stance=first_stance)
