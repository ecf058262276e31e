"""Pages of official responses: assignment, answers and their review,
implementation updates, the officials' queue and the public lateness page."""

from flask import render_template, request

from ..i18n import gettext as _
from ..participants import Role
from ..responses import operations as response_ops
from ..responses import queries as response_queries
from ..api import presenters
from ..threshold.rules import Step
from .blueprint import _session, bp, form_action, load_or_default, require_login
from .forms import (
    AnswerFormSchema, AssignFormSchema, DueFilterSchema, ImplementationFormSchema,
    ReviewFormSchema,
)

ANSWER_STEP = "<any(department_answer, mayor_answer):step>"


@bp.post("/<id:proposal_id>/assign")
def proposal_assign(proposal_id):
    return form_action(
        proposal_id, "assign", AssignFormSchema,
        lambda session, actor, data: response_ops.assign_department(
            session, actor, proposal_id, **data),
        _("The department is assigned."))


@bp.post(f"/<id:proposal_id>/answers/{ANSWER_STEP}")
def proposal_answer(proposal_id, step):
    return form_action(
        proposal_id, f"answer_{step}", AnswerFormSchema,
        lambda session, actor, data: response_ops.record_answer(
            session, actor, proposal_id, Step(step), **data),
        _("The answer is saved."))


@bp.post(f"/<id:proposal_id>/answers/{ANSWER_STEP}/review")
def proposal_answer_review(proposal_id, step):
    return form_action(
        proposal_id, f"review_{step}", ReviewFormSchema,
        lambda session, actor, data: response_ops.review_answer(
            session, actor, proposal_id, Step(step), **data),
        _("The review is recorded."))


@bp.post("/<id:proposal_id>/implementation")
def proposal_implementation(proposal_id):
    return form_action(
        proposal_id, "implementation", ImplementationFormSchema,
        lambda session, actor, data: response_ops.post_implementation_update(
            session, actor, proposal_id, **data),
        _("The implementation update is posted."))


@bp.get("/answers/due")
def answer_queue():
    """Officials' and admins' queue: what is due and overdue, oldest first."""
    participant = require_login()
    args = load_or_default(DueFilterSchema, request.args)
    session = _session()
    items, department = response_queries.due_queue_for(session, participant,
                                                        overdue_only=args["overdue"])
    pending = presenters.pending_answers(session) if participant.has(Role.ADMIN) else []
    return render_template("deliberation/answers/queue.html",
                           items=[presenters.due_item_data(i) for i in items],
                           overdue_only=args["overdue"], department=department,
                           pending=pending)


@bp.get("/answers/late")
def answers_late():
    """The public account of late answers (늦은 답변)."""
    report = response_queries.lateness_report(_session())
    return render_template("deliberation/answers/late.html",
                           report=presenters.lateness_data(report))
