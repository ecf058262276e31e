"""The debate, opinion and comment API under /api/v1, through a real HTTP
server: city questions, ballots with exact tallies, opinions and their
moderation, results and open data — and the refusals, which write nothing."""

import csv
import io
from datetime import timedelta

import pytest
from openapi_schema_validator import OAS30Validator

from deliberation import unit_of_work
from deliberation.debates.operations import schedule_debate_for_proposal
from tests.conftest import START
from tests.live import serving
from tests.test_api import API, BIKE_LANES, assert_error, row_counts

MEMBERS = {  # id: (nickname, roles)
    1: ("Kim", "citizen"), 2: ("Lee", "citizen"), 3: ("Park", "citizen"),
    4: ("Admin", "citizen,admin"), 5: ("Official", "department_official"),
}
PARTICIPANT_IDS = [f"m{n}" for n in MEMBERS]
OPENS = START + timedelta(days=1)
CLOSES = OPENS + timedelta(days=30)
QUESTION = {"question": "공원 안 반려견 놀이터를 더 늘려야 할까요?",
            "background": "Dog owners and neighbours disagree.",
            "arguments_pro": "Less conflict on the paths.", "arguments_con": "Noise at night.",
            "starts_at": OPENS.isoformat(), "ends_at": CLOSES.isoformat()}


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        app.db.session.add_all(app.Member(id=i, nickname=n, roles=r)
                               for i, (n, r) in MEMBERS.items())
        app.db.session.commit()
    return app


@pytest.fixture
def who(app):
    with serving(app) as server:
        names = ["kim", "lee", "park", "admin", "official"]
        clients = {name: server.client(bearer=f"member-{i}") for i, name in enumerate(names, 1)}
        clients["anonymous"] = server.client()
        yield clients


def ask(who, **fields):
    answer = who["official"].post(f"{API}/debates", json={**QUESTION, **fields})
    assert answer.status == 201, answer.text
    return answer.json


@pytest.fixture
def open_debate(who, clock):
    debate = ask(who)
    clock.advance(days=2)
    return debate["id"]


def ballot(client, debate_id, stance="pro", opinion="We need more room for dogs."):
    return client.put(f"{API}/debates/{debate_id}/ballot",
                      json={"stance": stance, "opinion": opinion})


def assert_no_participant_ids(text):
    assert not any(f'"{pid}"' in text or f",{pid}," in text for pid in PARTICIPANT_IDS), text


# -- city questions --


def test_city_question_is_listed_as_scheduled_when_an_official_publishes_it(who):
    debate = ask(who)

    assert debate["state"] == "scheduled" and debate["city_question"] is True
    assert debate["kind"] == "pro_con" and debate["my_ballot"] is None
    listed = who["anonymous"].get(f"{API}/debates?state=scheduled&city_questions=true").json
    assert [d["id"] for d in listed["items"]] == [debate["id"]]
    assert listed["total"] == 1 and listed["pages"] == 1
    assert who["anonymous"].get(f"{API}/debates?state=open").json["items"] == []


@pytest.mark.parametrize("caller, body, status, code", [
    ("kim", QUESTION, 403, "forbidden"),
    ("anonymous", QUESTION, 401, "not_authenticated"),
    ("official", {**QUESTION, "question": "Eh"}, 422, "invalid"),
    ("official", {**QUESTION, "ends_at": OPENS.isoformat()}, 422, "invalid"),
    ("official", {**QUESTION, "kind": "referendum"}, 422, "invalid"),
    ("official", {**QUESTION, "starts_at": "tomorrow"}, 422, "invalid"),
    ("official", {"question": "No dates at all here"}, 422, "invalid"),
])
def test_city_question_is_refused_when_the_caller_or_input_is_wrong(app, who, caller, body,
                                                                     status, code):
    before = row_counts(app)

    assert_error(who[caller].post(f"{API}/debates", json=body), status, code)
    assert row_counts(app) == before


def test_city_question_born_closed_is_refused_with_a_field_message(app, who, clock):
    past = {"starts_at": (START - timedelta(days=40)).isoformat(),
            "ends_at": (START - timedelta(days=10)).isoformat()}

    answer = who["official"].post(f"{API}/debates", json={**QUESTION, **past})

    assert_error(answer, 422, "invalid")
    assert "ends_at" in answer.json["error"]["fields"]


def test_debate_is_edited_while_scheduled_and_refused_once_open(app, who, clock):
    debate = ask(who)

    edited = who["official"].patch(f"{API}/debates/{debate['id']}",
                                   json={"background": "Updated background."})
    assert edited.status == 200 and edited.json["background"] == "Updated background."
    assert edited.json["question"] == QUESTION["question"]
    assert_error(who["kim"].patch(f"{API}/debates/{debate['id']}", json={"background": "x"}),
                 403, "forbidden")

    clock.advance(days=2)
    before = row_counts(app)
    assert_error(who["official"].patch(f"{API}/debates/{debate['id']}",
                                       json={"background": "Too late."}), 409, "wrong_state")
    assert row_counts(app) == before
    assert who["anonymous"].get(f"{API}/debates/{debate['id']}").json["background"] == (
        "Updated background.")


def test_unknown_debate_answers_404_when_asked_for(who):
    assert_error(who["anonymous"].get(f"{API}/debates/999"), 404, "not_found")
    assert_error(who["kim"].put(f"{API}/debates/999/ballot",
                                json={"stance": "pro", "opinion": "Hello"}), 404, "not_found")


def test_bad_list_filter_answers_422_when_the_state_is_unknown(who):
    assert_error(who["anonymous"].get(f"{API}/debates?state=finished"), 422, "invalid")


# -- ballots --


def test_ballot_is_created_with_201_then_changed_with_200_and_tallies_stay_exact(who,
                                                                                  open_debate):
    first = ballot(who["kim"], open_debate, "pro")
    assert first.status == 201 and first.json["created"] is True
    assert first.json["participants"] == 1 and first.json["ballot"]["stance"] == "pro"

    changed = ballot(who["kim"], open_debate, "con", "I changed my mind after reading.")
    assert changed.status == 200 and changed.json["created"] is False
    assert ballot(who["lee"], open_debate, "other").status == 201

    shown = who["kim"].get(f"{API}/debates/{open_debate}").json
    assert shown["participants"] == 2
    assert shown["tallies"] == {"pro": 0, "con": 1, "other": 1}
    assert shown["my_ballot"]["opinion"] == "I changed my mind after reading."
    assert who["anonymous"].get(f"{API}/debates/{open_debate}").json["my_ballot"] is None
    assert who["park"].get(f"{API}/debates/{open_debate}").json["my_ballot"] is None


def test_own_ballot_is_shown_only_to_its_caster_when_asked(who, open_debate):
    ballot(who["kim"], open_debate)

    mine = who["kim"].get(f"{API}/debates/{open_debate}/ballot")
    assert mine.status == 200 and mine.json["ballot"]["stance"] == "pro"
    assert who["lee"].get(f"{API}/debates/{open_debate}/ballot").json["ballot"] is None
    assert_error(who["anonymous"].get(f"{API}/debates/{open_debate}/ballot"), 401,
                 "not_authenticated")
    assert_no_participant_ids(mine.text)


@pytest.mark.parametrize("caller, body, status, field", [
    ("kim", {"stance": "pro", "opinion": ""}, 422, "opinion"),
    ("kim", {"stance": "pro", "opinion": "   "}, 422, "opinion"),
    ("kim", {"stance": "pro", "opinion": "가" * 1001}, 422, "opinion"),
    ("kim", {"stance": "maybe", "opinion": "Fine."}, 422, "stance"),
    ("kim", {"opinion": "Which side am I on?"}, 422, "stance"),
    ("kim", {"stance": "pro"}, 422, "opinion"),
    ("anonymous", {"stance": "pro", "opinion": "Fine."}, 401, None),
    ("official", {"stance": "pro", "opinion": "Fine."}, 403, None),
])
def test_ballot_is_refused_and_nothing_is_written_when_input_or_caller_is_wrong(
        app, who, open_debate, caller, body, status, field):
    before = row_counts(app)

    answer = who[caller].put(f"{API}/debates/{open_debate}/ballot", json=body)

    assert answer.status == status, answer.text
    if field:
        assert field in answer.json["error"]["fields"]
    assert row_counts(app) == before


def test_opinion_of_exactly_1000_characters_is_accepted_when_cast(who, open_debate):
    assert ballot(who["kim"], open_debate, opinion="가" * 1000).status == 201


@pytest.mark.parametrize("moment", ["before", "after"])
def test_ballot_is_refused_with_409_when_the_debate_is_not_open(app, who, clock, moment):
    debate = ask(who)
    if moment == "after":
        clock.advance(days=40)
    before = row_counts(app)

    assert_error(ballot(who["kim"], debate["id"]), 409, "wrong_state")
    assert row_counts(app) == before


def test_change_of_ballot_is_refused_when_the_debate_has_closed(app, who, clock, open_debate):
    ballot(who["kim"], open_debate, "pro")
    clock.advance(days=40)

    assert_error(ballot(who["kim"], open_debate, "con"), 409, "wrong_state")
    assert who["kim"].get(f"{API}/debates/{open_debate}").json["tallies"]["pro"] == 1


def test_open_discussion_takes_opinions_without_a_stance(who, clock):
    debate = ask(who, kind="open")
    clock.advance(days=2)

    assert who["kim"].put(f"{API}/debates/{debate['id']}/ballot",
                          json={"opinion": "Parks need more shade."}).status == 201
    assert_error(ballot(who["lee"], debate["id"], "pro"), 422, "invalid")
    results = who["anonymous"].get(f"{API}/debates/{debate['id']}/results").json
    assert results["participants"] == 1 and results["stances"] == []


# -- opinions, likes, reports, moderation --


def test_opinions_are_filtered_by_stance_and_sorted_by_likes_without_participant_ids(
        who, open_debate):
    ballot(who["kim"], open_debate, "pro", "Pro from Kim")
    ballot(who["lee"], open_debate, "con", "Con from Lee")
    ballot(who["park"], open_debate, "pro", "Pro from Park")
    kim_opinion = who["kim"].get(f"{API}/debates/{open_debate}/ballot").json["ballot"]
    assert who["lee"].put(f"{API}/opinions/{kim_opinion['opinion_id']}/like").json[
        "like_count"] == 1
    assert who["lee"].put(f"{API}/opinions/{kim_opinion['opinion_id']}/like").json[
        "like_count"] == 1  # once

    pros = who["lee"].get(f"{API}/debates/{open_debate}/opinions?stance=pro&sort=most_liked")
    assert [o["text"] for o in pros.json["items"]] == ["Pro from Kim", "Pro from Park"]
    assert pros.json["items"][0]["liked_by_me"] is True and pros.json["total"] == 2
    newest = who["anonymous"].get(f"{API}/debates/{open_debate}/opinions").json["items"]
    assert [o["text"] for o in newest][0] == "Pro from Park"
    assert all(o["liked_by_me"] is None and o["mine"] is False for o in newest)
    assert_no_participant_ids(pros.text)
    assert_error(who["anonymous"].get(f"{API}/debates/{open_debate}/opinions?sort=oldest"),
                 422, "invalid")
    assert_error(who["anonymous"].get(f"{API}/debates/{open_debate}/opinions?stance=maybe"),
                 422, "invalid")


def test_own_opinion_cannot_be_liked_and_nothing_is_written(app, who, open_debate):
    opinion_id = ballot(who["kim"], open_debate).json["ballot"]["opinion_id"]
    before = row_counts(app)

    assert_error(who["kim"].put(f"{API}/opinions/{opinion_id}/like"), 403, "forbidden")
    assert_error(who["anonymous"].put(f"{API}/opinions/{opinion_id}/like"), 401,
                 "not_authenticated")
    assert_error(who["lee"].put(f"{API}/opinions/999/like"), 404, "not_found")
    assert row_counts(app) == before


def test_hidden_opinion_keeps_its_place_and_ballot_with_its_text_withheld(who, open_debate):
    opinion_id = ballot(who["kim"], open_debate, "pro", "Something rude").json["ballot"][
        "opinion_id"]
    assert who["lee"].post(f"{API}/opinions/{opinion_id}/report",
                           json={"reason": "rude"}).json["reported"] is True
    queue = who["admin"].get(f"{API}/moderation/reports").json["items"]
    assert [(i["subject"], i["id"], i["reports"], i["reasons"]) for i in queue] == [
        ("opinion", opinion_id, 1, ["rude"])]
    assert_error(who["kim"].get(f"{API}/moderation/reports"), 403, "forbidden")

    hidden = who["admin"].post(f"{API}/opinions/{opinion_id}/hide",
                               json={"reason": "Insults another participant"})

    assert hidden.status == 200 and hidden.json["text"] is None
    listed = who["anonymous"].get(f"{API}/debates/{open_debate}/opinions").json["items"]
    assert listed[0]["text"] is None
    assert listed[0]["hidden_reason"] == "Insults another participant"
    assert who["anonymous"].get(f"{API}/debates/{open_debate}").json["tallies"]["pro"] == 1
    assert who["admin"].get(f"{API}/moderation/reports").json["items"] == []
    assert who["admin"].post(f"{API}/opinions/{opinion_id}/unhide").json["text"] == (
        "Something rude")


@pytest.mark.parametrize("caller, body, status", [
    ("kim", {"reason": "Insults another participant"}, 403),
    ("anonymous", {"reason": "Insults another participant"}, 401),
    ("admin", {"reason": "no"}, 422),
    ("admin", {}, 422),
])
def test_hiding_is_refused_when_the_caller_or_reason_is_wrong(app, who, open_debate, caller,
                                                              body, status):
    opinion_id = ballot(who["kim"], open_debate).json["ballot"]["opinion_id"]
    before = row_counts(app)

    assert who[caller].post(f"{API}/opinions/{opinion_id}/hide", json=body).status == status
    assert row_counts(app) == before


def test_dismissed_reports_leave_the_opinion_visible(who, open_debate):
    opinion_id = ballot(who["kim"], open_debate).json["ballot"]["opinion_id"]
    who["lee"].post(f"{API}/opinions/{opinion_id}/report", json={})

    answer = who["admin"].post(f"{API}/opinions/{opinion_id}/dismiss-reports")

    assert answer.json["dismissed"] == 1
    assert who["admin"].get(f"{API}/moderation/reports").json["items"] == []


# -- results and open data --


def test_results_give_counts_percentages_and_participants_over_time(who, clock, open_debate):
    ballot(who["kim"], open_debate, "pro")
    ballot(who["lee"], open_debate, "pro")
    clock.advance(days=1)
    ballot(who["park"], open_debate, "con")

    results = who["anonymous"].get(f"{API}/debates/{open_debate}/results").json

    assert results["participants"] == 3 and results["state"] == "open"
    assert [(s["stance"], s["count"], s["percent"]) for s in results["stances"]] == [
        ("pro", 2, 66.7), ("con", 1, 33.3), ("other", 0, 0.0)]
    assert [(d["ballots"], d["participants"]) for d in results["over_time"]] == [(2, 2), (1, 3)]


def test_open_data_holds_opinions_without_personal_data_as_csv_and_json(who, open_debate):
    ballot(who["kim"], open_debate, "pro", "=HYPERLINK(\"x\") is not a formula here")
    ballot(who["lee"], open_debate, "con", "한국어 의견입니다")

    opinions = who["anonymous"].get(f"{API}/debates/{open_debate}/opinions.csv")
    results = who["anonymous"].get(f"{API}/debates/{open_debate}/results.csv")
    as_json = who["anonymous"].get(f"{API}/debates/{open_debate}/opinions.json")

    assert opinions.status == 200 and opinions.headers["Content-Type"].startswith("text/csv")
    assert opinions.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(opinions.text.lstrip("\ufeff"))))
    assert [r["stance"] for r in rows] == ["pro", "con"]
    assert rows[0]["opinion"].startswith("'=")
    assert rows[1]["opinion"] == "한국어 의견입니다"
    assert set(rows[0]) == {"number", "stance", "opinion", "hidden_reason", "likes", "created_on"}
    for text in (opinions.text, results.text, as_json.text):
        assert_no_participant_ids(text)
        assert "Kim" not in text and "Lee" not in text
    assert results.text.startswith("\ufeff") and "stance,pro,1,50.0" in results.text
    assert [i["opinion"] for i in as_json.json["items"]][1] == "한국어 의견입니다"


# -- a proposal's debate and comments --


def publish(who):
    answer = who["kim"].post(f"{API}/proposals", json={**BIKE_LANES, "publish": True})
    assert answer.status == 201, answer.text
    return answer.json["id"]


def test_proposal_debate_is_found_when_the_committee_opened_one(app, who):
    proposal_id = publish(who)
    assert_error(who["anonymous"].get(f"{API}/proposals/{proposal_id}/debate"), 404,
                 "not_found")
    with app.app_context():
        session = app.extensions["deliberation"].db.session
        with unit_of_work(session) as work:
            schedule_debate_for_proposal(session, work, proposal_id, "Bike lanes: yes or no?",
                                         START)

    debate = who["anonymous"].get(f"{API}/proposals/{proposal_id}/debate").json

    assert debate["proposal_id"] == proposal_id and debate["city_question"] is False
    assert debate["question"] == "Bike lanes: yes or no?" and debate["state"] == "scheduled"


def test_comments_are_written_edited_liked_and_deleted_by_their_authors(who):
    proposal_id = publish(who)
    path = f"{API}/proposals/{proposal_id}/comments"

    first = who["lee"].post(path, json={"body": "Lanes would help my commute."})
    assert first.status == 201 and first.json["mine"] is True
    second = who["lee"].post(path, json={"body": "And a second thought."})
    assert second.status == 201
    comment_id = first.json["id"]

    assert who["lee"].patch(f"{API}/comments/{comment_id}",
                            json={"body": "Edited."}).json["body"] == "Edited."
    assert who["park"].put(f"{API}/comments/{comment_id}/like").json["like_count"] == 1
    assert who["park"].delete(f"{API}/comments/{comment_id}/like").json["like_count"] == 0
    assert who["park"].put(f"{API}/comments/{comment_id}/like").json["like_count"] == 1
    liked_answer = who["anonymous"].get(f"{path}?sort=most_liked")
    liked = liked_answer.json
    assert [c["body"] for c in liked["items"]] == ["Edited.", "And a second thought."]
    proposal = who["anonymous"].get(f"{API}/proposals/{proposal_id}").json
    assert proposal["agreement_count"] == 0  # a comment is not an agreement

    assert who["lee"].delete(f"{API}/comments/{comment_id}").json["deleted"] is True
    assert [c["body"] for c in who["anonymous"].get(path).json["items"]] == [
        "And a second thought."]
    assert_no_participant_ids(liked_answer.text)


@pytest.mark.parametrize("caller, method, body, status", [
    ("park", "patch", {"body": "Not mine"}, 403),
    ("park", "delete", None, 403),
    ("anonymous", "patch", {"body": "Who am I"}, 401),
    ("lee", "patch", {"body": ""}, 422),
    ("lee", "patch", {"body": "x" * 2001}, 422),
    ("lee", "patch", {}, 422),
])
def test_comment_changes_are_refused_when_the_caller_or_body_is_wrong(app, who, caller, method,
                                                                      body, status):
    proposal_id = publish(who)
    comment_id = who["lee"].post(f"{API}/proposals/{proposal_id}/comments",
                                 json={"body": "Mine."}).json["id"]
    before = row_counts(app)

    client = who[caller]
    answer = (client.patch(f"{API}/comments/{comment_id}", json=body) if method == "patch"
              else client.delete(f"{API}/comments/{comment_id}"))

    assert answer.status == status, answer.text
    assert row_counts(app) == before


def test_comment_on_a_draft_or_unknown_proposal_is_refused(app, who):
    draft = who["kim"].post(f"{API}/proposals", json={**BIKE_LANES, "publish": False}).json
    before = row_counts(app)

    assert_error(who["lee"].post(f"{API}/proposals/{draft['id']}/comments",
                                 json={"body": "Early bird"}), 404, "not_found")
    assert_error(who["lee"].post(f"{API}/proposals/999/comments", json={"body": "Hi"}), 404,
                 "not_found")
    assert_error(who["lee"].post(f"{API}/proposals/{draft['id']}/comments", json={"body": ""}),
                 422, "invalid")
    assert row_counts(app) == before


def test_hidden_comment_is_listed_with_its_reason_and_without_its_text(who):
    proposal_id = publish(who)
    comment_id = who["lee"].post(f"{API}/proposals/{proposal_id}/comments",
                                 json={"body": "Rude words"}).json["id"]
    who["park"].post(f"{API}/comments/{comment_id}/report", json={"reason": "rude"})

    who["admin"].post(f"{API}/comments/{comment_id}/hide", json={"reason": "Rude to others"})

    listed = who["anonymous"].get(f"{API}/proposals/{proposal_id}/comments").json["items"]
    assert listed[0]["body"] is None and listed[0]["hidden_reason"] == "Rude to others"
    assert_error(who["lee"].patch(f"{API}/comments/{comment_id}", json={"body": "Nicer"}), 409,
                 "wrong_state")


# -- the answers match the OpenAPI document --


def test_real_answers_match_their_documented_schemas(who, open_debate):
    spec = who["anonymous"].get(f"{API}/openapi.json").json

    def check(name, document):
        validator = OAS30Validator({"$ref": f"#/components/schemas/{name}",
                                    "components": spec["components"]})
        assert [e.message for e in validator.iter_errors(document)] == [], (name, document)

    cast = ballot(who["kim"], open_debate).json
    opinion_id = cast["ballot"]["opinion_id"]
    check("BallotCast", cast)
    check("Debate", who["kim"].get(f"{API}/debates/{open_debate}").json)
    check("DebatePage", who["anonymous"].get(f"{API}/debates").json)
    check("MyBallot", who["kim"].get(f"{API}/debates/{open_debate}/ballot").json)
    check("OpinionPage", who["lee"].get(f"{API}/debates/{open_debate}/opinions").json)
    check("Results", who["anonymous"].get(f"{API}/debates/{open_debate}/results").json)
    check("OpenOpinions", who["anonymous"].get(f"{API}/debates/{open_debate}/opinions.json").json)
    check("Like", who["lee"].put(f"{API}/opinions/{opinion_id}/like").json)
    check("Reported", who["lee"].post(f"{API}/opinions/{opinion_id}/report", json={}).json)
    check("ModerationQueue", who["admin"].get(f"{API}/moderation/reports").json)
    check("Opinion", who["admin"].post(f"{API}/opinions/{opinion_id}/hide",
                                       json={"reason": "Testing the schema"}).json)
    proposal_id = publish(who)
    comment = who["lee"].post(f"{API}/proposals/{proposal_id}/comments",
                              json={"body": "A comment."}).json
    check("Comment", comment)
    check("CommentPage", who["anonymous"].get(f"{API}/proposals/{proposal_id}/comments").json)
    check("CommentDeleted", who["lee"].delete(f"{API}/comments/{comment['id']}").json)
