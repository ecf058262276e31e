"""Admins' moderation: hide with a public reason (and unhide), merge duplicates
with every agreement moved exactly and every supporter told."""

import pytest
import sqlalchemy as sa

from deliberation import (
    Agreement, CollectionClosed, InvalidInput, Milestone, NotAuthenticated, NotFound,
    NotificationEvent, PermissionDenied, Proposal, Step, WrongState, signals,
)
from deliberation.notifications.operations import process_outbox
from deliberation.proposals.admin import hide_proposal, merge_proposals, unhide_proposal
from deliberation.proposals.operations import (
    close_proposal, submit_proposal, withdraw_proposal,
)
from deliberation.proposals.queries import find_similar, get_proposal, list_proposals
from deliberation.responses.operations import assignment_of
from deliberation.timeline import EventKind, timeline_of
from deliberation.votes.operations import agree, recount_agreements
from tests.conftest import citizen
from tests.test_responses import (  # noqa: F401  (app: the civic ladder for every test)
    AUTHOR, COMMITTEE_MEMBER, HEALTH, HEALTH_OFFICIAL, MAYOR_OFFICE, app, count, publish,
)
from tests.test_notifications import inbox

REASON = "Names a private person."
NON_ADMINS = [citizen(2), HEALTH_OFFICIAL, MAYOR_OFFICE, COMMITTEE_MEMBER]
NON_ADMIN_IDS = ["citizen", "department_official", "mayor_office", "committee"]


@pytest.fixture
def merged_signals():
    log = []

    def receiver(sender, **kwargs):
        log.append(("proposals_merged", kwargs))

    def milestone(sender, **kwargs):
        log.append(("milestone_reached", kwargs))

    signals.proposals_merged.connect(receiver)
    signals.milestone_reached.connect(milestone)
    yield log
    signals.proposals_merged.disconnect(receiver)
    signals.milestone_reached.disconnect(milestone)


def agree_as(session, proposal_id, *ids):
    for n in ids:
        agree(session, citizen(n), proposal_id)


def supporters(session, proposal_id):
    return set(session.scalars(sa.select(Agreement.participant_id)
                               .where(Agreement.proposal_id == proposal_id)))


def counter(session, proposal_id):
    return session.scalar(sa.select(Proposal.agreement_count).where(Proposal.id == proposal_id))


def kinds(session, proposal_id):
    return [e.kind for e in timeline_of(session, proposal_id)]


@pytest.fixture
def proposal(session):
    proposal = publish(session)
    agree_as(session, proposal.id, 100, 101)
    return proposal


# -- hide ------------------------------------------------------------------------


def test_hidden_proposal_leaves_lists_and_similar_when_an_admin_hides_it(
        session, admin, proposal, clock):
    other = publish(session, title="Buses every ten minutes at night")
    title = proposal.title
    assert [p.id for p, _ in find_similar(session, title)] == [proposal.id]
    clock.advance(hours=2)
    hidden = hide_proposal(session, admin, proposal.id, reason=f"  {REASON}  ")
    assert (hidden.hidden_at, hidden.hidden_reason) == (clock.now, REASON)
    assert [p.id for p in list_proposals(session).items] == [other.id]
    assert list_proposals(session).total == 1
    assert find_similar(session, title) == []
    [event] = [e for e in timeline_of(session, proposal.id) if e.kind == EventKind.HIDDEN]
    assert (event.actor_role, event.data) == ("admin", {"reason": REASON})


def test_hidden_proposal_stays_readable_with_its_counts_when_fetched_directly(
        session, admin, proposal):
    hide_proposal(session, admin, proposal.id, reason=REASON)
    shown = get_proposal(session, proposal.id)
    assert (shown.id, shown.hidden_reason, shown.agreement_count) == (proposal.id, REASON, 2)
    assert supporters(session, proposal.id) == {"c100", "c101"}
    assert shown.state == "collecting"


def test_unhidden_proposal_returns_to_lists_when_an_admin_unhides_it(
        session, admin, proposal, clock):
    hide_proposal(session, admin, proposal.id, reason=REASON)
    clock.advance(days=1)
    shown = unhide_proposal(session, admin, proposal.id)
    assert (shown.hidden_at, shown.hidden_reason) == (None, None)
    assert [p.id for p in list_proposals(session).items] == [proposal.id]
    assert [p.id for p, _ in find_similar(session, proposal.title)] == [proposal.id]
    assert kinds(session, proposal.id)[-2:] == [EventKind.HIDDEN, EventKind.UNHIDDEN]
    assert counter(session, proposal.id) == 2


@pytest.mark.parametrize("reason", ["x" * 5, "x" * 500, "  Spam.  "])
def test_hide_accepts_the_reason_when_it_is_five_to_five_hundred_characters(
        session, admin, proposal, reason):
    assert hide_proposal(session, admin, proposal.id, reason=reason).hidden_reason \
        == reason.strip()


@pytest.mark.parametrize("reason", ["", "    ", "Spam", "  Spa  ", "x" * 501, None])
def test_hide_is_refused_when_the_reason_is_missing_short_or_long(
        session, admin, proposal, reason):
    with pytest.raises(InvalidInput) as caught:
        hide_proposal(session, admin, proposal.id, reason=reason)
    assert list(caught.value.fields) == ["reason"]
    assert get_proposal(session, proposal.id).hidden_at is None


@pytest.mark.parametrize("actor", NON_ADMINS, ids=NON_ADMIN_IDS)
def test_hide_is_refused_when_the_actor_is_not_an_admin(session, proposal, actor):
    with pytest.raises(PermissionDenied):
        hide_proposal(session, actor, proposal.id, reason=REASON)
    assert get_proposal(session, proposal.id).hidden_at is None
    assert EventKind.HIDDEN not in kinds(session, proposal.id)


def test_hide_is_refused_when_nobody_is_logged_in(session, proposal):
    with pytest.raises(NotAuthenticated):
        hide_proposal(session, None, proposal.id, reason=REASON)


def test_hide_is_refused_when_the_proposal_is_already_hidden(session, admin, proposal):
    hide_proposal(session, admin, proposal.id, reason=REASON)
    with pytest.raises(WrongState):
        hide_proposal(session, admin, proposal.id, reason="Another reason entirely.")
    assert get_proposal(session, proposal.id).hidden_reason == REASON


def test_hide_is_refused_as_not_found_when_the_proposal_was_never_published(session, admin):
    draft = submit_proposal(session, AUTHOR, title="A draft nobody else sees",
                            body="Nothing to see here yet, still being written.",
                            category="health")
    withdrawn_draft = submit_proposal(session, AUTHOR, title="A draft taken back unseen",
                                      body="Written, then withdrawn before publication.",
                                      category="health")
    withdraw_proposal(session, AUTHOR, withdrawn_draft.id)
    for proposal_id in (draft.id, withdrawn_draft.id, 999):
        with pytest.raises(NotFound):
            hide_proposal(session, admin, proposal_id, reason=REASON)
    assert session.scalar(sa.select(sa.func.count()).select_from(Proposal)
                          .where(Proposal.hidden_at.is_not(None))) == 0


@pytest.mark.parametrize("actor", NON_ADMINS, ids=NON_ADMIN_IDS)
def test_unhide_is_refused_when_the_actor_is_not_an_admin(session, admin, proposal, actor):
    hide_proposal(session, admin, proposal.id, reason=REASON)
    with pytest.raises(PermissionDenied):
        unhide_proposal(session, actor, proposal.id)
    assert get_proposal(session, proposal.id).hidden_reason == REASON


def test_unhide_is_refused_when_the_proposal_is_not_hidden(session, admin, proposal):
    with pytest.raises(WrongState):
        unhide_proposal(session, admin, proposal.id)
    assert EventKind.UNHIDDEN not in kinds(session, proposal.id)


# -- merge -----------------------------------------------------------------------


@pytest.fixture
def duplicate_pair(session):
    """target: c1's, agreed by c100, c101; duplicate: c2's, agreed by c101, c102."""
    target = publish(session, title="Injections at the health centre")
    duplicate = publish(session, citizen(2), title="Injections at health centres please")
    agree_as(session, target.id, 100, 101)
    agree_as(session, duplicate.id, 101, 102)
    return target, duplicate


def test_merge_moves_each_agreement_once_when_people_agreed_with_both(
        session, admin, duplicate_pair, clock, merged_signals):
    target, duplicate = duplicate_pair
    clock.advance(days=1)
    source, kept = merge_proposals(session, admin, duplicate.id, target.id)
    assert supporters(session, target.id) == {"c100", "c101", "c102"}
    assert supporters(session, duplicate.id) == set()
    assert (kept.agreement_count, source.agreement_count) == (3, 0)
    assert (source.state, source.closed_reason, source.merged_into_id) == (
        "closed", "merged", target.id)
    assert source.closed_at == clock.now
    assert recount_agreements(session) == []
    assert [kw for name, kw in merged_signals if name == "proposals_merged"] == [
        {"source_id": duplicate.id, "target_id": target.id, "moved": 1}]
    [into] = [e for e in timeline_of(session, duplicate.id) if e.kind == EventKind.MERGED_INTO]
    [from_] = [e for e in timeline_of(session, target.id) if e.kind == EventKind.MERGED_FROM]
    assert into.data == {"target_id": target.id, "target_title": target.title}
    assert from_.data == {"source_id": duplicate.id, "moved": 1}


def test_merge_tells_every_supporter_of_the_duplicate_and_its_author_when_it_moves_them(
        session, admin, duplicate_pair):
    target, duplicate = duplicate_pair
    merge_proposals(session, admin, duplicate.id, target.id)
    [event] = session.scalars(sa.select(NotificationEvent)
                              .where(NotificationEvent.kind == "agreement_moved")).all()
    assert event.proposal_id == target.id
    process_outbox(session)
    told = {pid: kinds_.count("agreement_moved") for pid, kinds_ in inbox(session).items()}
    assert {pid: n for pid, n in told.items() if n} == {"c2": 1, "c101": 1, "c102": 1}


def test_merge_lifts_the_target_to_a_step_once_when_the_moved_agreements_cross_it(
        session, admin, merged_signals):
    target = publish(session, title="Injections at the health centre")
    duplicate = publish(session, citizen(2), title="Injections at health centres please")
    agree_as(session, target.id, 100, 101)
    agree_as(session, duplicate.id, 102, 103)
    assert count(session, Milestone) == 0
    merge_proposals(session, admin, duplicate.id, target.id)
    assert counter(session, target.id) == 4
    [milestone] = session.scalars(sa.select(Milestone)
                                  .where(Milestone.proposal_id == target.id)).all()
    assert (milestone.step, milestone.count_at) == ("department_answer", 4)
    assert session.get(Proposal, target.id, populate_existing=True).stage == "department_answer"
    assert assignment_of(session, target.id).department == HEALTH
    reached = [kw for name, kw in merged_signals if name == "milestone_reached"]
    assert [(kw["proposal_id"], kw["step"]) for kw in reached] == [
        (target.id, Step.DEPARTMENT_ANSWER)]
    agree_as(session, target.id, 104)  # the fifth: the committee step, and nothing twice
    assert count(session, Milestone, proposal_id=target.id, step="department_answer") == 1
    reached = [kw["step"] for name, kw in merged_signals if name == "milestone_reached"]
    assert reached == [Step.DEPARTMENT_ANSWER, Step.AGENDA_COMMITTEE]
    assert count(session, NotificationEvent, kind="step_reached") == 2


def test_merge_keeps_the_duplicate_readable_when_it_is_done(session, admin, duplicate_pair):
    target, duplicate = duplicate_pair
    merge_proposals(session, admin, duplicate.id, target.id)
    assert get_proposal(session, duplicate.id).merged_into_id == target.id
    with pytest.raises(CollectionClosed):
        agree(session, citizen(200), duplicate.id)


def test_merge_is_refused_when_a_proposal_is_merged_into_itself(session, admin, duplicate_pair):
    target, _ = duplicate_pair
    with pytest.raises(InvalidInput) as caught:
        merge_proposals(session, admin, target.id, target.id)
    assert list(caught.value.fields) == ["target_id"]
    assert (counter(session, target.id), supporters(session, target.id)) == (
        2, {"c100", "c101"})


def test_merge_is_refused_when_the_duplicate_was_already_merged(
        session, admin, duplicate_pair, merged_signals):
    target, duplicate = duplicate_pair
    third = publish(session, title="Shade over every bus stop in summer")
    merge_proposals(session, admin, duplicate.id, target.id)
    with pytest.raises(WrongState):
        merge_proposals(session, admin, duplicate.id, third.id)
    with pytest.raises(WrongState):
        merge_proposals(session, admin, duplicate.id, target.id)
    assert counter(session, target.id) == 3
    assert get_proposal(session, duplicate.id).merged_into_id == target.id
    assert len([1 for name, _ in merged_signals if name == "proposals_merged"]) == 1


def test_merge_is_refused_when_the_target_is_not_collecting(session, admin, duplicate_pair):
    target, duplicate = duplicate_pair
    close_proposal(session, admin, target.id)
    with pytest.raises(WrongState):
        merge_proposals(session, admin, duplicate.id, target.id)
    assert supporters(session, duplicate.id) == {"c101", "c102"}
    assert get_proposal(session, duplicate.id).merged_into_id is None


def test_merge_is_refused_when_the_target_was_itself_merged(session, admin, duplicate_pair):
    target, duplicate = duplicate_pair
    merge_proposals(session, admin, duplicate.id, target.id)
    with pytest.raises(WrongState):
        merge_proposals(session, admin, target.id, duplicate.id)
    assert counter(session, target.id) == 3


@pytest.mark.parametrize("actor", NON_ADMINS, ids=NON_ADMIN_IDS)
def test_merge_is_refused_when_the_actor_is_not_an_admin(session, duplicate_pair, actor):
    target, duplicate = duplicate_pair
    with pytest.raises(PermissionDenied):
        merge_proposals(session, actor, duplicate.id, target.id)
    assert supporters(session, duplicate.id) == {"c101", "c102"}
    assert counter(session, target.id) == 2


def test_merge_is_refused_as_not_found_when_a_proposal_is_a_draft_or_missing(
        session, admin, duplicate_pair):
    target, duplicate = duplicate_pair
    draft = submit_proposal(session, AUTHOR, title="A draft nobody else sees",
                            body="Nothing to see here yet, still being written.",
                            category="health")
    for source_id, target_id in ((draft.id, target.id), (duplicate.id, draft.id),
                                 (999, target.id), (duplicate.id, 999)):
        with pytest.raises(NotFound):
            merge_proposals(session, admin, source_id, target_id)
    assert counter(session, target.id) == 2
    assert recount_agreements(session) == []
