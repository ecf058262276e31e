"""Use cases of citizen debates and city questions."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .. import signals
from ..audit import record_audit
from ..db import UTCDateTime, lock_row, unit_of_work
from ..errors import InvalidInput, NotFound, WrongState
from ..participants import Role, require_role
from ..settings import current_settings
from ..threshold.operations import record_milestones
from ..threshold.rules import Metric
from ..timeline import EventKind, record_event
from ..proposals.models import Proposal
from .models import Ballot, Debate
from .schemas import BallotInputSchema, DebateInputSchema, clean
from .states import DEBATE_EDITORS, TALLY_COLUMN, DebateKind, DebateState, Stance, state_of

debates = Debate.__table__
ballots = Ballot.__table__


def _editor(actor):
    return require_role(actor, *DEBATE_EDITORS)


def _role_of(actor):
    return next(Role(r) for r in DEBATE_EDITORS if actor.has(r))


def create_city_question(session, actor, **fields):
    """Officials publish a pro/con question or an open discussion."""
    _editor(actor)
    data = clean(DebateInputSchema, fields, "The question is not valid.")
    now = current_settings().now()
    if data["ends_at"] <= now:
        # a question born closed could never take a ballot
        raise InvalidInput("The question is not valid.",
                           fields={"ends_at": ["Must be in the future."]})
    with unit_of_work(session) as work:
        debate = Debate(**data, created_at=now, created_by_role=str(_role_of(actor)))
        session.add(debate)
        session.flush()
        record_audit(session, actor, "create_debate", "debate", debate.id,
                     after={"question": debate.question, "kind": debate.kind})
        work.emit(signals.debate_scheduled, debate_id=debate.id, proposal_id=None)
    return debate


def schedule_debate_for_proposal(session, work, proposal_id, question, at):
    """Create the debate the agenda committee opened, inside the committee's
    transaction: it starts after the preparation period and runs for the
    configured period (30 days in Seoul)."""
    settings = current_settings()
    starts_at = settings.debate_preparation.after(at)
    debate = Debate(proposal_id=proposal_id, kind=str(DebateKind.PRO_CON), question=question,
                    starts_at=starts_at, ends_at=settings.debate_period.after(starts_at),
                    created_at=at, created_by_role=str(Role.AGENDA_COMMITTEE))
    session.add(debate)
    session.flush()
    record_event(session, proposal_id, EventKind.DEBATE_SCHEDULED, at,
                 actor_role=Role.AGENDA_COMMITTEE, debate_id=debate.id,
                 starts_at=starts_at.isoformat(), ends_at=debate.ends_at.isoformat())
    work.emit(signals.debate_scheduled, debate_id=debate.id, proposal_id=proposal_id)
    return debate


def _debate(session, debate_id):
    debate = session.get(Debate, debate_id, populate_existing=True)
    if debate is None:
        raise NotFound("No such debate.")
    return debate


def edit_debate(session, actor, debate_id, **fields):
    """Officials prepare a debate (question, background, arguments, dates)
    until it opens; once people vote, what they voted on stays as it was."""
    _editor(actor)
    debate = _debate(session, debate_id)
    now = current_settings().now()
    if state_of(debate, now) != DebateState.SCHEDULED:
        raise WrongState("A debate can be edited only before it opens.")
    current = {"question": debate.question, "background": debate.background,
               "arguments_pro": debate.arguments_pro, "arguments_con": debate.arguments_con,
               "starts_at": debate.starts_at, "ends_at": debate.ends_at, "kind": debate.kind}
    data = clean(DebateInputSchema, {**current, **fields}, "The debate is not valid.")
    if debate.proposal_id is not None and data["kind"] != DebateKind.PRO_CON:
        raise InvalidInput("The debate is not valid.",
                           fields={"kind": ["A proposal's debate is pro/con."]})
    if data["starts_at"] < now:
        raise InvalidInput("The debate is not valid.",
                           fields={"starts_at": ["Must not be in the past."]})
    with unit_of_work(session):
        before = {k: (v.isoformat() if hasattr(v, "isoformat") else str(v))
                  for k, v in current.items()}
        for key, value in data.items():
            setattr(debate, key, str(value) if key == "kind" else value)
        record_audit(session, actor, "edit_debate", "debate", debate.id, before=before,
                     after={k: (v.isoformat() if hasattr(v, "isoformat") else str(v))
                            for k, v in data.items()})
    return debate


@dataclass(frozen=True)
class BallotResult:
    debate_id: int
    created: bool
    stance: Stance | None
    participants: int
    #: steps this ballot unlocked for the debate's proposal
    reached: tuple = ()


_now = sa.bindparam("now", type_=UTCDateTime())
_debate_id = sa.bindparam("debate_id", type_=sa.Integer())
_OPEN_NOW = sa.and_(debates.c.id == _debate_id, debates.c.starts_at <= _now,
                    debates.c.ends_at > _now)


def _insert_ballot(dialect):
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]
    return (insert(ballots).on_conflict_do_nothing()
            .execution_options(preserve_rowcount=True))


def cast_ballot(session, participant, debate_id, *, stance=None, opinion):
    """Vote with a written opinion, or change one's stance or opinion while
    the debate is open. One ballot per participant (a unique constraint);
    the tallies move in the same transaction, by atomic UPDATEs, so they
    always equal the ballots. Crossing the configured number of participants
    records the proposal's mayor step once."""
    require_role(participant, Role.CITIZEN)
    data = clean(BallotInputSchema, {"stance": stance, "opinion": opinion},
                 "The ballot is not valid.")
    debate = _debate(session, debate_id)
    stance = data["stance"]
    if debate.kind == DebateKind.PRO_CON and stance is None:
        raise InvalidInput("The ballot is not valid.", fields={"stance": ["Choose pro, con or other."]})
    if debate.kind == DebateKind.OPEN and stance is not None:
        raise InvalidInput("The ballot is not valid.",
                           fields={"stance": ["An open discussion takes no stance."]})
    now = current_settings().now()
    params = {"debate_id": debate.id, "now": now}
    with unit_of_work(session) as work:
        # inside the transaction: a hide committed meanwhile is seen
        if debate.proposal_id is not None and session.execute(
                sa.select(Proposal.hidden_at).where(Proposal.id == debate.proposal_id)).scalar():
            raise WrongState("The proposal of this debate is hidden by the moderators.")
        connection = session.connection()
        inserted = connection.execute(_insert_ballot(connection.dialect.name), {
            "debate_id": debate.id, "participant_id": participant.id,
            "author_name": participant.display_name[:100],
            "stance": None if stance is None else str(stance), "opinion": data["opinion"],
            "created_at": now, "updated_at": now, "like_count": 0, "report_count": 0,
        }).rowcount
        if inserted:
            values = {"participant_count": debates.c.participant_count + 1}
            if stance is not None:
                column = debates.c[TALLY_COLUMN[stance]]
                values[column.key] = column + 1
            participants = connection.execute(
                sa.update(debates).where(_OPEN_NOW).values(**values)
                .returning(debates.c.participant_count), params).scalar()
            if participants is None:
                _refuse_closed(debate, now)
            reached = ()
            if debate.proposal_id is not None:
                stage = session.execute(sa.select(Proposal.stage).where(
                    Proposal.id == debate.proposal_id)).scalar()
                reached = tuple(record_milestones(
                    session, work, debate.proposal_id, Metric.DEBATE_PARTICIPANTS, participants,
                    counting_since=debate.starts_at, at=now, stage=stage))
            work.emit(signals.ballot_cast, debate_id=debate.id, participants=participants)
            return BallotResult(debate.id, True, stance, participants, reached)
        # a change of mind: lock the debate row, then move the tallies
        if lock_row(session, debates, debate.id) is None:
            raise NotFound("No such debate.")
        if state_of(_debate(session, debate.id), now) != DebateState.OPEN:
            _refuse_closed(debate, now)
        old = connection.execute(sa.select(ballots.c.stance).where(
            ballots.c.debate_id == debate.id, ballots.c.participant_id == participant.id)
        ).scalar()
        connection.execute(sa.update(ballots).where(
            ballots.c.debate_id == debate.id, ballots.c.participant_id == participant.id
        ).values(stance=None if stance is None else str(stance), opinion=data["opinion"],
                 updated_at=now))
        if old != (None if stance is None else str(stance)):
            moves = {}
            if old is not None:
                column = debates.c[TALLY_COLUMN[Stance(old)]]
                moves[column.key] = column - 1
            if stance is not None:
                column = debates.c[TALLY_COLUMN[stance]]
                moves[column.key] = column + 1
            connection.execute(sa.update(debates).where(debates.c.id == debate.id).values(**moves))
        participants = connection.execute(sa.select(debates.c.participant_count).where(
            debates.c.id == debate.id)).scalar_one()
    return BallotResult(debate.id, False, stance, participants)


def _refuse_closed(debate, now):
    if now < debate.starts_at:
        raise WrongState("The debate has not opened yet.")
    raise WrongState("The debate is closed.")


def ballot_of(session, participant, debate_id):
    """The participant's own ballot, or None."""
    return session.execute(sa.select(Ballot).where(
        Ballot.debate_id == debate_id, Ballot.participant_id == participant.id)).scalar()


@dataclass(frozen=True)
class TallyDrift:
    debate_id: int
    counters: dict
    rows: dict


def recount_debates(session, *, repair=False):
    """Prove every debate's tallies equal its ballots; with ``repair``, set
    them from the rows. Each debate is locked while counted."""
    drifts = []
    for debate_id in session.execute(sa.select(debates.c.id).order_by(debates.c.id)).scalars().all():
        with unit_of_work(session):
            lock_row(session, debates, debate_id)
            row = session.execute(sa.select(
                debates.c.participant_count, debates.c.pro_count, debates.c.con_count,
                debates.c.other_count).where(debates.c.id == debate_id)).one()
            counters = dict(row._mapping)
            by_stance = dict(session.execute(
                sa.select(ballots.c.stance, sa.func.count()).where(ballots.c.debate_id == debate_id)
                .group_by(ballots.c.stance)).all())
            rows = {"participant_count": sum(by_stance.values()),
                    **{TALLY_COLUMN[s]: by_stance.get(str(s), 0) for s in Stance}}
            if counters != rows:
                drifts.append(TallyDrift(debate_id, counters, rows))
                if repair:
                    session.execute(sa.update(debates).where(debates.c.id == debate_id)
                                    .values(**rows))
    return drifts


__all__ = [
    "BallotResult", "ballot_of", "cast_ballot", "create_city_question",
    "edit_debate", "recount_debates", "schedule_debate_for_proposal",
]
