"""Admins' moderation of proposals: hide with a public reason, merge duplicates."""

import sqlalchemy as sa

from .. import signals
from ..audit import record_audit
from ..db import lock_row, unit_of_work
from ..errors import InvalidInput, NotFound, WrongState
from ..notifications import NotificationKind
from ..notifications.operations import queue_notification
from ..participants import Role, require_role
from ..settings import current_settings
from ..threshold.operations import record_milestones
from ..threshold.rules import Metric
from ..timeline import EventKind, record_event
from ..votes.models import Agreement
from .models import Proposal
from .states import CloseReason, ProposalState

proposals = Proposal.__table__
agreements = Agreement.__table__


def _reason(reason):
    reason = (reason or "").strip()
    if not 5 <= len(reason) <= 500:
        raise InvalidInput("A public reason is needed.",
                           fields={"reason": ["Length must be between 5 and 500."]})
    return reason


def _published(session, proposal_id):
    proposal = session.get(Proposal, proposal_id, populate_existing=True)
    # a draft withdrawn unpublished is no longer DRAFT, but was never public
    if proposal is None or proposal.published_at is None:
        raise NotFound("No such proposal.")
    return proposal


def hide_proposal(session, actor, proposal_id, *, reason):
    """Withhold a proposal's text, publicly saying why; counts and history stay."""
    require_role(actor, Role.ADMIN)
    reason = _reason(reason)
    proposal = _published(session, proposal_id)
    if proposal.hidden_at is not None:
        raise WrongState("The proposal is already hidden.")
    now = current_settings().now()
    with unit_of_work(session):
        session.execute(sa.update(proposals).where(proposals.c.id == proposal.id)
                        .values(hidden_at=now, hidden_reason=reason, updated_at=now))
        record_event(session, proposal.id, EventKind.HIDDEN, now, actor_role=Role.ADMIN,
                     reason=reason)
        queue_notification(session, NotificationKind.HIDDEN, proposal.id, at=now,
                           recipients=[proposal.author_id], reason=reason)
        record_audit(session, actor, "hide", "proposal", proposal.id,
                     before={"hidden": False}, after={"hidden": True, "reason": reason})
    session.refresh(proposal)
    return proposal


def unhide_proposal(session, actor, proposal_id):
    require_role(actor, Role.ADMIN)
    proposal = _published(session, proposal_id)
    if proposal.hidden_at is None:
        raise WrongState("The proposal is not hidden.")
    now = current_settings().now()
    with unit_of_work(session):
        session.execute(sa.update(proposals).where(proposals.c.id == proposal.id)
                        .values(hidden_at=None, hidden_reason=None, updated_at=now))
        record_event(session, proposal.id, EventKind.UNHIDDEN, now, actor_role=Role.ADMIN)
        record_audit(session, actor, "unhide", "proposal", proposal.id,
                     before={"hidden": True, "reason": proposal.hidden_reason},
                     after={"hidden": False})
    session.refresh(proposal)
    return proposal


def merge_proposals(session, actor, source_id, target_id):
    """Fold a duplicate into another proposal. Each supporter of the
    duplicate who does not already support the target has their agreement
    moved, and every one of them is told; both counters are set from the rows
    inside the same locked transaction, and the target's steps are checked
    again with its new count."""
    require_role(actor, Role.ADMIN)
    if source_id == target_id:
        raise InvalidInput("A proposal cannot be merged into itself.",
                           fields={"target_id": ["Must differ from the duplicate."]})
    source = _published(session, source_id)
    try:
        target = _published(session, target_id)
    except NotFound:
        # the number typed in names nothing, not the duplicate being merged
        raise NotFound("There is no proposal with that number.", fields={
            "target_id": ["There is no proposal with that number."]}) from None
    if source.merged_into_id is not None:
        raise WrongState("The duplicate was already merged.")
    if target.merged_into_id is not None or target.state != ProposalState.COLLECTING:
        raise WrongState("The target must be collecting agreements.", fields={
            "target_id": ["The target must be collecting agreements."]})
    now = current_settings().now()
    with unit_of_work(session) as work:
        for proposal_id in sorted((source.id, target.id)):  # one lock order: no deadlock
            lock_row(session, proposals, proposal_id)
        supporters = set(session.execute(sa.select(agreements.c.participant_id).where(
            agreements.c.proposal_id == source.id)).scalars())
        already = set(session.execute(sa.select(agreements.c.participant_id).where(
            agreements.c.proposal_id == target.id,
            agreements.c.participant_id.in_(supporters))).scalars()) if supporters else set()
        moved = sorted(supporters - already)
        if moved:
            session.execute(sa.update(agreements).where(
                agreements.c.proposal_id == source.id,
                agreements.c.participant_id.in_(moved)).values(proposal_id=target.id))
        session.execute(sa.delete(agreements).where(agreements.c.proposal_id == source.id))
        counts = {}
        for proposal_id in (source.id, target.id):
            counts[proposal_id] = session.execute(
                sa.select(sa.func.count()).select_from(agreements)
                .where(agreements.c.proposal_id == proposal_id)).scalar_one()
        session.execute(sa.update(proposals).where(proposals.c.id == source.id).values(
            agreement_count=counts[source.id], merged_into_id=target.id, updated_at=now,
            state=ProposalState.CLOSED if source.state == ProposalState.COLLECTING
            else source.state,
            closed_at=source.closed_at or now,
            closed_reason=CloseReason.MERGED if source.state == ProposalState.COLLECTING
            else source.closed_reason))
        stage = session.execute(sa.update(proposals).where(proposals.c.id == target.id)
                                .values(agreement_count=counts[target.id], updated_at=now)
                                .returning(proposals.c.stage)).scalar()
        record_milestones(session, work, target.id, Metric.AGREEMENTS, counts[target.id],
                          counting_since=target.published_at, at=now, stage=stage)
        record_event(session, source.id, EventKind.MERGED_INTO, now, actor_role=Role.ADMIN,
                     target_id=target.id, target_title=target.title)
        record_event(session, target.id, EventKind.MERGED_FROM, now, actor_role=Role.ADMIN,
                     source_id=source.id, moved=len(moved))
        queue_notification(session, NotificationKind.AGREEMENT_MOVED, target.id, at=now,
                           recipients=sorted(supporters | {source.author_id}),
                           source_id=source.id, source_title=source.title)
        record_audit(session, actor, "merge", "proposal", source.id,
                     before={"agreement_count": source.agreement_count,
                             "target_count": target.agreement_count},
                     after={"merged_into": target.id, "moved": len(moved),
                            "target_count": counts[target.id]})
        work.emit(signals.proposals_merged, source_id=source.id, target_id=target.id,
                  moved=len(moved))
    session.refresh(source)
    session.refresh(target)
    return source, target
