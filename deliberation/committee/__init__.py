"""The agenda committee (공론화추진위원회): which proposals go to a citizen debate."""

from enum import StrEnum

import sqlalchemy as sa
from marshmallow import Schema, ValidationError, fields

from .. import signals
from ..audit import record_audit
from ..db import insert_ignoring_duplicates, unit_of_work
from ..debates.operations import schedule_debate_for_proposal
from ..errors import Conflict, NotFound, WrongState
from ..notifications import NotificationKind
from ..notifications.operations import queue_notification
from ..participants import Role, require_role
from ..proposals.models import Proposal
from ..proposals.states import PUBLIC_STATES, ProposalState
from ..responses.schemas import clean
from ..settings import current_settings
from ..threshold.models import Milestone
from ..threshold.rules import Step
from ..timeline import EventKind, record_event
from .models import CommitteeDecision


class CommitteeChoice(StrEnum):
    OPEN_DEBATE = "open_debate"
    DECLINE = "decline"


def _stripped_length(low, high):
    """Reason and question are published stripped, so they are measured stripped."""
    def check(value):
        if not low <= len(value.strip()) <= high:
            raise ValidationError(f"Length must be between {low} and {high}, not counting "
                                  "blanks around it.")
    return check


class DecisionInputSchema(Schema):
    decision = fields.Enum(CommitteeChoice, by_value=True, required=True)
    reason = fields.String(required=True, validate=_stripped_length(5, 2000))
    debate_question = fields.String(load_default=None, allow_none=True,
                                    validate=_stripped_length(5, 200))


def decide_on_proposal(session, member, proposal_id, **fields):
    """Record the committee's decision. A proposal that reached the committee
    step may be sent to debate or declined; one below it may still be sent to
    debate (우수제안), never silently: the reason is published either way.
    Opening a debate schedules it in the same transaction and sends
    ``debate_requested`` and ``debate_scheduled`` after commit."""
    require_role(member, Role.AGENDA_COMMITTEE)
    data = clean(DecisionInputSchema, fields, "The decision is not valid.")
    proposal = session.get(Proposal, proposal_id, populate_existing=True)
    if proposal is None or proposal.published_at is None or proposal.hidden_at:
        raise NotFound("No such proposal.")
    if proposal.state == ProposalState.WITHDRAWN:
        raise WrongState("The author withdrew this proposal.")
    reached = session.execute(sa.select(Milestone.id).where(
        Milestone.proposal_id == proposal.id,
        Milestone.step == str(Step.AGENDA_COMMITTEE))).first() is not None
    choice = data["decision"]
    if not reached and choice == CommitteeChoice.DECLINE:
        raise WrongState("Only proposals that reached the committee step can be declined.")
    if proposal.merged_into_id is not None:
        raise WrongState("This proposal was merged into another one.")
    opens = choice == CommitteeChoice.OPEN_DEBATE
    question = (data["debate_question"] or proposal.title).strip() if opens else None
    now = current_settings().now()
    with unit_of_work(session) as work:
        inserted = session.execute(
            insert_ignoring_duplicates(session, CommitteeDecision.__table__).values(
                proposal_id=proposal.id, decision=str(choice), reason=data["reason"].strip(),
                below_threshold=not reached, debate_question=question, decided_at=now)
        ).rowcount
        if not inserted:
            raise Conflict("The committee has already decided on this proposal.")
        record_event(session, proposal.id, EventKind.COMMITTEE_DECIDED, now,
                     actor_role=Role.AGENDA_COMMITTEE, decision=str(choice),
                     reason=data["reason"].strip()[:500], below_threshold=not reached)
        queue_notification(session, NotificationKind.COMMITTEE_DECIDED, proposal.id, at=now,
                           decision=str(choice))
        record_audit(session, member, "committee_decision", "proposal", proposal.id,
                     after={"decision": str(choice), "below_threshold": not reached})
        if opens:
            # the debate is created in the decision's own transaction: a
            # decision to debate never exists without its debate
            schedule_debate_for_proposal(session, work, proposal.id, question, now)
            work.emit(signals.debate_requested, proposal_id=proposal.id, question=question)
    return decision_of(session, proposal.id)


def decision_of(session, proposal_id):
    return session.execute(sa.select(CommitteeDecision).where(
        CommitteeDecision.proposal_id == proposal_id)).scalar()


def committee_queue(session):
    """Proposals at the committee step still waiting for a decision, oldest
    first: only those ``decide_on_proposal`` would accept, so the queue empties."""
    decided = sa.select(CommitteeDecision.proposal_id)
    decidable = [str(s) for s in PUBLIC_STATES if s != ProposalState.WITHDRAWN]
    return session.execute(
        sa.select(Proposal, Milestone.reached_at)
        .join(Milestone, sa.and_(Milestone.proposal_id == Proposal.id,
                                 Milestone.step == str(Step.AGENDA_COMMITTEE)))
        .where(Proposal.id.not_in(decided), Proposal.hidden_at.is_(None),
               Proposal.merged_into_id.is_(None), Proposal.state.in_(decidable))
        .order_by(Milestone.reached_at, Proposal.id)).all()


def committee_queue_for(session, actor):
    """The committee's queue, for its members and admins only."""
    require_role(actor, Role.AGENDA_COMMITTEE, Role.ADMIN)
    return committee_queue(session)


__all__ = ["CommitteeChoice", "CommitteeDecision", "committee_queue", "committee_queue_for",
           "decide_on_proposal", "decision_of"]
