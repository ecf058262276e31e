"""The citizen meeting (시민간담회): drafted when a proposal reaches the mayor
step, completed and published by organisers only, invisible to citizens while
a draft; the 2019 meeting with its real programme."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from deliberation import (
    AuditEntry, InvalidInput, Meeting, NotAuthenticated, NotFound, Participant, PermissionDenied,
    ProgrammeItem, Proposal, Role, Step, WrongState, signals, unit_of_work,
)
from deliberation.committee import decide_on_proposal
from deliberation.debates.operations import cast_ballot
from deliberation.debates.queries import debate_of_proposal
from deliberation.debates.states import Stance
from deliberation.meetings.operations import (
    create_meeting, edit_meeting, get_meeting, list_meetings, meeting_of_proposal,
    programme_of, publish_meeting,
)
from deliberation.meetings.registration import register
from deliberation.notifications.models import NotificationEvent
from deliberation.proposals.operations import submit_proposal
from deliberation.threshold.operations import record_milestones
from deliberation.threshold.rules import Metric
from deliberation.timeline import timeline_of
from deliberation.votes.operations import agree
from tests.conftest import START, citizen

OFFICIAL = Participant(id="official", roles={Role.DEPARTMENT_OFFICIAL}, department="health")
MAYOR_OFFICE = Participant(id="mayor", roles={Role.MAYOR_OFFICE})
ADMIN = Participant(id="admin", roles={Role.ADMIN, Role.CITIZEN})
COMMITTEE = Participant(id="committee", roles={Role.AGENDA_COMMITTEE, Role.CITIZEN})
ORGANISERS = [ADMIN, MAYOR_OFFICE, OFFICIAL]

TITLE = "동네 보건소에서 난임 주사 맞게 해주세요"
QUESTION = "보건소에서도 난임 주사를 맞을 수 있다면 어떨까요?"
MAYOR_AT = 3

#: the mayor answers after 3 debate participants: small enough to cross in a test
SMALL_LADDER = {
    "name": "small-mayor",
    "rules": [
        {"step": "department_answer", "metric": "agreements", "count": 2},
        {"step": "agenda_committee", "metric": "agreements", "count": 4},
        {"step": "mayor_answer", "metric": "debate_participants", "count": MAYOR_AT},
    ],
}

STARTS = START + timedelta(days=20)
ENDS = STARTS + timedelta(hours=1)
DEADLINE = STARTS - timedelta(days=1)

KST = timezone(timedelta(hours=9))


def kst(day, hour, minute=0):
    return datetime(2019, 3, day, hour, minute, tzinfo=KST)


#: the meeting the 2019 approval document plans
MEETING_2019 = {
    "title": "난임 주사 시민간담회",
    "agenda_question": QUESTION,
    "venue": "사랑의열매회관 B1 대강당",
    "audience": "난임 당사자와 관심 있는 시민",
    "starts_at": kst(26, 19),
    "ends_at": kst(26, 20),
    "registration_deadline": kst(25, 12),
    "capacity": 100,
    "online_questions": False,
    "programme": [
        {"ends_at": kst(26, 19), "title": "입장"},
        {"starts_at": kst(26, 19), "ends_at": kst(26, 19, 5),
         "title": "민주주의 서울 소개 및 경과보고 영상"},
        {"starts_at": kst(26, 19, 5), "ends_at": kst(26, 19, 20), "title": "서울시 답변"},
        {"starts_at": kst(26, 19, 20), "ends_at": kst(26, 19, 40), "title": "패널 토론"},
        {"starts_at": kst(26, 19, 40), "ends_at": kst(26, 20), "title": "흐름토크",
         "note": "스마트폰 실시간 댓글로 묻고 답합니다"},
    ],
}


def complete(**overrides):
    """Everything a meeting needs to be published, three weeks from START."""
    return {"title": "Citizen meeting on infertility injections",
            "agenda_question": QUESTION, "venue": "City hall, room 3",
            "starts_at": STARTS, "ends_at": ENDS, "registration_deadline": DEADLINE,
            "capacity": 100, **overrides}


def publish(session, title=TITLE):
    return submit_proposal(
        session, citizen(1), title=title, category="health", publish=True,
        body="Travelling to a clinic every day during treatment is hard for working couples.")


def open_debate(session, clock, proposal_id):
    """The committee sends the proposal to debate; the clock moves to its start."""
    decide_on_proposal(session, COMMITTEE, proposal_id, decision="open_debate",
                       reason="Many people wrote about this.", debate_question=QUESTION)
    debate = debate_of_proposal(session, proposal_id)
    clock.set(debate.starts_at)
    return debate


def vote(session, debate_id, n):
    return cast_ballot(session, citizen(n), debate_id, stance=Stance.PRO,
                       opinion="Travelling to a clinic every day is hard.")


def meetings_in(session):
    session.expire_all()
    return session.scalars(sa.select(Meeting).order_by(Meeting.id)).all()


@pytest.fixture
def small(make_app):
    app = make_app(DELIBERATION_LADDER=SMALL_LADDER)
    with app.app_context():
        yield app.extensions["deliberation"].db.session


@pytest.fixture
def meeting_signals():
    received = []

    def on_drafted(sender, **kwargs):
        received.append(("meeting_drafted", kwargs))

    def on_published(sender, **kwargs):
        received.append(("meeting_published", kwargs))

    signals.meeting_drafted.connect(on_drafted)
    signals.meeting_published.connect(on_published)
    yield received
    signals.meeting_drafted.disconnect(on_drafted)
    signals.meeting_published.disconnect(on_published)


@pytest.fixture
def draft(session):
    return create_meeting(session, OFFICIAL, **complete())


# -- drafted at the mayor step ---------------------------------------------------


def test_meeting_is_drafted_with_the_title_and_debate_question_when_the_mayor_step_is_reached(
        small, clock):
    proposal = publish(small)
    debate = open_debate(small, clock, proposal.id)
    for n in range(10, 10 + MAYOR_AT - 1):
        vote(small, debate.id, n)
    assert meetings_in(small) == []
    crossing = vote(small, debate.id, 99)

    assert crossing.reached == (Step.MAYOR_ANSWER,)
    meeting = meeting_of_proposal(small, proposal.id)
    assert (meeting.status, meeting.title, meeting.agenda_question, meeting.capacity) == (
        "draft", TITLE, QUESTION, 100)
    assert (meeting.starts_at, meeting.venue, meeting.created_at) == (None, "", clock.now)
    assert programme_of(small, meeting.id) == []


def test_drafted_meeting_is_on_the_timeline_after_the_milestone_when_the_mayor_step_is_reached(
        small, clock):
    proposal = publish(small)
    debate = open_debate(small, clock, proposal.id)
    for n in range(10, 10 + MAYOR_AT):
        vote(small, debate.id, n)
    meeting = meeting_of_proposal(small, proposal.id)
    kinds = [(e.kind, e.occurred_at) for e in timeline_of(small, proposal.id)]
    assert kinds[-2:] == [("milestone_reached", clock.now), ("meeting_drafted", clock.now)]
    drafted = [e for e in timeline_of(small, proposal.id) if e.kind == "meeting_drafted"]
    assert [e.data for e in drafted] == [{"meeting_id": meeting.id}]


def test_meeting_drafted_signal_is_sent_once_when_more_people_vote_after_the_mayor_step(
        small, clock, meeting_signals):
    proposal = publish(small)
    debate = open_debate(small, clock, proposal.id)
    for n in range(10, 10 + MAYOR_AT + 3):
        vote(small, debate.id, n)
    cast_ballot(small, citizen(10), debate.id, stance=Stance.CON,
                opinion="On reflection I changed my mind.")
    meeting = meeting_of_proposal(small, proposal.id)
    assert meeting_signals == [
        ("meeting_drafted", {"meeting_id": meeting.id, "proposal_id": proposal.id})]
    assert len(meetings_in(small)) == 1


def test_no_meeting_is_drafted_when_one_debate_participant_is_missing(
        small, clock, meeting_signals):
    proposal = publish(small)
    debate = open_debate(small, clock, proposal.id)
    for n in range(10, 10 + MAYOR_AT - 1):
        vote(small, debate.id, n)
        cast_ballot(small, citizen(n), debate.id, stance=Stance.CON,
                    opinion="Changing my mind adds nobody.")
    assert meeting_of_proposal(small, proposal.id) is None
    assert meeting_signals == []


def test_no_meeting_is_drafted_when_only_the_lower_steps_are_reached(
        small, clock, meeting_signals):
    proposal = publish(small)
    for n in range(10, 16):
        agree(small, citizen(n), proposal.id)
    assert small.get(Proposal, proposal.id).stage == Step.AGENDA_COMMITTEE
    assert meetings_in(small) == []
    assert meeting_signals == []


def test_drafted_meeting_asks_the_proposal_title_when_the_proposal_had_no_debate(
        small, clock, meeting_signals):
    proposal = publish(small)
    with unit_of_work(small) as work:
        reached = record_milestones(small, work, proposal.id, Metric.DEBATE_PARTICIPANTS,
                                    MAYOR_AT, counting_since=proposal.published_at,
                                    at=clock.now)
    assert reached == [Step.MAYOR_ANSWER]
    meeting = meeting_of_proposal(small, proposal.id)
    assert (meeting.title, meeting.agenda_question) == (TITLE, TITLE)
    assert [name for name, _ in meeting_signals] == ["meeting_drafted"]


def test_no_meeting_or_signal_remains_when_the_milestone_transaction_fails(
        small, clock, meeting_signals):
    proposal = publish(small)
    with pytest.raises(RuntimeError):
        with unit_of_work(small) as work:
            record_milestones(small, work, proposal.id, Metric.DEBATE_PARTICIPANTS, MAYOR_AT,
                              counting_since=proposal.published_at, at=clock.now)
            raise RuntimeError("the ballot failed after the milestone")
    assert meetings_in(small) == []
    assert [e.kind for e in timeline_of(small, proposal.id)
            if e.kind == "meeting_drafted"] == []
    assert meeting_signals == []


def test_mayor_step_keeps_the_meeting_officials_already_created_when_the_step_is_reached(
        small, clock, meeting_signals):
    proposal = publish(small)
    debate = open_debate(small, clock, proposal.id)
    early = create_meeting(small, OFFICIAL, proposal_id=proposal.id,
                           **complete(title="Meeting prepared early"))
    for n in range(10, 10 + MAYOR_AT):
        vote(small, debate.id, n)  # the crossing ballot must not fail
    assert [(m.id, m.title) for m in meetings_in(small)] == [(early.id, "Meeting prepared early")]
    assert meeting_signals == []
    assert small.get(Proposal, proposal.id).stage == Step.MAYOR_ANSWER


def test_drafted_meeting_is_not_found_when_a_citizen_or_nobody_looks(small, clock):
    proposal = publish(small)
    debate = open_debate(small, clock, proposal.id)
    for n in range(10, 10 + MAYOR_AT):
        vote(small, debate.id, n)
    meeting_id = meeting_of_proposal(small, proposal.id).id
    for viewer in (None, citizen(1), COMMITTEE):
        with pytest.raises(NotFound):
            get_meeting(small, meeting_id, viewer=viewer)
    assert list_meetings(small, viewer=citizen(1)) == []
    assert get_meeting(small, meeting_id, viewer=MAYOR_OFFICE).id == meeting_id


# -- created and edited by organisers --------------------------------------------


@pytest.mark.parametrize("organiser", ORGANISERS, ids=lambda p: p.id)
def test_organiser_creates_a_draft_with_its_programme_when_the_input_is_valid(
        session, organiser, clock):
    programme = [{"ends_at": STARTS, "title": "Doors"},
                 {"starts_at": STARTS, "ends_at": ENDS, "title": "Talk", "note": "  live  "}]
    meeting = create_meeting(session, organiser, **complete(programme=programme))
    assert (meeting.status, meeting.created_at, meeting.capacity) == ("draft", clock.now, 100)
    items = programme_of(session, meeting.id)
    assert [(i.position, i.starts_at, i.ends_at, i.title) for i in items] == [
        (1, None, STARTS, "Doors"), (2, STARTS, ENDS, "Talk")]
    audit = session.scalars(sa.select(AuditEntry).where(AuditEntry.subject == "meeting")).all()
    assert [(a.action, a.actor_id, a.subject_id) for a in audit] == [
        ("create_meeting", organiser.id, meeting.id)]


@pytest.mark.parametrize("actor, error", [
    (citizen(1), PermissionDenied),
    (COMMITTEE, PermissionDenied),
    (None, NotAuthenticated),
])
def test_create_is_refused_when_the_actor_is_not_an_organiser(session, actor, error):
    with pytest.raises(error):
        create_meeting(session, actor, **complete())
    assert meetings_in(session) == []


@pytest.mark.parametrize("title", ["Hi", "     ", "x" * 201])
def test_create_is_refused_with_a_title_message_when_the_title_is_short_blank_or_long(
        session, title):
    with pytest.raises(InvalidInput) as caught:
        create_meeting(session, OFFICIAL, **complete(title=title))
    assert list(caught.value.fields) == ["title"]
    assert meetings_in(session) == []


@pytest.mark.parametrize("ends_at", [STARTS, STARTS - timedelta(seconds=1)])
def test_create_is_refused_when_the_end_is_not_after_the_start(session, ends_at):
    with pytest.raises(InvalidInput) as caught:
        create_meeting(session, OFFICIAL, **complete(ends_at=ends_at))
    assert caught.value.fields == {"ends_at": ["Must be after the start."]}


def test_create_is_refused_when_the_deadline_is_after_the_start(session):
    with pytest.raises(InvalidInput) as caught:
        create_meeting(session, OFFICIAL,
                       **complete(registration_deadline=STARTS + timedelta(seconds=1)))
    assert caught.value.fields == {
        "registration_deadline": ["Must not be after the meeting starts."]}


def test_create_accepts_a_deadline_when_it_is_the_start_itself(session):
    meeting = create_meeting(session, OFFICIAL, **complete(registration_deadline=STARTS))
    assert meeting.registration_deadline == STARTS


def test_create_is_refused_naming_the_item_when_a_programme_item_ends_before_it_starts(session):
    programme = [{"starts_at": STARTS, "ends_at": ENDS, "title": "Fine"},
                 {"starts_at": ENDS, "ends_at": ENDS, "title": "Empty"}]
    with pytest.raises(InvalidInput) as caught:
        create_meeting(session, OFFICIAL, **complete(programme=programme))
    assert caught.value.fields == {"programme": {1: {"ends_at": ["Must be after the start."]}}}
    assert session.scalar(sa.select(sa.func.count()).select_from(ProgrammeItem)) == 0


@pytest.mark.parametrize("item, field", [
    ({"title": "No end"}, "ends_at"),
    ({"ends_at": ENDS, "title": "   "}, "title"),
    ({"ends_at": "2026-03-22T10:00:00", "title": "Naive"}, "ends_at"),
])
def test_create_is_refused_when_a_programme_item_is_malformed(session, item, field):
    with pytest.raises(InvalidInput) as caught:
        create_meeting(session, OFFICIAL, **complete(programme=[item]))
    assert list(caught.value.fields["programme"][0]) == [field]


@pytest.mark.parametrize("capacity", [0, -5, "100", 1.5, 100_001])
def test_create_is_refused_when_the_capacity_is_not_a_positive_whole_number(session, capacity):
    with pytest.raises(InvalidInput) as caught:
        create_meeting(session, OFFICIAL, **complete(capacity=capacity))
    assert list(caught.value.fields) == ["capacity"]


def test_create_is_refused_when_a_time_has_no_timezone(session):
    with pytest.raises(InvalidInput) as caught:
        create_meeting(session, OFFICIAL, **complete(starts_at="2026-03-22T09:00:00"))
    assert list(caught.value.fields) == ["starts_at"]


def test_create_is_refused_when_the_proposal_does_not_exist_or_is_unpublished(session):
    unpublished = submit_proposal(session, citizen(1), title=TITLE, category="health",
                                  body="Travelling to a clinic every day is hard for us.")
    for proposal_id in (4242, unpublished.id):
        with pytest.raises(NotFound):
            create_meeting(session, OFFICIAL, proposal_id=proposal_id, **complete())
    assert meetings_in(session) == []


def test_create_is_refused_when_the_proposal_already_has_a_meeting(session):
    proposal = publish(session)
    create_meeting(session, OFFICIAL, proposal_id=proposal.id, **complete())
    with pytest.raises(WrongState):
        create_meeting(session, MAYOR_OFFICE, proposal_id=proposal.id, **complete())
    assert len(meetings_in(session)) == 1


def test_organiser_completes_a_draft_when_editing_and_the_rest_is_kept(session):
    meeting = create_meeting(session, OFFICIAL, title="Meeting to be planned")
    edited = edit_meeting(session, MAYOR_OFFICE, meeting.id, venue="Hall B1",
                          starts_at=STARTS, ends_at=ENDS, registration_deadline=DEADLINE,
                          programme=[{"starts_at": STARTS, "ends_at": ENDS, "title": "Talk"}])
    assert (edited.title, edited.venue, edited.starts_at, edited.capacity) == (
        "Meeting to be planned", "Hall B1", STARTS, 100)
    again = edit_meeting(session, OFFICIAL, meeting.id, audience="Everyone")
    assert (again.audience, again.venue) == ("Everyone", "Hall B1")
    assert [i.title for i in programme_of(session, meeting.id)] == ["Talk"]


def test_edit_replaces_the_programme_when_a_new_one_is_given(session, clock):
    meeting = create_meeting(session, OFFICIAL, **MEETING_2019)
    shown = programme_of(session, meeting.id)  # a page still holds the old items
    edit_meeting(session, OFFICIAL, meeting.id, programme=[
        {"starts_at": kst(26, 19), "ends_at": kst(26, 20), "title": "One long talk"}])
    assert [(i.position, i.title) for i in programme_of(session, meeting.id)] == [
        (1, "One long talk")]
    assert len(shown) == 5


def test_edit_is_refused_when_the_new_end_comes_before_the_stored_start(session, draft):
    with pytest.raises(InvalidInput) as caught:
        edit_meeting(session, OFFICIAL, draft.id, ends_at=STARTS - timedelta(hours=1))
    assert list(caught.value.fields) == ["ends_at"]
    assert get_meeting(session, draft.id, viewer=OFFICIAL).ends_at == ENDS


def test_edit_is_refused_when_the_new_start_comes_before_the_stored_deadline(session, draft):
    with pytest.raises(InvalidInput) as caught:
        edit_meeting(session, OFFICIAL, draft.id, starts_at=DEADLINE - timedelta(hours=1),
                     ends_at=DEADLINE)
    assert list(caught.value.fields) == ["registration_deadline"]


@pytest.mark.parametrize("actor, error", [
    (citizen(1), PermissionDenied), (COMMITTEE, PermissionDenied), (None, NotAuthenticated)])
def test_edit_is_refused_when_the_editor_is_not_an_organiser(session, draft, actor, error):
    with pytest.raises(error):
        edit_meeting(session, actor, draft.id, venue="Somewhere else")
    assert get_meeting(session, draft.id, viewer=OFFICIAL).venue == "City hall, room 3"


def test_edit_is_refused_when_it_tries_to_set_the_status(session, draft):
    with pytest.raises(InvalidInput) as caught:
        edit_meeting(session, OFFICIAL, draft.id, status="published")
    assert "status" in caught.value.fields
    assert get_meeting(session, draft.id, viewer=OFFICIAL).status == "draft"


def test_edit_is_refused_when_the_meeting_does_not_exist(session):
    with pytest.raises(NotFound):
        edit_meeting(session, OFFICIAL, 4242, venue="Hall")


def test_capacity_cannot_shrink_below_the_confirmed_when_people_registered(session, draft):
    publish_meeting(session, OFFICIAL, draft.id)
    for n in range(1, 4):
        register(session, citizen(n), draft.id)
    with pytest.raises(InvalidInput) as caught:
        edit_meeting(session, OFFICIAL, draft.id, capacity=2)
    assert caught.value.fields == {"capacity": ["Not fewer than the people already confirmed."]}
    assert get_meeting(session, draft.id).capacity == 100
    assert edit_meeting(session, OFFICIAL, draft.id, capacity=3).capacity == 3


@pytest.mark.parametrize("field", ["venue", "starts_at", "registration_deadline"])
def test_edit_of_a_published_meeting_is_refused_when_it_would_drop_a_needed_field(
        session, draft, field):
    publish_meeting(session, OFFICIAL, draft.id)
    blank = "" if field == "venue" else None
    with pytest.raises(InvalidInput) as caught:
        edit_meeting(session, OFFICIAL, draft.id, **{field: blank})
    assert list(caught.value.fields) == [field]


# -- publishing ------------------------------------------------------------------


def test_publish_is_refused_naming_each_missing_field_when_the_draft_is_bare(session):
    meeting = create_meeting(session, OFFICIAL, title="Meeting to be planned")
    with pytest.raises(InvalidInput) as caught:
        publish_meeting(session, OFFICIAL, meeting.id)
    assert set(caught.value.fields) == {"starts_at", "ends_at", "registration_deadline", "venue"}
    assert get_meeting(session, meeting.id, viewer=OFFICIAL).status == "draft"


@pytest.mark.parametrize("missing", ["starts_at", "ends_at", "registration_deadline", "venue"])
def test_publish_is_refused_naming_the_field_when_one_is_missing(session, missing):
    fields = complete()
    del fields[missing]
    if missing == "starts_at":
        fields.pop("registration_deadline")  # else the order check has nothing to compare
        meeting = create_meeting(session, OFFICIAL, **fields)
        edit_meeting(session, OFFICIAL, meeting.id, registration_deadline=DEADLINE)
    else:
        meeting = create_meeting(session, OFFICIAL, **fields)
    with pytest.raises(InvalidInput) as caught:
        publish_meeting(session, OFFICIAL, meeting.id)
    assert caught.value.fields == {missing: ["Needed before the meeting is published."]}


@pytest.mark.parametrize("moment", [DEADLINE, DEADLINE + timedelta(hours=3)])
def test_publish_is_refused_when_the_deadline_is_not_in_the_future(session, draft, clock, moment):
    clock.set(moment)
    with pytest.raises(InvalidInput) as caught:
        publish_meeting(session, OFFICIAL, draft.id)
    assert caught.value.fields == {"registration_deadline": ["Must be in the future."]}
    assert get_meeting(session, draft.id, viewer=OFFICIAL).status == "draft"


@pytest.mark.parametrize("actor, error", [
    (citizen(1), PermissionDenied), (COMMITTEE, PermissionDenied), (None, NotAuthenticated)])
def test_publish_is_refused_when_the_actor_is_not_an_organiser(session, draft, actor, error):
    with pytest.raises(error):
        publish_meeting(session, actor, draft.id)
    assert get_meeting(session, draft.id, viewer=OFFICIAL).status == "draft"


def test_publish_is_refused_when_the_meeting_is_already_published(session, draft):
    publish_meeting(session, OFFICIAL, draft.id)
    with pytest.raises(WrongState):
        publish_meeting(session, ADMIN, draft.id)


@pytest.mark.parametrize("organiser", ORGANISERS, ids=lambda p: p.id)
def test_organiser_publishes_and_citizens_see_it_when_the_draft_is_complete(
        session, draft, organiser, meeting_signals):
    published = publish_meeting(session, organiser, draft.id)
    assert published.status == "published"
    assert get_meeting(session, draft.id, viewer=citizen(5)).id == draft.id
    assert get_meeting(session, draft.id).id == draft.id
    assert meeting_signals == [("meeting_published", {"meeting_id": draft.id})]


def test_publishing_a_proposal_meeting_adds_a_timeline_event_and_tells_supporters(
        session, clock):
    proposal = publish(session)
    meeting = create_meeting(session, OFFICIAL, proposal_id=proposal.id, **complete())
    publish_meeting(session, MAYOR_OFFICE, meeting.id)
    published = [e for e in timeline_of(session, proposal.id) if e.kind == "meeting_published"]
    assert [(e.actor_role, e.data) for e in published] == [("mayor_office", {
        "meeting_id": meeting.id, "starts_at": STARTS.isoformat(),
        "venue": "City hall, room 3"})]
    queued = session.scalars(sa.select(NotificationEvent).where(
        NotificationEvent.kind == "meeting_published")).all()
    assert [(e.proposal_id, e.data) for e in queued] == [(proposal.id, {"meeting_id": meeting.id})]


def test_meeting_is_not_found_when_it_does_not_exist(session):
    with pytest.raises(NotFound):
        get_meeting(session, 4242, viewer=ADMIN)
    with pytest.raises(NotFound):
        publish_meeting(session, ADMIN, 4242)


# -- the 2019 meeting --------------------------------------------------------------


def test_2019_meeting_round_trips_with_its_programme_when_created_and_published(
        session, clock):
    clock.set(kst(5, 10))
    meeting = create_meeting(session, MAYOR_OFFICE, **MEETING_2019)
    publish_meeting(session, MAYOR_OFFICE, meeting.id)
    session.expire_all()

    seen = get_meeting(session, meeting.id, viewer=citizen(7))
    assert seen.starts_at == datetime(2019, 3, 26, 10, 0, tzinfo=timezone.utc)
    assert (seen.starts_at, seen.ends_at, seen.registration_deadline) == (
        kst(26, 19), kst(26, 20), kst(25, 12))
    assert (seen.title, seen.agenda_question, seen.venue, seen.audience, seen.capacity) == (
        MEETING_2019["title"], QUESTION, "사랑의열매회관 B1 대강당",
        "난임 당사자와 관심 있는 시민", 100)
    items = programme_of(session, meeting.id)
    assert [(i.position, i.starts_at, i.ends_at, i.title, i.note) for i in items] == [
        (1, None, kst(26, 19), "입장", ""),
        (2, kst(26, 19), kst(26, 19, 5), "민주주의 서울 소개 및 경과보고 영상", ""),
        (3, kst(26, 19, 5), kst(26, 19, 20), "서울시 답변", ""),
        (4, kst(26, 19, 20), kst(26, 19, 40), "패널 토론", ""),
        (5, kst(26, 19, 40), kst(26, 20), "흐름토크", "스마트폰 실시간 댓글로 묻고 답합니다"),
    ]


def test_2019_programme_survives_an_edit_that_does_not_touch_it(session, clock):
    clock.set(kst(5, 10))
    meeting = create_meeting(session, MAYOR_OFFICE, **MEETING_2019)
    publish_meeting(session, MAYOR_OFFICE, meeting.id)
    edit_meeting(session, MAYOR_OFFICE, meeting.id, capacity=130)
    items = programme_of(session, meeting.id)
    assert [(i.starts_at, i.ends_at) for i in items] == [
        (item.get("starts_at"), item["ends_at"]) for item in MEETING_2019["programme"]]
    assert get_meeting(session, meeting.id).capacity == 130


# -- listing -----------------------------------------------------------------------


def test_citizens_see_only_published_meetings_soonest_first_when_listing(session):
    later = create_meeting(session, OFFICIAL, **complete(
        title="The later meeting", starts_at=STARTS + timedelta(days=2),
        ends_at=ENDS + timedelta(days=2)))
    sooner = create_meeting(session, OFFICIAL, **complete(title="The sooner meeting"))
    create_meeting(session, OFFICIAL, **complete(title="A draft meeting"))
    for meeting in (later, sooner):
        publish_meeting(session, OFFICIAL, meeting.id)
    for viewer in (None, citizen(3)):
        assert [m.title for m in list_meetings(session, viewer=viewer)] == [
            "The sooner meeting", "The later meeting"]


def test_organisers_also_see_drafts_with_undated_ones_last_when_listing(session):
    create_meeting(session, OFFICIAL, title="Undated draft meeting")
    dated = create_meeting(session, OFFICIAL, **complete(title="Dated meeting"))
    publish_meeting(session, OFFICIAL, dated.id)
    assert [m.title for m in list_meetings(session, viewer=ADMIN)] == [
        "Dated meeting", "Undated draft meeting"]


def test_upcoming_list_leaves_out_a_meeting_when_it_has_ended(session, clock):
    past = create_meeting(session, OFFICIAL, **complete(title="The first meeting"))
    publish_meeting(session, OFFICIAL, past.id)
    nxt = create_meeting(session, OFFICIAL, **complete(
        title="The second meeting", starts_at=STARTS + timedelta(days=7),
        ends_at=ENDS + timedelta(days=7), registration_deadline=DEADLINE + timedelta(days=7)))
    publish_meeting(session, OFFICIAL, nxt.id)
    clock.set(ENDS)
    assert [m.title for m in list_meetings(session, upcoming_only=True)] == ["The second meeting"]
    assert len(list_meetings(session)) == 2
