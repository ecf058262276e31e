"""The API of the agenda committee and of admins' moderation: decide on a
proposal, hide, unhide, merge duplicates."""

from ..committee import committee_queue_for, decide_on_proposal
from ..extension import current_participant
from ..proposals import admin as admin_ops
from . import schemas
from .blueprint import _json_body, _session, bp, load, no_store, proposal_data
from .openapi import document


@bp.get("/committee/queue")
@document("Proposals at the committee step waiting for a decision, oldest first "
          "(agenda committee, admins)", response=schemas.CommitteeQueueSchema)
@no_store
def committee_queue_list():
    session = _session()
    rows = committee_queue_for(session, current_participant())
    return schemas.CommitteeQueueSchema().dump({"items": [
        {"proposal": proposal_data(session, proposal), "reached_at": reached_at}
        for proposal, reached_at in rows]})


@bp.post("/proposals/<id:proposal_id>/committee-decision")
@document("Open a citizen debate or decline, with a published reason (agenda committee)",
          body=schemas.CommitteeDecisionBodySchema, response=schemas.CommitteeDecisionSchema,
          status=201)
def committee_decision(proposal_id):
    data = load(schemas.CommitteeDecisionBodySchema, _json_body())
    decision = decide_on_proposal(_session(), current_participant(), proposal_id, **data)
    return schemas.CommitteeDecisionSchema().dump(decision), 201


@bp.post("/proposals/<id:proposal_id>/hide")
@document("Withhold a proposal's text with a public reason (admin)",
          body=schemas.HideBodySchema, response=schemas.ProposalSchema)
def hide_proposal(proposal_id):
    data = load(schemas.HideBodySchema, _json_body())
    session = _session()
    proposal = admin_ops.hide_proposal(session, current_participant(), proposal_id, **data)
    return schemas.ProposalSchema().dump(proposal_data(session, proposal))


@bp.post("/proposals/<id:proposal_id>/unhide")
@document("Show a hidden proposal again (admin)", response=schemas.ProposalSchema)
def unhide_proposal(proposal_id):
    session = _session()
    proposal = admin_ops.unhide_proposal(session, current_participant(), proposal_id)
    return schemas.ProposalSchema().dump(proposal_data(session, proposal))


@bp.post("/proposals/<id:proposal_id>/merge")
@document("Merge a duplicate into another proposal; its supporters' agreements move and "
          "they are told (admin)", body=schemas.MergeBodySchema, response=schemas.MergeSchema)
def merge_proposal(proposal_id):
    data = load(schemas.MergeBodySchema, _json_body())
    session = _session()
    duplicate, target = admin_ops.merge_proposals(session, current_participant(), proposal_id,
                                                  data["target_id"])
    return schemas.MergeSchema().dump({"duplicate": proposal_data(session, duplicate),
                                       "target": proposal_data(session, target)})
