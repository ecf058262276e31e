"""Agreements (공감): one per participant, counted exactly, and the milestones
they unlock, recorded once."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from deliberation import (
    Agreement, CollectionClosed, Metric, Milestone, NotAuthenticated, NotFound, Participant,
    PermissionDenied, Proposal, ProposalState, Role, Step,
)
from deliberation.proposals.operations import (
    close_expired_proposals, close_proposal, submit_proposal, withdraw_proposal,
)
from deliberation.timeline import timeline_of
from deliberation.votes import operations as votes
from deliberation.votes.operations import (
    AgreementResult, Drift, agree, has_agreed, recount_agreements, withdraw_agreement,
)
from tests.conftest import citizen

AUTHOR = citizen(1)
OFFICIAL = Participant(id="official", roles={Role.DEPARTMENT_OFFICIAL}, department="health")

#: small enough to climb in a test: collection outlasts the first step's window
TOWN_LADDER = {
    "name": "town",
    "collection": "60 days",
    "rules": [
        {"step": "department_answer", "metric": "agreements", "count": 3,
         "within": "30 days", "answer_due": "2 weeks"},
        {"step": "agenda_committee", "metric": "agreements", "count": 5},
    ],
}


def publish(session, who=AUTHOR, title="Let us get injections at our health centre"):
    return submit_proposal(
        session, who, title=title, category="health", publish=True,
        body="Travelling to a clinic every day during treatment is hard for working couples.")


def agree_many(session, proposal_id, count, first=100):
    return [agree(session, citizen(n), proposal_id) for n in range(first, first + count)]


def facts(session, proposal_id):
    """(counter, rows, milestones) as the database holds them now."""
    session.expire_all()
    counter = session.scalar(
        sa.select(Proposal.agreement_count).where(Proposal.id == proposal_id))
    rows = session.scalar(sa.select(sa.func.count()).select_from(Agreement)
                          .where(Agreement.proposal_id == proposal_id))
    milestones = session.scalars(sa.select(Milestone).where(Milestone.proposal_id == proposal_id)
                                 .order_by(Milestone.id)).all()
    return counter, rows, milestones


def named(signals_received, name):
    return [kwargs for signal, kwargs in signals_received if signal == name]


@pytest.fixture
def proposal(session):
    return publish(session)


@pytest.fixture
def town(make_app):
    app = make_app(DELIBERATION_LADDER=TOWN_LADDER)
    with app.app_context():
        yield app.extensions["deliberation"].db.session


# -- agree -----------------------------------------------------------------------


def test_agree_counts_one_row_when_a_citizen_agrees(session, proposal, signals_received):
    result = agree(session, citizen(2), proposal.id)
    assert result == AgreementResult(proposal.id, True, 1, ())
    assert facts(session, proposal.id)[:2] == (1, 1)
    assert has_agreed(session, citizen(2), proposal.id)
    assert not has_agreed(session, citizen(3), proposal.id)
    assert named(signals_received, "proposal_agreed") == [
        {"proposal_id": proposal.id, "count": 1}]


def test_agree_changes_nothing_when_the_same_citizen_agrees_twice(
        session, proposal, signals_received):
    first = agree(session, citizen(2), proposal.id)
    second = agree(session, citizen(2), proposal.id)
    assert second == first
    assert facts(session, proposal.id)[:2] == (1, 1)
    assert len(named(signals_received, "proposal_agreed")) == 1


def test_agree_answers_like_a_first_agreement_when_repeated_after_others(session, proposal):
    agree(session, citizen(2), proposal.id)
    agree(session, citizen(3), proposal.id)
    again = agree(session, citizen(2), proposal.id)
    fresh = agree(session, citizen(4), proposal.id)
    assert (again.agreed, again.count, again.reached) == (True, 2, ())
    assert (fresh.agreed, fresh.count) == (True, 3)


def test_database_refuses_a_second_row_when_inserted_directly(session, proposal, clock):
    session.add(Agreement(proposal_id=proposal.id, participant_id="c2", created_at=clock.now))
    session.commit()
    session.add(Agreement(proposal_id=proposal.id, participant_id="c2", created_at=clock.now))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()
    session.rollback()
    assert facts(session, proposal.id)[1] == 1


def test_author_may_agree_when_agreeing_with_their_own_proposal(session, proposal):
    assert agree(session, AUTHOR, proposal.id).count == 1


def test_agree_is_refused_when_nobody_is_logged_in(session, proposal, signals_received):
    signals_received.clear()
    with pytest.raises(NotAuthenticated) as caught:
        agree(session, None, proposal.id)
    assert caught.value.fields == {}
    assert facts(session, proposal.id) == (0, 0, [])
    assert signals_received == []


def test_agree_is_refused_when_participant_is_not_a_citizen(session, proposal):
    with pytest.raises(PermissionDenied) as caught:
        agree(session, OFFICIAL, proposal.id)
    assert caught.value.status == 403
    assert facts(session, proposal.id) == (0, 0, [])


def test_agree_is_refused_when_the_proposal_does_not_exist(session):
    with pytest.raises(NotFound):
        agree(session, citizen(2), 999)
    assert session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 0


def test_agree_hides_a_draft_when_someone_tries_to_agree(session):
    draft = submit_proposal(session, AUTHOR, title="A draft nobody else sees",
                            body="Nothing to see here yet, still being written.",
                            category="health")
    with pytest.raises(NotFound):
        agree(session, citizen(2), draft.id)
    assert facts(session, draft.id) == (0, 0, [])


def test_agree_is_refused_when_an_admin_closed_the_proposal(session, proposal, admin):
    close_proposal(session, admin, proposal.id)
    with pytest.raises(CollectionClosed) as caught:
        agree(session, citizen(2), proposal.id)
    assert caught.value.code == "collection_closed"
    assert facts(session, proposal.id) == (0, 0, [])


def test_agree_and_withdraw_are_refused_when_an_admin_hid_the_proposal(
        session, proposal, admin):
    from deliberation import WrongState
    from deliberation.proposals.admin import hide_proposal

    agree(session, citizen(2), proposal.id)
    hide_proposal(session, admin, proposal.id, reason="Personal data in the text")
    for act, who in ((agree, citizen(3)), (agree, citizen(2)), (withdraw_agreement, citizen(2))):
        with pytest.raises(WrongState) as caught:
            act(session, who, proposal.id)
        assert caught.value.message == (
            "An administrator hid this proposal; it takes no agreements.")
    assert facts(session, proposal.id)[:2] == (1, 1)  # counter and rows unchanged


def test_agree_is_refused_when_the_proposal_was_withdrawn(session, proposal):
    withdraw_proposal(session, AUTHOR, proposal.id)
    with pytest.raises(CollectionClosed):
        agree(session, citizen(2), proposal.id)
    assert facts(session, proposal.id) == (0, 0, [])


def test_agree_is_refused_when_the_period_ended_before_any_tick(session, proposal, clock):
    clock.set(proposal.closes_at)
    with pytest.raises(CollectionClosed):
        agree(session, citizen(2), proposal.id)
    assert facts(session, proposal.id) == (0, 0, [])


def test_agree_is_accepted_when_one_second_of_collection_remains(session, proposal, clock):
    clock.set(proposal.closes_at - timedelta(seconds=1))
    assert agree(session, citizen(2), proposal.id).count == 1


def test_repeat_agreement_is_refused_when_collection_has_closed(session, proposal, admin):
    agree(session, citizen(2), proposal.id)
    close_proposal(session, admin, proposal.id)
    with pytest.raises(CollectionClosed):
        agree(session, citizen(2), proposal.id)
    assert facts(session, proposal.id)[:2] == (1, 1)


# -- withdraw an agreement -------------------------------------------------------


def test_withdraw_removes_the_row_when_collection_is_open(session, proposal, signals_received):
    agree(session, citizen(2), proposal.id)
    agree(session, citizen(3), proposal.id)
    result = withdraw_agreement(session, citizen(2), proposal.id)
    assert result == AgreementResult(proposal.id, False, 1)
    assert facts(session, proposal.id)[:2] == (1, 1)
    assert not has_agreed(session, citizen(2), proposal.id)
    assert named(signals_received, "agreement_withdrawn") == [
        {"proposal_id": proposal.id, "count": 1}]


def test_withdraw_changes_nothing_when_the_citizen_never_agreed(
        session, proposal, signals_received):
    agree(session, citizen(2), proposal.id)
    result = withdraw_agreement(session, citizen(3), proposal.id)
    assert (result.agreed, result.count) == (False, 1)
    assert facts(session, proposal.id)[:2] == (1, 1)
    assert named(signals_received, "agreement_withdrawn") == []


def test_withdraw_is_refused_when_an_admin_closed_the_proposal(session, proposal, admin):
    agree(session, citizen(2), proposal.id)
    close_proposal(session, admin, proposal.id)
    with pytest.raises(CollectionClosed):
        withdraw_agreement(session, citizen(2), proposal.id)
    assert facts(session, proposal.id)[:2] == (1, 1)
    assert has_agreed(session, citizen(2), proposal.id)


def test_withdraw_is_refused_when_the_period_ended_before_any_tick(
        session, proposal, clock, signals_received):
    agree(session, citizen(2), proposal.id)
    clock.advance(days=30)
    with pytest.raises(CollectionClosed):
        withdraw_agreement(session, citizen(2), proposal.id)
    assert facts(session, proposal.id)[:2] == (1, 1)
    assert named(signals_received, "agreement_withdrawn") == []


def test_withdraw_is_refused_when_nobody_is_logged_in(session, proposal):
    agree(session, citizen(2), proposal.id)
    with pytest.raises(NotAuthenticated):
        withdraw_agreement(session, None, proposal.id)
    assert facts(session, proposal.id)[:2] == (1, 1)


def test_withdraw_is_refused_when_participant_is_not_a_citizen(session, proposal):
    agree(session, citizen(2), proposal.id)
    with pytest.raises(PermissionDenied):
        withdraw_agreement(session, Participant(id="c2", roles=set()), proposal.id)
    assert facts(session, proposal.id)[:2] == (1, 1)


def test_withdraw_is_refused_when_the_proposal_does_not_exist(session):
    with pytest.raises(NotFound):
        withdraw_agreement(session, citizen(2), 999)


def test_has_agreed_is_refused_when_nobody_is_logged_in(session, proposal):
    with pytest.raises(NotAuthenticated):
        has_agreed(session, None, proposal.id)


def test_counter_equals_rows_when_agreements_come_and_go(session, proposal):
    agree_many(session, proposal.id, 6)
    for n in (100, 102, 104):
        withdraw_agreement(session, citizen(n), proposal.id)
    agree(session, citizen(100), proposal.id)
    agree(session, citizen(101), proposal.id)
    counter, rows, _ = facts(session, proposal.id)
    assert counter == rows == 4
    assert recount_agreements(session) == []


# -- milestones ------------------------------------------------------------------


def test_department_step_is_not_reached_when_49_agreed(session, proposal):
    results = agree_many(session, proposal.id, 49)
    assert all(r.reached == () for r in results)
    counter, _, milestones = facts(session, proposal.id)
    assert (counter, milestones) == (49, [])
    assert session.get(Proposal, proposal.id).stage is None


def test_department_step_is_recorded_once_when_the_50th_citizen_agrees(
        session, proposal, clock, signals_received):
    agree_many(session, proposal.id, 49)
    clock.advance(days=3, hours=4)
    fiftieth = agree(session, citizen(500), proposal.id)
    later = agree_many(session, proposal.id, 5, first=600)
    assert fiftieth.reached == (Step.DEPARTMENT_ANSWER,)
    assert all(r.reached == () for r in later)
    counter, _, milestones = facts(session, proposal.id)
    assert counter == 55
    assert len(milestones) == 1
    milestone = milestones[0]
    assert (milestone.step, milestone.metric, milestone.count_at) == (
        "department_answer", "agreements", 50)
    assert milestone.reached_at == clock.now
    assert milestone.answer_due_at == clock.now + relativedelta(months=1)
    assert session.get(Proposal, proposal.id).stage == Step.DEPARTMENT_ANSWER
    assert named(signals_received, "milestone_reached") == [{
        "proposal_id": proposal.id, "step": Step.DEPARTMENT_ANSWER,
        "metric": Metric.AGREEMENTS, "count": 50, "reached_at": clock.now}]


def test_milestone_appears_on_the_timeline_when_reached(session, proposal, clock):
    agree_many(session, proposal.id, 49)
    clock.advance(days=2)
    agree(session, citizen(500), proposal.id)
    event = timeline_of(session, proposal.id)[-1]
    assert (event.kind, event.occurred_at) == ("milestone_reached", clock.now)
    assert event.data == {
        "step": "department_answer", "metric": "agreements", "count": 50,
        "answer_due_at": (clock.now + relativedelta(months=1)).isoformat()}


def test_milestone_stays_reached_when_agreements_are_withdrawn(
        session, proposal, signals_received):
    agree_many(session, proposal.id, 50)
    for n in range(100, 110):
        withdraw_agreement(session, citizen(n), proposal.id)
    counter, rows, milestones = facts(session, proposal.id)
    assert counter == rows == 40
    assert [m.step for m in milestones] == ["department_answer"]
    assert session.get(Proposal, proposal.id).stage == Step.DEPARTMENT_ANSWER
    agree_many(session, proposal.id, 10, first=700)
    assert len(facts(session, proposal.id)[2]) == 1
    assert len(named(signals_received, "milestone_reached")) == 1


def test_keep_collecting_after_clears_the_end_date_when_department_step_is_reached(
        session, proposal, clock):
    agree_many(session, proposal.id, 50)
    assert session.get(Proposal, proposal.id).closes_at is None
    clock.advance(days=45)
    assert close_expired_proposals(session) == []
    assert agree(session, citizen(900), proposal.id).count == 51
    assert facts(session, proposal.id)[0] == 51
    assert session.get(Proposal, proposal.id).state == ProposalState.COLLECTING


def test_end_date_stays_when_the_ladder_has_no_keep_collecting_step(town):
    proposal = publish(town)
    closes_at = proposal.closes_at
    agree_many(town, proposal.id, 3)
    town.expire_all()
    assert town.get(Proposal, proposal.id).stage == Step.DEPARTMENT_ANSWER
    assert town.get(Proposal, proposal.id).closes_at == closes_at


def test_window_step_is_reached_when_the_last_agreement_arrives_in_its_last_second(
        town, clock):
    proposal = publish(town)
    agree_many(town, proposal.id, 2)
    clock.advance(days=30, seconds=-1)
    assert agree(town, citizen(9), proposal.id).reached == (Step.DEPARTMENT_ANSWER,)
    milestone = facts(town, proposal.id)[2][0]
    assert milestone.answer_due_at == clock.now + timedelta(days=14)


def test_window_step_is_not_reached_when_the_count_arrives_after_day_30(
        town, clock, signals_received):
    proposal = publish(town)
    agree_many(town, proposal.id, 2)
    clock.advance(days=30)
    result = agree(town, citizen(9), proposal.id)
    assert (result.count, result.reached) == (3, ())
    assert facts(town, proposal.id)[2] == []
    assert town.get(Proposal, proposal.id).stage is None
    assert named(signals_received, "milestone_reached") == []


def test_step_without_window_is_reached_when_its_count_arrives_late(town, clock):
    proposal = publish(town)
    clock.advance(days=40)
    results = agree_many(town, proposal.id, 5)
    assert [r.reached for r in results] == [(), (), (), (), (Step.AGENDA_COMMITTEE,)]
    milestones = facts(town, proposal.id)[2]
    assert [(m.step, m.count_at, m.answer_due_at) for m in milestones] == [
        ("agenda_committee", 5, None)]


def test_each_step_is_recorded_in_turn_when_counts_climb_the_ladder(town, clock):
    proposal = publish(town)
    agree_many(town, proposal.id, 3)
    clock.advance(days=1)
    agree_many(town, proposal.id, 2, first=200)
    milestones = facts(town, proposal.id)[2]
    assert [(m.step, m.count_at) for m in milestones] == [
        ("department_answer", 3), ("agenda_committee", 5)]
    assert milestones[1].reached_at == milestones[0].reached_at + timedelta(days=1)
    assert town.get(Proposal, proposal.id).stage == Step.AGENDA_COMMITTEE


def test_no_step_is_recorded_when_the_proposal_was_withdrawn_before_the_count(town):
    proposal = publish(town)
    agree_many(town, proposal.id, 2)
    withdraw_proposal(town, AUTHOR, proposal.id)
    with pytest.raises(CollectionClosed):
        agree(town, citizen(9), proposal.id)
    assert facts(town, proposal.id) == (2, 2, [])


def test_step_is_recorded_once_when_its_crossing_is_recorded_twice(
        session, proposal, clock, signals_received):
    from deliberation import unit_of_work
    from deliberation.threshold.operations import record_milestones

    signals_received.clear()
    recorded = []
    for _ in range(2):
        # stage=None: as if two writers both missed each other's crossing
        with unit_of_work(session) as work:
            recorded.append(record_milestones(
                session, work, proposal.id, Metric.AGREEMENTS, 50,
                counting_since=proposal.published_at, at=clock.now, stage=None))
    assert recorded == [[Step.DEPARTMENT_ANSWER], []]
    assert len(facts(session, proposal.id)[2]) == 1
    assert [e.kind for e in timeline_of(session, proposal.id)].count("milestone_reached") == 1
    assert len(named(signals_received, "milestone_reached")) == 1


# -- signals ---------------------------------------------------------------------


def test_signals_see_committed_rows_when_they_arrive(app, session, proposal):
    from deliberation import signals

    engine = app.extensions["deliberation"].db.engine
    seen = []

    def look_from_another_connection(sender, **kwargs):
        with engine.connect() as conn:
            seen.append(tuple(conn.execute(
                sa.select(Proposal.agreement_count, sa.func.count(Agreement.id))
                .select_from(Proposal).outerjoin(Agreement)
                .where(Proposal.id == kwargs["proposal_id"]).group_by(Proposal.id)
            ).one()))

    signals.proposal_agreed.connect(look_from_another_connection)
    try:
        agree(session, citizen(2), proposal.id)
        agree(session, citizen(3), proposal.id)
    finally:
        signals.proposal_agreed.disconnect(look_from_another_connection)
    assert seen == [(1, 1), (2, 2)]


def test_milestone_signal_sees_the_committed_milestone_when_it_arrives(app, session, proposal):
    from deliberation import signals

    engine = app.extensions["deliberation"].db.engine
    seen = []

    def look(sender, **kwargs):
        with engine.connect() as conn:
            seen.append(conn.execute(
                sa.select(Milestone.count_at).where(Milestone.proposal_id == proposal.id)
            ).scalars().all())

    signals.milestone_reached.connect(look)
    try:
        agree_many(session, proposal.id, 50)
    finally:
        signals.milestone_reached.disconnect(look)
    assert seen == [[50]]


def test_no_signal_fires_when_the_transaction_is_rolled_back(
        session, proposal, monkeypatch, signals_received):
    agree_many(session, proposal.id, 49)
    signals_received.clear()
    record = votes.record_milestones

    def record_then_fail(*args, **kwargs):
        record(*args, **kwargs)
        raise RuntimeError("lost connection after the milestone insert")

    monkeypatch.setattr(votes, "record_milestones", record_then_fail)
    with pytest.raises(RuntimeError):
        agree(session, citizen(500), proposal.id)
    assert signals_received == []
    counter, rows, milestones = facts(session, proposal.id)
    assert (counter, rows, milestones) == (49, 49, [])
    assert session.get(Proposal, proposal.id).stage is None
    monkeypatch.undo()
    assert agree(session, citizen(500), proposal.id).reached == (Step.DEPARTMENT_ANSWER,)
    assert len(named(signals_received, "milestone_reached")) == 1


# -- recount ---------------------------------------------------------------------


def drift(session, proposal_id, counter):
    session.execute(sa.update(Proposal.__table__).where(Proposal.__table__.c.id == proposal_id)
                    .values(agreement_count=counter))
    session.commit()


def test_recount_finds_nothing_when_counters_match_rows(session, proposal):
    agree_many(session, proposal.id, 3)
    publish(session, title="A second proposal, no support")
    assert recount_agreements(session) == []


def test_recount_reports_drift_without_repair_when_a_counter_is_wrong(session, proposal):
    healthy = publish(session, title="A second proposal, counted right")
    agree_many(session, proposal.id, 3)
    agree(session, citizen(2), healthy.id)
    drift(session, proposal.id, 7)
    assert recount_agreements(session) == [Drift(proposal.id, 7, 3)]
    assert facts(session, proposal.id)[:2] == (7, 3)


def test_recount_repairs_the_counter_when_asked(session, proposal):
    agree_many(session, proposal.id, 3)
    drift(session, proposal.id, 0)
    assert recount_agreements(session, repair=True) == [Drift(proposal.id, 0, 3)]
    assert facts(session, proposal.id)[:2] == (3, 3)
    assert recount_agreements(session) == []


def test_cli_recount_exits_1_when_drift_is_left_unrepaired(app, session, proposal):
    agree_many(session, proposal.id, 2)
    drift(session, proposal.id, 9)
    result = app.test_cli_runner().invoke(args=["deliberation", "recount"])
    assert result.exit_code == 1
    assert f"proposal {proposal.id}: counter 9, rows 2" in result.output
    assert "1 drift(s) found" in result.output
    assert facts(session, proposal.id)[:2] == (9, 2)


def test_cli_recount_exits_0_when_drift_is_repaired(app, session, proposal):
    agree_many(session, proposal.id, 2)
    drift(session, proposal.id, 9)
    result = app.test_cli_runner().invoke(args=["deliberation", "recount", "--repair"])
    assert result.exit_code == 0, result.output
    assert "counter 9, rows 2 -> repaired" in result.output
    assert facts(session, proposal.id)[:2] == (2, 2)


def test_cli_recount_exits_0_when_counters_are_right(app, session, proposal):
    agree_many(session, proposal.id, 2)
    result = app.test_cli_runner().invoke(args=["deliberation", "recount"])
    assert result.exit_code == 0
    assert "0 drift(s) found" in result.output


def test_cli_tick_closes_expired_proposals_when_run(app, session, proposal, clock,
                                                    signals_received):
    twenty_days_on = clock.advance(days=20)
    younger = publish(session, title="Published twenty days later")
    clock.advance(days=11)
    result = app.test_cli_runner().invoke(args=["deliberation", "tick"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"closed 1 expired proposal(s): {proposal.id}"
    session.expire_all()
    assert session.get(Proposal, proposal.id).state == ProposalState.CLOSED
    assert session.get(Proposal, younger.id).published_at == twenty_days_on
    assert session.get(Proposal, younger.id).state == ProposalState.COLLECTING
    assert named(signals_received, "proposal_closed") == [
        {"proposal_id": proposal.id, "reason": "expired"}]


def test_cli_tick_closes_nothing_when_nothing_has_expired(app, session, proposal):
    result = app.test_cli_runner().invoke(args=["deliberation", "tick"])
    assert result.exit_code == 0
    assert result.output.strip() == "closed 0 expired proposal(s)"
    session.expire_all()
    assert session.get(Proposal, proposal.id).state == ProposalState.COLLECTING
