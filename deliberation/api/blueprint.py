"""The JSON API under ``/api/v1``: parse with a load schema, call one
service, dump with a dump schema."""

from functools import wraps

from flask import Blueprint, current_app, jsonify, request
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.exceptions import BadRequest, HTTPException
from wtforms import ValidationError as BadCSRFToken

from ..extension import current_participant
from ..participants import require_participant
from ..notifications import operations as notification_ops
from ..proposals import operations as proposal_ops
from ..proposals import queries
from ..responses import operations as response_ops
from ..settings import current_settings
from ..threshold import Step, dump_ladder
from ..threshold.config import LadderSchema
from ..threshold.operations import milestones_of
from ..threshold.progress import progress_of
from ..timeline import timeline_of
from ..votes import operations as vote_ops
from . import presenters, schemas
from .errors import json_error, register_json_errors
from .openapi import document, openapi_json

bp = Blueprint("deliberation_api", __name__)

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _session():
    return current_app.extensions["deliberation"].db.session


register_json_errors(bp)


@bp.before_request
def _protect_cookie_writes():
    """A browser sends cookies cross-site but never an Authorization header:
    cookie-authenticated writes must carry the CSRF token, bearer ones need not."""
    if request.method not in UNSAFE:
        return
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if current_participant() is not None:
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except BadCSRFToken as exc:
            # validate_csrf raises wtforms' error, which would otherwise end as a 500
            raise CSRFError(exc.args[0]) from exc


def _json_body():
    data = request.get_json(silent=True)
    if data is None:
        if request.get_data():
            # unparseable is a malformed request (400), not a field to correct (422)
            raise BadRequest("The body is not valid JSON.")
        data = {}
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    return data


def load(schema, data):
    return schema().load(data)


def proposal_data(session, proposal):
    """The proposal's values with its progress, who answers it and by when,
    moderation, and the caller's own agreement and following."""
    settings = current_settings()
    milestones = milestones_of(session, proposal.id)
    reached = tuple(Step(m.step) for m in milestones)
    progress = progress_of(settings.ladder, agreement_count=proposal.agreement_count,
                           published_at=proposal.published_at, reached=reached)
    participant = current_participant()
    agreed = vote_ops.has_agreed(session, participant, proposal.id) if participant else None
    following = (notification_ops.is_following(session, participant, proposal.id)
                 if participant else None)
    data = {c: getattr(proposal, c) for c in (
        "id", "title", "body", "category", "author_name", "state", "stage", "agreement_count",
        "created_at", "published_at", "closes_at", "closed_at", "closed_reason",
        "hidden_reason", "merged_into_id")}
    hidden = proposal.hidden_at is not None
    if hidden:
        data["body"] = None  # withheld; the public reason says why
    assignment = response_ops.assignment_of(session, proposal.id)
    data.update(
        progress=progress, agreed_by_me=agreed, following=following, hidden=hidden,
        assignment=assignment,
        answer_due_at={d["step"]: d["due_at"]
                       for d in presenters.deadlines_of(session, milestones, settings.now())})
    return data


def dump_proposal(session, proposal):
    return schemas.ProposalSchema().dump(proposal_data(session, proposal))


def no_store(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        response = current_app.make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response
    return wrapper


@bp.get("/proposals")
@document("List public proposals", query=schemas.ProposalListQuerySchema,
          response=schemas.ProposalPageSchema)
@no_store
def list_proposals():
    args = load(schemas.ProposalListQuerySchema, request.args)
    session = _session()
    page = queries.list_proposals(session, **args)
    return jsonify(schemas.ProposalPageSchema().dump({
        "items": [proposal_data(session, p) for p in page.items],
        "page": page.page, "per_page": page.per_page, "total": page.total, "pages": page.pages,
    }))


@bp.post("/proposals")
@document("Submit a proposal (a draft, or published at once with publish=true)",
          body=schemas.ProposalCreateSchema, response=schemas.ProposalSchema, status=201)
def create_proposal():
    data = load(schemas.ProposalCreateSchema, _json_body())
    session = _session()
    proposal = proposal_ops.submit_proposal(session, current_participant(), **data)
    return dump_proposal(session, proposal), 201


@bp.get("/proposals/similar")
@document("Proposals similar to a text, to show before submitting",
          query=schemas.SimilarQuerySchema, response=schemas.SimilarListSchema)
def similar_proposals():
    args = load(schemas.SimilarQuerySchema, request.args)
    pairs = queries.find_similar(_session(), args["title"], args["body"])
    return schemas.SimilarListSchema().dump(
        {"items": [{"score": score, "proposal": p} for p, score in pairs]})


@bp.get("/proposals/<id:proposal_id>")
@document("One proposal with its progress toward the next step", response=schemas.ProposalSchema)
@no_store
def get_proposal(proposal_id):
    session = _session()
    proposal = queries.get_proposal(session, proposal_id, viewer=current_participant())
    return dump_proposal(session, proposal)


@bp.patch("/proposals/<id:proposal_id>")
@document("Edit a proposal (author only, until its first agreement)",
          body=schemas.ProposalUpdateSchema, response=schemas.ProposalSchema)
def update_proposal(proposal_id):
    data = load(schemas.ProposalUpdateSchema, _json_body())
    session = _session()
    proposal = proposal_ops.edit_proposal(session, current_participant(), proposal_id, **data)
    return dump_proposal(session, proposal)


@bp.post("/proposals/<id:proposal_id>/publish")
@document("Publish a draft: collection starts", response=schemas.ProposalSchema)
def publish_proposal(proposal_id):
    session = _session()
    proposal = proposal_ops.publish_proposal(session, current_participant(), proposal_id)
    return dump_proposal(session, proposal)


@bp.post("/proposals/<id:proposal_id>/withdraw")
@document("Withdraw one's own proposal", response=schemas.ProposalSchema)
def withdraw_proposal(proposal_id):
    session = _session()
    proposal = proposal_ops.withdraw_proposal(session, current_participant(), proposal_id)
    return dump_proposal(session, proposal)


@bp.post("/proposals/<id:proposal_id>/close")
@document("Close collection early (admin)", body=schemas.CloseSchema,
          response=schemas.ProposalSchema)
def close_proposal(proposal_id):
    data = load(schemas.CloseSchema, _json_body())
    session = _session()
    proposal = proposal_ops.close_proposal(session, current_participant(), proposal_id, **data)
    return dump_proposal(session, proposal)


@bp.put("/proposals/<id:proposal_id>/agreement")
@document("Agree (공감); idempotent", response=schemas.AgreementSchema)
def agree(proposal_id):
    result = vote_ops.agree(_session(), current_participant(), proposal_id)
    return schemas.AgreementSchema().dump(result)


@bp.delete("/proposals/<id:proposal_id>/agreement")
@document("Withdraw one's agreement while collection is open", response=schemas.AgreementSchema)
def withdraw_agreement(proposal_id):
    result = vote_ops.withdraw_agreement(_session(), current_participant(), proposal_id)
    return schemas.AgreementSchema().dump(result)


@bp.get("/proposals/<id:proposal_id>/agreement")
@document("Whether the caller agreed (never anybody else)", response=schemas.AgreementSchema)
@no_store
def my_agreement(proposal_id):
    session = _session()
    participant = require_participant(current_participant())
    proposal = queries.get_proposal(session, proposal_id, viewer=participant)
    return schemas.AgreementSchema().dump({
        "proposal_id": proposal.id, "count": proposal.agreement_count,
        "agreed": vote_ops.has_agreed(session, participant, proposal.id), "reached": ()})


@bp.get("/proposals/<id:proposal_id>/timeline")
@document("A proposal's public, dated history", response=schemas.TimelineSchema)
def proposal_timeline(proposal_id):
    session = _session()
    queries.get_proposal(session, proposal_id, viewer=current_participant())
    return schemas.TimelineSchema().dump({"items": timeline_of(session, proposal_id)})


@bp.get("/ladder")
@document("The escalation ladder in force", response=LadderSchema)
def ladder():
    return dump_ladder(current_settings().ladder)


@bp.get("/me")
@document("The caller as the package sees it", response=schemas.MeSchema)
@no_store
def me():
    participant = require_participant(current_participant())
    return schemas.MeSchema().dump({
        "id": participant.id, "display_name": participant.display_name,
        "roles": sorted(participant.roles), "department": participant.department})


bp.add_url_rule("/openapi.json", "openapi", openapi_json)

# the routes of the other concerns, registered on this same blueprint
from . import debates, meetings, moderation, notifications, reactions, responses  # noqa: E402,F401
from . import activity  # noqa: E402,F401


API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@bp.route("/<path:anything>", methods=API_METHODS)
def unknown(anything):
    """No endpoint here: 404, or 405 with Allow when the path exists for
    other methods (this catch-all would otherwise answer them all with 404)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in API_METHODS:
        try:
            rule, _ = adapter.match(request.path, method=method, return_rule=True)
        except HTTPException:
            continue
        if rule.endpoint != request.endpoint:
            allowed.append(method)
    if allowed:
        response = json_error(405, "method_not_allowed",
                              f"Use {', '.join(allowed)} on this endpoint.")
        response.headers["Allow"] = ", ".join(allowed)
        return response
    return json_error(404, "not_found", "No such API endpoint.")


def register(app):
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)
    app.register_blueprint(bp, url_prefix=app.config["DELIBERATION_API_PREFIX"])
