"""The JSON API under /api/v1, driven through a real HTTP server.

Every request crosses a socket to werkzeug's server running the minimal host
app (tests/host): scripts authenticate with the host's bearer scheme, browsers
with the host's session cookie plus the X-CSRFToken header.
"""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from deliberation.db import Base
from tests.conftest import START
from tests.live import serving

API = "/api/v1"

AUTHOR, OTHER, ADMIN, OFFICIAL, THIRD = 7301, 7302, 7303, 7304, 7305
MEMBERS = {
    AUTHOR: ("Author", "citizen"),
    OTHER: ("Other", "citizen"),
    ADMIN: ("Admin", "citizen,admin"),
    OFFICIAL: ("Official", "department_official"),
    THIRD: ("Third", "citizen"),
}
#: the participant ids the host hands the package: they must never be shown
PARTICIPANT_IDS = [f"m{member_id}" for member_id in MEMBERS]

BIKE_LANES = {
    "title": "Protected bike lanes on the river road",
    "body": "Cyclists share the river road with fast cars; separate lanes would save lives.",
    "category": "transport",
}


@pytest.fixture
def members(app):
    with app.app_context():
        app.db.session.add_all(
            app.Member(id=member_id, nickname=nickname, roles=roles)
            for member_id, (nickname, roles) in MEMBERS.items())
        app.db.session.commit()


@pytest.fixture
def live(app, members):
    with serving(app) as server:
        yield server


@pytest.fixture
def clients(live):
    """One client per kind of caller, keyed by who they are."""
    return {
        "anonymous": live.client(),
        "author": live.client(bearer=f"member-{AUTHOR}"),
        "other": live.client(bearer=f"member-{OTHER}"),
        "admin": live.client(bearer=f"member-{ADMIN}"),
        "official": live.client(bearer=f"member-{OFFICIAL}"),
        "third": live.client(bearer=f"member-{THIRD}"),
    }


@pytest.fixture
def author(clients):
    return clients["author"]


@pytest.fixture
def other(clients):
    return clients["other"]


@pytest.fixture
def anonymous(clients):
    return clients["anonymous"]


def submit(client, *, publish=True, **overrides):
    answer = client.post(f"{API}/proposals", json={**BIKE_LANES, **overrides, "publish": publish})
    assert answer.status == 201, answer.text
    return answer.json


def row_counts(app):
    """Rows in each of the package's tables, read afresh."""
    with app.app_context():
        session = app.extensions["deliberation"].db.session
        return {table.name: session.execute(sa.select(sa.func.count()).select_from(table))
                .scalar_one() for table in Base.metadata.sorted_tables}


def proposal_row(app, proposal_id):
    with app.app_context():
        session = app.extensions["deliberation"].db.session
        proposals = Base.metadata.tables["deliberation_proposal"]
        return session.execute(sa.select(proposals).where(proposals.c.id == proposal_id)).one()


def assert_error(answer, status, code):
    assert answer.status == status, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json["error"]["code"] == code
    assert answer.json["error"]["message"]


# -- the life of a proposal --


def test_submitting_creates_a_private_draft_when_publish_is_not_asked(author, other, anonymous):
    draft = submit(author, publish=False)

    assert draft["state"] == "draft"
    assert draft["published_at"] is None and draft["closes_at"] is None
    assert draft["author_name"] == "Author"
    assert author.get(f"{API}/proposals/{draft['id']}").json["title"] == BIKE_LANES["title"]
    assert_error(other.get(f"{API}/proposals/{draft['id']}"), 404, "not_found")
    assert_error(anonymous.get(f"{API}/proposals/{draft['id']}"), 404, "not_found")


def test_publishing_opens_collection_for_thirty_days_when_the_author_publishes_a_draft(author):
    draft = submit(author, publish=False)

    published = author.post(f"{API}/proposals/{draft['id']}/publish")

    assert published.status == 200, published.text
    assert published.json["state"] == "collecting"
    assert published.json["published_at"] == START.isoformat()
    assert published.json["closes_at"] == (START + timedelta(days=30)).isoformat()
    assert published.json["progress"] == {
        "reached": [], "next_step": "department_answer", "metric": "agreements",
        "current": 0, "needed": 50, "remaining": 50,
        "window_ends_at": (START + timedelta(days=30)).isoformat()}


def test_editing_changes_the_text_and_dates_it_when_nobody_has_agreed_yet(app, author):
    proposal = submit(author)

    edited = author.patch(f"{API}/proposals/{proposal['id']}",
                          json={"title": "  Separated bike lanes on the river road  "})

    assert edited.status == 200, edited.text
    assert edited.json["title"] == "Separated bike lanes on the river road"
    assert edited.json["body"] == BIKE_LANES["body"]
    assert proposal_row(app, proposal["id"]).title == "Separated bike lanes on the river road"
    timeline = author.get(f"{API}/proposals/{proposal['id']}/timeline").json["items"]
    assert [event["kind"] for event in timeline] == ["submitted", "published", "edited"]
    assert timeline[-1]["data"] == {"fields": ["title"]}


def test_withdrawing_keeps_the_proposal_readable_when_the_author_withdraws(author, anonymous):
    proposal = submit(author)

    withdrawn = author.post(f"{API}/proposals/{proposal['id']}/withdraw")

    assert withdrawn.status == 200, withdrawn.text
    assert withdrawn.json["state"] == "withdrawn"
    assert withdrawn.json["closed_at"] == START.isoformat()
    assert anonymous.get(f"{API}/proposals/{proposal['id']}").json["state"] == "withdrawn"
    kinds = [e["kind"] for e in anonymous.get(f"{API}/proposals/{proposal['id']}/timeline")
             .json["items"]]
    assert kinds == ["submitted", "published", "withdrawn"]


def test_agreeing_twice_answers_the_same_and_counts_once_when_repeated(app, author, other):
    proposal = submit(author)

    first = other.put(f"{API}/proposals/{proposal['id']}/agreement")
    second = other.put(f"{API}/proposals/{proposal['id']}/agreement")

    assert first.status == second.status == 200
    assert first.json == {"proposal_id": proposal["id"], "agreed": True, "count": 1,
                          "reached": []}
    assert second.text == first.text
    assert row_counts(app)["deliberation_agreement"] == 1
    assert proposal_row(app, proposal["id"]).agreement_count == 1


def test_withdrawing_an_agreement_lowers_the_count_once_when_collection_is_open(app, author, other):
    proposal = submit(author)
    author.put(f"{API}/proposals/{proposal['id']}/agreement")
    other.put(f"{API}/proposals/{proposal['id']}/agreement")

    first = other.delete(f"{API}/proposals/{proposal['id']}/agreement")
    second = other.delete(f"{API}/proposals/{proposal['id']}/agreement")

    assert first.status == second.status == 200
    assert first.json == {"proposal_id": proposal["id"], "agreed": False, "count": 1,
                          "reached": []}
    assert second.text == first.text
    assert proposal_row(app, proposal["id"]).agreement_count == 1


def test_my_agreement_answers_for_the_caller_only_when_somebody_else_agreed(author, other):
    proposal = submit(author)
    other.put(f"{API}/proposals/{proposal['id']}/agreement")

    mine = author.get(f"{API}/proposals/{proposal['id']}/agreement")
    theirs = other.get(f"{API}/proposals/{proposal['id']}/agreement")

    assert mine.json == {"proposal_id": proposal["id"], "agreed": False, "count": 1,
                         "reached": []}
    assert theirs.json["agreed"] is True
    assert mine.headers["Cache-Control"] == "no-store"
    assert author.get(f"{API}/proposals/{proposal['id']}").json["agreed_by_me"] is False
    assert other.get(f"{API}/proposals/{proposal['id']}").json["agreed_by_me"] is True


def test_agreement_reports_the_step_it_reached_once_when_it_crosses_the_threshold(make_app):
    app = make_app(DELIBERATION_LADDER={"name": "tiny", "rules": [
        {"step": "department_answer", "metric": "agreements", "count": 2}]})
    with app.app_context():
        app.db.session.add_all(app.Member(id=i, nickname=f"n{i}") for i in (1, 2, 3))
        app.db.session.commit()
    with serving(app) as server:
        author, *agreeing = (server.client(bearer=f"member-{i}") for i in (1, 2, 3))
        proposal = submit(author)
        path = f"{API}/proposals/{proposal['id']}"

        answers = [client.put(f"{path}/agreement").json for client in agreeing]
        answers.append(agreeing[1].put(f"{path}/agreement").json)

        assert [a["reached"] for a in answers] == [[], ["department_answer"], []]
        assert [a["count"] for a in answers] == [1, 2, 2]
        shown = server.client().get(path).json
        assert shown["stage"] == "department_answer"
        assert shown["progress"]["reached"] == ["department_answer"]
        assert shown["progress"]["next_step"] is None
        kinds = [e["kind"] for e in server.client().get(f"{path}/timeline").json["items"]]
        assert kinds.count("milestone_reached") == 1


def test_timeline_lists_dated_public_facts_when_a_proposal_is_closed_by_an_admin(
        author, clients, anonymous, clock):
    proposal = submit(author, publish=False)
    clock.advance(hours=1)
    author.post(f"{API}/proposals/{proposal['id']}/publish")
    clock.advance(hours=1)
    clients["admin"].post(f"{API}/proposals/{proposal['id']}/close", json={"reason": "duplicate"})

    timeline = anonymous.get(f"{API}/proposals/{proposal['id']}/timeline")

    assert timeline.status == 200
    items = timeline.json["items"]
    assert [(e["kind"], e["actor_role"]) for e in items] == [
        ("submitted", "citizen"), ("published", "citizen"), ("closed", "admin")]
    assert [e["occurred_at"] for e in items] == [
        START.isoformat(), (START + timedelta(hours=1)).isoformat(),
        (START + timedelta(hours=2)).isoformat()]
    assert items[-1]["data"] == {"reason": "admin", "note": "duplicate"}


# -- reading lists --


@pytest.fixture
def catalogue(author, other, clients, clock):
    """Four public proposals a minute apart, one draft; agreements 0-2-1-0;
    the parks one closed by an admin."""
    ids = {}
    for name, title, category in (
            ("bikes", "Protected bike lanes on the river road", "transport"),
            ("buses", "Night buses after midnight on weekends", "transport"),
            ("trees", "Plant 1000 trees along the school streets", "environment"),
            ("parks", "Open 100% of park toilets all year round", "environment")):
        ids[name] = submit(author, title=title, category=category)["id"]
        clock.advance(minutes=1)
    ids["draft"] = submit(author, publish=False, title="Draft about night buses too")["id"]
    for client in (other, clients["third"]):
        client.put(f"{API}/proposals/{ids['buses']}/agreement")
    other.put(f"{API}/proposals/{ids['trees']}/agreement")
    clients["admin"].post(f"{API}/proposals/{ids['parks']}/close", json={})
    return ids


def listed(client, **query):
    answer = client.get(f"{API}/proposals?{urlencode(query)}")
    assert answer.status == 200, answer.text
    return answer


def test_listing_shows_public_proposals_newest_first_and_never_drafts_when_unfiltered(
        anonymous, catalogue):
    page = listed(anonymous).json

    assert [p["id"] for p in page["items"]] == [
        catalogue["parks"], catalogue["trees"], catalogue["buses"], catalogue["bikes"]]
    assert page["total"] == 4 and page["pages"] == 1 and page["page"] == 1
    assert "body" not in page["items"][0]


def test_listing_filters_by_state_and_category_when_both_are_given(anonymous, catalogue):
    environment_open = listed(anonymous, state="collecting", category="environment").json
    closed = listed(anonymous, state="closed").json

    assert [p["id"] for p in environment_open["items"]] == [catalogue["trees"]]
    assert [p["id"] for p in closed["items"]] == [catalogue["parks"]]
    assert listed(anonymous, state="draft").json["total"] == 0


def test_listing_searches_text_literally_when_q_holds_wildcards(anonymous, catalogue):
    assert [p["id"] for p in listed(anonymous, q="night BUSES").json["items"]] == [
        catalogue["buses"]]
    assert [p["id"] for p in listed(anonymous, q="100%").json["items"]] == [catalogue["parks"]]
    assert listed(anonymous, q="_").json["total"] == 0


def test_listing_sorts_by_agreements_or_closing_date_when_a_sort_is_given(
        anonymous, catalogue):
    most = [p["id"] for p in listed(anonymous, sort="most_agreed").json["items"]]
    closing = [p["id"] for p in listed(anonymous, sort="closing_soon").json["items"]]

    assert most[:2] == [catalogue["buses"], catalogue["trees"]]
    assert closing == [catalogue["bikes"], catalogue["buses"], catalogue["trees"],
                       catalogue["parks"]]


def test_listing_pages_through_results_when_per_page_is_small(anonymous, catalogue):
    pages = [listed(anonymous, per_page=3, page=n).json for n in (1, 2, 3)]

    assert [p["id"] for p in pages[0]["items"]] == [
        catalogue["parks"], catalogue["trees"], catalogue["buses"]]
    assert [p["id"] for p in pages[1]["items"]] == [catalogue["bikes"]]
    assert pages[2]["items"] == []
    assert {(p["total"], p["pages"], p["per_page"]) for p in pages} == {(4, 2, 3)}


def test_listing_tells_each_caller_only_their_own_agreement_when_signed_in(
        other, author, anonymous, catalogue):
    def agreed(client):
        return {p["id"]: p["agreed_by_me"] for p in listed(client).json["items"]}

    assert agreed(other)[catalogue["buses"]] is True
    assert agreed(author)[catalogue["buses"]] is False
    assert agreed(anonymous)[catalogue["buses"]] is None
    assert listed(other).headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("query, field", [
    ({"sort": "loudest"}, "sort"),
    ({"state": "secret"}, "state"),
    ({"page": 0}, "page"),
    ({"page": "two"}, "page"),
    ({"per_page": 101}, "per_page"),
    ({"q": "x" * 101}, "q"),
])
def test_listing_answers_422_with_the_field_when_a_query_value_is_invalid(
        anonymous, query, field):
    answer = anonymous.get(f"{API}/proposals?{urlencode(query)}")

    assert_error(answer, 422, "invalid")
    assert list(answer.json["error"]["fields"]) == [field]


def test_similar_finds_public_look_alikes_but_not_drafts_when_a_title_is_given(
        anonymous, catalogue):
    answer = anonymous.get(f"{API}/proposals/similar?" + urlencode(
        {"title": "Night buses after midnight", "body": "weekends"}))

    assert answer.status == 200, answer.text
    items = answer.json["items"]
    assert items[0]["proposal"]["id"] == catalogue["buses"]
    assert 0 < items[0]["score"] <= 1
    assert catalogue["draft"] not in [item["proposal"]["id"] for item in items]


@pytest.mark.parametrize("query", [{}, {"title": "x"}, {"title": "", "_": "1700000000"}])
def test_similar_answers_422_when_the_title_is_missing_or_too_short(anonymous, query):
    assert_error(anonymous.get(f"{API}/proposals/similar?{urlencode(query)}"), 422, "invalid")


def test_ladder_describes_the_configured_steps_when_anybody_asks(anonymous):
    ladder = anonymous.get(f"{API}/ladder").json

    assert ladder["name"] == "seoul_2017"
    assert [(r["step"], r["metric"], r["count"]) for r in ladder["rules"]] == [
        ("department_answer", "agreements", 50), ("agenda_committee", "agreements", 500),
        ("mayor_answer", "debate_participants", 5000)]


def test_me_describes_the_caller_and_is_not_cached_when_a_bearer_token_is_sent(clients):
    answer = clients["admin"].get(f"{API}/me")

    assert answer.status == 200
    assert answer.json == {"id": f"m{ADMIN}", "display_name": "Admin",
                           "roles": ["admin", "citizen"], "department": None}
    assert answer.headers["Cache-Control"] == "no-store"


# -- cookie sessions --


def test_cookie_session_writes_succeed_when_the_csrf_token_is_sent(app, live):
    browser = live.client()
    browser.csrf = browser.log_in(AUTHOR)

    created = browser.post(f"{API}/proposals", json=BIKE_LANES)
    agreed = browser.put(f"{API}/proposals/{created.json['id']}/agreement")

    assert created.status == 201, created.text
    assert agreed.status == 404  # a draft cannot be agreed with, even by its author
    assert browser.get(f"{API}/me").json["id"] == f"m{AUTHOR}"
    assert row_counts(app)["deliberation_proposal"] == 1


def test_cookie_session_write_is_refused_with_400_when_the_csrf_token_is_missing(app, live):
    browser = live.client()
    browser.log_in(AUTHOR)

    answer = browser.post(f"{API}/proposals", json=BIKE_LANES)

    assert_error(answer, 400, "csrf")
    assert row_counts(app)["deliberation_proposal"] == 0


def test_cookie_session_write_is_refused_with_400_when_the_csrf_token_is_forged(app, live):
    browser = live.client()
    browser.log_in(AUTHOR)
    browser.csrf = live.client().log_in(OTHER)  # a valid token, of another session

    assert_error(browser.post(f"{API}/proposals", json=BIKE_LANES), 400, "csrf")
    assert row_counts(app)["deliberation_proposal"] == 0


# -- refusals --


def test_body_that_is_not_json_is_refused_with_400_when_submitting(app, author):
    answer = author.post(f"{API}/proposals", data="{title: bike lanes",
                         headers={"Content-Type": "application/json"})

    assert_error(answer, 400, "bad_request")
    assert row_counts(app)["deliberation_proposal"] == 0


def test_body_that_is_a_json_list_is_refused_with_400_when_editing(app, author):
    proposal = submit(author)

    assert_error(author.patch(f"{API}/proposals/{proposal['id']}", json=[BIKE_LANES]),
                 400, "bad_request")
    assert proposal_row(app, proposal["id"]).title == BIKE_LANES["title"]


def test_submission_is_refused_with_422_and_a_message_per_field_when_fields_are_bad(app, author):
    answer = author.post(f"{API}/proposals", json={
        "title": "Bike", "body": "   " * 10, "category": "space_travel"})

    assert_error(answer, 422, "invalid")
    fields = answer.json["error"]["fields"]
    assert sorted(fields) == ["body", "category", "title"]
    assert all(isinstance(messages, list) and messages for messages in fields.values())
    assert "transport" in fields["category"][0]
    assert row_counts(app)["deliberation_proposal"] == 0


@pytest.mark.parametrize("body, field", [
    ({"body": BIKE_LANES["body"], "category": "transport"}, "title"),
    ({**BIKE_LANES, "title": 5}, "title"),
    ({**BIKE_LANES, "publish": "perhaps"}, "publish"),
    ({**BIKE_LANES, "author_id": f"m{OTHER}"}, "author_id"),
    ({**BIKE_LANES, "agreement_count": 5000}, "agreement_count"),
])
def test_submission_is_refused_with_422_naming_the_field_when_it_is_missing_or_foreign(
        app, author, body, field):
    answer = author.post(f"{API}/proposals", json=body)

    assert_error(answer, 422, "invalid")
    assert list(answer.json["error"]["fields"]) == [field]
    assert row_counts(app)["deliberation_proposal"] == 0


def test_edit_is_refused_with_422_and_the_text_kept_when_the_new_title_is_too_short(app, author):
    proposal = submit(author)

    answer = author.patch(f"{API}/proposals/{proposal['id']}", json={"title": "Bike"})

    assert_error(answer, 422, "invalid")
    assert list(answer.json["error"]["fields"]) == ["title"]
    assert proposal_row(app, proposal["id"]).title == BIKE_LANES["title"]


def test_edit_is_refused_with_409_when_somebody_already_agreed(app, author, other):
    proposal = submit(author)
    other.put(f"{API}/proposals/{proposal['id']}/agreement")

    answer = author.patch(f"{API}/proposals/{proposal['id']}", json={"title": "A new title"})

    assert_error(answer, 409, "edit_locked")
    assert proposal_row(app, proposal["id"]).title == BIKE_LANES["title"]


def test_agreement_is_refused_with_409_when_the_collection_period_has_ended(
        app, author, other, clock):
    proposal = submit(author)
    clock.advance(days=30)

    answer = other.put(f"{API}/proposals/{proposal['id']}/agreement")

    assert_error(answer, 409, "collection_closed")
    assert row_counts(app)["deliberation_agreement"] == 0
    assert other.get(f"{API}/proposals/{proposal['id']}").json["state"] == "closed"


def test_write_is_refused_with_401_when_the_caller_is_anonymous(app, anonymous, author):
    proposal = submit(author)
    before = row_counts(app)

    answers = [anonymous.post(f"{API}/proposals", json=BIKE_LANES),
               anonymous.put(f"{API}/proposals/{proposal['id']}/agreement"),
               anonymous.delete(f"{API}/proposals/{proposal['id']}/agreement"),
               anonymous.get(f"{API}/proposals/{proposal['id']}/agreement"),
               anonymous.get(f"{API}/me")]

    for answer in answers:
        assert_error(answer, 401, "not_authenticated")
    assert row_counts(app) == before


def test_bearer_token_of_nobody_is_treated_as_anonymous_when_writing(app, live):
    stranger = live.client(bearer="member-999999")

    assert_error(stranger.post(f"{API}/proposals", json=BIKE_LANES), 401, "not_authenticated")
    assert row_counts(app)["deliberation_proposal"] == 0


def test_changing_a_proposal_is_refused_with_403_when_the_caller_is_not_its_author(
        app, author, other):
    proposal = submit(author)

    for answer in (other.patch(f"{API}/proposals/{proposal['id']}", json={"title": "Mine now"}),
                   other.post(f"{API}/proposals/{proposal['id']}/withdraw")):
        assert_error(answer, 403, "forbidden")
    row = proposal_row(app, proposal["id"])
    assert (row.title, row.state) == (BIKE_LANES["title"], "collecting")


def test_closing_is_refused_with_403_when_the_caller_is_not_an_admin(app, author):
    proposal = submit(author)

    assert_error(author.post(f"{API}/proposals/{proposal['id']}/close", json={}),
                 403, "forbidden")
    assert proposal_row(app, proposal["id"]).state == "collecting"


def test_agreement_is_refused_with_403_when_the_caller_holds_no_citizen_role(
        app, author, clients):
    proposal = submit(author)

    assert_error(clients["official"].put(f"{API}/proposals/{proposal['id']}/agreement"),
                 403, "forbidden")
    assert row_counts(app)["deliberation_agreement"] == 0


@pytest.mark.parametrize("method, suffix", [
    ("GET", ""), ("PATCH", ""), ("GET", "/timeline"), ("PUT", "/agreement"),
    ("GET", "/agreement"), ("POST", "/publish"), ("POST", "/withdraw"),
])
def test_someone_elses_draft_answers_404_when_anybody_but_its_author_asks(
        app, author, other, method, suffix):
    draft = submit(author, publish=False)
    before = row_counts(app)

    answer = other.request(method, f"{API}/proposals/{draft['id']}{suffix}",
                           json={"title": "Taken over"} if method == "PATCH" else None)

    assert_error(answer, 404, "not_found")
    assert row_counts(app) == before
    assert proposal_row(app, draft["id"]).state == "draft"


@pytest.mark.parametrize("method, path", [
    ("GET", "/proposals/424242"), ("PUT", "/proposals/424242/agreement"),
    ("GET", "/proposals/424242/timeline"), ("POST", "/proposals/424242/publish"),
    ("GET", "/proposals/abc"), ("GET", "/petitions"), ("POST", "/proposals/1/frobnicate"),
])
def test_unknown_proposal_or_endpoint_answers_json_404_when_requested(author, method, path):
    assert_error(author.request(method, API + path), 404, "not_found")


@pytest.mark.parametrize("method, path, allowed", [
    ("DELETE", "/ladder", "GET"), ("POST", "/proposals/424242/timeline", "GET"),
    ("POST", "/proposals/424242/agreement", "GET, PUT, DELETE"),
])
def test_a_real_endpoint_answers_405_with_allow_when_the_method_is_wrong(
        author, method, path, allowed):
    answer = author.request(method, API + path)

    assert_error(answer, 405, "method_not_allowed")
    assert answer.headers["Allow"] == allowed


def test_closed_proposal_refuses_agreements_and_withdrawals_with_409_when_an_admin_closed_it(
        app, author, other, clients):
    proposal = submit(author)
    other.put(f"{API}/proposals/{proposal['id']}/agreement")
    clients["admin"].post(f"{API}/proposals/{proposal['id']}/close", json={})
    before = row_counts(app)

    assert_error(clients["third"].put(f"{API}/proposals/{proposal['id']}/agreement"),
                 409, "collection_closed")
    assert_error(other.delete(f"{API}/proposals/{proposal['id']}/agreement"),
                 409, "collection_closed")
    assert_error(author.post(f"{API}/proposals/{proposal['id']}/withdraw"), 409, "wrong_state")
    assert row_counts(app) == before
    assert proposal_row(app, proposal["id"]).agreement_count == 1


def test_publishing_twice_is_refused_with_409_when_already_collecting(app, author):
    proposal = submit(author)
    before = row_counts(app)

    assert_error(author.post(f"{API}/proposals/{proposal['id']}/publish"), 409, "wrong_state")
    assert row_counts(app) == before


# -- privacy --


def test_no_answer_names_a_participant_when_several_have_agreed(author, other, clients, anonymous):
    proposal = submit(author)
    path = f"{API}/proposals/{proposal['id']}"
    answers = [client.put(f"{path}/agreement") for client in (other, clients["third"], author)]
    answers += [client.put(f"{path}/agreement") for client in (other, author)]
    for client in (anonymous, other, clients["admin"]):
        answers += [client.get(path), client.get(f"{path}/timeline"),
                    client.get(f"{API}/proposals"), client.get(f"{API}/proposals?sort=most_agreed"),
                    client.get(f"{API}/proposals/similar?title=bike+lanes+river")]
    answers += [client.get(f"{path}/agreement") for client in (other, clients["admin"])]
    answers.append(other.delete(f"{path}/agreement"))

    assert {answer.status for answer in answers} == {200}
    for answer in answers:
        for participant_id in PARTICIPANT_IDS:
            assert participant_id not in answer.text, answer.text
        assert "author_id" not in answer.text and "participant_id" not in answer.text


def test_list_ignores_unknown_query_parameters_when_a_cache_buster_is_sent(anonymous, catalogue):
    answer = anonymous.get(f"{API}/proposals?_=1700000000&utm_source=sms")

    assert answer.status == 200, answer.text
    assert answer.json["total"] == 4


@pytest.mark.parametrize("path", [
    "/proposals/99999999999999999999", "/proposals/2147483648/timeline",
    "/debates/99999999999999999999", "/meetings/99999999999999999999",
])
def test_an_id_no_table_can_hold_answers_404_when_it_is_in_the_path(author, path):
    assert_error(author.get(API + path), 404, "not_found")


def test_an_id_no_table_can_hold_answers_422_when_it_is_in_the_body(app, clients):
    admin = clients["admin"]
    target = submit(clients["author"])
    before = row_counts(app)

    answer = admin.post(f"{API}/proposals/{target['id']}/merge",
                        json={"target_id": 99999999999999999999})

    assert_error(answer, 422, "invalid")
    assert row_counts(app) == before
