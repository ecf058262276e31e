"""/api/v1/openapi.json: a valid OpenAPI 3 document that describes every
route of the API, with its schemas as components, and that tells the truth
about the answers the API really gives."""

import re

import pytest

from deliberation.api.openapi import API_BLUEPRINTS
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

API = "/api/v1"
BEARER = {"Authorization": "Bearer member-1"}
UNDOCUMENTED = {"deliberation_api.openapi", "deliberation_api.unknown"}
_PATH_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@pytest.fixture
def client(app):
    with app.app_context():
        app.db.session.add(app.Member(id=1, nickname="Kim"))
        app.db.session.commit()
    return app.test_client()


@pytest.fixture
def spec(client):
    answer = client.get(f"{API}/openapi.json")
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    return answer.get_json()


def api_operations(app, prefix=API):
    """(OpenAPI path, method) of every route the API blueprint serves."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(API_BLUEPRINTS) or rule.endpoint in UNDOCUMENTED:
            continue
        path = _PATH_ARG.sub(r"{\1}", rule.rule[len(prefix):])
        found.update((path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"})
    return found


def documented_operations(spec):
    return {(path, method) for path, item in spec["paths"].items() for method in item}


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def refs_in(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs_in(value)


def test_document_is_valid_openapi_3_when_served(spec):
    validate(spec)

    assert spec["openapi"].startswith("3.")
    assert spec["servers"] == [{"url": API}]


def test_validator_refuses_the_document_when_an_operation_lacks_its_responses(spec):
    """The validator really checks: the same document with one operation
    missing its required responses is refused."""
    del spec["paths"]["/proposals"]["post"]["responses"]

    with pytest.raises(OpenAPIValidationError):
        validate(spec)


def test_every_api_route_is_documented_when_the_document_is_built(app, spec):
    served = api_operations(app)

    assert len(served) >= 13
    assert served - documented_operations(spec) == set()


def test_no_operation_is_documented_when_no_route_serves_it(app, spec):
    assert documented_operations(spec) - api_operations(app) == set()


def test_operation_ids_are_unique_when_every_method_is_counted(spec):
    ids = [operation["operationId"] for _, _, operation in operations(spec)]

    assert len(ids) == len(set(ids))


def test_every_success_answer_refers_to_a_component_schema_when_it_has_a_body(spec):
    for path, method, operation in operations(spec):
        success = [body for status, body in operation["responses"].items()
                   if status.startswith("2")]
        assert success, (path, method)
        for body in success:
            if path.endswith(".csv"):  # open data files are text, not JSON
                assert body["content"] == {"text/csv": {"schema": {"type": "string"}}}
                continue
            schema = body["content"]["application/json"]["schema"]
            assert schema["$ref"].startswith("#/components/schemas/"), (path, method)


def test_ballot_answer_is_documented_as_created_or_changed_when_cast(spec):
    responses = spec["paths"]["/debates/{debate_id}/ballot"]["put"]["responses"]

    assert {"200", "201"} <= set(responses)
    assert responses["200"] == responses["201"]


def test_every_error_answer_refers_to_the_error_envelope_when_documented(spec):
    for path, method, operation in operations(spec):
        error = operation["responses"]["4XX"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/ErrorEnvelope"}, (path, method)


def test_error_envelope_nests_the_error_when_resolved_and_not_itself(spec):
    schemas = spec["components"]["schemas"]

    assert schemas["ErrorEnvelope"]["properties"]["error"] == {
        "$ref": "#/components/schemas/Error"}
    assert set(schemas["Error"]["properties"]) == {"code", "message", "fields"}


def test_request_bodies_refer_to_load_schemas_when_an_operation_takes_one(spec):
    bodies = {(path, method): operation["requestBody"]["content"]["application/json"]["schema"]
              for path, method, operation in operations(spec) if "requestBody" in operation}

    assert bodies.items() >= {
        ("/proposals", "post"): {"$ref": "#/components/schemas/ProposalCreate"},
        ("/proposals/{proposal_id}", "patch"): {"$ref": "#/components/schemas/ProposalUpdate"},
        ("/proposals/{proposal_id}/close", "post"): {"$ref": "#/components/schemas/Close"},
        ("/proposals/{proposal_id}/answers/department_answer", "put"):
            {"$ref": "#/components/schemas/AnswerBody"},
        ("/proposals/{proposal_id}/merge", "post"): {"$ref": "#/components/schemas/MergeBody"},
    }.items()
    assert all(schema["$ref"].endswith(("Body", "Create", "Update", "Close"))
               for schema in bodies.values()), bodies
    assert spec["components"]["schemas"]["ProposalCreate"]["required"] == [
        "body", "category", "title"]


def test_every_reference_resolves_when_followed(spec):
    refs = set(refs_in(spec))
    components = spec["components"]["schemas"]

    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in components, ref


def test_path_parameters_are_declared_as_integers_when_a_path_has_them(spec):
    for path, method, operation in operations(spec):
        declared = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "path"}
        assert set(declared) == set(re.findall(r"{(\w+)}", path)), (path, method)
        for parameter in declared.values():
            assert parameter["required"] is True
            assert parameter["schema"] == {"type": "integer"}


def test_list_query_parameters_name_their_choices_when_documented(spec):
    parameters = {p["name"]: p for p in spec["paths"]["/proposals"]["get"]["parameters"]}

    assert set(parameters) == {"state", "category", "q", "sort", "page", "per_page"}
    assert set(parameters["sort"]["schema"]["enum"]) >= {"newest", "most_agreed", "closing_soon"}
    assert "draft" in parameters["state"]["schema"]["enum"]
    assert all(p["in"] == "query" and not p.get("required") for p in parameters.values())


def test_document_follows_the_prefix_when_the_host_moves_the_api(make_app):
    app = make_app(DELIBERATION_API_PREFIX="/civic/api")

    spec = app.test_client().get("/civic/api/openapi.json").get_json()

    validate(spec)
    assert spec["servers"] == [{"url": "/civic/api"}]
    assert "/proposals/{proposal_id}/agreement" in spec["paths"]
    assert documented_operations(spec) == api_operations(app, "/civic/api")


def schema_validator(spec, name):
    return OAS30Validator({"$ref": f"#/components/schemas/{name}",
                           "components": spec["components"]})


def assert_matches(spec, name, document):
    errors = [e.message for e in schema_validator(spec, name).iter_errors(document)]
    assert errors == [], (name, document)


def test_real_answers_match_their_documented_schemas_when_validated(client, spec):
    created = client.post(f"{API}/proposals", headers=BEARER, json={
        "title": "Protected bike lanes on the river road", "category": "transport",
        "body": "Cyclists share the river road with fast cars; lanes would save lives.",
        "publish": True}).get_json()
    path = f"{API}/proposals/{created['id']}"

    assert_matches(spec, "Proposal", created)
    assert_matches(spec, "Proposal", client.get(path, headers=BEARER).get_json())
    assert_matches(spec, "Agreement", client.put(f"{path}/agreement", headers=BEARER).get_json())
    assert_matches(spec, "Agreement", client.get(f"{path}/agreement", headers=BEARER).get_json())
    assert_matches(spec, "Timeline", client.get(f"{path}/timeline").get_json())
    assert_matches(spec, "ProposalPage", client.get(f"{API}/proposals").get_json())
    assert_matches(spec, "SimilarList",
                   client.get(f"{API}/proposals/similar?title=bike+lanes").get_json())
    assert_matches(spec, "Ladder", client.get(f"{API}/ladder").get_json())
    assert_matches(spec, "Me", client.get(f"{API}/me", headers=BEARER).get_json())
    assert_matches(spec, "ErrorEnvelope", client.get(f"{API}/proposals/999").get_json())
    assert_matches(spec, "ErrorEnvelope", client.post(
        f"{API}/proposals", headers=BEARER, json={"title": "x"}).get_json())


def test_schema_check_refuses_an_answer_when_a_field_is_undocumented(spec):
    """additionalProperties is false: an answer that grew a field the
    document does not know (say, a participant id) would be caught."""
    errors = list(schema_validator(spec, "Agreement").iter_errors(
        {"proposal_id": 1, "agreed": True, "count": 1, "reached": [],
         "participant_id": "m1"}))

    assert errors
