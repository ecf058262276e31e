"""Opinions on proposals (comments): several per person, changed only by their
author, never counted as agreements."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import (
    Agreement, Comment, InvalidInput, NotAuthenticated, NotFound, Participant,
    PermissionDenied, Proposal, Role, WrongState,
)
from deliberation.comments import comments_of, delete_comment, edit_comment, post_comment
from deliberation.proposals.admin import hide_proposal
from deliberation.proposals.operations import submit_proposal
from deliberation.reactions import Subject, hide, like
from tests.conftest import citizen

AUTHOR = citizen(1)
OFFICIAL = Participant(id="official", roles={Role.DEPARTMENT_OFFICIAL}, department="health")
BODY = "My clinic is an hour away; a health centre would be ten minutes."


def publish(session, title="Let us get injections at our health centre", publish=True):
    return submit_proposal(
        session, AUTHOR, title=title, category="health", publish=publish,
        body="Travelling to a clinic every day during treatment is hard for working couples.")


def comment(session, proposal_id, n=2, body=BODY):
    return post_comment(session, citizen(n), proposal_id, body=body)


def stored(session, proposal_id):
    """(body, deleted) of every comment row, oldest first, as the database holds them."""
    session.expire_all()
    return [(c.body, c.deleted_at is not None) for c in session.scalars(
        sa.select(Comment).where(Comment.proposal_id == proposal_id).order_by(Comment.id))]


def listed(session, proposal_id, **kwargs):
    items, total = comments_of(session, proposal_id, **kwargs)
    return [c.body for c in items], total


@pytest.fixture
def proposal(session):
    return publish(session)


# -- posting ---------------------------------------------------------------------


def test_comment_is_stored_when_a_citizen_writes_one(session, proposal, clock):
    posted = comment(session, proposal.id, 2, "  " + BODY + "\n")
    session.expire_all()
    row = session.get(Comment, posted.id)
    assert (row.proposal_id, row.participant_id, row.author_name, row.body) == (
        proposal.id, "c2", "Citizen 2", BODY)
    assert (row.created_at, row.updated_at, row.like_count, row.report_count) == (
        clock.now, clock.now, 0, 0)


def test_citizen_may_write_several_comments_when_they_have_more_to_say(session, proposal):
    for body in ("First thought on this.", "Second thought.", "Third, after reading more."):
        comment(session, proposal.id, 2, body)
    comment(session, proposal.id, 3, "Someone else's view.")
    assert listed(session, proposal.id)[1] == 4
    assert session.scalar(sa.select(sa.func.count()).select_from(Comment)
                          .where(Comment.participant_id == "c2")) == 3


def test_comment_is_not_an_agreement_when_posted(session, proposal):
    comment(session, proposal.id, 2)
    comment(session, proposal.id, 3)
    session.expire_all()
    assert session.get(Proposal, proposal.id).agreement_count == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 0


def test_author_may_comment_when_on_their_own_proposal(session, proposal):
    assert post_comment(session, AUTHOR, proposal.id, body="An update from the author.")


def test_comment_is_accepted_when_it_is_exactly_2000_characters(session, proposal):
    comment(session, proposal.id, 2, "난" * 2000)
    assert len(stored(session, proposal.id)[0][0]) == 2000


@pytest.mark.parametrize("body", ["", "    ", "\n\n", "x" * 2001])
def test_comment_is_refused_when_the_body_is_blank_or_too_long(session, proposal, body):
    with pytest.raises(InvalidInput) as caught:
        comment(session, proposal.id, 2, body)
    assert caught.value.status == 422
    assert set(caught.value.fields) == {"body"}
    assert stored(session, proposal.id) == []


def test_comment_is_refused_when_nobody_is_logged_in(session, proposal):
    with pytest.raises(NotAuthenticated):
        post_comment(session, None, proposal.id, body=BODY)
    assert stored(session, proposal.id) == []


def test_comment_is_refused_when_the_writer_is_not_a_citizen(session, proposal):
    with pytest.raises(PermissionDenied):
        post_comment(session, OFFICIAL, proposal.id, body=BODY)
    assert stored(session, proposal.id) == []


def test_comment_is_refused_as_not_found_when_the_proposal_is_a_draft(session):
    draft = publish(session, title="A draft nobody else sees", publish=False)
    with pytest.raises(NotFound):
        comment(session, draft.id)
    with pytest.raises(NotFound):
        post_comment(session, AUTHOR, draft.id, body="Even its author cannot comment yet.")
    assert stored(session, draft.id) == []


def test_comment_is_refused_when_the_proposal_does_not_exist(session):
    with pytest.raises(NotFound):
        comment(session, 999)
    assert session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 0


def test_comment_is_refused_when_the_proposal_is_hidden(session, proposal, admin):
    hide_proposal(session, admin, proposal.id, reason="Personal data in the text.")
    with pytest.raises(WrongState):
        comment(session, proposal.id)
    assert stored(session, proposal.id) == []


# -- editing and deleting --------------------------------------------------------


@pytest.fixture
def posted(session, proposal):
    return comment(session, proposal.id, 2)


def test_author_edits_their_comment_when_it_is_visible(session, proposal, posted, clock):
    clock.advance(hours=2)
    edit_comment(session, citizen(2), posted.id, body="Corrected: it is 50 minutes away.")
    session.expire_all()
    row = session.get(Comment, posted.id)
    assert row.body == "Corrected: it is 50 minutes away."
    assert (row.created_at, row.updated_at) == (clock.now - timedelta(hours=2), clock.now)


def test_edit_is_refused_when_someone_else_edits(session, proposal, posted):
    with pytest.raises(PermissionDenied):
        edit_comment(session, citizen(3), posted.id, body="Not my words to change.")
    assert stored(session, proposal.id) == [(BODY, False)]


def test_edit_is_refused_when_the_proposal_author_edits_a_comment(session, proposal, posted):
    with pytest.raises(PermissionDenied):
        edit_comment(session, AUTHOR, posted.id, body="The author of the proposal edits.")
    assert stored(session, proposal.id) == [(BODY, False)]


def test_edit_is_refused_when_the_new_body_is_blank(session, proposal, posted):
    with pytest.raises(InvalidInput) as caught:
        edit_comment(session, citizen(2), posted.id, body="   ")
    assert set(caught.value.fields) == {"body"}
    assert stored(session, proposal.id) == [(BODY, False)]


def test_edit_is_refused_when_a_moderator_hid_the_comment(session, proposal, posted, admin):
    hide(session, admin, Subject.COMMENT, posted.id, reason="Insults another participant.")
    with pytest.raises(WrongState):
        edit_comment(session, citizen(2), posted.id, body="Trying to slip it back in.")
    assert stored(session, proposal.id) == [(BODY, False)]


def test_edit_is_refused_as_not_found_when_the_comment_was_deleted(session, proposal, posted):
    delete_comment(session, citizen(2), posted.id)
    with pytest.raises(NotFound):
        edit_comment(session, citizen(2), posted.id, body="Back from the dead.")
    assert stored(session, proposal.id) == [(BODY, True)]


def test_edit_is_refused_when_the_comment_does_not_exist(session):
    with pytest.raises(NotFound):
        edit_comment(session, citizen(2), 999, body="Nothing to edit here.")


def test_author_deletes_their_comment_when_they_change_their_mind(
        session, proposal, posted, clock):
    delete_comment(session, citizen(2), posted.id)
    session.expire_all()
    assert session.get(Comment, posted.id).deleted_at == clock.now
    assert listed(session, proposal.id) == ([], 0)


def test_delete_is_refused_when_someone_else_deletes(session, proposal, posted):
    for other in (citizen(3), AUTHOR):
        with pytest.raises(PermissionDenied):
            delete_comment(session, other, posted.id)
    assert stored(session, proposal.id) == [(BODY, False)]


def test_delete_is_refused_when_nobody_is_logged_in(session, proposal, posted):
    with pytest.raises(NotAuthenticated):
        delete_comment(session, None, posted.id)
    assert stored(session, proposal.id) == [(BODY, False)]


def test_delete_is_refused_as_not_found_when_deleted_twice(session, proposal, posted, clock):
    delete_comment(session, citizen(2), posted.id)
    first = clock.now
    clock.advance(minutes=5)
    with pytest.raises(NotFound):
        delete_comment(session, citizen(2), posted.id)
    session.expire_all()
    assert session.get(Comment, posted.id).deleted_at == first


# -- listing ---------------------------------------------------------------------


@pytest.fixture
def three(session, proposal, clock):
    """Three comments a minute apart by c2, c3, c4; c3's has two likes, c4's one."""
    made = []
    for n in (2, 3, 4):
        made.append(comment(session, proposal.id, n, f"Comment by citizen {n}."))
        clock.advance(minutes=1)
    for liker in (10, 11):
        like(session, citizen(liker), Subject.COMMENT, made[1].id)
    like(session, citizen(10), Subject.COMMENT, made[2].id)
    return made


def test_comments_list_newest_first_when_no_sort_is_given(session, proposal, three):
    assert listed(session, proposal.id) == ([
        "Comment by citizen 4.", "Comment by citizen 3.", "Comment by citizen 2."], 3)


def test_comments_list_most_liked_first_when_sorted_by_likes(session, proposal, three):
    items, _ = comments_of(session, proposal.id, sort="most_liked")
    assert [(c.participant_id, c.like_count) for c in items] == [
        ("c3", 2), ("c4", 1), ("c2", 0)]


def test_comments_list_leaves_out_deleted_ones_when_listed(session, proposal, three):
    delete_comment(session, citizen(3), three[1].id)
    assert listed(session, proposal.id, sort="most_liked") == ([
        "Comment by citizen 4.", "Comment by citizen 2."], 2)


def test_comments_list_keeps_hidden_ones_in_place_when_listed(session, proposal, three, admin):
    hide(session, admin, Subject.COMMENT, three[0].id, reason="Off topic advertising.")
    items, total = comments_of(session, proposal.id)
    assert total == 3
    assert (items[-1].hidden_reason, items[-1].hidden_at is not None) == (
        "Off topic advertising.", True)


def test_comments_list_comes_in_pages_when_asked(session, proposal, three):
    assert listed(session, proposal.id, page=2, per_page=2) == (["Comment by citizen 2."], 3)


def test_comments_list_is_refused_when_the_sort_is_unknown(session, proposal, three):
    with pytest.raises(InvalidInput) as caught:
        comments_of(session, proposal.id, sort="oldest")
    assert set(caught.value.fields) == {"sort"}


def test_comments_list_is_refused_as_not_found_when_the_proposal_is_a_draft(session):
    draft = publish(session, title="A draft nobody else sees", publish=False)
    with pytest.raises(NotFound):
        comments_of(session, draft.id)


def test_comment_is_refused_when_the_author_withdrew_the_proposal(session):
    from deliberation.proposals.operations import withdraw_proposal

    proposal = submit_proposal(session, citizen(1), title="Bike lanes on the river road",
                               body="Protected lanes would make the commute safe for children.",
                               category="transport", publish=True)
    post_comment(session, citizen(2), proposal.id, body="좋습니다")
    withdraw_proposal(session, citizen(1), proposal.id)

    with pytest.raises(WrongState):
        post_comment(session, citizen(3), proposal.id, body="늦었네요")
    assert [c.body for c in comments_of(session, proposal.id)[0]] == ["좋습니다"]
