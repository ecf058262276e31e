"""Building blocks of the demo seed: the thousands of synthetic rows go in by
bulk insert (one executemany each), and every counter is then set from the
rows themselves; everything a person does once goes through the package's
services, on a clock the seed sets to the moment it happened."""

from contextlib import contextmanager
from datetime import timedelta, timezone

import sqlalchemy as sa
from flask import current_app

from deliberation import Agreement, Deliberation, FrozenClock, Participant, Proposal, Role
from deliberation.db import unit_of_work
from deliberation.debates.models import Ballot, Debate
from deliberation.debates.states import TALLY_COLUMN, DebateKind, Stance
from deliberation.notifications.models import NotificationEvent
from deliberation.proposals.states import ProposalState
from deliberation.threshold import Metric
from deliberation.threshold.operations import record_milestones
from deliberation.timeline import EventKind, record_event

KST = timezone(timedelta(hours=9))


def settings():
    return current_app.extensions["deliberation"].settings


@contextmanager
def frozen_clock(app, start):
    """The package's services read this clock while the seed replays history."""
    real = app.extensions["deliberation"].settings.clock
    clock = FrozenClock(start)
    Deliberation.set_clock(app, clock)
    try:
        yield clock
    finally:
        Deliberation.set_clock(app, real)


def spread(count, segments):
    """``count`` moments, rising through ``segments`` of (rows, start, end)."""
    moments = []
    for rows, start, end in segments:
        rows = min(rows, count - len(moments))
        for i in range(rows):
            moments.append(start + (end - start) * (i + 1) / (rows + 1))
    return moments


def synthetic(kind, n, name=None):
    """A participant who exists only in the demo's data."""
    return Participant(id=f"synthetic-{kind}-{n:05d}", display_name=name or f"가상 시민 {n}")


def official(department, n=1):
    """A synthetic official of another department than the demo account's."""
    return Participant(id=f"synthetic-official-{n}", display_name=f"{department} 담당자",
                       roles={Role.CITIZEN, Role.DEPARTMENT_OFFICIAL}, department=department)


def add_proposal(session, *, title, body, category, published_at, agreement_times, author,
                 state=ProposalState.COLLECTING, closes_at=None, closed_at=None,
                 closed_reason=None):
    """A published proposal whose agreements are synthetic rows."""
    proposal = Proposal(
        title=title, body=body, category=category, author_id=author[0], author_name=author[1],
        state=str(state), created_at=published_at - timedelta(minutes=20),
        updated_at=closed_at or published_at, published_at=published_at,
        closes_at=closes_at, closed_at=closed_at, closed_reason=closed_reason,
        agreement_count=0)
    session.add(proposal)
    session.flush()
    record_event(session, proposal.id, EventKind.SUBMITTED, proposal.created_at,
                 actor_role=Role.CITIZEN)
    record_event(session, proposal.id, EventKind.PUBLISHED, published_at,
                 actor_role=Role.CITIZEN,
                 **({"closes_at": closes_at.isoformat()} if closes_at else {}))
    rows = [{"proposal_id": proposal.id, "participant_id": f"synthetic-{proposal.id}-{n:05d}",
             "created_at": moment} for n, moment in enumerate(agreement_times, start=1)]
    if rows:
        session.execute(sa.insert(Agreement.__table__), rows)
    proposal.agreement_count = session.execute(
        sa.select(sa.func.count()).select_from(Agreement.__table__)
        .where(Agreement.proposal_id == proposal.id)).scalar_one()
    session.commit()
    return proposal


def reach(session, clock, proposal, metric, count, at, *, since):
    """Record the steps ``count`` unlocks, as the package does when the
    ``count``-th agreement (or ballot) arrives at ``at``."""
    clock.set(at)
    stage = session.execute(sa.select(Proposal.stage).where(Proposal.id == proposal.id)).scalar()
    with unit_of_work(session) as work:
        reached = record_milestones(session, work, proposal.id, Metric(metric), count,
                                    counting_since=since, at=at, stage=stage)
    session.refresh(proposal)
    return reached


def agreement_moment(session, proposal, nth):
    """When the ``nth`` agreement arrived."""
    return session.execute(
        sa.select(Agreement.created_at).where(Agreement.proposal_id == proposal.id)
        .order_by(Agreement.created_at, Agreement.id).offset(nth - 1).limit(1)).scalar_one()


def add_ballots(session, debate, ballots, opinions, *, until):
    """Synthetic ballots spread over the debate until ``until``; the tallies
    are then set from the rows. Returns the moments, oldest first."""
    total = sum(ballots.values())
    moments = spread(total, [(total, debate.starts_at, min(debate.ends_at, until))])
    rows, n = [], 0
    # interleave stances so every stretch of the debate has each kind
    order = []
    remaining = dict(ballots)
    while any(remaining.values()):
        for stance in ballots:
            share = max(1, round(ballots[stance] / total * 20))
            take = min(share, remaining[stance])
            order.extend([stance] * take)
            remaining[stance] -= take
    seen = {stance: 0 for stance in ballots}
    for stance, moment in zip(order, moments, strict=True):
        n += 1
        texts = opinions[stance]
        seen[stance] += 1
        rows.append({"debate_id": debate.id, "participant_id": f"synthetic-d{debate.id}-{n:05d}",
                     "author_name": f"가상 시민 {n}",
                     "stance": None if stance is None else str(stance),
                     "opinion": texts[seen[stance] % len(texts)], "created_at": moment,
                     "updated_at": moment, "like_count": 0, "report_count": 0})
    if rows:
        session.execute(sa.insert(Ballot.__table__), rows)
    counts = dict(session.execute(sa.select(Ballot.stance, sa.func.count())
                                  .where(Ballot.debate_id == debate.id)
                                  .group_by(Ballot.stance)).all())
    debate.participant_count = sum(counts.values())
    for stance in Stance:
        setattr(debate, TALLY_COLUMN[stance], counts.get(str(stance), 0))
    session.commit()
    return moments


def add_city_question(session, *, question, starts_at, ends_at, ballots, opinions, background,
                      arguments_pro, arguments_con, until):
    """A question the city asks on its own (no proposal behind it)."""
    debate = Debate(proposal_id=None, kind=str(DebateKind.PRO_CON), question=question,
                    background=background, arguments_pro=arguments_pro,
                    arguments_con=arguments_con, starts_at=starts_at, ends_at=ends_at,
                    created_at=starts_at - timedelta(days=7), created_by_role=str(Role.ADMIN))
    session.add(debate)
    session.flush()
    add_ballots(session, debate, ballots, opinions, until=until)
    return debate


def settle_notifications(session, at):
    """What the seed replayed happened before any visitor: nobody is told of
    it. Visitors' own clicks queue notifications as usual."""
    events = NotificationEvent.__table__
    session.execute(sa.update(events).where(events.c.fanned_out_at.is_(None))
                    .values(fanned_out_at=at))
    session.commit()
