"""Agreements (공감): one per participant per proposal, counted exactly."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .. import signals
from ..db import UTCDateTime, lock_row, unit_of_work
from ..errors import CollectionClosed, NotFound, WrongState
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


# The hot path's statements are built once, with bind parameters, so a call
# pays for execution only: agreeing is the one write a popular proposal gets
# thousands of times a minute.
_now = sa.bindparam("now", type_=UTCDateTime())
_proposal_id = sa.bindparam("proposal_id", type_=sa.Integer())
_participant_id = sa.bindparam("participant_id", type_=sa.String())

_OPEN = sa.and_(
    proposals.c.id == _proposal_id,
    proposals.c.state == ProposalState.COLLECTING,
    sa.or_(proposals.c.closes_at.is_(None), proposals.c.closes_at > _now),
    # a proposal an admin hid climbs no step while hidden
    proposals.c.hidden_at.is_(None),
)
_COUNT_UP = (
    sa.update(proposals).where(_OPEN)
    .values(agreement_count=proposals.c.agreement_count + 1)
    .returning(proposals.c.agreement_count, proposals.c.stage, proposals.c.published_at)
)
_COUNT_DOWN = (
    sa.update(proposals).where(_OPEN)
    .values(agreement_count=proposals.c.agreement_count - 1)
    .returning(proposals.c.agreement_count)
)
_STATE = sa.select(
    proposals.c.state, proposals.c.closes_at, proposals.c.published_at,
    proposals.c.agreement_count, proposals.c.hidden_at,
).where(proposals.c.id == _proposal_id)
_WITHDRAW = sa.delete(agreements).where(
    agreements.c.proposal_id == _proposal_id, agreements.c.participant_id == _participant_id)
_INSERT = {
    dialect: dialect_insert(agreements)
    .values(proposal_id=_proposal_id, participant_id=_participant_id, created_at=_now)
    .on_conflict_do_nothing()
    .execution_options(preserve_rowcount=True)
    for dialect, dialect_insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}


def _refuse(row, now):
    """The typed refusal for a proposal that does not take agreements now."""
    if row is None or row.published_at is None:
        raise NotFound("No such proposal.")
    if row.state != ProposalState.COLLECTING or (row.closes_at and row.closes_at <= now):
        raise CollectionClosed()
    if row.hidden_at is not None:
        raise WrongState("An administrator hid this proposal; it takes no agreements.")


def agree(session, participant, proposal_id):
    """Add the participant's agreement. Agreeing twice changes nothing and
    answers the same way, so the call reveals nothing about anybody else.

    The insert comes first: the unique constraint, not a prior read, decides
    whether this is new, and on SQLite the transaction becomes a writer at
    once. Whether the proposal is open is checked by the counter's UPDATE
    itself; a refused call rolls back and writes nothing."""
    require_role(participant, Role.CITIZEN)
    now = current_settings().now()
    params = {"proposal_id": proposal_id, "participant_id": participant.id, "now": now}
    with unit_of_work(session) as work:
        connection = session.connection()
        try:
            inserted = connection.execute(_INSERT[connection.dialect.name], params).rowcount
        except sa.exc.IntegrityError:  # the foreign key: no such proposal
            raise NotFound("No such proposal.") from None
        if not inserted:
            row = connection.execute(_STATE, params).first()
            _refuse(row, now)
            return AgreementResult(proposal_id, True, row.agreement_count)
        row = connection.execute(_COUNT_UP, params).first()
        if row is None:
            _refuse(connection.execute(_STATE, params).first(), now)
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
    params = {"proposal_id": proposal_id, "participant_id": participant.id, "now": now}
    with unit_of_work(session) as work:
        connection = session.connection()
        state = connection.execute(_STATE, params).first()
        _refuse(state, now)
        if not connection.execute(_WITHDRAW, params).rowcount:
            return AgreementResult(proposal_id, False, state.agreement_count)
        count = connection.execute(_COUNT_DOWN, params).scalar()
        if count is None:
            _refuse(connection.execute(_STATE, params).first(), now)
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
