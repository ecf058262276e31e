"""Proposal services: submit, publish, edit, withdraw, close, expire, and the
queries that read proposals back."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import (
    EditLocked, InvalidInput, NotAuthenticated, NotFound, Participant, PermissionDenied,
    Proposal, ProposalState, Role, TimelineEvent, WrongState,
)
from deliberation.proposals.operations import (
    close_expired_proposals, close_proposal, edit_proposal, publish_proposal, submit_proposal,
    withdraw_proposal,
)
from deliberation.proposals.queries import Sort, find_similar, get_proposal, list_proposals
from deliberation.timeline import timeline_of
from deliberation.votes.operations import agree
from tests.conftest import citizen

AUTHOR = citizen(1)
OTHER = citizen(2)
OFFICIAL = Participant(id="official", roles={Role.DEPARTMENT_OFFICIAL}, department="health")
THIRTY_DAYS = timedelta(days=30)

TITLE = "Let us get injections at our health centre"
BODY = "Travelling to a clinic every day during treatment is hard for working couples."


def submit(session, who=AUTHOR, *, title=TITLE, body=BODY, category="health", publish=False):
    return submit_proposal(session, who, title=title, body=body, category=category,
                           publish=publish)


def published(session, who=AUTHOR, **kwargs):
    return submit(session, who, publish=True, **kwargs)


def row_counts(session):
    return (session.scalar(sa.select(sa.func.count()).select_from(Proposal)),
            session.scalar(sa.select(sa.func.count()).select_from(TimelineEvent)))


def stored(session, proposal_id):
    """The row as the database holds it now, not as the session remembers it."""
    session.expire_all()
    return session.get(Proposal, proposal_id)


def kinds(session, proposal_id):
    return [event.kind for event in timeline_of(session, proposal_id)]


@pytest.fixture
def closed_signals(signals_received):
    return lambda: [kw for name, kw in signals_received if name == "proposal_closed"]


# -- submit ----------------------------------------------------------------------


def test_submit_creates_a_private_draft_when_input_is_valid(session, clock):
    proposal = submit(session)
    assert proposal.state == ProposalState.DRAFT
    assert (proposal.title, proposal.category, proposal.author_id) == (TITLE, "health", "c1")
    assert proposal.author_name == "Citizen 1"
    assert proposal.created_at == clock.now
    assert proposal.published_at is None and proposal.closes_at is None
    assert proposal.agreement_count == 0
    assert [(e.kind, e.occurred_at, e.actor_role) for e in timeline_of(session, proposal.id)] == [
        ("submitted", clock.now, "citizen")]


def test_submit_publishes_at_once_when_asked(session, clock, signals_received):
    proposal = published(session)
    assert proposal.state == ProposalState.COLLECTING
    assert proposal.published_at == clock.now
    assert proposal.closes_at == clock.now + THIRTY_DAYS
    assert kinds(session, proposal.id) == ["submitted", "published"]
    assert signals_received == [("proposal_published", {"proposal_id": proposal.id})]


def test_submit_strips_surrounding_whitespace_when_saving(session):
    proposal = submit(session, title=f"  {TITLE}\n", body=f"\t{BODY}  ")
    assert stored(session, proposal.id).title == TITLE
    assert stored(session, proposal.id).body == BODY


def test_submit_is_refused_when_nobody_is_logged_in(session):
    with pytest.raises(NotAuthenticated) as caught:
        submit(session, None)
    assert caught.value.fields == {}
    assert row_counts(session) == (0, 0)


def test_submit_is_refused_when_participant_is_not_a_citizen(session):
    with pytest.raises(PermissionDenied) as caught:
        submit(session, OFFICIAL)
    assert "citizen" in caught.value.message
    assert row_counts(session) == (0, 0)


@pytest.mark.parametrize("title, message", [
    ("", "Length must be between 5 and 120."),
    ("     ", "Must not be blank."),
    ("Bus", "Length must be between 5 and 120."),
    ("x" * 121, "Length must be between 5 and 120."),
])
def test_submit_is_refused_when_title_is_blank_short_or_long(session, title, message):
    with pytest.raises(InvalidInput) as caught:
        submit(session, title=title)
    assert list(caught.value.fields) == ["title"]
    assert message in caught.value.fields["title"]
    assert row_counts(session) == (0, 0)


def test_submit_is_refused_when_title_is_short_once_padding_is_stripped(session):
    with pytest.raises(InvalidInput) as caught:
        submit(session, title="   Bus   ")
    assert list(caught.value.fields) == ["title"]
    assert row_counts(session) == (0, 0)


@pytest.mark.parametrize("body", ["", " " * 40, "Too short to say it."[:19], "x" * 10_001])
def test_submit_is_refused_when_body_is_blank_short_or_long(session, body):
    with pytest.raises(InvalidInput) as caught:
        submit(session, body=body)
    assert list(caught.value.fields) == ["body"]
    assert row_counts(session) == (0, 0)


@pytest.mark.parametrize("category", ["", "Health", "weather", "health-care"])
def test_submit_is_refused_when_category_is_unknown(session, category):
    with pytest.raises(InvalidInput) as caught:
        submit(session, category=category)
    assert list(caught.value.fields) == ["category"]
    assert row_counts(session) == (0, 0)


def test_submit_names_every_bad_field_when_several_are_wrong(session):
    with pytest.raises(InvalidInput) as caught:
        submit(session, title="x", body="y", category="weather")
    assert set(caught.value.fields) == {"title", "body", "category"}
    assert caught.value.status == 422


def test_submit_accepts_host_categories_when_configured(make_app):
    app = make_app(DELIBERATION_CATEGORIES=["parks", "libraries"])
    with app.app_context():
        session = app.extensions["deliberation"].db.session
        assert submit(session, category="parks").category == "parks"
        with pytest.raises(InvalidInput) as caught:
            submit(session, category="health")
        assert list(caught.value.fields) == ["category"]


# -- publish ---------------------------------------------------------------------


def test_publish_opens_collection_for_thirty_days_when_author_publishes_a_draft(
        session, clock, signals_received):
    draft = submit(session)
    clock.advance(hours=5)
    proposal = publish_proposal(session, AUTHOR, draft.id)
    assert proposal.state == ProposalState.COLLECTING
    assert proposal.published_at == clock.now
    assert proposal.closes_at == clock.now + THIRTY_DAYS
    events = timeline_of(session, proposal.id)
    assert [(e.kind, e.occurred_at) for e in events] == [
        ("submitted", clock.now - timedelta(hours=5)), ("published", clock.now)]
    assert events[1].data == {"closes_at": (clock.now + THIRTY_DAYS).isoformat()}
    assert signals_received == [("proposal_published", {"proposal_id": proposal.id})]


def test_publish_is_refused_when_already_published(session, signals_received):
    proposal = published(session)
    signals_received.clear()
    with pytest.raises(WrongState):
        publish_proposal(session, AUTHOR, proposal.id)
    assert kinds(session, proposal.id) == ["submitted", "published"]
    assert signals_received == []


def test_publish_is_refused_when_the_draft_was_withdrawn(session):
    draft = submit(session)
    withdraw_proposal(session, AUTHOR, draft.id)
    with pytest.raises(WrongState):
        publish_proposal(session, AUTHOR, draft.id)
    assert stored(session, draft.id).state == ProposalState.WITHDRAWN
    assert stored(session, draft.id).published_at is None


def test_publish_hides_the_draft_when_someone_else_tries(session):
    draft = submit(session)
    with pytest.raises(NotFound):
        publish_proposal(session, OTHER, draft.id)
    assert stored(session, draft.id).state == ProposalState.DRAFT


def test_publish_is_refused_when_nobody_is_logged_in(session):
    draft = submit(session)
    with pytest.raises(NotAuthenticated):
        publish_proposal(session, None, draft.id)
    assert stored(session, draft.id).state == ProposalState.DRAFT


def test_publish_is_refused_when_the_author_lost_the_citizen_role(session):
    draft = submit(session)
    with pytest.raises(PermissionDenied):
        publish_proposal(session, Participant(id=AUTHOR.id, roles=set()), draft.id)
    assert stored(session, draft.id).state == ProposalState.DRAFT


def test_publish_is_refused_when_the_proposal_does_not_exist(session):
    with pytest.raises(NotFound):
        publish_proposal(session, AUTHOR, 999)


# -- edit ------------------------------------------------------------------------


def test_edit_changes_a_draft_without_a_timeline_entry_when_author_edits(session, clock):
    draft = submit(session)
    clock.advance(minutes=10)
    proposal = edit_proposal(session, AUTHOR, draft.id, title="  A clearer title here ")
    assert proposal.title == "A clearer title here"
    assert proposal.updated_at == clock.now
    assert kinds(session, draft.id) == ["submitted"]


def test_edit_is_recorded_on_its_date_when_a_published_proposal_has_no_agreement(
        session, clock):
    proposal = published(session)
    clock.advance(days=2)
    edit_proposal(session, AUTHOR, proposal.id, body=BODY + " Also on weekends.",
                  category="welfare")
    assert stored(session, proposal.id).category == "welfare"
    event = timeline_of(session, proposal.id)[-1]
    assert (event.kind, event.occurred_at) == ("edited", clock.now)
    assert event.data == {"fields": ["body", "category"]}


def test_edit_is_locked_when_the_proposal_has_an_agreement(session):
    proposal = published(session)
    agree(session, OTHER, proposal.id)
    with pytest.raises(EditLocked):
        edit_proposal(session, AUTHOR, proposal.id, title="A different promise now")
    assert stored(session, proposal.id).title == TITLE
    assert "edited" not in kinds(session, proposal.id)


def test_edit_is_refused_when_the_proposal_is_closed(session, admin):
    proposal = published(session)
    close_proposal(session, admin, proposal.id)
    with pytest.raises(WrongState) as caught:
        edit_proposal(session, AUTHOR, proposal.id, title="A different promise now")
    assert not isinstance(caught.value, EditLocked)
    assert stored(session, proposal.id).title == TITLE


def test_edit_is_refused_when_the_collection_period_has_ended(session, clock):
    proposal = published(session)
    clock.advance(THIRTY_DAYS)
    with pytest.raises(WrongState):
        edit_proposal(session, AUTHOR, proposal.id, title="A different promise now")
    assert stored(session, proposal.id).title == TITLE


def test_edit_is_refused_when_someone_else_edits_a_published_proposal(session):
    proposal = published(session)
    with pytest.raises(PermissionDenied):
        edit_proposal(session, OTHER, proposal.id, title="Hijacked title here")
    assert stored(session, proposal.id).title == TITLE


def test_edit_hides_the_draft_when_someone_else_edits_it(session):
    draft = submit(session)
    with pytest.raises(NotFound):
        edit_proposal(session, OTHER, draft.id, title="Hijacked title here")


def test_edit_is_refused_when_nobody_is_logged_in(session):
    draft = submit(session)
    with pytest.raises(NotAuthenticated):
        edit_proposal(session, None, draft.id, title="Anonymous title here")
    assert stored(session, draft.id).title == TITLE


@pytest.mark.parametrize("changes, field", [
    ({"title": "Bus"}, "title"),
    ({"title": "     "}, "title"),
    ({"body": "short"}, "body"),
    ({"category": "weather"}, "category"),
    ({"state": "closed"}, "state"),
    ({"agreement_count": 5000}, "agreement_count"),
])
def test_edit_is_refused_when_a_change_is_invalid(session, changes, field):
    proposal = published(session)
    with pytest.raises(InvalidInput) as caught:
        edit_proposal(session, AUTHOR, proposal.id, **changes)
    assert list(caught.value.fields) == [field]
    row = stored(session, proposal.id)
    assert (row.title, row.body, row.category, row.state, row.agreement_count) == (
        TITLE, BODY, "health", ProposalState.COLLECTING, 0)


# -- withdraw --------------------------------------------------------------------


def test_withdraw_keeps_the_proposal_readable_when_author_withdraws(
        session, clock, signals_received):
    proposal = published(session)
    clock.advance(days=3)
    withdraw_proposal(session, AUTHOR, proposal.id)
    row = get_proposal(session, proposal.id, viewer=OTHER)
    assert (row.state, row.closed_at) == (ProposalState.WITHDRAWN, clock.now)
    event = timeline_of(session, proposal.id)[-1]
    assert (event.kind, event.occurred_at) == ("withdrawn", clock.now)
    assert signals_received[-1] == ("proposal_withdrawn", {"proposal_id": proposal.id})


def test_withdraw_is_refused_when_someone_else_asks(session, signals_received):
    proposal = published(session)
    with pytest.raises(PermissionDenied) as caught:
        withdraw_proposal(session, OTHER, proposal.id)
    assert "author" in caught.value.message
    assert stored(session, proposal.id).state == ProposalState.COLLECTING
    assert [name for name, _ in signals_received] == ["proposal_published"]


def test_withdraw_is_refused_when_an_admin_who_is_not_the_author_asks(session, admin):
    proposal = published(session)
    with pytest.raises(PermissionDenied):
        withdraw_proposal(session, admin, proposal.id)
    assert stored(session, proposal.id).state == ProposalState.COLLECTING


def test_withdraw_is_refused_when_nobody_is_logged_in(session):
    proposal = published(session)
    with pytest.raises(NotAuthenticated):
        withdraw_proposal(session, None, proposal.id)
    assert stored(session, proposal.id).state == ProposalState.COLLECTING


def test_withdraw_is_refused_when_already_withdrawn(session):
    proposal = published(session)
    withdraw_proposal(session, AUTHOR, proposal.id)
    with pytest.raises(WrongState):
        withdraw_proposal(session, AUTHOR, proposal.id)
    assert kinds(session, proposal.id).count("withdrawn") == 1


def test_withdraw_is_refused_when_the_proposal_is_closed(session, admin):
    proposal = published(session)
    close_proposal(session, admin, proposal.id)
    with pytest.raises(WrongState):
        withdraw_proposal(session, AUTHOR, proposal.id)
    assert stored(session, proposal.id).state == ProposalState.CLOSED


def test_withdraw_is_refused_when_the_collection_period_has_ended(session, clock):
    proposal = published(session)
    clock.advance(THIRTY_DAYS + timedelta(hours=1))
    with pytest.raises(WrongState):
        withdraw_proposal(session, AUTHOR, proposal.id)
    row = stored(session, proposal.id)
    assert row.state == ProposalState.CLOSED
    assert row.closed_reason == "expired"


def test_withdrawn_draft_stays_private_when_it_was_never_published(session):
    draft = submit(session)
    withdraw_proposal(session, AUTHOR, draft.id)
    assert stored(session, draft.id).state == ProposalState.WITHDRAWN
    with pytest.raises(NotFound):
        get_proposal(session, draft.id, viewer=OTHER)
    assert list_proposals(session).total == 0
    assert find_similar(session, TITLE, BODY) == []
    assert get_proposal(session, draft.id, viewer=AUTHOR).id == draft.id


# -- admin close -----------------------------------------------------------------


def test_admin_close_ends_collection_with_a_public_note_when_admin_closes(
        session, clock, admin, closed_signals):
    proposal = published(session)
    clock.advance(days=4)
    closed = close_proposal(session, admin, proposal.id, reason="Duplicate of #12")
    assert (closed.state, closed.closed_reason, closed.closed_at) == (
        ProposalState.CLOSED, "admin", clock.now)
    event = timeline_of(session, proposal.id)[-1]
    assert (event.kind, event.occurred_at, event.actor_role) == ("closed", clock.now, "admin")
    assert event.data == {"reason": "admin", "note": "Duplicate of #12"}
    assert closed_signals() == [{"proposal_id": proposal.id, "reason": "admin"}]


def test_admin_close_is_refused_when_a_citizen_asks(session, closed_signals):
    proposal = published(session)
    with pytest.raises(PermissionDenied) as caught:
        close_proposal(session, AUTHOR, proposal.id)
    assert "admin" in caught.value.message
    assert stored(session, proposal.id).state == ProposalState.COLLECTING
    assert closed_signals() == []


def test_admin_close_is_refused_when_nobody_is_logged_in(session):
    proposal = published(session)
    with pytest.raises(NotAuthenticated):
        close_proposal(session, None, proposal.id)
    assert stored(session, proposal.id).state == ProposalState.COLLECTING


def test_admin_close_hides_drafts_when_asked_to_close_one(session, admin):
    draft = submit(session)
    with pytest.raises(NotFound):
        close_proposal(session, admin, draft.id)
    assert stored(session, draft.id).state == ProposalState.DRAFT


def test_admin_close_is_refused_when_the_proposal_does_not_exist(session, admin):
    with pytest.raises(NotFound):
        close_proposal(session, admin, 999)


def test_admin_close_is_refused_when_already_closed(session, admin, closed_signals):
    proposal = published(session)
    close_proposal(session, admin, proposal.id)
    with pytest.raises(WrongState):
        close_proposal(session, admin, proposal.id)
    assert kinds(session, proposal.id).count("closed") == 1
    assert len(closed_signals()) == 1


def test_admin_close_is_refused_when_the_proposal_was_withdrawn(session, admin):
    proposal = published(session)
    withdraw_proposal(session, AUTHOR, proposal.id)
    with pytest.raises(WrongState):
        close_proposal(session, admin, proposal.id)
    assert stored(session, proposal.id).state == ProposalState.WITHDRAWN


def test_admin_close_is_refused_when_the_collection_period_has_ended(
        session, clock, admin, closed_signals):
    proposal = published(session)
    closes_at = proposal.closes_at
    clock.advance(days=45)
    with pytest.raises(WrongState):
        close_proposal(session, admin, proposal.id)
    row = stored(session, proposal.id)
    assert (row.closed_reason, row.closed_at) == ("expired", closes_at)
    assert closed_signals() == [{"proposal_id": proposal.id, "reason": "expired"}]


# -- expiry ----------------------------------------------------------------------


def test_tick_leaves_a_proposal_open_when_one_second_remains(session, clock, closed_signals):
    proposal = published(session)
    clock.advance(THIRTY_DAYS - timedelta(seconds=1))
    assert close_expired_proposals(session) == []
    assert stored(session, proposal.id).state == ProposalState.COLLECTING
    assert closed_signals() == []


def test_tick_closes_a_proposal_on_its_end_date_when_run_later(session, clock, closed_signals):
    proposal = published(session)
    closes_at = proposal.closes_at
    clock.advance(days=33)
    assert close_expired_proposals(session) == [proposal.id]
    row = stored(session, proposal.id)
    assert (row.state, row.closed_reason, row.closed_at) == (
        ProposalState.CLOSED, "expired", closes_at)
    event = timeline_of(session, proposal.id)[-1]
    assert (event.kind, event.occurred_at, event.actor_role) == ("closed", closes_at, None)
    assert closed_signals() == [{"proposal_id": proposal.id, "reason": "expired"}]


def test_tick_closes_at_the_exact_end_when_the_clock_reaches_it(session, clock):
    proposal = published(session)
    clock.set(proposal.closes_at)
    assert close_expired_proposals(session) == [proposal.id]


def test_tick_closes_nothing_twice_when_run_again(session, clock, closed_signals):
    published(session)
    clock.advance(days=31)
    assert len(close_expired_proposals(session)) == 1
    assert close_expired_proposals(session) == []
    assert len(closed_signals()) == 1


def test_tick_closes_only_expired_collecting_proposals_when_states_are_mixed(
        session, clock, admin):
    old = published(session)
    withdrawn = published(session, title="Withdrawn before the end came")
    withdraw_proposal(session, AUTHOR, withdrawn.id)
    draft = submit(session, title="A draft never published")
    clock.advance(days=20)
    young = published(session, title="Published twenty days later")
    clock.advance(days=11)
    assert close_expired_proposals(session) == [old.id]
    assert stored(session, young.id).state == ProposalState.COLLECTING
    assert stored(session, withdrawn.id).state == ProposalState.WITHDRAWN
    assert stored(session, draft.id).state == ProposalState.DRAFT


def test_tick_closes_in_order_of_end_date_when_several_expired(session, clock):
    first = published(session, title="The first to be published")
    clock.advance(days=1)
    second = published(session, title="The second to be published")
    clock.advance(days=40)
    assert close_expired_proposals(session) == [first.id, second.id]


def test_get_closes_an_expired_proposal_when_someone_reads_it(session, clock, closed_signals):
    proposal = published(session)
    closes_at = proposal.closes_at
    clock.advance(days=31)
    row = get_proposal(session, proposal.id)
    assert (row.state, row.closed_reason, row.closed_at) == (
        ProposalState.CLOSED, "expired", closes_at)
    assert closed_signals() == [{"proposal_id": proposal.id, "reason": "expired"}]


def test_get_leaves_an_open_proposal_alone_when_time_remains(session, clock, closed_signals):
    proposal = published(session)
    clock.advance(days=29)
    assert get_proposal(session, proposal.id).state == ProposalState.COLLECTING
    assert closed_signals() == []


# -- reading ---------------------------------------------------------------------


def test_get_hides_a_draft_when_someone_else_or_nobody_reads_it(session):
    draft = submit(session)
    with pytest.raises(NotFound):
        get_proposal(session, draft.id)
    with pytest.raises(NotFound):
        get_proposal(session, draft.id, viewer=OTHER)
    assert get_proposal(session, draft.id, viewer=AUTHOR).id == draft.id


def test_get_is_refused_when_the_proposal_does_not_exist(session):
    with pytest.raises(NotFound):
        get_proposal(session, 12345)


def test_list_hides_drafts_when_nobody_asks_for_their_own(session):
    submit(session, title="A draft nobody else sees")
    visible = published(session)
    page = list_proposals(session)
    assert [p.id for p in page.items] == [visible.id]
    assert page.total == 1
    assert list_proposals(session, state=ProposalState.DRAFT).total == 0


def test_list_shows_the_authors_own_drafts_when_asked_by_author(session):
    draft = submit(session, title="My own unfinished draft")
    published(session, OTHER, title="Somebody else's proposal")
    page = list_proposals(session, author_id=AUTHOR.id)
    assert [p.id for p in page.items] == [draft.id]


def test_list_filters_by_state_when_asked(session, admin):
    open_one = published(session)
    closed = published(session, title="Closed by the admin team")
    close_proposal(session, admin, closed.id)
    assert [p.id for p in list_proposals(session, state="collecting").items] == [open_one.id]
    assert [p.id for p in list_proposals(session, state=ProposalState.CLOSED).items] == [
        closed.id]


def test_list_filters_by_category_when_asked(session):
    health = published(session)
    published(session, title="More buses at night please", category="transport")
    assert [p.id for p in list_proposals(session, category="health").items] == [health.id]
    assert list_proposals(session, category="weather").total == 0


def test_list_finds_korean_text_when_searching_title_and_body(session):
    title = published(session, title="동네 보건소에서 난임 주사 맞게 해주세요")
    body = published(session, title="Health centres for everyone",
                     body="보건소에서 난임 주사를 맞을 수 있다면 좋겠습니다. 직장인에게 꼭 필요합니다.")
    published(session, title="심야 버스를 늘려 주세요", category="transport",
              body="밤늦게 퇴근하는 시민을 위해 심야 버스 노선을 늘려 주세요.")
    found = list_proposals(session, q="난임 주사")
    assert sorted(p.id for p in found.items) == sorted([title.id, body.id])
    assert list_proposals(session, q="  보건소  ").total == 2


def test_list_search_ignores_case_when_searching_latin_text(session):
    proposal = published(session, title="Quiet hours in PARKS at night")
    assert [p.id for p in list_proposals(session, q="parks").items] == [proposal.id]


@pytest.mark.parametrize("q", ["%", "_", "100%", "a_b", "\\"])
def test_list_search_treats_wildcards_literally_when_query_contains_them(session, q):
    literal = published(session, title="Raise recycling to 100% by 2030 a_b \\")
    published(session, title="Plain title without symbols")
    found = list_proposals(session, q=q)
    assert [p.id for p in found.items] == [literal.id]


def test_list_sorts_newest_first_when_no_sort_is_given(session, clock):
    ids = []
    for n in range(3):
        ids.append(published(session, title=f"Proposal number {n} here").id)
        clock.advance(hours=1)
    assert [p.id for p in list_proposals(session).items] == ids[::-1]


def test_list_sorts_by_agreements_when_most_agreed(session):
    few = published(session, title="Proposal with one agreement")
    many = published(session, title="Proposal with three agreements")
    none = published(session, title="Proposal with no agreements")
    agree(session, citizen(10), few.id)
    for n in range(3):
        agree(session, citizen(20 + n), many.id)
    items = list_proposals(session, sort=Sort.MOST_AGREED).items
    assert [p.id for p in items] == [many.id, few.id, none.id]
    assert [p.agreement_count for p in items] == [3, 1, 0]


def test_list_sorts_open_proposals_by_end_date_when_closing_soon(session, clock, admin):
    early = published(session, title="Published first, ends first")
    clock.advance(days=2)
    closed = published(session, title="Closed early by the admin")
    close_proposal(session, admin, closed.id)
    clock.advance(days=2)
    late = published(session, title="Published last, ends last")
    items = list_proposals(session, sort="closing_soon").items
    assert [p.id for p in items] == [early.id, late.id, closed.id]


def test_list_pages_through_results_when_per_page_is_small(session, clock):
    ids = []
    for n in range(5):
        ids.append(published(session, title=f"Paged proposal number {n}").id)
        clock.advance(minutes=1)
    first = list_proposals(session, per_page=2)
    last = list_proposals(session, per_page=2, page=3)
    beyond = list_proposals(session, per_page=2, page=4)
    assert [p.id for p in first.items] == [ids[4], ids[3]]
    assert (first.total, first.pages, first.has_next, first.has_prev) == (5, 3, True, False)
    assert [p.id for p in last.items] == [ids[0]]
    assert (last.has_next, last.has_prev) == (False, True)
    assert beyond.items == [] and beyond.total == 5


@pytest.mark.parametrize("page, per_page", [(0, 10), (-1, 10), (1, 101), (1, -3)])
def test_list_is_refused_when_page_or_size_is_out_of_range(session, page, per_page):
    with pytest.raises(InvalidInput) as caught:
        list_proposals(session, page=page, per_page=per_page)
    assert caught.value.fields


def test_list_is_refused_when_sort_is_unknown(session):
    with pytest.raises(InvalidInput) as caught:
        list_proposals(session, sort="random")
    assert list(caught.value.fields) == ["sort"]


def test_similar_finds_a_proposal_when_the_wording_differs(session):
    original = published(session, title="동네 보건소에서 난임 주사 맞게 해주세요",
                         body="난임 부부가 가까운 보건소에서 주사를 맞을 수 있게 해주세요.")
    published(session, title="심야 버스를 늘려 주세요", category="transport",
              body="밤늦게 퇴근하는 시민을 위해 심야 버스 노선을 늘려 주세요.")
    pairs = find_similar(session, "보건소에서 난임 주사를 맞고 싶어요")
    assert [p.id for p, _ in pairs] == [original.id]
    assert 0.2 <= pairs[0][1] <= 1.0


def test_similar_finds_a_near_identical_title_when_the_candidate_has_a_long_body(session):
    original = published(session, title="동네 보건소에서 난임 주사 맞게 해주세요", body=(
        "난임 시술을 받는 동안에는 정해진 시간에 맞춰 매일 주사를 맞아야 합니다. 직장에 다니면서 "
        "멀리 있는 난임 병원까지 날마다 오가기는 너무 어렵습니다. 처방은 병원에서 받고, 주사만 "
        "보건소에서 맞을 수 있으면 시간과 비용을 크게 줄일 수 있습니다.") * 2)

    pairs = find_similar(session, "보건소에서 난임 주사 맞게 해주세요")

    assert [p.id for p, _ in pairs] == [original.id] and pairs[0][1] > 0.7


def test_similar_leaves_out_a_duplicate_that_was_merged(session, admin):
    from deliberation.proposals.admin import merge_proposals

    target = published(session, title="Free night buses for shift workers")
    duplicate = published(session, title="Free night buses for shift workers!")
    merge_proposals(session, admin, duplicate.id, target.id)

    pairs = find_similar(session, "Free night buses for shift workers")

    assert [p.id for p, _ in pairs] == [target.id]


def test_similar_ranks_the_closest_first_when_several_match(session):
    close = published(session, title="Free night buses for shift workers")
    far = published(session, title="Night buses to the river parks")
    pairs = find_similar(session, "Free night buses for shift workers", threshold=0.1)
    assert [p.id for p, _ in pairs][:2] == [close.id, far.id]
    assert pairs[0][1] > pairs[1][1]


def test_similar_skips_drafts_and_the_excluded_proposal_when_searching(session):
    submit(session, title="Free night buses for shift workers")
    own = published(session, title="Free night buses for shift workers")
    assert find_similar(session, "Free night buses for shift workers", exclude_id=own.id) == []


def test_similar_finds_nothing_when_text_is_unrelated_or_empty(session):
    published(session)
    assert find_similar(session, "심야 버스를 늘려 주세요") == []
    assert find_similar(session, "") == []
