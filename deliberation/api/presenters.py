"""Read-side helpers shared by the JSON API and the pages: what a viewer may
see of a proposal's answers and deadlines. They only read; every change goes
through a service. The permission questions are answered by asking the
services' own guards, so a rule lives in one place."""

import math

import sqlalchemy as sa

from ..participants import Role
from ..proposals.models import Proposal
from ..responses import operations as response_ops
from ..responses.models import Answer
from ..responses.queries import due_at_of
from ..responses.states import ANSWER_STEPS, AnswerStatus

_STEP_ORDER = {str(step): n for n, step in enumerate(ANSWER_STEPS)}


def whole_days(delta):
    """A lateness as whole days, a started day counting as one."""
    if delta is None:
        return None
    return max(1, math.ceil(delta.total_seconds() / 86400))


def days(delta):
    return None if delta is None else round(delta.total_seconds() / 86400, 1)


def answers_visible_to(session, viewer, proposal_id):
    """Published answers for everyone; one held for review also for admins
    and for whoever may answer that step."""
    answers = session.scalars(sa.select(Answer).where(Answer.proposal_id == proposal_id)).all()
    visible = [a for a in answers if a.status == AnswerStatus.PUBLISHED or (
        viewer is not None and (viewer.has(Role.ADMIN)
                                or response_ops.may_answer(session, viewer, proposal_id, a.step)))]
    return sorted(visible, key=lambda a: _STEP_ORDER.get(a.step, 99))


def answer_data(session, answer, *, with_revisions=True):
    data = {c: getattr(answer, c) for c in (
        "step", "department", "status", "decision", "body_html", "body_markdown", "links",
        "video_url", "version", "created_at", "updated_at", "published_at")}
    if with_revisions:
        data["revisions"] = response_ops.revisions_of(session, answer.id)
    return data


def deadlines_of(session, milestones, now):
    """For each reached step that calls for an answer: when it is due, when
    it was answered, and by how many days it is (or was) late."""
    published = dict(session.execute(sa.select(Answer.step, Answer.published_at).where(
        Answer.proposal_id.in_({m.proposal_id for m in milestones} or {0}),
        Answer.status == AnswerStatus.PUBLISHED)).all())
    found = []
    for milestone in milestones:
        if milestone.step not in _STEP_ORDER:
            continue
        due_at = due_at_of(milestone.answer_due_at, milestone.reached_at)
        answered_at = published.get(milestone.step)
        end = answered_at or now
        found.append({"step": milestone.step, "due_at": due_at, "answered_at": answered_at,
                      "overdue_days": whole_days(end - due_at) if end > due_at else None})
    return found


def due_item_data(item):
    return {"proposal_id": item.proposal_id, "title": item.title, "step": item.step,
            "department": item.department, "reached_at": item.reached_at,
            "due_at": item.due_at, "answered_at": item.answered_at,
            "overdue_days": whole_days(item.overdue_by)}


def lateness_data(report):
    return {"open_on_time": report.open_on_time, "open_overdue": report.open_overdue,
            "answered_on_time": report.answered_on_time, "answered_late": report.answered_late,
            "longest_overdue_days": days(report.longest_overdue),
            "average_late_days": days(report.average_late),
            "overdue": [due_item_data(i) for i in report.overdue]}


def pending_answers(session):
    """Answers held for an admin's review, oldest first."""
    return session.execute(
        sa.select(Answer, Proposal.title).join(Proposal, Proposal.id == Answer.proposal_id)
        .where(Answer.status == AnswerStatus.PENDING_REVIEW)
        .order_by(Answer.updated_at, Answer.id)).all()
