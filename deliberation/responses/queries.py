"""What is due, what is late, and by how long."""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..participants import Role, require_role
from ..proposals.models import Proposal
from ..proposals.states import PUBLIC_STATES
from ..settings import current_settings
from ..threshold.models import Milestone
from ..threshold.rules import Step
from .models import Answer, Assignment
from .states import ANSWER_STEPS, AnswerStatus


@dataclass(frozen=True)
class DueAnswer:
    proposal_id: int
    title: str
    step: Step
    department: str | None
    reached_at: object
    due_at: object
    answered_at: object
    now: object

    @property
    def overdue_by(self):
        """How late: for an open item until now, for an answered one until
        its answer; None when on time."""
        end = self.answered_at or self.now
        return end - self.due_at if end > self.due_at else None

    @property
    def is_open(self):
        return self.answered_at is None


def due_at_of(milestone_due, reached_at):
    """When the answer a milestone calls for is due: the ladder's deadline,
    else the site's default."""
    return milestone_due or current_settings().default_answer_due.after(reached_at)


def answer_items(session, *, department=None):
    """Every answer a reached step calls for, open or given, with its due date."""
    settings = current_settings()
    now = settings.now()
    published = aliased(Answer)
    rows = session.execute(
        sa.select(Milestone.proposal_id, Proposal.title, Milestone.step, Milestone.reached_at,
                  Milestone.answer_due_at, Assignment.department, published.published_at)
        .join(Proposal, Proposal.id == Milestone.proposal_id)
        .outerjoin(Assignment, sa.and_(Assignment.proposal_id == Milestone.proposal_id,
                                       Milestone.step == str(Step.DEPARTMENT_ANSWER)))
        .outerjoin(published, sa.and_(published.proposal_id == Milestone.proposal_id,
                                      published.step == Milestone.step,
                                      published.status == AnswerStatus.PUBLISHED))
        .where(Milestone.step.in_([str(s) for s in ANSWER_STEPS]),
               Proposal.state.in_([str(s) for s in PUBLIC_STATES]),
               Proposal.hidden_at.is_(None), Proposal.merged_into_id.is_(None))
    ).all()
    items = [DueAnswer(r.proposal_id, r.title, Step(r.step), r.department, r.reached_at,
                       due_at_of(r.answer_due_at, r.reached_at), r.published_at, now)
             for r in rows]
    if department is not None:
        items = [i for i in items if i.department == department]
    return items


def answers_due(session, *, department=None, overdue_only=False):
    """Open answers, oldest due date first: the officials' queue."""
    items = [i for i in answer_items(session, department=department) if i.is_open]
    if overdue_only:
        items = [i for i in items if i.overdue_by is not None]
    return sorted(items, key=lambda i: (i.due_at, i.proposal_id))


def due_queue_for(session, actor, *, department=None, overdue_only=False):
    """The answer queue as ``actor`` may see it: officials and admins only;
    a department official sees their own department unless they ask for
    another."""
    require_role(actor, Role.DEPARTMENT_OFFICIAL, Role.MAYOR_OFFICE, Role.ADMIN)
    if department is None and actor.has(Role.DEPARTMENT_OFFICIAL) and not actor.has(Role.ADMIN):
        department = actor.department
    return answers_due(session, department=department, overdue_only=overdue_only), department


@dataclass(frozen=True)
class LatenessReport:
    open_on_time: int
    open_overdue: int
    answered_on_time: int
    answered_late: int
    longest_overdue: timedelta | None
    average_late: timedelta | None
    overdue: list


def lateness_report(session):
    """The public account of late answers (Seoul once answered 8 months late)."""
    items = answer_items(session)
    open_items = [i for i in items if i.is_open]
    late_open = sorted((i for i in open_items if i.overdue_by), key=lambda i: i.due_at)
    answered = [i for i in items if not i.is_open]
    late_answered = [i for i in answered if i.overdue_by]
    lates = [i.overdue_by for i in late_open + late_answered]
    return LatenessReport(
        open_on_time=len(open_items) - len(late_open), open_overdue=len(late_open),
        answered_on_time=len(answered) - len(late_answered), answered_late=len(late_answered),
        # the longest lateness, open or answered: an answer published eight
        # months late is the record the public should see
        longest_overdue=max(lates, default=None),
        average_late=(sum(lates, timedelta()) / len(lates)) if lates else None,
        overdue=late_open)
