"""Live Q&A ("flow talk"): questions from phones during the meeting, upvotes
once each, moderation by organisers, a version counter screens poll, the
big screen, and closing a day after the meeting."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import (
    InvalidInput, LiveQuestion, LiveQuestionVote, Meeting, NotAuthenticated, NotFound,
    Participant, PermissionDenied, Role, WrongState,
)
from deliberation.errors import RateLimited
from deliberation.meetings.operations import create_meeting, edit_meeting, publish_meeting
from deliberation.meetings.qna import (
    RATE_LIMIT, big_screen, live_questions, moderate_question, post_question, upvote_question,
)
from deliberation.meetings.registration import cancel_registration, register
from tests.conftest import START, citizen

OFFICIAL = Participant(id="official", roles={Role.DEPARTMENT_OFFICIAL}, department="health")
MAYOR_OFFICE = Participant(id="mayor", roles={Role.MAYOR_OFFICE})
ADMIN = Participant(id="admin", roles={Role.ADMIN, Role.CITIZEN})
COMMITTEE = Participant(id="committee", roles={Role.AGENDA_COMMITTEE, Role.CITIZEN})

STARTS = START + timedelta(days=20)
ENDS = STARTS + timedelta(hours=1)
DEADLINE = STARTS - timedelta(days=1)
CLOSES = ENDS + timedelta(days=1)

#: confirmed: c1, c2, c5, c6; waitlisted: c3; cancelled: c4
ATTENDEES = (1, 2, 5, 6)


def version(session, meeting_id):
    session.expire_all()
    return session.scalar(sa.select(Meeting.qna_version).where(Meeting.id == meeting_id))


def stored(session):
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(LiveQuestion))


def ask(session, meeting_id, n, body=None):
    return post_question(session, citizen(n), meeting_id,
                         body=body or f"A question from citizen {n}")


# -- who may post ------------------------------------------------------------------------


@pytest.fixture
def hall(session, clock):
    """A meeting with confirmed c1, c2, c5, c6; waitlisted c3; cancelled c4;
    the clock at the flow talk."""
    meeting = create_meeting(session, OFFICIAL, title="Citizen meeting on injections",
                             venue="City hall, room 3", starts_at=STARTS, ends_at=ENDS,
                             registration_deadline=DEADLINE, capacity=len(ATTENDEES))
    publish_meeting(session, OFFICIAL, meeting.id)
    for n in (*ATTENDEES, 3, 4):
        register(session, citizen(n), meeting.id)
    cancel_registration(session, citizen(4), meeting.id)  # waiting, then gone
    clock.set(STARTS + timedelta(minutes=40))
    return meeting


def test_confirmed_registrant_posts_a_stripped_question_when_the_qna_is_open(
        session, hall, clock):
    before = version(session, hall.id)
    question = post_question(session, citizen(1), hall.id, body="  Will clinics join too?  ")
    assert (question.body, question.author_name, question.created_at, question.upvote_count) == (
        "Will clinics join too?", "Citizen 1", clock.now, 0)
    assert version(session, hall.id) == before + 1
    assert [q.id for q in live_questions(session, hall.id)[1]] == [question.id]


def test_questions_may_come_in_when_the_meeting_has_not_started_yet(session, hall, clock):
    clock.set(STARTS - timedelta(days=3))
    assert ask(session, hall.id, 1).created_at == clock.now


@pytest.mark.parametrize("n", [3, 4, 9], ids=["waitlisted", "cancelled", "not registered"])
def test_post_is_refused_when_the_person_has_no_seat(session, hall, n):
    before = version(session, hall.id)
    with pytest.raises(PermissionDenied):
        ask(session, hall.id, n)
    assert stored(session) == 0
    assert version(session, hall.id) == before


def test_anyone_posts_when_the_organiser_allows_online_questions(session, hall):
    edit_meeting(session, OFFICIAL, hall.id, online_questions=True)
    for n in (3, 4, 9):
        ask(session, hall.id, n)
    assert stored(session) == 3


@pytest.mark.parametrize("person, error", [
    (None, NotAuthenticated), (MAYOR_OFFICE, PermissionDenied)])
def test_post_is_refused_when_the_person_is_not_a_citizen(session, hall, person, error):
    with pytest.raises(error):
        post_question(session, person, hall.id, body="Is anyone listening?")
    assert stored(session) == 0


def test_post_is_refused_when_the_meeting_is_a_draft(session, clock):
    draft = create_meeting(session, OFFICIAL, title="A meeting still being planned")
    with pytest.raises(NotFound):
        ask(session, draft.id, 1)
    assert stored(session) == 0


def test_post_is_refused_when_the_meeting_does_not_exist(session):
    with pytest.raises(NotFound):
        ask(session, 4242, 1)


@pytest.mark.parametrize("body", ["", "   ", "\n\t", "x" * 301],
                         ids=["empty", "spaces", "whitespace", "301 characters"])
def test_post_is_refused_with_a_body_message_when_empty_or_too_long(session, hall, body):
    before = version(session, hall.id)
    with pytest.raises(InvalidInput) as caught:
        post_question(session, citizen(1), hall.id, body=body)
    assert list(caught.value.fields) == ["body"]
    assert caught.value.fields["body"]
    assert stored(session) == 0
    assert version(session, hall.id) == before


def test_post_is_accepted_when_the_body_is_exactly_300_characters(session, hall):
    assert len(ask(session, hall.id, 1, body="가" * 300).body) == 300


def test_post_is_judged_stripped_when_spaces_surround_300_characters(session, hall):
    assert ask(session, hall.id, 1, body="  " + "x" * 300 + "  ").body == "x" * 300


# -- the rate limit -----------------------------------------------------------------------


def test_fourth_post_within_a_minute_is_refused_when_three_were_posted(session, hall, clock):
    for i in range(RATE_LIMIT):
        ask(session, hall.id, 1, body=f"Question number {i}")
        clock.advance(seconds=10)
    before = version(session, hall.id)
    with pytest.raises(RateLimited):
        ask(session, hall.id, 1, body="One too many")
    assert stored(session) == RATE_LIMIT
    assert version(session, hall.id) == before


def test_posting_is_allowed_again_when_the_clock_moves_61_seconds(session, hall, clock):
    for i in range(RATE_LIMIT):
        ask(session, hall.id, 1, body=f"Question number {i}")
    clock.advance(seconds=59)
    with pytest.raises(RateLimited):
        ask(session, hall.id, 1, body="Still too soon")
    clock.advance(seconds=2)
    assert ask(session, hall.id, 1, body="Now it is fine").body == "Now it is fine"


def test_rate_limit_is_per_person_when_another_attendee_posts(session, hall):
    for i in range(RATE_LIMIT):
        ask(session, hall.id, 1, body=f"Question number {i}")
    assert ask(session, hall.id, 2).participant_id == "c2"


def test_refused_posts_do_not_count_against_the_limit_when_they_were_invalid(session, hall):
    for body in ("", "   ", "x" * 301):
        with pytest.raises(InvalidInput):
            post_question(session, citizen(1), hall.id, body=body)
    for i in range(RATE_LIMIT):
        ask(session, hall.id, 1, body=f"Question number {i}")
    assert stored(session) == RATE_LIMIT


# -- upvotes -------------------------------------------------------------------------------


def test_upvote_counts_once_per_person_when_repeated(session, hall):
    question = ask(session, hall.id, 1)
    assert upvote_question(session, citizen(2), question.id) == 1
    before = version(session, hall.id)
    assert upvote_question(session, citizen(2), question.id) == 1
    assert version(session, hall.id) == before
    assert upvote_question(session, citizen(1), question.id) == 2
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(LiveQuestionVote)) == 2


def test_upvote_is_refused_when_the_question_is_hidden(session, hall):
    question = ask(session, hall.id, 1)
    moderate_question(session, OFFICIAL, question.id, hidden=True)
    with pytest.raises(WrongState):
        upvote_question(session, citizen(2), question.id)
    assert session.get(LiveQuestion, question.id, populate_existing=True).upvote_count == 0


@pytest.mark.parametrize("n", [3, 4, 9], ids=["waitlisted", "cancelled", "not registered"])
def test_upvote_is_refused_when_the_person_could_not_post_either(session, hall, n):
    question = ask(session, hall.id, 1)
    with pytest.raises(PermissionDenied):
        upvote_question(session, citizen(n), question.id)
    assert session.get(LiveQuestion, question.id, populate_existing=True).upvote_count == 0


def test_online_viewer_upvotes_when_the_organiser_allows_online_questions(session, hall):
    edit_meeting(session, OFFICIAL, hall.id, online_questions=True)
    question = ask(session, hall.id, 1)
    assert upvote_question(session, citizen(9), question.id) == 1


@pytest.mark.parametrize("person, error", [
    (None, NotAuthenticated), (OFFICIAL, PermissionDenied)])
def test_upvote_is_refused_when_the_person_is_not_a_citizen(session, hall, person, error):
    question = ask(session, hall.id, 1)
    with pytest.raises(error):
        upvote_question(session, person, question.id)


def test_upvote_is_refused_when_the_question_does_not_exist(session, hall):
    with pytest.raises(NotFound):
        upvote_question(session, citizen(1), 4242)


# -- moderation ------------------------------------------------------------------------------


def test_hidden_question_leaves_the_live_list_when_a_moderator_hides_it(session, hall, clock):
    kept, hidden = ask(session, hall.id, 1), ask(session, hall.id, 2)
    moderated = moderate_question(session, MAYOR_OFFICE, hidden.id, hidden=True)
    assert moderated.hidden_at == clock.now
    assert [q.id for q in live_questions(session, hall.id)[1]] == [kept.id]
    assert {q.id for q in live_questions(session, hall.id, include_hidden=True)[1]} == {
        kept.id, hidden.id}
    moderate_question(session, MAYOR_OFFICE, hidden.id, hidden=False)
    assert {q.id for q in live_questions(session, hall.id)[1]} == {kept.id, hidden.id}


@pytest.mark.parametrize("organiser", [ADMIN, MAYOR_OFFICE, OFFICIAL], ids=lambda p: p.id)
def test_organiser_pins_and_marks_answered_when_moderating(session, hall, clock, organiser):
    question = ask(session, hall.id, 1)
    moderated = moderate_question(session, organiser, question.id, pinned=True, answered=True)
    assert (moderated.pinned_at, moderated.answered_at, moderated.hidden_at) == (
        clock.now, clock.now, None)
    undone = moderate_question(session, organiser, question.id, pinned=False)
    assert (undone.pinned_at, undone.answered_at) == (None, clock.now)


@pytest.mark.parametrize("actor, error", [
    (citizen(1), PermissionDenied), (COMMITTEE, PermissionDenied), (None, NotAuthenticated)])
def test_moderation_is_refused_when_the_actor_is_not_an_organiser(session, hall, actor, error):
    question = ask(session, hall.id, 2)
    before = version(session, hall.id)
    for flag in ("hidden", "pinned", "answered"):
        with pytest.raises(error):
            moderate_question(session, actor, question.id, **{flag: True})
    fresh = session.get(LiveQuestion, question.id, populate_existing=True)
    assert (fresh.hidden_at, fresh.pinned_at, fresh.answered_at) == (None, None, None)
    assert version(session, hall.id) == before


def test_moderation_without_a_flag_changes_nothing_when_called(session, hall):
    question = ask(session, hall.id, 1)
    before = version(session, hall.id)
    moderate_question(session, OFFICIAL, question.id)
    assert version(session, hall.id) == before


def test_moderation_is_refused_when_the_question_does_not_exist(session, hall):
    with pytest.raises(NotFound):
        moderate_question(session, OFFICIAL, 4242, hidden=True)


# -- order, version and the big screen ----------------------------------------------------


def test_live_list_shows_pinned_then_most_upvoted_then_oldest_when_mixed(session, hall, clock):
    old = ask(session, hall.id, 1, body="The oldest question")
    clock.advance(seconds=61)
    popular = ask(session, hall.id, 2, body="The popular question")
    clock.advance(seconds=61)
    newer = ask(session, hall.id, 1, body="A newer question")
    clock.advance(seconds=61)
    pinned = ask(session, hall.id, 2, body="The pinned question")
    for n in (1, 5, 6):
        upvote_question(session, citizen(n), popular.id)
    upvote_question(session, citizen(5), newer.id)
    moderate_question(session, OFFICIAL, pinned.id, pinned=True)
    _, items = live_questions(session, hall.id)
    assert [q.body for q in items] == [pinned.body, popular.body, newer.body, old.body]


def test_version_is_unchanged_and_no_list_is_read_when_the_screen_is_up_to_date(session, hall):
    ask(session, hall.id, 1)
    current, items = live_questions(session, hall.id)
    assert len(items) == 1
    assert live_questions(session, hall.id, since_version=current) == (current, None)
    stale_version, stale_items = live_questions(session, hall.id, since_version=current - 1)
    assert (stale_version, len(stale_items)) == (current, 1)


def test_every_change_bumps_the_version_when_posting_upvoting_and_moderating(session, hall):
    seen = [live_questions(session, hall.id)[0]]
    question = ask(session, hall.id, 1)
    seen.append(live_questions(session, hall.id, since_version=seen[-1])[0])
    upvote_question(session, citizen(2), question.id)
    seen.append(live_questions(session, hall.id, since_version=seen[-1])[0])
    moderate_question(session, OFFICIAL, question.id, pinned=True)
    seen.append(live_questions(session, hall.id, since_version=seen[-1])[0])
    moderate_question(session, OFFICIAL, question.id, answered=True)
    seen.append(live_questions(session, hall.id, since_version=seen[-1])[0])
    moderate_question(session, OFFICIAL, question.id, hidden=True)
    seen.append(live_questions(session, hall.id, since_version=seen[-1])[0])
    assert seen == [seen[0] + i for i in range(6)]


def test_live_list_is_refused_when_the_meeting_does_not_exist(session):
    with pytest.raises(NotFound):
        live_questions(session, 4242)


def test_big_screen_shows_the_top_unanswered_questions_when_some_were_answered(
        session, hall, clock):
    posted = []
    for i in range(8):
        posted.append(ask(session, hall.id, ATTENDEES[i % 4], body=f"Question number {i}"))
        clock.advance(seconds=20)
    for n in ATTENDEES:
        upvote_question(session, citizen(n), posted[7].id)
    moderate_question(session, OFFICIAL, posted[0].id, answered=True)
    moderate_question(session, OFFICIAL, posted[1].id, hidden=True)
    version_now, shown = big_screen(session, hall.id, limit=5)
    assert version_now == version(session, hall.id)
    assert [q.body for q in shown] == [
        "Question number 7", "Question number 2", "Question number 3", "Question number 4",
        "Question number 5"]


# -- closing --------------------------------------------------------------------------------


def test_post_is_accepted_when_one_second_remains_before_the_qna_closes(session, hall, clock):
    clock.set(CLOSES - timedelta(seconds=1))
    assert ask(session, hall.id, 1).created_at == clock.now


@pytest.mark.parametrize("after", [timedelta(0), timedelta(days=3)],
                         ids=["a day after the end", "days later"])
def test_post_and_upvote_are_refused_when_the_qna_has_closed(session, hall, clock, after):
    question = ask(session, hall.id, 1)
    clock.set(CLOSES + after)
    with pytest.raises(WrongState):
        ask(session, hall.id, 2)
    with pytest.raises(WrongState):
        upvote_question(session, citizen(2), question.id)
    assert stored(session) == 1
    assert live_questions(session, hall.id)[1][0].upvote_count == 0


def test_live_list_of_a_draft_is_not_found_when_the_viewer_is_no_organiser(session):
    draft = create_meeting(session, OFFICIAL, title="Citizen meeting on injections",
                           online_questions=True)

    for viewer in (None, citizen(1), COMMITTEE):
        with pytest.raises(NotFound):
            live_questions(session, draft.id, viewer=viewer)
        with pytest.raises(NotFound):
            big_screen(session, draft.id, viewer=viewer)
    assert live_questions(session, draft.id, viewer=OFFICIAL)[1] == []
    with pytest.raises(WrongState):  # an organiser sees the draft, but its Q&A is not open
        post_question(session, ADMIN, draft.id, body="Testing the draft")
    assert stored(session) == 0


def test_voted_question_ids_reads_the_votes_of_a_whole_list_in_one_query(session, hall):
    from deliberation.meetings.qna import voted_question_ids
    questions = [ask(session, hall.id, n, body=f"Question number {i}")
                 for i, n in enumerate((1, 5, 6, 1, 5))]
    for question in questions[1:4:2]:
        upvote_question(session, citizen(2), question.id)
    ids = [q.id for q in questions]
    statements = []
    engine = session.get_bind()

    def count(*args):
        statements.append(1)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        voted = voted_question_ids(session, citizen(2), ids)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)

    assert voted == {ids[1], ids[3]} and len(statements) == 1
    assert voted_question_ids(session, citizen(1), ids) == set()
    assert voted_question_ids(session, None, ids) == set()
