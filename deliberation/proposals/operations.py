"""Use cases that change proposals. Each takes the session and the acting
participant, runs in one transaction and signals after commit."""

import sqlalchemy as sa

from .. import signals
from ..db import unit_of_work
from ..errors import EditLocked, NotFound, PermissionDenied, WrongState
from ..participants import Role, require_role
from ..settings import current_settings
from ..audit import record_audit
from ..notifications import NotificationKind
from ..notifications.operations import queue_notification
from ..timeline import EventKind, record_event
from .models import Proposal
from .schemas import clean_proposal_input
from .states import EDITABLE_STATES, CloseReason, ProposalState, ensure_transition

proposals = Proposal.__table__


def _load_for_author(session, participant, proposal_id):
    proposal = session.get(Proposal, proposal_id, populate_existing=True)
    if proposal is None:
        raise NotFound("No such proposal.")
    if proposal.author_id != participant.id:
        if proposal.published_at is None:
            raise NotFound("No such proposal.")
        raise PermissionDenied("Only the author can do this.")
    _close_if_expired(session, proposal)
    return proposal


def _close_if_expired(session, proposal):
    """Close a proposal whose collection ended before anybody acts on it, so
    an expired proposal is never edited, withdrawn or closed as if still open."""
    now = current_settings().now()
    if (proposal.state == ProposalState.COLLECTING and proposal.closes_at is not None
            and proposal.closes_at <= now):
        close_expired_proposals(session, now=now)
        session.refresh(proposal)


def submit_proposal(session, participant, *, title, body, category, publish=False):
    """Create a draft (and publish it at once when ``publish``)."""
    require_role(participant, Role.CITIZEN)
    data = clean_proposal_input({"title": title, "body": body, "category": category})
    now = current_settings().now()
    proposal = Proposal(
        **data, author_id=participant.id, author_name=participant.display_name[:100],
        state=ProposalState.DRAFT, created_at=now, updated_at=now, agreement_count=0)
    with unit_of_work(session) as work:
        session.add(proposal)
        session.flush()
        record_event(session, proposal.id, EventKind.SUBMITTED, now, actor_role=Role.CITIZEN)
        if publish:
            _publish(session, work, proposal, now)
    return proposal


def publish_proposal(session, participant, proposal_id):
    """Open a draft for agreements; the collection period starts now."""
    require_role(participant, Role.CITIZEN)
    proposal = _load_for_author(session, participant, proposal_id)
    now = current_settings().now()
    with unit_of_work(session) as work:
        _publish(session, work, proposal, now)
    return proposal


def _publish(session, work, proposal, now):
    ensure_transition(proposal.state, ProposalState.COLLECTING)
    closes_at = current_settings().ladder.collection_ends_at(now)
    changed = session.execute(
        sa.update(proposals)
        .where(proposals.c.id == proposal.id, proposals.c.state == ProposalState.DRAFT)
        .values(state=ProposalState.COLLECTING, published_at=now, closes_at=closes_at,
                updated_at=now)
    ).rowcount
    if not changed:
        raise WrongState("The proposal was published or withdrawn meanwhile.")
    record_event(session, proposal.id, EventKind.PUBLISHED, now, actor_role=Role.CITIZEN,
                 closes_at=closes_at.isoformat())
    session.refresh(proposal)
    work.emit(signals.proposal_published, proposal_id=proposal.id)


def editable_proposal(session, participant, proposal_id):
    """The proposal if this participant may edit it now, else the refusal
    ``edit_proposal`` would give: for showing an edit form at all."""
    require_role(participant, Role.CITIZEN)
    proposal = _load_for_author(session, participant, proposal_id)
    if proposal.state not in EDITABLE_STATES:
        raise WrongState("This proposal can no longer be edited.")
    if proposal.agreement_count:
        raise EditLocked()
    return proposal


def edit_proposal(session, participant, proposal_id, **changes):
    """Change title, body or category; allowed until the first agreement, so
    nobody's support ever attaches to a text they did not read."""
    require_role(participant, Role.CITIZEN)
    proposal = _load_for_author(session, participant, proposal_id)
    data = clean_proposal_input(changes, partial=True)
    if not data:
        return proposal
    now = current_settings().now()
    with unit_of_work(session):
        changed = session.execute(
            sa.update(proposals)
            .where(proposals.c.id == proposal.id,
                   proposals.c.state.in_([str(s) for s in EDITABLE_STATES]),
                   proposals.c.agreement_count == 0)
            .values(**data, updated_at=now)
        ).rowcount
        if not changed:
            if proposal.state not in EDITABLE_STATES:
                raise WrongState("This proposal can no longer be edited.")
            raise EditLocked()
        if proposal.state != ProposalState.DRAFT:
            record_event(session, proposal.id, EventKind.EDITED, now,
                         actor_role=Role.CITIZEN, fields=sorted(data))
    session.refresh(proposal)
    return proposal


def withdraw_proposal(session, participant, proposal_id):
    """The author takes the proposal back. It stays readable, marked withdrawn;
    steps it reached stay reached."""
    require_role(participant, Role.CITIZEN)
    proposal = _load_for_author(session, participant, proposal_id)
    ensure_transition(proposal.state, ProposalState.WITHDRAWN)
    now = current_settings().now()
    with unit_of_work(session) as work:
        changed = session.execute(
            sa.update(proposals)
            .where(proposals.c.id == proposal.id, proposals.c.state == proposal.state)
            .values(state=ProposalState.WITHDRAWN, closed_at=now, updated_at=now)
        ).rowcount
        if not changed:
            raise WrongState("The proposal changed meanwhile; reload and try again.")
        record_event(session, proposal.id, EventKind.WITHDRAWN, now, actor_role=Role.CITIZEN)
        work.emit(signals.proposal_withdrawn, proposal_id=proposal.id)
    session.refresh(proposal)
    return proposal


def close_proposal(session, participant, proposal_id, *, reason=""):
    """An admin ends collection early, with a public reason."""
    require_role(participant, Role.ADMIN)
    proposal = session.get(Proposal, proposal_id, populate_existing=True)
    if proposal is None or proposal.published_at is None:
        raise NotFound("No such proposal.")
    _close_if_expired(session, proposal)
    ensure_transition(proposal.state, ProposalState.CLOSED)
    now = current_settings().now()
    with unit_of_work(session) as work:
        changed = session.execute(
            sa.update(proposals)
            .where(proposals.c.id == proposal.id, proposals.c.state == ProposalState.COLLECTING)
            .values(state=ProposalState.CLOSED, closed_at=now, closed_reason=CloseReason.ADMIN,
                    updated_at=now)
        ).rowcount
        if not changed:
            raise WrongState("The proposal is no longer collecting.")
        record_event(session, proposal.id, EventKind.CLOSED, now, actor_role=Role.ADMIN,
                     reason=CloseReason.ADMIN, note=reason[:500])
        queue_notification(session, NotificationKind.CLOSED, proposal.id, at=now,
                           reason=str(CloseReason.ADMIN))
        record_audit(session, participant, "close", "proposal", proposal.id,
                     before={"state": str(ProposalState.COLLECTING)},
                     after={"state": str(ProposalState.CLOSED), "reason": reason[:500]})
        work.emit(signals.proposal_closed, proposal_id=proposal.id, reason=CloseReason.ADMIN)
    session.refresh(proposal)
    return proposal


def close_expired_proposals(session, *, now=None):
    """Close every proposal whose collection period has ended; returns their
    ids. Safe to run from cron and from several processes at once: each
    proposal is closed by exactly one conditional UPDATE."""
    now = now or current_settings().now()
    due = session.execute(
        sa.select(proposals.c.id, proposals.c.closes_at)
        .where(proposals.c.state == ProposalState.COLLECTING,
               proposals.c.closes_at.is_not(None), proposals.c.closes_at <= now)
        .order_by(proposals.c.closes_at)
    ).all()
    closed = []
    if not due:
        return closed
    with unit_of_work(session) as work:
        for proposal_id, closes_at in due:
            changed = session.execute(
                sa.update(proposals)
                .where(proposals.c.id == proposal_id,
                       proposals.c.state == ProposalState.COLLECTING,
                       proposals.c.closes_at.is_not(None), proposals.c.closes_at <= now)
                .values(state=ProposalState.CLOSED, closed_at=closes_at,
                        closed_reason=CloseReason.EXPIRED, updated_at=now)
            ).rowcount
            if changed:
                record_event(session, proposal_id, EventKind.CLOSED, closes_at,
                             reason=CloseReason.EXPIRED)
                queue_notification(session, NotificationKind.CLOSED, proposal_id, at=now,
                                   reason=str(CloseReason.EXPIRED))
                work.emit(signals.proposal_closed, proposal_id=proposal_id,
                          reason=CloseReason.EXPIRED)
                closed.append(proposal_id)
    return closed
