"""Likes, reports and moderation of debate opinions and proposal comments."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import (
    AuditEntry, Ballot, Comment, Debate, InvalidInput, Like, NotAuthenticated, NotFound,
    Participant, PermissionDenied, Report, Role, WrongState,
)
from deliberation.comments import delete_comment, post_comment
from deliberation.debates.operations import ballot_of, cast_ballot, create_city_question
from deliberation.debates.queries import opinions, results_of
from deliberation.debates.states import Stance
from deliberation.proposals.operations import submit_proposal
from deliberation.reactions import (
    Subject, dismiss_reports, hide, like, liked_by, moderation_queue, report, unhide, unlike,
)
from tests.conftest import START, citizen

OFFICIAL = Participant(id="official", roles={Role.DEPARTMENT_OFFICIAL}, department="health")
MAYOR_OFFICE = Participant(id="mayor", roles={Role.MAYOR_OFFICE, Role.CITIZEN})
REASON = "Insults another participant."


@pytest.fixture
def debate(session, clock):
    debate = create_city_question(
        session, OFFICIAL, question="What if health centres gave the injections?",
        starts_at=START + timedelta(days=1), ends_at=START + timedelta(days=31))
    clock.set(debate.starts_at)
    return debate


def cast(session, debate_id, n, stance=Stance.PRO):
    cast_ballot(session, citizen(n), debate_id, stance=stance,
                opinion=f"Opinion of citizen {n}.")
    return ballot_of(session, citizen(n), debate_id).id


@pytest.fixture
def opinion(session, debate):
    """c2's opinion, pro."""
    return cast(session, debate.id, 2)


@pytest.fixture
def comment(session):
    proposal = submit_proposal(
        session, citizen(1), title="Let us get injections at our health centre",
        category="health", publish=True,
        body="Travelling to a clinic every day during treatment is hard for working couples.")
    return post_comment(session, citizen(2), proposal.id, body="A health centre is closer.").id


def ballot(session, ballot_id):
    session.expire_all()
    return session.get(Ballot, ballot_id)


def rows(session, model):
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def audit(session):
    session.expire_all()
    return [(e.action, e.subject, e.subject_id, e.actor_id)
            for e in session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


def queue(session):
    return [(row.subject, row.subject_id, row.reports) for row in moderation_queue(session)]


# -- likes -----------------------------------------------------------------------


def test_like_counts_once_when_the_same_citizen_likes_twice(session, opinion):
    assert like(session, citizen(3), Subject.OPINION, opinion) == 1
    assert like(session, citizen(3), "opinion", opinion) == 1
    assert ballot(session, opinion).like_count == 1
    assert rows(session, Like) == 1


def test_likes_add_up_when_different_citizens_like(session, opinion):
    counts = [like(session, citizen(n), Subject.OPINION, opinion) for n in (3, 4, 5)]
    assert counts == [1, 2, 3]
    assert ballot(session, opinion).like_count == rows(session, Like) == 3


def test_like_counts_on_a_comment_when_a_citizen_likes_it(session, comment):
    assert like(session, citizen(3), Subject.COMMENT, comment) == 1
    session.expire_all()
    assert session.get(Comment, comment).like_count == 1


def test_unlike_takes_the_like_back_when_the_citizen_had_liked(session, opinion):
    like(session, citizen(3), Subject.OPINION, opinion)
    like(session, citizen(4), Subject.OPINION, opinion)
    assert unlike(session, citizen(3), Subject.OPINION, opinion) == 1
    assert ballot(session, opinion).like_count == rows(session, Like) == 1
    assert like(session, citizen(3), Subject.OPINION, opinion) == 2


def test_unlike_changes_nothing_when_the_citizen_never_liked(session, opinion):
    like(session, citizen(3), Subject.OPINION, opinion)
    assert unlike(session, citizen(4), Subject.OPINION, opinion) == 1
    assert unlike(session, citizen(3), Subject.OPINION, opinion) == 0
    assert unlike(session, citizen(3), Subject.OPINION, opinion) == 0
    assert ballot(session, opinion).like_count == 0


def test_like_is_refused_when_liking_ones_own_opinion(session, opinion):
    with pytest.raises(PermissionDenied):
        like(session, citizen(2), Subject.OPINION, opinion)
    assert ballot(session, opinion).like_count == rows(session, Like) == 0


def test_like_is_refused_when_liking_ones_own_comment(session, comment):
    with pytest.raises(PermissionDenied):
        like(session, citizen(2), Subject.COMMENT, comment)
    assert rows(session, Like) == 0


def test_like_is_refused_when_the_opinion_is_hidden(session, opinion, admin):
    hide(session, admin, Subject.OPINION, opinion, reason=REASON)
    with pytest.raises(WrongState):
        like(session, citizen(3), Subject.OPINION, opinion)
    assert ballot(session, opinion).like_count == rows(session, Like) == 0


def test_like_is_refused_when_the_comment_was_deleted(session, comment):
    delete_comment(session, citizen(2), comment)
    with pytest.raises(NotFound):
        like(session, citizen(3), Subject.COMMENT, comment)
    assert rows(session, Like) == 0


def test_like_is_refused_when_the_opinion_does_not_exist(session, debate):
    with pytest.raises(NotFound):
        like(session, citizen(3), Subject.OPINION, 999)
    assert rows(session, Like) == 0


def test_like_is_refused_when_the_subject_is_unknown(session, opinion):
    with pytest.raises(InvalidInput) as caught:
        like(session, citizen(3), "proposal", opinion)
    assert set(caught.value.fields) == {"subject"}
    assert rows(session, Like) == 0


def test_like_is_refused_when_nobody_is_logged_in(session, opinion):
    with pytest.raises(NotAuthenticated):
        like(session, None, Subject.OPINION, opinion)
    assert rows(session, Like) == 0


def test_like_is_refused_when_the_participant_is_not_a_citizen(session, opinion):
    with pytest.raises(PermissionDenied):
        like(session, OFFICIAL, Subject.OPINION, opinion)
    assert rows(session, Like) == 0


def test_liked_by_answers_only_for_the_caller_when_asked(session, debate, opinion):
    other = cast(session, debate.id, 4)
    like(session, citizen(3), Subject.OPINION, opinion)
    like(session, citizen(5), Subject.OPINION, other)
    assert liked_by(session, citizen(3), Subject.OPINION, [opinion, other]) == {opinion}
    assert liked_by(session, citizen(5), Subject.OPINION, [opinion, other]) == {other}
    assert liked_by(session, citizen(6), Subject.OPINION, [opinion, other]) == set()
    assert liked_by(session, None, Subject.OPINION, [opinion, other]) == set()
    assert liked_by(session, citizen(3), Subject.COMMENT, [opinion, other]) == set()


# -- reports ---------------------------------------------------------------------


def test_report_counts_once_when_the_same_citizen_reports_twice(session, opinion):
    report(session, citizen(3), Subject.OPINION, opinion, reason="Rude.")
    report(session, citizen(3), Subject.OPINION, opinion, reason="Still rude.")
    assert ballot(session, opinion).report_count == rows(session, Report) == 1
    report(session, citizen(4), Subject.OPINION, opinion)
    assert ballot(session, opinion).report_count == rows(session, Report) == 2


def test_report_is_refused_when_the_reason_is_over_500_characters(session, opinion):
    with pytest.raises(InvalidInput) as caught:
        report(session, citizen(3), Subject.OPINION, opinion, reason="x" * 501)
    assert set(caught.value.fields) == {"reason"}
    assert ballot(session, opinion).report_count == rows(session, Report) == 0


def test_report_is_refused_when_the_opinion_does_not_exist(session, debate):
    with pytest.raises(NotFound):
        report(session, citizen(3), Subject.OPINION, 999)
    assert rows(session, Report) == 0


def test_report_is_refused_when_nobody_is_logged_in(session, opinion):
    with pytest.raises(NotAuthenticated):
        report(session, None, Subject.OPINION, opinion)
    assert rows(session, Report) == 0


def test_moderation_queue_lists_the_most_reported_first_when_several_are_reported(
        session, debate, opinion, comment, clock):
    second = cast(session, debate.id, 3, Stance.CON)
    report(session, citizen(10), Subject.COMMENT, comment)
    clock.advance(minutes=1)
    for n in (10, 11, 12):
        report(session, citizen(n), Subject.OPINION, second)
    for n in (11, 12):
        report(session, citizen(n), Subject.OPINION, opinion)
    clock.advance(minutes=1)
    third = cast(session, debate.id, 4, Stance.OTHER)
    report(session, citizen(10), Subject.OPINION, third)
    assert queue(session) == [
        ("opinion", second, 3), ("opinion", opinion, 2), ("comment", comment, 1),
        ("opinion", third, 1)]


def test_moderation_queue_is_empty_when_nothing_is_reported(session, opinion):
    assert queue(session) == []


# -- hiding ----------------------------------------------------------------------


def test_admin_hides_an_opinion_when_giving_a_public_reason(session, debate, opinion, admin,
                                                             clock):
    for n in (3, 4):
        report(session, citizen(n), Subject.OPINION, opinion)
    clock.advance(hours=1)
    assert hide(session, admin, Subject.OPINION, opinion, reason="  " + REASON + " ")
    hidden = ballot(session, opinion)
    assert (hidden.hidden_at, hidden.hidden_reason) == (clock.now, REASON)
    assert hidden.opinion == "Opinion of citizen 2."  # withheld by readers, not erased
    assert queue(session) == []
    assert set(session.scalars(sa.select(Report.resolved_at))) == {clock.now}
    assert audit(session) == [
        ("create_debate", "debate", debate.id, "official"),
        ("hide_opinion", "opinion", opinion, "admin")]


def test_hidden_ballot_still_counts_when_the_tallies_are_read(session, debate, opinion, admin):
    cast(session, debate.id, 3, Stance.CON)
    hide(session, admin, Subject.OPINION, opinion, reason=REASON)
    session.expire_all()
    assert session.get(Debate, debate.id).pro_count == 1
    results = results_of(session, debate.id)
    assert results.participants == 2
    assert [(s.stance, s.count) for s in results.stances] == [
        (Stance.PRO, 1), (Stance.CON, 1), (Stance.OTHER, 0)]
    items, total = opinions(session, debate.id, stance="pro")
    assert (total, [b.hidden_reason for b in items]) == (1, [REASON])


def test_hidden_ballot_still_moves_the_tallies_when_its_author_changes_stance(
        session, debate, opinion, admin):
    hide(session, admin, Subject.OPINION, opinion, reason=REASON)
    cast_ballot(session, citizen(2), debate.id, stance=Stance.CON, opinion="Calmer words.")
    session.expire_all()
    stored = session.get(Debate, debate.id)
    assert (stored.participant_count, stored.pro_count, stored.con_count) == (1, 0, 1)
    assert ballot(session, opinion).hidden_reason == REASON


def test_admin_hides_a_comment_when_giving_a_public_reason(session, comment, admin):
    hide(session, admin, Subject.COMMENT, comment, reason="Personal data of a nurse.")
    session.expire_all()
    assert session.get(Comment, comment).hidden_reason == "Personal data of a nurse."
    assert [a[0] for a in audit(session)] == ["hide_comment"]


@pytest.mark.parametrize("moderator", [
    OFFICIAL, MAYOR_OFFICE, citizen(3),
    Participant(id="committee", roles={Role.AGENDA_COMMITTEE}),
])
def test_hide_is_refused_when_the_moderator_is_not_an_admin(session, opinion, moderator):
    report(session, citizen(4), Subject.OPINION, opinion)
    with pytest.raises(PermissionDenied):
        hide(session, moderator, Subject.OPINION, opinion, reason=REASON)
    assert ballot(session, opinion).hidden_at is None
    assert queue(session) == [("opinion", opinion, 1)]
    assert [a[0] for a in audit(session)] == ["create_debate"]


@pytest.mark.parametrize("reason", ["", "     ", "Rude", "  Rude  ", "x" * 501, None])
def test_hide_is_refused_when_the_reason_is_missing_short_or_long(
        session, opinion, admin, reason):
    with pytest.raises(InvalidInput) as caught:
        hide(session, admin, Subject.OPINION, opinion, reason=reason)
    assert set(caught.value.fields) == {"reason"}
    assert ballot(session, opinion).hidden_at is None
    assert [a[0] for a in audit(session)] == ["create_debate"]


def test_hide_is_accepted_when_the_reason_is_5_or_500_characters(session, debate, opinion,
                                                                  admin):
    other = cast(session, debate.id, 3)
    hide(session, admin, Subject.OPINION, opinion, reason="Spam.")
    hide(session, admin, Subject.OPINION, other, reason="x" * 500)
    assert ballot(session, opinion).hidden_reason == "Spam."
    assert len(ballot(session, other).hidden_reason) == 500


def test_hide_is_refused_when_already_hidden(session, opinion, admin, clock):
    hide(session, admin, Subject.OPINION, opinion, reason=REASON)
    first = clock.now
    clock.advance(hours=1)
    with pytest.raises(WrongState):
        hide(session, admin, Subject.OPINION, opinion, reason="A second, different reason.")
    assert (ballot(session, opinion).hidden_at, ballot(session, opinion).hidden_reason) == (
        first, REASON)
    assert [a[0] for a in audit(session)].count("hide_opinion") == 1


def test_hide_is_refused_when_the_opinion_does_not_exist(session, debate, admin):
    with pytest.raises(NotFound):
        hide(session, admin, Subject.OPINION, 999, reason=REASON)


def test_admin_unhides_an_opinion_when_it_was_hidden(session, opinion, admin):
    hide(session, admin, Subject.OPINION, opinion, reason=REASON)
    assert unhide(session, admin, Subject.OPINION, opinion)
    restored = ballot(session, opinion)
    assert (restored.hidden_at, restored.hidden_reason) == (None, None)
    assert [a[0] for a in audit(session)] == ["create_debate", "hide_opinion", "unhide_opinion"]
    assert like(session, citizen(3), Subject.OPINION, opinion) == 1


def test_unhide_is_refused_when_the_opinion_is_not_hidden(session, opinion, admin):
    with pytest.raises(WrongState):
        unhide(session, admin, Subject.OPINION, opinion)
    assert [a[0] for a in audit(session)] == ["create_debate"]


def test_unhide_is_refused_when_the_moderator_is_not_an_admin(session, opinion, admin):
    hide(session, admin, Subject.OPINION, opinion, reason=REASON)
    with pytest.raises(PermissionDenied):
        unhide(session, OFFICIAL, Subject.OPINION, opinion)
    assert ballot(session, opinion).hidden_reason == REASON


# -- dismissing reports ----------------------------------------------------------


def test_dismiss_closes_the_open_reports_when_the_opinion_stays(session, debate, opinion,
                                                                admin, clock):
    other = cast(session, debate.id, 3)
    for n in (4, 5):
        report(session, citizen(n), Subject.OPINION, opinion)
    report(session, citizen(4), Subject.OPINION, other)
    clock.advance(hours=1)
    assert dismiss_reports(session, admin, Subject.OPINION, opinion) == 2
    assert queue(session) == [("opinion", other, 1)]
    assert ballot(session, opinion).hidden_at is None
    assert ballot(session, opinion).report_count == 2
    entry = session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "dismiss_reports")).one()
    assert (entry.subject_id, entry.after) == (opinion, {"dismissed": 2})


def test_dismiss_closes_nothing_when_there_are_no_open_reports(session, opinion, admin):
    assert dismiss_reports(session, admin, Subject.OPINION, opinion) == 0


def test_dismiss_is_refused_when_the_moderator_is_not_an_admin(session, opinion):
    report(session, citizen(4), Subject.OPINION, opinion)
    with pytest.raises(PermissionDenied):
        dismiss_reports(session, citizen(3), Subject.OPINION, opinion)
    assert queue(session) == [("opinion", opinion, 1)]
    assert [a[0] for a in audit(session)] == ["create_debate"]



def test_report_is_refused_when_the_opinion_is_already_hidden(session, opinion, admin):
    hide(session, admin, Subject.OPINION, opinion, reason="운영 원칙 위반")

    with pytest.raises(WrongState):
        report(session, citizen(9), Subject.OPINION, opinion, reason="again")
    assert queue(session) == []


def test_moderation_queue_is_refused_when_the_viewer_is_not_an_admin(session):
    from deliberation.reactions import moderation_queue_for

    with pytest.raises(PermissionDenied):
        moderation_queue_for(session, citizen(1))
    with pytest.raises(NotAuthenticated):
        moderation_queue_for(session, None)
