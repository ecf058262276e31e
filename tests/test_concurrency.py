"""Many writers at once: threads with their own app contexts, and processes
with their own apps, agreeing on one proposal as it crosses 50."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import Agreement, Milestone, Proposal, ProposalState, Step
from deliberation.proposals.operations import close_expired_proposals, submit_proposal
from deliberation.votes.operations import agree
from tests.threads import process_pool, run_threads
from tests.conftest import START, citizen

pytestmark = pytest.mark.concurrency

THREADS = 8
PROCESSES = 4
DISTINCT = 80  # crosses the 50 of the department step


def publish(session, title="Let us get injections at our health centre"):
    proposal = submit_proposal(
        session, citizen(1), title=title, category="health", publish=True,
        body="Travelling to a clinic every day during treatment is hard for working couples.")
    session.commit()
    return proposal.id


def plan(workers, index):
    """The participants one worker agrees for: its share of the distinct ones,
    then a few of its neighbour's again, which must change nothing."""
    own = [100 + n for n in range(index, DISTINCT, workers)]
    neighbour = [100 + n for n in range((index + 1) % workers, DISTINCT, workers)][:4]
    return own + neighbour + own[:2]


def facts(session, proposal_id):
    session.expire_all()
    counter = session.scalar(
        sa.select(Proposal.agreement_count).where(Proposal.id == proposal_id))
    rows = session.scalar(sa.select(sa.func.count()).select_from(Agreement)
                          .where(Agreement.proposal_id == proposal_id))
    distinct = session.scalar(sa.select(sa.func.count(sa.distinct(Agreement.participant_id)))
                              .where(Agreement.proposal_id == proposal_id))
    milestones = session.scalars(
        sa.select(Milestone).where(Milestone.proposal_id == proposal_id)).all()
    return counter, rows, distinct, milestones



def test_counts_are_exact_and_50_is_crossed_once_when_threads_agree_at_once(
        app, session, signals_received):
    proposal_id = publish(session)
    db = app.extensions["deliberation"].db

    def agree_in_own_context(index):
        with app.app_context():
            for n in plan(THREADS, index):
                agree(db.session, citizen(n), proposal_id)
            db.session.remove()

    run_threads(agree_in_own_context, THREADS)

    counter, rows, distinct, milestones = facts(session, proposal_id)
    assert counter == rows == distinct == DISTINCT
    assert [(m.step, m.count_at) for m in milestones] == [("department_answer", 50)]
    assert session.get(Proposal, proposal_id).stage == Step.DEPARTMENT_ANSWER
    reached = [kw for name, kw in signals_received if name == "milestone_reached"]
    assert len(reached) == 1
    assert (reached[0]["step"], reached[0]["count"]) == (Step.DEPARTMENT_ANSWER, 50)
    # each counted agreement saw its own count: none lost, none doubled
    counts = sorted(kw["count"] for name, kw in signals_received if name == "proposal_agreed")
    assert counts == list(range(1, DISTINCT + 1))


def test_each_proposal_closes_once_when_threads_tick_at_once(app, session, clock,
                                                             signals_received):
    ids = [publish(session, title=f"Proposal number {n} to expire") for n in range(6)]
    clock.advance(days=31)
    db = app.extensions["deliberation"].db
    closed_by = []

    def tick(index):
        with app.app_context():
            closed_by.extend(close_expired_proposals(db.session))
            db.session.remove()

    run_threads(tick, THREADS)

    assert sorted(closed_by) == ids
    closed = [kw["proposal_id"] for name, kw in signals_received if name == "proposal_closed"]
    assert sorted(closed) == ids
    session.expire_all()
    assert {session.get(Proposal, pid).state for pid in ids} == {ProposalState.CLOSED}


def agree_in_own_process(database_url, moment, proposal_id, participants):
    """Runs in a process of its own: its own host app on the shared database."""
    from deliberation import Deliberation, FrozenClock, signals
    from tests.host import create_host_app

    app = create_host_app(database_url, TESTING=True)
    Deliberation.set_clock(app, FrozenClock(moment))
    received = {"milestone_reached": 0, "proposal_agreed": []}

    def on_milestone(sender, **kwargs):
        received["milestone_reached"] += 1

    def on_agreed(sender, **kwargs):
        received["proposal_agreed"].append(kwargs["count"])

    signals.milestone_reached.connect(on_milestone)
    signals.proposal_agreed.connect(on_agreed)
    db = app.extensions["deliberation"].db
    with app.app_context():
        for n in participants:
            agree(db.session, citizen(n), proposal_id)
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return received


def test_counts_are_exact_and_50_is_crossed_once_when_processes_agree_at_once(
        database, session):
    proposal_id = publish(session)
    session.remove()
    moment = START + timedelta(hours=1)
    with process_pool(PROCESSES) as pool:
        reports = pool.starmap(agree_in_own_process, [
            (database, moment, proposal_id, plan(PROCESSES, index))
            for index in range(PROCESSES)], chunksize=1)

    assert sum(report["milestone_reached"] for report in reports) == 1
    counts = sorted(c for report in reports for c in report["proposal_agreed"])
    assert counts == list(range(1, DISTINCT + 1))
    counter, rows, distinct, milestones = facts(session, proposal_id)
    assert counter == rows == distinct == DISTINCT
    assert [(m.step, m.count_at, m.reached_at) for m in milestones] == [
        ("department_answer", 50, moment)]
