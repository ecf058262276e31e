"""The official-responses pages through Flask's test client: the detail
page's answers, deadlines and forms, the officials' queue, the public
lateness page, the committee page, moderation and notifications."""

import pytest

from deliberation.notifications.operations import process_outbox
from tests.test_api_responses import MEMBERS, TINY
from tests.test_pages import PAGES, browser, count, create, csrf_of, post_form, row, text


@pytest.fixture
def app(make_app):
    app = make_app(DELIBERATION_LADDER=TINY)
    with app.app_context():
        app.db.session.add_all(app.Member(id=i, nickname=n, roles=r, department=d)
                               for i, (n, r, d) in MEMBERS.items())
        app.db.session.commit()
    return app


@pytest.fixture
def who(app):
    names = ["author", "second", "third", "admin", "roads", "parks", "mayor", "committee"]
    clients = {name: browser(app, i) for i, name in enumerate(names, 1)}
    clients["anonymous"] = browser(app)
    return clients


def detail(proposal_id):
    return f"{PAGES}/{proposal_id}"


def agree(client, proposal_id):
    assert post_form(client, f"{detail(proposal_id)}/agree",
                     token_from=detail(proposal_id)).status_code == 302


def assigned(who):
    proposal_id = create(who["author"])
    agree(who["second"], proposal_id)
    answer = post_form(who["admin"], f"{detail(proposal_id)}/assign",
                       {"department": "transport"}, token_from=detail(proposal_id))
    assert answer.status_code == 302, text(answer)
    return proposal_id


def answer(client, proposal_id, **fields):
    data = {"body": "We will build **two** lanes.", "decision": "accepted",
            "links": "https://seoul.go.kr/plan\n", **fields}
    return post_form(client, f"{detail(proposal_id)}/answers/department_answer", data,
                     token_from=detail(proposal_id))


def test_detail_shows_assignment_due_date_and_the_answer_form_when_the_official_looks(who):
    proposal_id = assigned(who)

    page = text(who["roads"].get(detail(proposal_id)))
    public = text(who["anonymous"].get(detail(proposal_id)))

    assert "transport" in page and "담당 부서" in page
    assert f'action="{PAGES}/{proposal_id}/answers/department_answer"' in page
    assert 'for="answer_department_answer-body"' in page
    assert "answers/department_answer\"" not in public and "transport" in public
    assert f'action="{PAGES}/{proposal_id}/assign"' not in public


def test_detail_shows_overdue_days_when_the_due_date_passed(who, clock):
    proposal_id = assigned(who)
    clock.advance(days=13)

    assert "3일 지남" in text(who["anonymous"].get(detail(proposal_id)))


def test_published_answer_shows_sanitised_with_revisions_when_the_official_answers(who, clock):
    proposal_id = assigned(who)

    saved = answer(who["roads"], proposal_id, body="<script>x()</script> **two**")
    clock.advance(days=1)
    answer(who["roads"], proposal_id, decision="partly_accepted")
    page = text(who["anonymous"].get(detail(proposal_id)))

    assert saved.status_code == 302
    assert "<strong>two</strong>" in page and "<script>x()" not in page
    assert "일부 수용" in page and "고친 기록" in page
    assert "https://seoul.go.kr/plan" in page


@pytest.mark.parametrize("caller, status", [("second", 403), ("parks", 403)])
def test_answer_form_is_refused_when_the_caller_may_not_answer(app, who, caller, status):
    proposal_id = assigned(who)
    token = csrf_of(who[caller].get(detail(proposal_id)))

    refused = who[caller].post(f"{detail(proposal_id)}/answers/department_answer",
                               data={"body": "x", "decision": "accepted", "csrf_token": token})

    assert refused.status_code == status
    assert count(app, "deliberation_answer") == 0


def test_answer_form_comes_back_with_messages_when_the_input_is_bad(app, who):
    proposal_id = assigned(who)

    refused = answer(who["roads"], proposal_id, body=" ", links="ftp://nowhere")

    assert refused.status_code == 422
    assert 'aria-invalid="true"' in text(refused)
    assert "ftp://nowhere" in text(refused)
    assert count(app, "deliberation_answer") == 0


def test_forms_are_refused_when_the_csrf_token_is_missing(app, who):
    proposal_id = assigned(who)

    for url, data in [("/answers/department_answer", {"body": "x", "decision": "accepted"}),
                      ("/hide", {"reason": "Personal data"}), ("/follow", {})]:
        assert who["roads" if "answers" in url else "admin"].post(
            detail(proposal_id) + url, data=data).status_code == 400
    assert count(app, "deliberation_answer") == 0 and row(app, proposal_id).hidden_at is None


def test_hidden_proposal_shows_its_reason_and_not_its_text_when_an_admin_hides_it(app, who):
    proposal_id = create(who["author"])

    hidden = post_form(who["admin"], f"{detail(proposal_id)}/hide",
                       {"reason": "Personal data inside"}, token_from=detail(proposal_id))
    page = text(who["anonymous"].get(detail(proposal_id)))

    assert hidden.status_code == 302
    assert "Personal data inside" in page and "Cyclists share" not in page
    assert post_form(who["admin"], f"{detail(proposal_id)}/unhide",
                     token_from=detail(proposal_id)).status_code == 302
    assert "Cyclists share" in text(who["anonymous"].get(detail(proposal_id)))


@pytest.mark.parametrize("caller, form, data, status", [
    ("second", "hide", {"reason": "Personal data"}, 403),
    ("admin", "hide", {"reason": "no"}, 422),
    ("admin", "merge", {"target_id": "abc"}, 422),
    ("admin", "close", {"reason": "x"}, 302),
])
def test_moderation_forms_answer_by_role_and_input_when_posted(app, who, caller, form, data,
                                                               status):
    proposal_id = create(who["author"])

    answer_ = post_form(who[caller], f"{detail(proposal_id)}/{form}", data,
                        token_from=detail(proposal_id))

    assert answer_.status_code == status
    assert row(app, proposal_id).hidden_at is None
    assert row(app, proposal_id).state == ("closed" if status == 302 else "collecting")


def test_merged_proposal_links_to_its_target_when_merged(who):
    target = create(who["author"])
    duplicate = create(who["second"], title="Bike lanes by the river, again")

    merged = post_form(who["admin"], f"{detail(duplicate)}/merge", {"target_id": target},
                       token_from=detail(duplicate))

    assert merged.status_code == 302
    assert f'href="{PAGES}/{target}"' in text(who["anonymous"].get(detail(duplicate)))


def test_answer_queue_lists_due_answers_for_officials_and_refuses_citizens(who, clock):
    proposal_id = assigned(who)
    clock.advance(days=11)

    queue = who["roads"].get(f"{PAGES}/answers/due")

    assert queue.status_code == 200
    assert f'href="{PAGES}/{proposal_id}"' in text(queue) and "1일 지남" in text(queue)
    assert f'href="{PAGES}/{proposal_id}"' not in text(who["parks"].get(f"{PAGES}/answers/due"))
    assert who["second"].get(f"{PAGES}/answers/due").status_code == 403
    assert who["anonymous"].get(f"{PAGES}/answers/due").status_code == 302  # to the login


def test_lateness_page_is_public_and_korean_when_answers_are_late(who, clock):
    proposal_id = assigned(who)
    clock.advance(days=15)

    page = text(who["anonymous"].get(f"{PAGES}/answers/late"))

    assert "<h1>늦은 답변</h1>" in page
    assert f'href="{PAGES}/{proposal_id}"' in page and "5일 지남" in page


def test_committee_page_records_a_decision_when_a_member_decides(app, who):
    proposal_id = create(who["author"])
    agree(who["second"], proposal_id)
    agree(who["third"], proposal_id)

    page = who["committee"].get(f"{PAGES}/committee")
    decided = post_form(who["committee"], f"{detail(proposal_id)}/committee-decision",
                        {"decision": "open_debate", "reason": "Many citizens care."},
                        token_from=f"{PAGES}/committee")

    assert page.status_code == 200 and f'href="{PAGES}/{proposal_id}"' in text(page)
    assert decided.status_code == 302
    assert "시민토론 개설" in text(who["anonymous"].get(detail(proposal_id)))
    assert who["second"].get(f"{PAGES}/committee").status_code == 403
    assert count(app, "deliberation_committee_decision") == 1


def test_committee_form_comes_back_with_messages_when_the_reason_is_missing(app, who):
    proposal_id = create(who["author"])
    agree(who["second"], proposal_id)
    agree(who["third"], proposal_id)

    refused = post_form(who["committee"], f"{detail(proposal_id)}/committee-decision",
                        {"decision": "decline"}, token_from=f"{PAGES}/committee")

    assert refused.status_code == 422
    assert count(app, "deliberation_committee_decision") == 0


def test_notifications_page_lists_and_marks_read_when_a_follower_is_told(app, who):
    proposal_id = assigned(who)
    assert post_form(who["parks"], f"{detail(proposal_id)}/follow",
                     token_from=detail(proposal_id)).status_code == 302
    assert "소식 그만 받기" in text(who["parks"].get(detail(proposal_id)))
    answer(who["roads"], proposal_id)
    with app.app_context():
        process_outbox(app.extensions["deliberation"].db.session)

    page = text(who["parks"].get(f"{PAGES}/notifications"))
    marked = post_form(who["parks"], f"{PAGES}/notifications/read",
                       token_from=f"{PAGES}/notifications")

    assert "제안에 공식 답변이 나왔습니다" in page and "새 알림" in page
    assert marked.status_code == 302
    assert "새 알림" not in text(who["parks"].get(f"{PAGES}/notifications"))
    assert who["anonymous"].get(f"{PAGES}/notifications").status_code == 302


def test_nav_links_follow_the_roles_when_rendered(who):
    citizen = text(who["second"].get(f"{PAGES}/"))
    official = text(who["roads"].get(f"{PAGES}/"))
    member = text(who["committee"].get(f"{PAGES}/"))

    assert f'href="{PAGES}/answers/late"' in citizen
    assert f'href="{PAGES}/answers/due"' not in citizen and f'href="{PAGES}/committee"' not in citizen
    assert f'href="{PAGES}/answers/due"' in official
    assert f'href="{PAGES}/committee"' in member
