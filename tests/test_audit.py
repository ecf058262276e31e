"""The audit log: every official or admin action writes exactly one entry
(actor, roles, time, before/after) in its own transaction; the database
refuses to change or delete an entry; a refused action leaves no entry."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import (
    AuditEntry, Conflict, InvalidInput, NotFound, PermissionDenied, Step, WrongState,
)
from deliberation.audit import audit_log
from deliberation.committee import decide_on_proposal
from deliberation.notifications.operations import follow
from deliberation.proposals.admin import hide_proposal, merge_proposals, unhide_proposal
from deliberation.proposals.operations import close_proposal
from deliberation.responses.operations import (
    assign_department, post_implementation_update, review_answer,
)
from deliberation.settings import current_settings
from deliberation.votes.operations import agree, withdraw_agreement
from tests.conftest import citizen
from tests.test_responses import (  # noqa: F401  (app: the civic ladder for every test)
    COMMITTEE_MEMBER, HEALTH, HEALTH_OFFICIAL, TRAFFIC, TRAFFIC_OFFICIAL, answer, app,
    count, publish, reach_committee_step, reach_department_step,
)

REASON = "Names a private person."
BODY = "We will **pilot** injections in three districts."
TABLE = AuditEntry.__tablename__


def entries(session):
    session.expire_all()
    return session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()


# Each case prepares the proposal, then returns the action to audit and the
# entry it must write: (actor, action, subject id, before, after).

def _assign(session, admin):
    proposal = publish(session, category="culture")
    reach_department_step(session, proposal.id)
    return (lambda: assign_department(session, admin, proposal.id, department="culture_policy"),
            (admin, "assign", proposal.id, None, {"department": "culture_policy"}))


def _reassign(session, admin):
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    return (lambda: assign_department(session, admin, proposal.id, department=TRAFFIC),
            (admin, "assign", proposal.id, {"department": HEALTH}, {"department": TRAFFIC}))


def _answer(session, admin):
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    return (lambda: answer(session, HEALTH_OFFICIAL, proposal.id),
            (HEALTH_OFFICIAL, "answer", proposal.id, None,
             {"step": "department_answer", "version": 1, "decision": "partly_accepted",
              "status": "published"}))


def _edit_answer(session, admin):
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    answer(session, HEALTH_OFFICIAL, proposal.id)
    return (lambda: answer(session, HEALTH_OFFICIAL, proposal.id, decision="accepted",
                           body="Accepted in full."),
            (HEALTH_OFFICIAL, "answer", proposal.id,
             {"version": 1, "decision": "partly_accepted", "status": "published", "body": BODY},
             {"step": "department_answer", "version": 2, "decision": "accepted",
              "status": "published"}))


def _review(session, admin):
    current_settings().answer_review = True
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    answer(session, HEALTH_OFFICIAL, proposal.id)
    return (lambda: review_answer(session, admin, proposal.id, Step.DEPARTMENT_ANSWER,
                                  approve=True, note="Fine."),
            (admin, "review_answer", proposal.id, {"status": "pending_review"},
             {"status": "published", "approved": True, "note": "Fine."}))


def _implementation(session, admin):
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    answer(session, HEALTH_OFFICIAL, proposal.id)
    return (lambda: post_implementation_update(session, HEALTH_OFFICIAL, proposal.id,
                                               status="planned", note="Budget approved."),
            (HEALTH_OFFICIAL, "implementation_update", proposal.id, None,
             {"status": "planned", "note": "Budget approved."}))


def _committee(session, admin):
    proposal = publish(session)
    reach_committee_step(session, proposal.id)
    return (lambda: decide_on_proposal(session, COMMITTEE_MEMBER, proposal.id,
                                       decision="open_debate", reason="Often repeated."),
            (COMMITTEE_MEMBER, "committee_decision", proposal.id, None,
             {"decision": "open_debate", "below_threshold": False}))


def _hide(session, admin):
    proposal = publish(session)
    return (lambda: hide_proposal(session, admin, proposal.id, reason=REASON),
            (admin, "hide", proposal.id, {"hidden": False}, {"hidden": True, "reason": REASON}))


def _unhide(session, admin):
    proposal = publish(session)
    hide_proposal(session, admin, proposal.id, reason=REASON)
    return (lambda: unhide_proposal(session, admin, proposal.id),
            (admin, "unhide", proposal.id, {"hidden": True, "reason": REASON}, {"hidden": False}))


def _merge(session, admin):
    target = publish(session, title="Injections at the health centre")
    duplicate = publish(session, citizen(2), title="Injections at health centres please")
    for n in (100, 101):
        agree(session, citizen(n), target.id)
    for n in (101, 102):
        agree(session, citizen(n), duplicate.id)
    return (lambda: merge_proposals(session, admin, duplicate.id, target.id),
            (admin, "merge", duplicate.id, {"agreement_count": 2, "target_count": 2},
             {"merged_into": target.id, "moved": 1, "target_count": 3}))


def _close(session, admin):
    proposal = publish(session)
    return (lambda: close_proposal(session, admin, proposal.id, reason="Out of remit."),
            (admin, "close", proposal.id, {"state": "collecting"},
             {"state": "closed", "reason": "Out of remit."}))


ACTIONS = {"assign": _assign, "reassign": _reassign, "answer": _answer,
           "edit_answer": _edit_answer, "review": _review, "implementation": _implementation,
           "committee": _committee, "hide": _hide, "unhide": _unhide, "merge": _merge,
           "close": _close}


@pytest.mark.parametrize("case", list(ACTIONS))
def test_action_writes_exactly_one_entry_with_actor_and_before_after_when_it_succeeds(
        session, admin, clock, case):
    perform, (actor, action, subject_id, before, after) = ACTIONS[case](session, admin)
    already = len(entries(session))
    clock.advance(days=3)
    perform()
    new = entries(session)[already:]
    assert len(new) == 1
    [entry] = new
    assert (entry.actor_id, entry.actor_roles) == (actor.id, ",".join(sorted(actor.roles)))
    assert (entry.action, entry.subject, entry.subject_id) == (action, "proposal", subject_id)
    assert (entry.before, entry.after) == (before, after)
    assert entry.occurred_at == clock.now


def test_audit_entry_names_every_role_when_the_actor_holds_several(session, admin):
    perform, _ = _hide(session, admin)
    perform()
    [entry] = entries(session)
    assert entry.actor_roles == "admin,citizen"


def test_citizen_actions_write_no_entry_when_citizens_publish_agree_and_follow(session):
    proposal = publish(session)
    agree(session, citizen(2), proposal.id)
    withdraw_agreement(session, citizen(2), proposal.id)
    follow(session, citizen(3), proposal.id)
    reach_department_step(session, proposal.id)
    assert entries(session) == []


# -- append-only -----------------------------------------------------------------


@pytest.fixture
def one_entry(session, admin):
    perform, _ = _hide(session, admin)
    perform()
    [entry] = entries(session)
    return entry.id


@pytest.mark.parametrize("statement", [
    f"UPDATE {TABLE} SET action = 'nothing', actor_id = 'someone-else'",
    f"UPDATE {TABLE} SET after = NULL WHERE id = :id",
    f"DELETE FROM {TABLE}",
    f"DELETE FROM {TABLE} WHERE id = :id",
], ids=["update-all", "update-one", "delete-all", "delete-one"])
def test_database_refuses_to_change_an_entry_when_raw_sql_tries(session, one_entry, statement):
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        session.execute(sa.text(statement), {"id": one_entry})
    session.rollback()
    [entry] = entries(session)
    assert (entry.id, entry.action, entry.actor_id) == (one_entry, "hide", "admin")
    assert entry.after == {"hidden": True, "reason": REASON}


def test_database_refuses_to_delete_an_entry_when_the_orm_tries(session, one_entry):
    session.delete(session.get(AuditEntry, one_entry))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        session.flush()
    session.rollback()
    assert [e.id for e in entries(session)] == [one_entry]


def test_database_refuses_to_edit_an_entry_when_the_orm_tries(session, one_entry):
    session.get(AuditEntry, one_entry).before = {"hidden": True}
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        session.commit()
    session.rollback()
    assert entries(session)[0].before == {"hidden": False}


def test_database_accepts_a_new_entry_when_the_log_is_appended_to(session, one_entry, clock):
    session.execute(sa.insert(AuditEntry).values(
        occurred_at=clock.now, actor_id="script", actor_roles="admin", action="note",
        subject="proposal", subject_id=1))
    session.commit()
    assert [e.action for e in entries(session)] == ["hide", "note"]


# -- refusals leave no trace ---------------------------------------------------


def _refused_assign(session, admin):
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    return (lambda: assign_department(session, HEALTH_OFFICIAL, proposal.id,
                                      department=TRAFFIC), PermissionDenied)


def _refused_answer(session, admin):
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    return lambda: answer(session, TRAFFIC_OFFICIAL, proposal.id), PermissionDenied


def _invalid_answer(session, admin):
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    return lambda: answer(session, HEALTH_OFFICIAL, proposal.id, decision="maybe"), InvalidInput


def _early_update(session, admin):
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    return (lambda: post_implementation_update(session, HEALTH_OFFICIAL, proposal.id,
                                               status="planned", note="Early."), WrongState)


def _review_nothing(session, admin):
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    return (lambda: review_answer(session, admin, proposal.id, Step.DEPARTMENT_ANSWER,
                                  approve=True), NotFound)


def _second_decision(session, admin):
    proposal = publish(session)
    reach_committee_step(session, proposal.id)
    decide_on_proposal(session, COMMITTEE_MEMBER, proposal.id, decision="decline",
                       reason="Already funded.")
    return (lambda: decide_on_proposal(session, COMMITTEE_MEMBER, proposal.id,
                                       decision="open_debate", reason="On second thought."),
            Conflict)


def _short_hide_reason(session, admin):
    proposal = publish(session)
    return lambda: hide_proposal(session, admin, proposal.id, reason="No."), InvalidInput


def _self_merge(session, admin):
    proposal = publish(session)
    return lambda: merge_proposals(session, admin, proposal.id, proposal.id), InvalidInput


def _citizen_close(session, admin):
    proposal = publish(session)
    return lambda: close_proposal(session, citizen(2), proposal.id), PermissionDenied


REFUSALS = {"assign-by-official": _refused_assign, "answer-other-department": _refused_answer,
            "answer-invalid": _invalid_answer, "update-before-answer": _early_update,
            "review-without-answer": _review_nothing, "second-decision": _second_decision,
            "hide-short-reason": _short_hide_reason, "self-merge": _self_merge,
            "close-by-citizen": _citizen_close}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refused_action_writes_no_entry_when_it_fails(session, admin, case):
    perform, error = REFUSALS[case](session, admin)
    before = [e.id for e in entries(session)]
    with pytest.raises(error):
        perform()
    assert [e.id for e in entries(session)] == before


# -- reading the log -------------------------------------------------------------


def test_audit_log_lists_the_newest_first_when_filtered_by_proposal(session, admin, clock):
    first = publish(session, title="Injections at the health centre")
    second = publish(session, title="Buses every ten minutes at night")
    hide_proposal(session, admin, first.id, reason=REASON)
    clock.advance(minutes=5)
    hide_proposal(session, admin, second.id, reason=REASON)
    clock.advance(minutes=5)
    unhide_proposal(session, admin, first.id)
    items, total = audit_log(session, subject="proposal", subject_id=first.id)
    assert total == 2
    assert [(e.action, e.occurred_at) for e in items] == [
        ("unhide", clock.now), ("hide", clock.now - timedelta(minutes=10))]
    page, total_all = audit_log(session, per_page=1, page=2)
    assert (total_all, [e.action for e in page]) == (3, ["hide"])
    assert page[0].subject_id == second.id
    assert count(session, AuditEntry) == 3
