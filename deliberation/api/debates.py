"""The API of citizen debates (시민토론) and city questions (서울시가 묻습니다):
lists, the debate, ballots, opinions, results and open data."""

from flask import Response, jsonify, request

from ..debates import operations as debate_ops
from ..debates import queries as debate_queries
from ..errors import NotFound
from ..extension import current_participant
from ..participants import require_participant
from ..proposals import queries as proposal_queries
from ..settings import current_settings
from . import debate_presenters as presenters
from . import debate_schemas as schemas
from .blueprint import _json_body, _session, bp, load, no_store
from .openapi import document


def _per_page(args):
    return args.get("per_page") or current_settings().per_page


@bp.get("/debates")
@document("List debates and city questions, newest first",
          query=schemas.DebateListQuerySchema, response=schemas.DebatePageSchema)
@no_store
def list_debates():
    args = load(schemas.DebateListQuerySchema, request.args)
    session = _session()
    per_page = _per_page(args)
    items, total = debate_queries.list_debates(
        session, state=args["state"], city_questions_only=args["city_questions"],
        page=args["page"], per_page=per_page)
    return jsonify(schemas.DebatePageSchema().dump(presenters.page_data(
        [presenters.debate_data(session, d, with_ballot=False) for d in items],
        total, args["page"], per_page)))


@bp.post("/debates")
@document("Publish a city question, pro/con or an open discussion (officials)",
          body=schemas.CityQuestionCreateSchema, response=schemas.DebateSchema, status=201)
def create_city_question():
    data = load(schemas.CityQuestionCreateSchema, _json_body())
    session = _session()
    participant = current_participant()
    debate = debate_ops.create_city_question(session, participant, **data)
    return schemas.DebateSchema().dump(presenters.debate_data(session, debate, participant)), 201


@bp.get("/debates/<id:debate_id>")
@document("One debate: question, background, arguments, period, state, tallies and "
          "the caller's own ballot", response=schemas.DebateSchema)
@no_store
def get_debate(debate_id):
    session = _session()
    debate = debate_queries.get_debate(session, debate_id)
    return schemas.DebateSchema().dump(
        presenters.debate_data(session, debate, current_participant()))


@bp.patch("/debates/<id:debate_id>")
@document("Prepare a debate before it opens (officials)", body=schemas.DebateUpdateSchema,
          response=schemas.DebateSchema)
def update_debate(debate_id):
    data = load(schemas.DebateUpdateSchema, _json_body())
    session = _session()
    participant = current_participant()
    debate = debate_ops.edit_debate(session, participant, debate_id, **data)
    return schemas.DebateSchema().dump(presenters.debate_data(session, debate, participant))


@bp.put("/debates/<id:debate_id>/ballot")
@document("Cast a ballot with a written opinion (201), or change one's stance or opinion "
          "while the debate is open (200)", body=schemas.BallotBodySchema,
          response=schemas.BallotCastSchema, status=200, also=(201,))
def cast_ballot(debate_id):
    data = load(schemas.BallotBodySchema, _json_body())
    session = _session()
    participant = current_participant()
    result = debate_ops.cast_ballot(session, participant, debate_id, **data)
    ballot = debate_ops.ballot_of(session, participant, debate_id)
    body = schemas.BallotCastSchema().dump({
        "debate_id": result.debate_id, "created": result.created,
        "participants": result.participants, "reached": result.reached,
        "ballot": presenters.own_ballot_data(ballot)})
    return body, (201 if result.created else 200)


@bp.get("/debates/<id:debate_id>/ballot")
@document("The caller's own ballot (null when none); never anybody else's",
          response=schemas.MyBallotSchema)
@no_store
def my_ballot(debate_id):
    participant = require_participant(current_participant())
    session = _session()
    debate = debate_queries.get_debate(session, debate_id)
    return schemas.MyBallotSchema().dump({"debate_id": debate.id, "ballot": presenters.own_ballot_data(
        debate_ops.ballot_of(session, participant, debate.id))})


@bp.get("/debates/<id:debate_id>/opinions")
@document("The opinions, filtered by stance, newest or most liked first; a hidden "
          "opinion keeps its place with its text withheld and the public reason",
          query=schemas.OpinionQuerySchema, response=schemas.OpinionPageSchema)
@no_store
def list_opinions(debate_id):
    args = load(schemas.OpinionQuerySchema, request.args)
    session = _session()
    per_page = _per_page(args)
    items, total = debate_queries.opinions(session, debate_id, stance=args["stance"],
                                           sort=args["sort"], page=args["page"],
                                           per_page=per_page)
    return jsonify(schemas.OpinionPageSchema().dump(presenters.page_data(
        presenters.opinions_data(session, items, current_participant()), total, args["page"],
        per_page)))


@bp.get("/debates/<id:debate_id>/results")
@document("Counts and percentages per stance, and participants over time",
          response=schemas.ResultsSchema)
@no_store
def debate_results(debate_id):
    session = _session()
    debate = debate_queries.get_debate(session, debate_id)
    results = debate_queries.results_of(session, debate.id)
    return schemas.ResultsSchema().dump(presenters.results_data(results, debate.kind))


def _csv(data, name):
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store"})


@bp.get("/debates/<id:debate_id>/results.csv")
@document("Open data: the results as CSV (UTF-8 with a BOM)", mimetype="text/csv")
def debate_results_csv(debate_id):
    session = _session()
    debate = debate_queries.get_debate(session, debate_id)
    header, rows = presenters.results_csv_rows(debate_queries.results_of(session, debate.id),
                                               debate.kind)
    return _csv(presenters.csv_bytes(header, rows), f"debate-{debate.id}-results.csv")


@bp.get("/debates/<id:debate_id>/opinions.csv")
@document("Open data: every opinion without personal data, as CSV (UTF-8 with a BOM)",
          mimetype="text/csv")
def debate_opinions_csv(debate_id):
    rows = debate_queries.open_data_rows(_session(), debate_id)
    columns = presenters.OPINION_COLUMNS
    return _csv(presenters.csv_bytes(columns, [[row[c] for c in columns] for row in rows]),
                f"debate-{debate_id}-opinions.csv")


@bp.get("/debates/<id:debate_id>/opinions.json")
@document("Open data: every opinion without personal data", response=schemas.OpenOpinionsSchema)
def debate_opinions_json(debate_id):
    session = _session()
    debate = debate_queries.get_debate(session, debate_id)
    return schemas.OpenOpinionsSchema().dump({
        "debate_id": debate.id, "question": debate.question,
        "items": list(debate_queries.open_data_rows(session, debate.id))})


@bp.get("/proposals/<id:proposal_id>/debate")
@document("The citizen debate the agenda committee opened on a proposal",
          response=schemas.DebateSchema)
@no_store
def proposal_debate(proposal_id):
    session = _session()
    participant = current_participant()
    proposal = proposal_queries.get_proposal(session, proposal_id, viewer=participant)
    debate = debate_queries.debate_of_proposal(session, proposal.id)
    if debate is None:
        raise NotFound("This proposal has no debate.")
    return schemas.DebateSchema().dump(presenters.debate_data(session, debate, participant))
