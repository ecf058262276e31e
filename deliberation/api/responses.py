"""The API of official responses: assignment, answers and their review,
implementation updates, and what is due or late."""

from flask import jsonify, request

from ..extension import current_participant
from ..proposals import queries
from ..responses import operations as response_ops
from ..responses import queries as response_queries
from ..threshold.rules import Step
from . import presenters, schemas
from .blueprint import _json_body, _session, bp, load, no_store
from .openapi import document


@bp.post("/proposals/<id:proposal_id>/assignment")
@document("Assign the department that answers (admin)", body=schemas.AssignBodySchema,
          response=schemas.AssignmentSchema)
def assign_department(proposal_id):
    data = load(schemas.AssignBodySchema, _json_body())
    assignment = response_ops.assign_department(_session(), current_participant(), proposal_id,
                                                **data)
    return schemas.AssignmentSchema().dump(assignment)


def _put_answer(proposal_id, step):
    data = load(schemas.AnswerBodySchema, _json_body())
    session = _session()
    answer = response_ops.record_answer(session, current_participant(), proposal_id, step,
                                        **data)
    return schemas.AnswerSchema().dump(presenters.answer_data(session, answer,
                                                              with_revisions=False))


def _review_answer(proposal_id, step):
    data = load(schemas.ReviewBodySchema, _json_body())
    session = _session()
    answer = response_ops.review_answer(session, current_participant(), proposal_id, step,
                                        **data)
    return schemas.AnswerSchema().dump(presenters.answer_data(session, answer,
                                                              with_revisions=False))


# one route per step, so that each is documented with its own rule and path
_ANSWER_DOCS = {
    Step.DEPARTMENT_ANSWER: "an official of the assigned department",
    Step.MAYOR_ANSWER: "the mayor's office",
}


def _for_step(handler, step):
    def view(proposal_id):
        return handler(proposal_id, step)
    return view


for _step, _who in _ANSWER_DOCS.items():
    _name = _step.replace("_", " ")
    bp.add_url_rule(
        f"/proposals/<id:proposal_id>/answers/{_step}", f"put_{_step}", methods=["PUT"],
        view_func=document(f"Write or edit the {_name} ({_who})", body=schemas.AnswerBodySchema,
                           response=schemas.AnswerSchema)(_for_step(_put_answer, _step)))
    bp.add_url_rule(
        f"/proposals/<id:proposal_id>/answers/{_step}/review", f"review_{_step}",
        methods=["POST"],
        view_func=document(f"Publish or send back the {_name} held for review (admin)",
                           body=schemas.ReviewBodySchema,
                           response=schemas.AnswerSchema)(_for_step(_review_answer, _step)))


@bp.get("/proposals/<id:proposal_id>/answers")
@document("The proposal's official answers with their revision history "
          "(answers held for review only for admins and their authors)",
          response=schemas.AnswerListSchema)
@no_store
def list_answers(proposal_id):
    session = _session()
    participant = current_participant()
    queries.get_proposal(session, proposal_id, viewer=participant)
    answers = presenters.answers_visible_to(session, participant, proposal_id)
    return schemas.AnswerListSchema().dump(
        {"items": [presenters.answer_data(session, a) for a in answers]})


@bp.post("/proposals/<id:proposal_id>/implementation")
@document("Report the policy's progress after an answer (officials)",
          body=schemas.ImplementationBodySchema, response=schemas.ImplementationUpdateSchema,
          status=201)
def post_implementation_update(proposal_id):
    data = load(schemas.ImplementationBodySchema, _json_body())
    update = response_ops.post_implementation_update(_session(), current_participant(),
                                                     proposal_id, **data)
    return schemas.ImplementationUpdateSchema().dump(update), 201


@bp.get("/proposals/<id:proposal_id>/implementation")
@document("The policy's progress after the answer, oldest first",
          response=schemas.ImplementationListSchema)
def list_implementation_updates(proposal_id):
    session = _session()
    queries.get_proposal(session, proposal_id, viewer=current_participant())
    return schemas.ImplementationListSchema().dump(
        {"items": response_ops.implementation_updates_of(session, proposal_id)})


@bp.get("/answers/due")
@document("Answers due, oldest due date first (officials and admins; a department "
          "official sees their department unless another is asked)",
          query=schemas.DueQuerySchema, response=schemas.DueListSchema)
@no_store
def answers_due():
    args = load(schemas.DueQuerySchema, request.args)
    items, _ = response_queries.due_queue_for(
        _session(), current_participant(), department=args["department"],
        overdue_only=args["overdue"])
    return schemas.DueListSchema().dump({"items": [presenters.due_item_data(i) for i in items]})


@bp.get("/answers/lateness")
@document("How many answers are late and by how long (public)",
          response=schemas.LatenessSchema)
def lateness():
    report = response_queries.lateness_report(_session())
    return jsonify(schemas.LatenessSchema().dump(presenters.lateness_data(report)))
