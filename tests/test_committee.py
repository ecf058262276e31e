"""The agenda committee (공론화추진위원회): open a citizen debate or decline with
a published reason; below the threshold only with a recorded reason (우수제안)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import (
    AuditEntry, CommitteeDecision, Conflict, InvalidInput, NotAuthenticated, NotFound,
    Participant, PermissionDenied, Role, WrongState, signals,
)
from deliberation.committee import committee_queue, decide_on_proposal, decision_of
from deliberation.proposals.admin import hide_proposal, merge_proposals
from deliberation.proposals.operations import (
    close_proposal, submit_proposal, withdraw_proposal,
)
from deliberation.timeline import EventKind, timeline_of
from tests.conftest import citizen
from tests.test_responses import (  # noqa: F401  (app: the civic ladder for every test)
    AUTHOR, COMMITTEE_MEMBER, HEALTH_OFFICIAL, MAYOR_OFFICE, agree_until, app, count, publish,
    reach_committee_step, reach_department_step,
)

REASON = "Asked for again and again; the city should hear both sides."


@pytest.fixture
def debates_requested():
    log = []

    def receiver(sender, **kwargs):
        log.append(kwargs)

    signals.debate_requested.connect(receiver)
    yield log
    signals.debate_requested.disconnect(receiver)


@pytest.fixture
def at_committee(session):
    proposal = publish(session)
    reach_committee_step(session, proposal.id)
    return proposal


def decide(session, proposal_id, member=COMMITTEE_MEMBER, **overrides):
    fields = {"decision": "open_debate", "reason": REASON}
    fields.update(overrides)
    return decide_on_proposal(session, member, proposal_id, **fields)


def committee_events(session, proposal_id):
    return [e for e in timeline_of(session, proposal_id) if e.kind == EventKind.COMMITTEE_DECIDED]


# -- opening a debate ------------------------------------------------------------


def test_committee_opens_a_debate_when_the_proposal_reached_the_committee_step(
        session, at_committee, clock, debates_requested):
    clock.advance(days=4)
    decision = decide(session, at_committee.id,
                      debate_question="What if injections were given at health centres?")
    assert (decision.decision, decision.below_threshold) == ("open_debate", False)
    assert decision.reason == REASON
    assert decision.debate_question == "What if injections were given at health centres?"
    assert decision.decided_at == clock.now
    assert debates_requested == [{"proposal_id": at_committee.id,
                                  "question": "What if injections were given at health centres?"}]


def test_debate_question_is_the_title_when_the_committee_gives_none(
        session, at_committee, debates_requested):
    decision = decide(session, at_committee.id)
    assert decision.debate_question == "Let us get injections at our health centre"
    assert debates_requested[0]["question"] == "Let us get injections at our health centre"


def test_debate_requested_is_sent_after_commit_when_a_debate_opens(
        app, session, at_committee, debates_requested):
    seen_from_outside = []

    def look_from_another_connection(sender, **kwargs):
        with app.extensions["deliberation"].db.engine.connect() as other:
            seen_from_outside.append(other.execute(
                sa.select(CommitteeDecision.decision)
                .where(CommitteeDecision.proposal_id == kwargs["proposal_id"])).scalar())

    signals.debate_requested.connect(look_from_another_connection)
    try:
        decide(session, at_committee.id)
    finally:
        signals.debate_requested.disconnect(look_from_another_connection)
    assert seen_from_outside == ["open_debate"]
    assert len(debates_requested) == 1


def test_decision_is_on_the_timeline_with_the_role_and_not_the_person_when_recorded(
        session, at_committee, clock):
    clock.advance(days=1)
    decide(session, at_committee.id)
    [event] = committee_events(session, at_committee.id)
    assert (event.occurred_at, event.actor_role) == (clock.now, "agenda_committee")
    assert event.data == {"decision": "open_debate", "reason": REASON,
                          "below_threshold": False}
    assert COMMITTEE_MEMBER.id not in str(event.data)


def test_committee_selects_a_proposal_below_the_threshold_when_it_records_why(
        session, debates_requested):
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    decision = decide(session, proposal.id, reason="Timely: the budget is set this month.")
    assert (decision.decision, decision.below_threshold) == ("open_debate", True)
    assert decision.reason == "Timely: the budget is set this month."
    [event] = committee_events(session, proposal.id)
    assert event.data["below_threshold"] is True
    assert [kw["proposal_id"] for kw in debates_requested] == [proposal.id]


def test_committee_selects_a_fresh_proposal_below_every_step_when_it_records_why(session):
    proposal = publish(session)
    decision = decide(session, proposal.id, reason="  Often repeated across districts.  ")
    assert decision.below_threshold is True
    assert decision.reason == "Often repeated across districts."


# -- declining -------------------------------------------------------------------


def test_committee_declines_with_its_reason_when_the_step_is_reached(
        session, at_committee, debates_requested):
    decision = decide(session, at_committee.id, decision="decline",
                      reason="Already funded in this year's budget.",
                      debate_question="Ignored when declining?")
    assert (decision.decision, decision.debate_question) == ("decline", None)
    assert decision.reason == "Already funded in this year's budget."
    assert debates_requested == []
    [event] = committee_events(session, at_committee.id)
    assert event.data["decision"] == "decline"


def test_decline_is_refused_when_the_committee_step_is_not_reached(session, debates_requested):
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    with pytest.raises(WrongState) as caught:
        decide(session, proposal.id, decision="decline")
    assert caught.value.status == 409
    assert decision_of(session, proposal.id) is None
    assert committee_events(session, proposal.id) == []


# -- one decision ----------------------------------------------------------------


@pytest.mark.parametrize("second", ["open_debate", "decline"])
def test_second_decision_is_refused_when_the_committee_already_decided(
        session, at_committee, debates_requested, second):
    decide(session, at_committee.id)
    with pytest.raises(Conflict) as caught:
        decide(session, at_committee.id, decision=second, reason="Changed our minds after all.")
    assert type(caught.value) is Conflict
    assert caught.value.status == 409
    assert decision_of(session, at_committee.id).reason == REASON
    assert count(session, CommitteeDecision) == 1
    assert len(committee_events(session, at_committee.id)) == 1
    assert count(session, AuditEntry, action="committee_decision") == 1
    assert len(debates_requested) == 1


# -- who decides ---------------------------------------------------------------


@pytest.mark.parametrize("member", [
    citizen(2), HEALTH_OFFICIAL, MAYOR_OFFICE,
    Participant(id="admin", roles={Role.ADMIN, Role.CITIZEN}),
], ids=["citizen", "department_official", "mayor_office", "admin"])
def test_decision_is_refused_when_the_member_is_not_on_the_committee(
        session, at_committee, debates_requested, member):
    with pytest.raises(PermissionDenied) as caught:
        decide(session, at_committee.id, member=member)
    assert caught.value.status == 403
    assert decision_of(session, at_committee.id) is None
    assert debates_requested == []


def test_decision_is_refused_when_nobody_is_logged_in(session, at_committee):
    with pytest.raises(NotAuthenticated):
        decide(session, at_committee.id, member=None)
    assert decision_of(session, at_committee.id) is None


# -- input rules -----------------------------------------------------------------


@pytest.mark.parametrize("overrides, field", [
    ({"reason": ""}, "reason"),
    ({"reason": "      "}, "reason"),
    ({"reason": "Why?"}, "reason"),
    ({"reason": "   ok   "}, "reason"),
    ({"reason": "x" * 2001}, "reason"),
    ({"reason": None}, "reason"),
    ({"decision": "postpone"}, "decision"),
    ({"decision": None}, "decision"),
    ({"debate_question": "Why"}, "debate_question"),
    ({"debate_question": "  Why    "}, "debate_question"),
    ({"debate_question": "q" * 201}, "debate_question"),
    ({"debated_by": "everyone"}, "debated_by"),
], ids=["reason-empty", "reason-blank", "reason-short", "reason-short-once-stripped",
        "reason-long", "reason-none", "decision-unknown", "decision-none", "question-short",
        "question-short-once-stripped", "question-long", "unknown-field"])
def test_decision_is_refused_when_a_field_is_invalid(
        session, at_committee, debates_requested, overrides, field):
    with pytest.raises(InvalidInput) as caught:
        decide(session, at_committee.id, **overrides)
    assert caught.value.status == 422
    assert field in caught.value.fields
    assert decision_of(session, at_committee.id) is None
    assert debates_requested == []


def test_decision_is_refused_when_the_reason_is_missing(session, at_committee):
    with pytest.raises(InvalidInput) as caught:
        decide_on_proposal(session, COMMITTEE_MEMBER, at_committee.id, decision="decline")
    assert list(caught.value.fields) == ["reason"]


# -- which proposals -------------------------------------------------------------


def test_decision_is_refused_when_the_author_withdrew_the_proposal(session, at_committee):
    withdraw_proposal(session, AUTHOR, at_committee.id)
    with pytest.raises(WrongState):
        decide(session, at_committee.id)
    assert decision_of(session, at_committee.id) is None


def test_decision_is_refused_as_not_found_when_the_proposal_is_hidden(
        session, admin, at_committee, debates_requested):
    hide_proposal(session, admin, at_committee.id, reason="Names a private person.")
    with pytest.raises(NotFound):
        decide(session, at_committee.id)
    assert decision_of(session, at_committee.id) is None
    assert debates_requested == []


def test_decision_is_refused_when_the_proposal_is_a_draft_or_missing(session):
    draft = submit_proposal(session, AUTHOR, title="A draft nobody else sees",
                            body="Nothing to see here yet, still being written.",
                            category="health")
    for proposal_id in (draft.id, 999):
        with pytest.raises(NotFound):
            decide(session, proposal_id)
    assert count(session, CommitteeDecision) == 0


def test_decision_is_refused_when_the_proposal_was_merged_into_another(session, admin):
    target = publish(session, title="Injections at the health centre")
    duplicate = publish(session, title="Injections at health centres please")
    reach_committee_step(session, duplicate.id)
    merge_proposals(session, admin, duplicate.id, target.id)
    with pytest.raises(WrongState):
        decide(session, duplicate.id)
    assert decision_of(session, duplicate.id) is None


def test_committee_still_decides_when_an_admin_closed_the_proposal(session, admin,
                                                                     at_committee):
    close_proposal(session, admin, at_committee.id)
    assert decide(session, at_committee.id, decision="decline").decision == "decline"


# -- the queue -------------------------------------------------------------------


def test_committee_queue_lists_the_oldest_first_and_empties_when_all_are_decided(
        session, clock):
    first = publish(session, title="Injections at the health centre")
    second = publish(session, title="Buses every ten minutes at night")
    third = publish(session, title="Shade over every bus stop in summer")
    below = publish(session, title="Benches along the river path")
    start = clock.now
    reach_committee_step(session, second.id)
    clock.advance(days=1)
    reach_committee_step(session, first.id)
    clock.advance(days=1)
    reach_committee_step(session, third.id)
    agree_until(session, below.id, 4)
    assert [(p.id, reached_at) for p, reached_at in committee_queue(session)] == [
        (second.id, start), (first.id, start + timedelta(days=1)),
        (third.id, start + timedelta(days=2))]
    decide(session, first.id)
    assert [p.id for p, _ in committee_queue(session)] == [second.id, third.id]
    decide(session, second.id, decision="decline")
    decide(session, third.id)
    assert committee_queue(session) == []


def test_committee_queue_leaves_out_what_cannot_be_decided_when_moderated_or_withdrawn(
        session, admin):
    kept = publish(session, title="Injections at the health centre")
    hidden = publish(session, title="Buses every ten minutes at night")
    withdrawn = publish(session, title="Shade over every bus stop in summer")
    duplicate = publish(session, title="Injections at health centres please")
    for proposal in (kept, hidden, withdrawn, duplicate):
        reach_committee_step(session, proposal.id)
    hide_proposal(session, admin, hidden.id, reason="Names a private person.")
    withdraw_proposal(session, AUTHOR, withdrawn.id)
    merge_proposals(session, admin, duplicate.id, kept.id)
    assert [p.id for p, _ in committee_queue(session)] == [kept.id]


def test_committee_queue_is_refused_when_the_viewer_is_not_on_the_committee(session):
    from deliberation.committee import committee_queue_for
    from deliberation.errors import NotAuthenticated, PermissionDenied
    from tests.conftest import citizen

    with pytest.raises(PermissionDenied):
        committee_queue_for(session, citizen(1))
    with pytest.raises(NotAuthenticated):
        committee_queue_for(session, None)


def test_opening_a_debate_schedules_it_in_the_same_transaction_when_the_committee_decides(
        session, clock):
    from deliberation.debates.queries import debate_of_proposal

    proposal = publish(session)
    reach_committee_step(session, proposal.id)
    decide_on_proposal(session, COMMITTEE_MEMBER, proposal.id, decision="open_debate",
                       reason="시의성이 있는 제안입니다.", debate_question="보건소에서 맞을 수 있다면?")

    debate = debate_of_proposal(session, proposal.id)
    assert debate.question == "보건소에서 맞을 수 있다면?"
    assert debate.starts_at == clock.now + timedelta(days=7)
    assert debate.ends_at == debate.starts_at + timedelta(days=30)


def test_declining_schedules_no_debate_when_the_committee_says_no(session):
    from deliberation.debates.queries import debate_of_proposal

    proposal = publish(session)
    reach_committee_step(session, proposal.id)
    decide_on_proposal(session, COMMITTEE_MEMBER, proposal.id, decision="decline",
                       reason="이미 시행 중인 정책입니다.")

    assert debate_of_proposal(session, proposal.id) is None


def test_app_refuses_to_start_when_the_debate_period_is_not_a_period(make_app):
    from deliberation import ConfigurationError

    with pytest.raises(ConfigurationError, match="DELIBERATION_DEBATE_PERIOD"):
        make_app(DELIBERATION_DEBATE_PERIOD="soon")
