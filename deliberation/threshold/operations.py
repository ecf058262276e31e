"""Recording milestones: the moment a count crosses a rule of the ladder."""

from functools import cache

import sqlalchemy as sa

from .. import signals
from ..db import insert_ignoring_duplicates
from ..notifications import NotificationKind
from ..notifications.operations import queue_notification
from ..proposals.models import Proposal
from ..settings import current_settings
from ..timeline import EventKind, record_event
from .models import Milestone
from .rules import Step

proposals = Proposal.__table__


def record_milestones(session, work, proposal_id, metric, value, *, counting_since, at,
                      stage=None):
    """Record every step that ``value`` of ``metric`` now unlocks for the
    proposal. Runs inside the caller's transaction, after the counter update
    that produced ``value``.

    A step is recorded by inserting its (proposal, step) row; the unique
    constraint lets exactly one transaction succeed, in any number of threads
    or processes, and only that one queues the signal. ``stage`` (the highest
    step known reached) skips the insert attempts once a step is behind us.
    """
    settings = current_settings()
    ladder = settings.ladder
    known = _steps_up_to(stage)
    recorded = []
    for rule in ladder.rules_met(metric, value, counting_since, at, reached=known):
        due_at = rule.due_at(at)
        inserted = session.execute(
            insert_ignoring_duplicates(session, Milestone.__table__).values(
                proposal_id=proposal_id, step=str(rule.step), metric=str(metric),
                count_at=value, reached_at=at, answer_due_at=due_at)
        ).rowcount
        if not inserted:
            continue
        lower = [str(step) for step in Step if step.rank < rule.step.rank]
        raise_stage = (
            sa.update(proposals)
            .where(proposals.c.id == proposal_id,
                   sa.or_(proposals.c.stage.is_(None), proposals.c.stage.in_(lower)))
            .values(stage=str(rule.step))
        )
        if ladder.keep_collecting_after == rule.step:
            raise_stage = raise_stage.values(closes_at=None)
        session.execute(raise_stage)
        record_event(session, proposal_id, EventKind.MILESTONE_REACHED, at,
                     step=str(rule.step), metric=str(metric), count=value,
                     answer_due_at=None if due_at is None else due_at.isoformat())
        queue_notification(session, NotificationKind.STEP_REACHED, proposal_id, at=at,
                           step=str(rule.step), count=value)
        for hook in settings.milestone_hooks:
            hook(session, work, proposal_id, rule, at)
        work.emit(signals.milestone_reached, proposal_id=proposal_id, step=rule.step,
                  metric=metric, count=value, reached_at=at)
        recorded.append(rule.step)
    return recorded


@cache
def _steps_up_to(stage):
    if stage is None:
        return ()
    top = Step(stage).rank
    return tuple(step for step in Step if step.rank <= top)


def milestones_of(session, proposal_id):
    return session.scalars(
        sa.select(Milestone).where(Milestone.proposal_id == proposal_id)
        .order_by(Milestone.reached_at, Milestone.id)
    ).all()
