"""The citizen meeting API under /api/v1, through a real HTTP server: the
meeting and its programme, registration with seats and a waitlist, check-in
by organisers, the live Q&A that screens poll, and the survey — and the
refusals, which change nothing."""

import csv
import io
from datetime import timedelta

import pytest

from deliberation import Participant, Role
from deliberation.meetings.operations import create_meeting, publish_meeting
from deliberation.meetings.qna import RATE_LIMIT
from deliberation.meetings.survey import define_survey
from deliberation.proposals.operations import submit_proposal
from tests.conftest import START, citizen
from tests.test_api import API, assert_error
# the same five members and their clients as the debate API tests
from tests.test_api_debates import app, who  # noqa: F401 (fixtures)

OFFICIAL = Participant(id="m5", roles={Role.DEPARTMENT_OFFICIAL}, display_name="Official")
STARTS = START + timedelta(days=20)
ENDS = STARTS + timedelta(hours=1)
DEADLINE = STARTS - timedelta(days=1)
SURVEY = [
    {"kind": "single", "prompt": "How did you hear of it?", "options": ["Web", "Friend"]},
    {"kind": "scale", "prompt": "How useful was it?"},
    {"kind": "text", "prompt": "Anything else?", "required": False},
]


def _meeting(app, *, publish=True, capacity=2, online_questions=False, survey=False):
    with app.app_context():
        session = app.extensions["deliberation"].db.session
        meeting = create_meeting(
            session, OFFICIAL, title="Citizen meeting on bike lanes", venue="City hall",
            agenda_question="Should the river road get protected lanes?",
            starts_at=STARTS.isoformat(), ends_at=ENDS.isoformat(),
            registration_deadline=DEADLINE.isoformat(), capacity=capacity,
            online_questions=online_questions, programme=[
                {"ends_at": (STARTS).isoformat(), "title": "Doors"},
                {"starts_at": STARTS.isoformat(), "ends_at": ENDS.isoformat(),
                 "title": "Flow talk"}])
        if publish:
            publish_meeting(session, OFFICIAL, meeting.id)
        if survey:
            define_survey(session, OFFICIAL, meeting.id, questions=SURVEY)
        return meeting.id


@pytest.fixture
def meeting_id(app):
    return _meeting(app)


# -- the meeting --


def test_meeting_is_listed_with_its_programme_and_seats_when_published(who, meeting_id):
    listed = who["anonymous"].get(f"{API}/meetings")
    assert listed.status == 200 and listed.headers["Cache-Control"] == "no-store"
    assert [m["id"] for m in listed.json["items"]] == [meeting_id]

    meeting = who["kim"].get(f"{API}/meetings/{meeting_id}").json
    assert meeting["seats_left"] == 2 and meeting["waitlisted"] == 0
    assert [item["title"] for item in meeting["programme"]] == ["Doors", "Flow talk"]
    assert meeting["my_registration"] is None


def test_draft_meeting_is_hidden_when_the_caller_is_not_an_organiser(app, who):
    draft = _meeting(app, publish=False)

    assert who["anonymous"].get(f"{API}/meetings").json["items"] == []
    assert_error(who["kim"].get(f"{API}/meetings/{draft}"), 404, "not_found")
    assert who["official"].get(f"{API}/meetings/{draft}").json["status"] == "draft"


# -- registration --


def test_registration_confirms_then_waitlists_when_the_seats_run_out(who, meeting_id):
    first = who["kim"].post(f"{API}/meetings/{meeting_id}/registration")
    who["lee"].post(f"{API}/meetings/{meeting_id}/registration")
    third = who["park"].post(f"{API}/meetings/{meeting_id}/registration")

    assert first.status == 201 and first.json["status"] == "confirmed"
    assert len(first.json["check_in_code"]) == 8
    assert third.json["status"] == "waitlisted" and third.json["check_in_code"] is None
    meeting = who["kim"].get(f"{API}/meetings/{meeting_id}").json
    assert meeting["seats_left"] == 0 and meeting["waitlisted"] == 1
    assert meeting["my_registration"]["check_in_code"] == first.json["check_in_code"]


def test_cancelling_promotes_the_first_waiting_person(who, meeting_id):
    for name in ("kim", "lee", "park"):
        who[name].post(f"{API}/meetings/{meeting_id}/registration")

    cancelled = who["kim"].delete(f"{API}/meetings/{meeting_id}/registration")

    assert cancelled.status == 200 and cancelled.json["status"] == "cancelled"
    mine = who["park"].get(f"{API}/meetings/{meeting_id}/registration").json["registration"]
    assert mine["status"] == "confirmed" and mine["check_in_code"]


@pytest.mark.parametrize("caller, status, code", [
    ("anonymous", 401, "not_authenticated"), ("official", 403, "forbidden")])
def test_registration_is_refused_when_the_caller_is_no_citizen(who, meeting_id, caller,
                                                                status, code):
    assert_error(who[caller].post(f"{API}/meetings/{meeting_id}/registration"), status, code)
    assert who["kim"].get(f"{API}/meetings/{meeting_id}").json["seats_left"] == 2


def test_registration_is_refused_when_the_deadline_has_passed(who, meeting_id, clock):
    clock.set(DEADLINE + timedelta(minutes=1))

    assert_error(who["kim"].post(f"{API}/meetings/{meeting_id}/registration"), 409,
                 "wrong_state")


def test_cancelling_is_refused_when_the_caller_is_not_registered(who, meeting_id):
    assert_error(who["kim"].delete(f"{API}/meetings/{meeting_id}/registration"), 404,
                 "not_found")


def test_own_registration_is_null_when_none_and_needs_a_login(who, meeting_id):
    assert who["kim"].get(f"{API}/meetings/{meeting_id}/registration").json == {
        "meeting_id": meeting_id, "registration": None}
    assert_error(who["anonymous"].get(f"{API}/meetings/{meeting_id}/registration"), 401,
                 "not_authenticated")


# -- at the door --


def test_organiser_checks_a_registrant_in_and_sees_attendance(who, meeting_id, clock):
    code = who["kim"].post(f"{API}/meetings/{meeting_id}/registration").json["check_in_code"]
    clock.set(STARTS - timedelta(hours=1))  # the day of the meeting

    checked = who["official"].post(f"{API}/meetings/{meeting_id}/check-in",
                                   json={"code": code.lower()})

    assert checked.status == 200 and checked.json["attendee"]["display_name"] == "Kim"
    assert checked.json["attendee"]["checked_in_at"] and not checked.json["already_checked_in"]
    again = who["official"].post(f"{API}/meetings/{meeting_id}/check-in", json={"code": code})
    assert again.json["already_checked_in"] is True
    assert again.json["attendee"]["checked_in_at"] == checked.json["attendee"]["checked_in_at"]
    counts = who["official"].get(f"{API}/meetings/{meeting_id}/attendance").json
    assert counts == {"meeting_id": meeting_id, "capacity": 2, "confirmed": 1,
                      "waitlisted": 0, "checked_in": 1}


@pytest.mark.parametrize("caller, code_given, status, code", [
    ("kim", "ABCDEFGH", 403, "forbidden"),
    ("official", "ZZZZZZZZ", 404, "not_found"),
    ("official", None, 422, "invalid"),
])
def test_check_in_is_refused_when_wrong_caller_or_code(who, meeting_id, caller, code_given,
                                                       status, code):
    body = {} if code_given is None else {"code": code_given}
    assert_error(who[caller].post(f"{API}/meetings/{meeting_id}/check-in", json=body),
                 status, code)


def test_attendee_list_and_csv_are_for_organisers_only(who, meeting_id):
    who["kim"].post(f"{API}/meetings/{meeting_id}/registration")

    listed = who["official"].get(f"{API}/meetings/{meeting_id}/attendees").json
    assert [a["display_name"] for a in listed["items"]] == ["Kim"]
    exported = who["official"].get(f"{API}/meetings/{meeting_id}/attendees.csv")
    assert exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["seq", "display_name", "status"] and rows[1][1] == "Kim"
    for path in ("attendees", "attendees.csv", "attendance"):
        assert_error(who["kim"].get(f"{API}/meetings/{meeting_id}/{path}"), 403, "forbidden")
        assert_error(who["anonymous"].get(f"{API}/meetings/{meeting_id}/{path}"), 401,
                     "not_authenticated")


# -- live Q&A --


@pytest.fixture
def hall(who, meeting_id, clock):
    for name in ("kim", "lee"):
        who[name].post(f"{API}/meetings/{meeting_id}/registration")
    clock.set(STARTS + timedelta(minutes=40))
    return meeting_id


def test_screens_see_a_new_question_and_nothing_when_unchanged(who, hall):
    before = who["lee"].get(f"{API}/meetings/{hall}/questions").json
    posted = who["kim"].post(f"{API}/meetings/{hall}/questions", json={"body": "  Why now?  "})

    assert posted.status == 201 and posted.json["body"] == "Why now?" and posted.json["mine"]
    after = who["lee"].get(f"{API}/meetings/{hall}/questions?since={before['version']}").json
    assert after["version"] > before["version"]
    assert [q["body"] for q in after["items"]] == ["Why now?"]
    assert after["items"][0]["mine"] is False
    unchanged = who["lee"].get(f"{API}/meetings/{hall}/questions?since={after['version']}")
    assert unchanged.json == {"meeting_id": hall, "version": after["version"], "items": None}
    assert unchanged.headers["Cache-Control"] == "no-store"


def test_questions_say_which_the_caller_upvoted_when_some_were(who, hall):
    ids = [who["kim"].post(f"{API}/meetings/{hall}/questions", json={"body": body}).json["id"]
           for body in ("First question", "Second question")]
    who["lee"].put(f"{API}/questions/{ids[1]}/upvote")

    def voted(name):
        items = who[name].get(f"{API}/meetings/{hall}/questions").json["items"]
        return {q["id"]: q["voted_by_me"] for q in items}

    assert voted("lee") == {ids[0]: False, ids[1]: True}
    assert voted("kim") == {ids[0]: False, ids[1]: False}
    assert set(voted("anonymous").values()) == {False}


def test_posting_is_refused_with_429_when_too_fast(who, hall):
    for n in range(RATE_LIMIT):
        assert who["kim"].post(f"{API}/meetings/{hall}/questions",
                               json={"body": f"Question {n}"}).status == 201

    assert_error(who["kim"].post(f"{API}/meetings/{hall}/questions", json={"body": "More"}),
                 429, "rate_limited")


@pytest.mark.parametrize("caller, body, status, code", [
    ("kim", {"body": "   "}, 422, "invalid"),
    ("kim", {"body": "x" * 301}, 422, "invalid"),
    ("kim", {}, 422, "invalid"),
    ("park", {"body": "Not registered"}, 403, "forbidden"),
    ("anonymous", {"body": "Who am I"}, 401, "not_authenticated"),
])
def test_posting_is_refused_when_the_post_or_poster_is_wrong(who, hall, caller, body, status,
                                                            code):
    assert_error(who[caller].post(f"{API}/meetings/{hall}/questions", json=body), status, code)
    assert who["kim"].get(f"{API}/meetings/{hall}/questions").json["items"] == []


def test_upvotes_count_once_per_person_and_rank_the_questions(who, hall):
    first = who["kim"].post(f"{API}/meetings/{hall}/questions", json={"body": "First"}).json
    second = who["lee"].post(f"{API}/meetings/{hall}/questions", json={"body": "Second"}).json

    assert who["kim"].put(f"{API}/questions/{second['id']}/upvote").json["upvote_count"] == 1
    assert who["kim"].put(f"{API}/questions/{second['id']}/upvote").json["upvote_count"] == 1
    assert_error(who["park"].put(f"{API}/questions/{first['id']}/upvote"), 403, "forbidden")
    assert_error(who["kim"].put(f"{API}/questions/999999/upvote"), 404, "not_found")
    items = who["lee"].get(f"{API}/meetings/{hall}/questions").json["items"]
    assert [q["body"] for q in items] == ["Second", "First"]


def test_organiser_hides_pins_and_answers_questions(who, hall):
    first = who["kim"].post(f"{API}/meetings/{hall}/questions", json={"body": "First"}).json
    second = who["lee"].post(f"{API}/meetings/{hall}/questions", json={"body": "Rude"}).json

    pinned = who["official"].post(f"{API}/questions/{first['id']}/moderate",
                                  json={"pinned": True, "answered": True})
    who["official"].post(f"{API}/questions/{second['id']}/moderate", json={"hidden": True})

    assert pinned.status == 200 and pinned.json["pinned"] and pinned.json["answered"]
    public = who["kim"].get(f"{API}/meetings/{hall}/questions").json["items"]
    assert [q["body"] for q in public] == ["First"]
    seen = who["official"].get(f"{API}/meetings/{hall}/questions").json["items"]
    assert [(q["body"], q["hidden"]) for q in seen] == [("First", False), ("Rude", True)]


@pytest.mark.parametrize("caller, body, status, code", [
    ("kim", {"hidden": True}, 403, "forbidden"),
    ("anonymous", {"hidden": True}, 401, "not_authenticated"),
    ("official", {"hidden": "maybe"}, 422, "invalid"),
])
def test_moderation_is_refused_when_not_an_organiser_or_bad_input(who, hall, caller, body,
                                                                  status, code):
    question = who["kim"].post(f"{API}/meetings/{hall}/questions", json={"body": "Q"}).json
    assert_error(who[caller].post(f"{API}/questions/{question['id']}/moderate", json=body),
                 status, code)
    assert who["lee"].get(f"{API}/meetings/{hall}/questions").json["items"][0]["hidden"] is False


# -- survey --


@pytest.fixture
def surveyed(app, who, clock):
    meeting_id = _meeting(app, survey=True)
    who["kim"].post(f"{API}/meetings/{meeting_id}/registration")
    clock.set(ENDS)
    return meeting_id


def test_attendee_answers_the_survey_once_and_results_aggregate(who, surveyed):
    survey = who["kim"].get(f"{API}/meetings/{surveyed}/survey").json
    ids = [str(q["id"]) for q in survey["questions"]]
    assert [q["kind"] for q in survey["questions"]] == ["single", "scale", "text"]

    answered = who["kim"].post(f"{API}/meetings/{surveyed}/survey/answers", json={
        "answers": {ids[0]: "Friend", ids[1]: 4, ids[2]: "More seats"}})
    again = who["kim"].post(f"{API}/meetings/{surveyed}/survey/answers", json={
        "answers": {ids[0]: "Web", ids[1]: 1}})

    assert answered.status == 201 and answered.json["answers"][ids[1]] == 4
    assert_error(again, 409, "conflict")
    public = who["anonymous"].get(f"{API}/meetings/{surveyed}/survey/results").json
    assert public["responses"] == 1
    assert public["questions"][0]["counts"] == [{"option": "Web", "count": 0},
                                                {"option": "Friend", "count": 1}]
    assert public["questions"][1]["average"] == 4.0 and public["questions"][2]["texts"] is None
    official = who["official"].get(f"{API}/meetings/{surveyed}/survey/results").json
    assert official["questions"][2]["texts"] == ["More seats"]


@pytest.mark.parametrize("caller, answers, status, code", [
    ("kim", {"first": "Nope"}, 422, "invalid"),
    ("kim", "not a mapping", 422, "invalid"),
    ("lee", {"first": "Web"}, 403, "forbidden"),
    ("anonymous", {"first": "Web"}, 401, "not_authenticated"),
])
def test_survey_answers_are_refused_when_invalid_or_not_an_attendee(who, surveyed, caller,
                                                                    answers, status, code):
    first = str(who["kim"].get(f"{API}/meetings/{surveyed}/survey").json["questions"][0]["id"])
    if isinstance(answers, dict):
        answers = {first: answers["first"]}
    assert_error(who[caller].post(f"{API}/meetings/{surveyed}/survey/answers",
                                  json={"answers": answers}), status, code)
    assert who["official"].get(f"{API}/meetings/{surveyed}/survey/results").json[
        "responses"] == 0


# -- the organisers' side: create, edit, publish, cancel, define the survey --


NEW_MEETING = {
    "title": "Citizen meeting on protected bike lanes", "venue": "City hall",
    "starts_at": STARTS.isoformat(), "ends_at": ENDS.isoformat(),
    "registration_deadline": DEADLINE.isoformat(), "capacity": 30,
    "programme": [{"ends_at": STARTS.isoformat(), "title": "Doors"},
                  {"starts_at": STARTS.isoformat(), "ends_at": ENDS.isoformat(),
                   "title": "Flow talk"}]}


def _proposal(app):
    with app.app_context():
        return submit_proposal(
            app.extensions["deliberation"].db.session, citizen(90), category="transport",
            title="Protected bike lanes on the river road", publish=True,
            body="The river road is the only flat way into the centre.").id


def test_organiser_creates_reorders_the_programme_and_publishes_a_meeting(who):
    created = who["official"].post(f"{API}/meetings", json=NEW_MEETING)
    assert created.status == 201 and created.json["status"] == "draft"
    meeting_id = created.json["id"]
    assert who["anonymous"].get(f"{API}/meetings").json["items"] == []

    edited = who["official"].patch(f"{API}/meetings/{meeting_id}", json={
        "capacity": 40, "programme": [
            {"starts_at": STARTS.isoformat(), "ends_at": ENDS.isoformat(), "title": "Flow talk"},
            {"ends_at": STARTS.isoformat(), "title": "Doors", "note": "Coffee"}]})
    published = who["official"].post(f"{API}/meetings/{meeting_id}/publish")

    assert edited.status == 200 and edited.json["capacity"] == 40
    assert edited.json["venue"] == "City hall"  # what the patch did not name stays
    assert [(i["position"], i["title"]) for i in edited.json["programme"]] == [
        (1, "Flow talk"), (2, "Doors")]
    assert published.status == 200 and published.json["status"] == "published"
    assert [m["id"] for m in who["kim"].get(f"{API}/meetings").json["items"]] == [meeting_id]


@pytest.mark.parametrize("caller, body, status, code", [
    ("anonymous", NEW_MEETING, 401, "not_authenticated"),
    ("kim", NEW_MEETING, 403, "forbidden"),
    ("official", {**NEW_MEETING, "title": "  "}, 422, "invalid"),
    ("official", {**NEW_MEETING, "ends_at": STARTS.isoformat()}, 422, "invalid"),
    ("official", {**NEW_MEETING, "capacity": 0}, 422, "invalid"),
    ("official", {**NEW_MEETING, "proposal_id": 999999}, 404, "not_found"),
])
def test_meeting_creation_is_refused_and_nothing_is_written_when_caller_or_body_is_wrong(
        who, caller, body, status, code):
    answer = who[caller].post(f"{API}/meetings", json=body)

    assert_error(answer, status, code)
    if status == 422:
        assert set(answer.json["error"]["fields"]) & {"title", "ends_at", "capacity"}
    assert who["official"].get(f"{API}/meetings").json["items"] == []


def test_second_meeting_for_a_proposal_is_refused_with_409_when_one_exists(app, who):
    proposal_id = _proposal(app)
    first = who["official"].post(f"{API}/meetings", json={**NEW_MEETING,
                                                         "proposal_id": proposal_id})

    again = who["official"].post(f"{API}/meetings", json={**NEW_MEETING,
                                                         "proposal_id": proposal_id})

    assert first.status == 201 and first.json["proposal_id"] == proposal_id
    assert_error(again, 409, "wrong_state")
    assert len(who["official"].get(f"{API}/meetings").json["items"]) == 1


def test_publishing_is_refused_with_the_missing_fields_when_the_draft_is_incomplete(who):
    draft = who["official"].post(f"{API}/meetings", json={"title": "A meeting, details later"})

    answer = who["official"].post(f"{API}/meetings/{draft.json['id']}/publish")

    assert_error(answer, 422, "invalid")
    assert set(answer.json["error"]["fields"]) == {
        "starts_at", "ends_at", "registration_deadline", "venue"}
    assert_error(who["kim"].post(f"{API}/meetings/{draft.json['id']}/publish"), 403, "forbidden")
    assert who["official"].get(f"{API}/meetings/{draft.json['id']}").json["status"] == "draft"


def test_editing_is_refused_when_seats_would_drop_below_the_confirmed(who, meeting_id):
    for name in ("kim", "lee"):
        who[name].post(f"{API}/meetings/{meeting_id}/registration")

    answer = who["official"].patch(f"{API}/meetings/{meeting_id}", json={"capacity": 1})

    assert_error(answer, 422, "invalid")
    assert list(answer.json["error"]["fields"]) == ["capacity"]
    assert_error(who["kim"].patch(f"{API}/meetings/{meeting_id}", json={"capacity": 9}),
                 403, "forbidden")
    assert who["kim"].get(f"{API}/meetings/{meeting_id}").json["capacity"] == 2


def test_cancelled_meeting_shows_its_reason_and_refuses_registration(who, meeting_id):
    who["kim"].post(f"{API}/meetings/{meeting_id}/registration")

    cancelled = who["official"].post(f"{API}/meetings/{meeting_id}/cancel",
                                     json={"reason": "The hall is flooded."})

    assert cancelled.status == 200 and cancelled.json["status"] == "cancelled"
    public = who["anonymous"].get(f"{API}/meetings/{meeting_id}").json
    assert public["cancel_reason"] == "The hall is flooded." and public["cancelled_at"]
    assert_error(who["lee"].post(f"{API}/meetings/{meeting_id}/registration"), 409,
                 "wrong_state")
    assert_error(who["official"].post(f"{API}/meetings/{meeting_id}/cancel",
                                      json={"reason": "The hall is flooded."}), 409,
                 "wrong_state")


@pytest.mark.parametrize("caller, body, status, code", [
    ("kim", {"reason": "I cannot come."}, 403, "forbidden"),
    ("anonymous", {"reason": "Nobody is coming."}, 401, "not_authenticated"),
    ("official", {}, 422, "invalid"),
    ("official", {"reason": "   "}, 422, "invalid"),
])
def test_cancelling_is_refused_and_the_meeting_stays_when_caller_or_reason_is_wrong(
        who, meeting_id, caller, body, status, code):
    answer = who[caller].post(f"{API}/meetings/{meeting_id}/cancel", json=body)

    assert_error(answer, status, code)
    if status == 422:
        assert list(answer.json["error"]["fields"]) == ["reason"]
    assert who["kim"].get(f"{API}/meetings/{meeting_id}").json["status"] == "published"


def test_organiser_defines_the_survey_until_the_first_answer(who, meeting_id, clock):
    defined = who["official"].put(f"{API}/meetings/{meeting_id}/survey",
                                  json={"questions": SURVEY})
    assert defined.status == 200
    assert [(q["position"], q["kind"]) for q in defined.json["questions"]] == [
        (1, "single"), (2, "scale"), (3, "text")]
    who["kim"].post(f"{API}/meetings/{meeting_id}/registration")
    first = str(defined.json["questions"][0]["id"])
    second = str(defined.json["questions"][1]["id"])
    clock.set(STARTS)  # answers open when the meeting begins
    who["kim"].post(f"{API}/meetings/{meeting_id}/survey/answers",
                    json={"answers": {first: "Web", second: 5}})

    assert_error(who["official"].put(f"{API}/meetings/{meeting_id}/survey",
                                     json={"questions": SURVEY[:1]}), 409, "conflict")
    assert len(who["kim"].get(f"{API}/meetings/{meeting_id}/survey").json["questions"]) == 3


@pytest.mark.parametrize("caller, questions, status, code", [
    ("kim", SURVEY, 403, "forbidden"),
    ("official", [], 422, "invalid"),
    ("official", [{"kind": "single", "prompt": "Only one way?", "options": ["Yes"]}], 422,
     "invalid"),
    ("official", [{"kind": "poll", "prompt": "Which kind?"}], 422, "invalid"),
])
def test_survey_definition_is_refused_when_not_an_organiser_or_invalid(
        who, meeting_id, caller, questions, status, code):
    assert_error(who[caller].put(f"{API}/meetings/{meeting_id}/survey",
                                 json={"questions": questions}), status, code)
    assert who["kim"].get(f"{API}/meetings/{meeting_id}/survey").json["questions"] == []


def test_survey_results_csv_has_counts_and_averages_and_free_text_for_organisers_only(
        who, surveyed):
    ids = [str(q["id"]) for q in who["kim"].get(
        f"{API}/meetings/{surveyed}/survey").json["questions"]]
    who["kim"].post(f"{API}/meetings/{surveyed}/survey/answers", json={
        "answers": {ids[0]: "Friend", ids[1]: 4, ids[2]: "=more seats"}})

    exported = who["official"].get(f"{API}/meetings/{surveyed}/survey/results.csv")
    public = who["anonymous"].get(f"{API}/meetings/{surveyed}/survey/results.csv")

    assert exported.status == 200 and exported.headers["Content-Type"].startswith("text/csv")
    assert exported.text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0] == ["question", "prompt", "kind", "row", "answer", "value"]
    assert rows[1] == ["", "", "", "responses", "", "1"]
    assert ["1", "How did you hear of it?", "single", "option", "Friend", "1"] in rows
    assert ["2", "How useful was it?", "scale", "scale", "4", "1"] in rows
    assert ["2", "How useful was it?", "scale", "average", "", "4.0"] in rows
    # a citizen's text never becomes a spreadsheet formula
    assert ["3", "Anything else?", "text", "text", "'=more seats", ""] in rows
    public_rows = list(csv.reader(io.StringIO(public.text.lstrip("\ufeff"))))
    assert not any(row[3] == "text" for row in public_rows)
    assert ["3", "Anything else?", "text", "answered", "", "1"] in public_rows


def test_live_questions_of_a_draft_are_not_found_when_the_caller_is_no_organiser(app, who):
    draft = _meeting(app, publish=False, online_questions=True)

    assert_error(who["kim"].get(f"{API}/meetings/{draft}/questions"), 404, "not_found")
    assert_error(who["kim"].post(f"{API}/meetings/{draft}/questions", json={"body": "Hello?"}),
                 404, "not_found")
    assert who["official"].get(f"{API}/meetings/{draft}/questions").json["items"] == []
