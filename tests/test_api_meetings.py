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
from tests.conftest import START
from tests.live import serving
from tests.test_api import API, assert_error

MEMBERS = {  # id: (nickname, roles)
    1: ("Kim", "citizen"), 2: ("Lee", "citizen"), 3: ("Park", "citizen"),
    4: ("Admin", "citizen,admin"), 5: ("Official", "department_official"),
}
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


def test_organiser_checks_a_registrant_in_and_sees_attendance(who, meeting_id):
    code = who["kim"].post(f"{API}/meetings/{meeting_id}/registration").json["check_in_code"]

    checked = who["official"].post(f"{API}/meetings/{meeting_id}/check-in",
                                   json={"code": code.lower()})

    assert checked.status == 200 and checked.json["attendee"]["display_name"] == "Kim"
    assert checked.json["attendee"]["checked_in_at"]
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
