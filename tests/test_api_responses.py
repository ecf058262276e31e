"""The official-responses API under /api/v1 through a real HTTP server:
assignment, answers and their review, implementation updates, deadlines,
the agenda committee, moderation, following and notifications."""

import pytest

from deliberation.notifications.operations import process_outbox
from tests.live import serving
from tests.test_api import API, BIKE_LANES, assert_error, proposal_row, row_counts, submit

TINY = {"name": "tiny", "rules": [
    {"step": "department_answer", "metric": "agreements", "count": 1,
     "answer_due": "10 days"},
    {"step": "agenda_committee", "metric": "agreements", "count": 2},
    {"step": "mayor_answer", "metric": "agreements", "count": 3},
]}
MEMBERS = {  # id: (nickname, roles, department)
    1: ("Author", "citizen", None), 2: ("Second", "citizen", None),
    3: ("Third", "citizen", None), 4: ("Admin", "citizen,admin", None),
    5: ("Roads", "department_official", "transport"),
    6: ("Parks", "department_official", "parks"),
    7: ("Mayor", "mayor_office", None), 8: ("Committee", "agenda_committee", None),
}
ANSWER = {"body": "We will build **two** lanes.", "decision": "accepted",
          "links": ["https://seoul.go.kr/plan"]}


@pytest.fixture
def app(make_app):
    app = make_app(DELIBERATION_LADDER=TINY)
    with app.app_context():
        app.db.session.add_all(app.Member(id=i, nickname=n, roles=r, department=d)
                               for i, (n, r, d) in MEMBERS.items())
        app.db.session.commit()
    return app


@pytest.fixture
def live(app):
    with serving(app) as server:
        yield server


@pytest.fixture
def who(live):
    names = ["author", "second", "third", "admin", "roads", "parks", "mayor", "committee"]
    clients = {name: live.client(bearer=f"member-{i}") for i, name in enumerate(names, 1)}
    clients["anonymous"] = live.client()
    return clients


def reach(who, proposal_id, agreements):
    for name in ("second", "third", "admin")[:agreements]:
        assert who[name].put(f"{API}/proposals/{proposal_id}/agreement").status == 200


def at_department_step(who):
    proposal = submit(who["author"])
    reach(who, proposal["id"], 1)
    return proposal["id"]


def assigned(who):
    proposal_id = at_department_step(who)
    answer = who["admin"].post(f"{API}/proposals/{proposal_id}/assignment",
                               json={"department": "transport"})
    assert answer.status == 200, answer.text
    return proposal_id


def path(proposal_id, rest=""):
    return f"{API}/proposals/{proposal_id}{rest}"


# -- assignment --


def test_assignment_shows_on_the_proposal_when_an_admin_assigns(who, clock):
    proposal_id = at_department_step(who)

    answer = who["admin"].post(path(proposal_id, "/assignment"), json={"department": "transport"})

    assert answer.json["department"] == "transport" and answer.json["assigned_by"] == "admin"
    shown = who["anonymous"].get(path(proposal_id)).json
    assert shown["assignment"]["department"] == "transport"
    assert shown["answer_due_at"]["department_answer"].startswith("2026-03-12")


@pytest.mark.parametrize("caller, body, status, code", [
    ("roads", {"department": "transport"}, 403, "forbidden"),
    ("anonymous", {"department": "transport"}, 401, "not_authenticated"),
    ("admin", {"department": ""}, 422, "invalid"),
    ("admin", {}, 422, "invalid"),
    ("admin", {"department": "x", "extra": 1}, 422, "invalid"),
])
def test_assignment_is_refused_when_the_caller_or_input_is_wrong(app, who, caller, body, status,
                                                                  code):
    proposal_id = at_department_step(who)
    before = row_counts(app)

    assert_error(who[caller].post(path(proposal_id, "/assignment"), json=body), status, code)
    assert row_counts(app) == before


def test_assignment_is_refused_when_the_proposal_has_not_reached_the_step(app, who):
    proposal = submit(who["author"])
    before = row_counts(app)

    assert_error(who["admin"].post(path(proposal["id"], "/assignment"),
                                   json={"department": "transport"}), 409, "wrong_state")
    assert row_counts(app) == before


# -- answers --


def test_department_answer_is_published_with_its_history_when_the_official_answers(who, clock):
    proposal_id = assigned(who)

    first = who["roads"].put(path(proposal_id, "/answers/department_answer"), json=ANSWER)
    clock.advance(days=1)
    edited = who["roads"].put(path(proposal_id, "/answers/department_answer"),
                              json={**ANSWER, "decision": "partly_accepted"})

    assert first.status == 200, first.text
    assert edited.json["version"] == 2
    items = who["anonymous"].get(path(proposal_id, "/answers")).json["items"]
    assert [a["step"] for a in items] == ["department_answer"]
    assert "<strong>two</strong>" in items[0]["body_html"]
    assert [r["version"] for r in items[0]["revisions"]] == [1, 2]
    assert {r["editor_role"] for r in items[0]["revisions"]} == {"department_official"}
    kinds = [e["kind"] for e in who["anonymous"].get(path(proposal_id, "/timeline")).json["items"]]
    assert "answered" in kinds and "answer_edited" in kinds


def test_answer_body_is_sanitised_when_it_carries_html(who):
    proposal_id = assigned(who)

    who["roads"].put(path(proposal_id, "/answers/department_answer"),
                     json={**ANSWER, "body": "<script>alert(1)</script> [x](javascript:alert(1))"})

    html = who["anonymous"].get(path(proposal_id, "/answers")).json["items"][0]["body_html"]
    assert "<script>" not in html and 'href="javascript' not in html


@pytest.mark.parametrize("caller, status, code", [
    ("second", 403, "forbidden"),     # a citizen
    ("parks", 403, "forbidden"),      # an official of another department
    ("mayor", 403, "forbidden"),      # the mayor's office answers its own step only
    ("anonymous", 401, "not_authenticated"),
])
def test_department_answer_is_refused_when_the_caller_may_not_answer(app, who, caller, status,
                                                                      code):
    proposal_id = assigned(who)
    before = row_counts(app)

    answer = who[caller].put(path(proposal_id, "/answers/department_answer"), json=ANSWER)

    assert_error(answer, status, code)
    assert row_counts(app) == before


@pytest.mark.parametrize("body", [
    {"body": "", "decision": "accepted"}, {"body": "ok", "decision": "maybe"},
    {"body": "ok", "decision": "accepted", "links": ["ftp://x"]}, {"decision": "accepted"},
    {"body": "ok", "decision": "accepted", "video_url": "not a url"},
])
def test_answer_is_refused_with_field_messages_when_the_input_is_bad(app, who, body):
    proposal_id = assigned(who)
    before = row_counts(app)

    answer = who["roads"].put(path(proposal_id, "/answers/department_answer"), json=body)

    assert_error(answer, 422, "invalid")
    assert answer.json["error"]["fields"]
    assert row_counts(app) == before


def test_mayor_answer_is_refused_when_the_proposal_has_not_reached_the_step(app, who):
    proposal_id = assigned(who)
    before = row_counts(app)

    assert_error(who["mayor"].put(path(proposal_id, "/answers/mayor_answer"), json=ANSWER),
                 409, "wrong_state")
    assert row_counts(app) == before


def test_mayor_answer_carries_its_video_when_the_mayors_office_answers(who):
    proposal = submit(who["author"])
    reach(who, proposal["id"], 3)

    answer = who["mayor"].put(path(proposal["id"], "/answers/mayor_answer"),
                              json={**ANSWER, "video_url": "https://youtu.be/abc"})

    assert answer.status == 200, answer.text
    assert answer.json["video_url"] == "https://youtu.be/abc"
    assert answer.json["department"] is None


def test_unknown_answer_step_is_not_found_when_asked(who):
    proposal_id = assigned(who)

    assert_error(who["roads"].put(path(proposal_id, "/answers/hidden_step"), json=ANSWER),
                 404, "not_found")


# -- review --


@pytest.fixture
def reviewed_app(make_app):
    app = make_app(DELIBERATION_LADDER=TINY, DELIBERATION_ANSWER_REVIEW=True)
    with app.app_context():
        app.db.session.add_all(app.Member(id=i, nickname=n, roles=r, department=d)
                               for i, (n, r, d) in MEMBERS.items())
        app.db.session.commit()
    return app


def test_held_answer_is_hidden_from_the_public_until_an_admin_approves(reviewed_app):
    with serving(reviewed_app) as server:
        who = {name: server.client(bearer=f"member-{i}") for i, name in enumerate(
            ["author", "second", "third", "admin", "roads", "parks"], 1)}
        who["anonymous"] = server.client()
        proposal_id = assigned(who)
        held = who["roads"].put(path(proposal_id, "/answers/department_answer"), json=ANSWER)

        assert held.json["status"] == "pending_review"
        assert who["anonymous"].get(path(proposal_id, "/answers")).json["items"] == []
        assert len(who["roads"].get(path(proposal_id, "/answers")).json["items"]) == 1
        assert_error(who["roads"].post(path(proposal_id, "/answers/department_answer/review"),
                                       json={"approve": True}), 403, "forbidden")
        assert_error(who["admin"].post(path(proposal_id, "/answers/department_answer/review"),
                                       json={"approve": "perhaps"}), 422, "invalid")

        approved = who["admin"].post(path(proposal_id, "/answers/department_answer/review"),
                                     json={"approve": True, "note": "fine"})

        assert approved.json["status"] == "published"
        assert len(who["anonymous"].get(path(proposal_id, "/answers")).json["items"]) == 1
        assert_error(who["admin"].post(path(proposal_id, "/answers/department_answer/review"),
                                       json={"approve": True}), 409, "wrong_state")


# -- implementation --


def test_implementation_updates_are_listed_when_an_official_posts_after_the_answer(app, who):
    proposal_id = assigned(who)
    before = row_counts(app)
    assert_error(who["roads"].post(path(proposal_id, "/implementation"),
                                   json={"status": "planned", "note": "Design"}),
                 409, "wrong_state")
    assert row_counts(app) == before
    who["roads"].put(path(proposal_id, "/answers/department_answer"), json=ANSWER)

    posted = who["roads"].post(path(proposal_id, "/implementation"),
                               json={"status": "in_progress", "note": "Works began",
                                     "occurred_on": "2026-03-05"})

    assert posted.status == 201, posted.text
    items = who["anonymous"].get(path(proposal_id, "/implementation")).json["items"]
    assert [(u["status"], u["occurred_on"]) for u in items] == [("in_progress", "2026-03-05")]
    assert_error(who["second"].post(path(proposal_id, "/implementation"),
                                    json={"status": "done", "note": "x"}), 403, "forbidden")
    assert_error(who["roads"].post(path(proposal_id, "/implementation"),
                                   json={"status": "finished", "note": "x"}), 422, "invalid")


# -- deadlines --


def test_queue_lists_overdue_answers_oldest_first_when_the_due_date_passed(who, clock):
    first = assigned(who)
    clock.advance(days=2)
    second = submit(who["author"], title="Benches in the river park")["id"]
    who["third"].put(path(second, "/agreement"))
    clock.advance(days=9)  # the first is due after 10 days, the second not yet

    due = who["roads"].get(f"{API}/answers/due").json["items"]
    overdue = who["admin"].get(f"{API}/answers/due?overdue=true").json["items"]
    other_department = who["parks"].get(f"{API}/answers/due").json["items"]

    assert [i["proposal_id"] for i in due] == [first]  # the second is unassigned
    assert [i["proposal_id"] for i in overdue] == [first] and overdue[0]["overdue_days"] == 1
    assert other_department == []
    all_due = who["admin"].get(f"{API}/answers/due").json["items"]
    assert [i["proposal_id"] for i in all_due] == [first, second]


@pytest.mark.parametrize("caller, status", [("second", 403), ("anonymous", 401)])
def test_queue_is_refused_when_the_caller_is_no_official(who, caller, status):
    assert who[caller].get(f"{API}/answers/due").status == status


def test_queue_refuses_a_bad_filter_when_asked(who):
    assert_error(who["admin"].get(f"{API}/answers/due?overdue=perhaps"), 422, "invalid")


def test_lateness_report_counts_late_answers_when_public(who, clock):
    proposal_id = assigned(who)
    clock.advance(days=15)

    report = who["anonymous"].get(f"{API}/answers/lateness").json

    assert report["open_overdue"] == 1 and report["open_on_time"] == 0
    assert report["longest_overdue_days"] == 5.0
    assert [i["proposal_id"] for i in report["overdue"]] == [proposal_id]
    shown = who["anonymous"].get(path(proposal_id)).json
    assert shown["answer_due_at"]["department_answer"] < "2026-03-17"


# -- the agenda committee --


def test_committee_decides_once_when_a_proposal_reached_its_step(app, who):
    proposal = submit(who["author"])
    reach(who, proposal["id"], 2)

    queue = who["committee"].get(f"{API}/committee/queue").json["items"]
    decided = who["committee"].post(path(proposal["id"], "/committee-decision"), json={
        "decision": "open_debate", "reason": "Many citizens care about it.",
        "debate_question": "Should the river road get bike lanes?"})

    assert [i["proposal"]["id"] for i in queue] == [proposal["id"]]
    assert decided.status == 201, decided.text
    assert decided.json["below_threshold"] is False
    assert who["committee"].get(f"{API}/committee/queue").json["items"] == []
    before = row_counts(app)
    assert_error(who["committee"].post(path(proposal["id"], "/committee-decision"), json={
        "decision": "decline", "reason": "Changed our mind."}), 409, "conflict")
    assert row_counts(app) == before


@pytest.mark.parametrize("caller, body, status", [
    ("second", {"decision": "decline", "reason": "Not for us."}, 403),
    ("committee", {"decision": "adjourn", "reason": "Not for us."}, 422),
    ("committee", {"decision": "decline", "reason": "no"}, 422),
])
def test_committee_decision_is_refused_when_caller_or_input_is_wrong(app, who, caller, body,
                                                                     status):
    proposal = submit(who["author"])
    reach(who, proposal["id"], 2)
    before = row_counts(app)

    assert who[caller].post(path(proposal["id"], "/committee-decision"), json=body).status == status
    assert row_counts(app) == before


def test_committee_queue_is_refused_when_the_caller_is_a_citizen(who):
    assert_error(who["second"].get(f"{API}/committee/queue"), 403, "forbidden")


# -- moderation --


def test_hidden_proposal_withholds_its_text_when_an_admin_hides_it(app, who):
    proposal = submit(who["author"])

    hidden = who["admin"].post(path(proposal["id"], "/hide"), json={"reason": "Personal data"})

    assert hidden.json["hidden"] is True and hidden.json["body"] is None
    shown = who["anonymous"].get(path(proposal["id"])).json
    assert shown["hidden_reason"] == "Personal data" and shown["body"] is None
    assert BIKE_LANES["body"] not in who["anonymous"].get(path(proposal["id"])).text
    shown_again = who["admin"].post(path(proposal["id"], "/unhide"))
    assert shown_again.json["body"] == BIKE_LANES["body"]


@pytest.mark.parametrize("caller, endpoint, body, status", [
    ("second", "/hide", {"reason": "Personal data"}, 403),
    ("admin", "/hide", {"reason": "no"}, 422),
    ("admin", "/hide", {}, 422),
    ("admin", "/unhide", None, 409),
    ("second", "/merge", {"target_id": 1}, 403),
    ("admin", "/merge", {"target_id": "one"}, 422),
])
def test_moderation_is_refused_when_caller_input_or_state_is_wrong(app, who, caller, endpoint,
                                                                   body, status):
    proposal = submit(who["author"])
    before = row_counts(app)

    kwargs = {} if body is None else {"json": body}
    assert who[caller].post(path(proposal["id"], endpoint), **kwargs).status == status
    assert row_counts(app) == before
    assert proposal_row(app, proposal["id"]).hidden_at is None


def test_merge_moves_agreements_and_links_the_duplicate_when_an_admin_merges(who):
    target = submit(who["author"])["id"]
    duplicate = submit(who["second"], title="Bike lanes by the river, again")["id"]
    who["third"].put(path(duplicate, "/agreement"))

    merged = who["admin"].post(path(duplicate, "/merge"), json={"target_id": target})

    assert merged.status == 200, merged.text
    assert merged.json["duplicate"]["merged_into_id"] == target
    assert merged.json["target"]["agreement_count"] == 1
    assert_error(who["admin"].post(path(target, "/merge"), json={"target_id": target}),
                 422, "invalid")


# -- following and notifications --


def test_follower_is_notified_and_marks_read_when_the_proposal_is_answered(app, who):
    proposal_id = assigned(who)

    assert who["parks"].put(path(proposal_id, "/follow")).json == {
        "proposal_id": proposal_id, "following": True}
    assert who["parks"].get(path(proposal_id)).json["following"] is True
    who["roads"].put(path(proposal_id, "/answers/department_answer"), json=ANSWER)
    with app.app_context():
        process_outbox(app.extensions["deliberation"].db.session)

    count = who["parks"].get(f"{API}/notifications/unread-count").json["count"]
    items = who["parks"].get(f"{API}/notifications?unread=true").json["items"]
    marked = who["parks"].post(f"{API}/notifications/read", json={"ids": [items[0]["id"]]})

    assert count == len(items) >= 1
    assert "answered" in [i["kind"] for i in items]
    assert marked.json["marked"] == 1
    assert who["parks"].post(f"{API}/notifications/read", json={}).json["marked"] == count - 1
    assert who["parks"].get(f"{API}/notifications/unread-count").json["count"] == 0
    assert who["parks"].delete(path(proposal_id, "/follow")).json["following"] is False


@pytest.mark.parametrize("method, url", [
    ("GET", "/notifications"), ("GET", "/notifications/unread-count"),
    ("POST", "/notifications/read"), ("PUT", "/proposals/1/follow"),
])
def test_notifications_and_following_need_a_login_when_anonymous(who, method, url):
    assert_error(who["anonymous"].request(method, f"{API}{url}", json={}), 401,
                 "not_authenticated")


def test_notifications_refuse_bad_input_when_asked(who):
    assert_error(who["second"].post(f"{API}/notifications/read", json={"ids": ["x"]}),
                 422, "invalid")
    assert_error(who["second"].get(f"{API}/notifications?page=0"), 422, "invalid")
    assert_error(who["second"].put(path(999, "/follow")), 404, "not_found")


def test_due_dates_move_with_the_clock_when_time_passes(who, clock):
    proposal_id = assigned(who)
    clock.advance(days=10, hours=1)

    assert who["roads"].get(f"{API}/answers/due?overdue=1").json["items"][0][
        "proposal_id"] == proposal_id
