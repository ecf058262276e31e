"""Agreements (공감): one per participant per proposal, counted exactly."""

from dataclasses import dataclass

import sqlalchemy as sa

from .. import signals
from ..db import insert_ignoring_duplicates, lock_row, unit_of_work
from ..errors import CollectionClosed, NotFound
from ..participants import Role, require_participant, require_role
from ..proposals.models import Proposal
from ..proposals.states import ProposalState
from ..settings import current_settings
from ..threshold.operations import record_milestones
from ..threshold.rules import Metric
from .models import Agreement

proposals = Proposal.__table__
agreements = Agreement.__table__


@dataclass(frozen=True)
class AgreementResult:
    proposal_id: int
    agreed: bool
    count: int
    #: steps this very agreement unlocked
    reached: tuple = ()


def _open_for_agreements(now):
    return sa.and_(
        proposals.c.state == ProposalState.COLLECTING,
        sa.or_(proposals.c.closes_at.is_(None), proposals.c.closes_at > now),
    )


def _refuse_unless_open(session, proposal_id, now):
    row = session.execute(
        sa.select(proposals.c.state, proposals.c.closes_at, proposals.c.published_at)
        .where(proposals.c.id == proposal_id)
    ).first()
    if row is None or row.published_at is None:
        raise NotFound("No such proposal.")
    if row.state != ProposalState.COLLECTING or (row.closes_at and row.closes_at <= now):
        raise CollectionClosed()


def agree(session, participant, proposal_id):
    """Add the participant's agreement. Agreeing twice changes nothing and
    answers the same way, so the call reveals nothing about anybody else."""
    require_role(participant, Role.CITIZEN)
    now = current_settings().now()
    _refuse_unless_open(session, proposal_id, now)
    with unit_of_work(session) as work:
        inserted = session.execute(
            insert_ignoring_duplicates(session, agreements).values(
                proposal_id=proposal_id, participant_id=participant.id, created_at=now)
        ).rowcount
        if not inserted:
            count = session.execute(
                sa.select(proposals.c.agreement_count).where(proposals.c.id == proposal_id)
            ).scalar_one()
            return AgreementResult(proposal_id, True, count)
        row = session.execute(
            sa.update(proposals)
            .where(proposals.c.id == proposal_id, _open_for_agreements(now))
            .values(agreement_count=proposals.c.agreement_count + 1)
            .returning(proposals.c.agreement_count, proposals.c.stage, proposals.c.published_at)
        ).first()
        if row is None:
            raise CollectionClosed()
        reached = record_milestones(
            session, work, proposal_id, Metric.AGREEMENTS, row.agreement_count,
            counting_since=row.published_at, at=now, stage=row.stage)
        work.emit(signals.proposal_agreed, proposal_id=proposal_id, count=row.agreement_count)
    return AgreementResult(proposal_id, True, row.agreement_count, tuple(reached))


def withdraw_agreement(session, participant, proposal_id):
    """Take one's agreement back while collection is open. Steps already
    reached stay reached."""
    require_role(participant, Role.CITIZEN)
    now = current_settings().now()
    _refuse_unless_open(session, proposal_id, now)
    with unit_of_work(session) as work:
        deleted = session.execute(
            sa.delete(agreements).where(agreements.c.proposal_id == proposal_id,
                                        agreements.c.participant_id == participant.id)
        ).rowcount
        if not deleted:
            count = session.execute(
                sa.select(proposals.c.agreement_count).where(proposals.c.id == proposal_id)
            ).scalar_one()
            return AgreementResult(proposal_id, False, count)
        count = session.execute(
            sa.update(proposals)
            .where(proposals.c.id == proposal_id, _open_for_agreements(now))
            .values(agreement_count=proposals.c.agreement_count - 1)
            .returning(proposals.c.agreement_count)
        ).scalar()
        if count is None:
            raise CollectionClosed()
        work.emit(signals.agreement_withdrawn, proposal_id=proposal_id, count=count)
    return AgreementResult(proposal_id, False, count)


def has_agreed(session, participant, proposal_id):
    """Whether this participant agreed: for their own eyes only."""
    require_participant(participant)
    return session.execute(
        sa.select(sa.literal(True)).where(agreements.c.proposal_id == proposal_id,
                                          agreements.c.participant_id == participant.id)
    ).scalar() is not None


@dataclass(frozen=True)
class Drift:
    proposal_id: int
    counter: int
    rows: int


def recount_agreements(session, *, repair=False):
    """Compare every proposal's counter with its agreement rows; with
    ``repair``, set the counter to the rows. Each proposal is locked while it
    is counted, so agreements arriving meanwhile are neither lost nor doubled.
    Returns the drifts found."""
    ids = session.execute(sa.select(proposals.c.id).order_by(proposals.c.id)).scalars().all()
    drifts = []
    for proposal_id in ids:
        with unit_of_work(session):
            lock_row(session, proposals, proposal_id)
            counter = session.execute(
                sa.select(proposals.c.agreement_count).where(proposals.c.id == proposal_id)
            ).scalar_one()
            rows = session.execute(
                sa.select(sa.func.count()).select_from(agreements)
                .where(agreements.c.proposal_id == proposal_id)
            ).scalar_one()
            if counter != rows:
                drifts.append(Drift(proposal_id, counter, rows))
                if repair:
                    session.execute(sa.update(proposals).where(proposals.c.id == proposal_id)
                                    .values(agreement_count=rows))
    return drifts
