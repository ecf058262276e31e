"""The meeting pages through Flask's test client: the meeting with its
programme and registration, the live Q&A with its polling script and post
form, the big screen, check-in at the door and the survey — roles are
checked, refused forms come back with their messages, nothing answers 500."""

from datetime import timedelta

import pytest

from deliberation.meetings.qna import post_question
from deliberation.meetings.registration import register
from deliberation.meetings.survey import survey_of
from deliberation.participants import Participant, Role
from tests.test_api_meetings import DEADLINE, ENDS, STARTS, _meeting
from tests.test_pages import browser, csrf_of

PAGES = "/proposals"
KIM, LEE, OFFICIAL_ID = 1, 2, 5


@pytest.fixture
def members(app):
    with app.app_context():
        app.db.session.add_all([
            app.Member(id=KIM, nickname="Kim"), app.Member(id=LEE, nickname="Lee"),
            app.Member(id=OFFICIAL_ID, nickname="Official", roles="department_official")])
        app.db.session.commit()


@pytest.fixture
def pages(app, members):
    return {"kim": browser(app, KIM), "lee": browser(app, LEE),
            "official": browser(app, OFFICIAL_ID), "anonymous": browser(app)}


@pytest.fixture
def meeting_id(app):
    return _meeting(app)


def with_session(app, call):
    with app.app_context():
        return call(app.extensions["deliberation"].db.session)


def kim():
    return Participant(id=f"m{KIM}", roles={Role.CITIZEN}, display_name="Kim")


def post(client, path, data=None, *, token_from):
    token = csrf_of(client.get(token_from))
    return client.post(path, data={**(data or {}), "csrf_token": token})


def text(answer):
    return answer.get_data(as_text=True)


# -- the meeting --


def test_meeting_page_shows_programme_and_registers_then_shows_the_code(pages, meeting_id):
    page = f"{PAGES}/meetings/{meeting_id}"
    shown = pages["kim"].get(page)
    assert shown.status_code == 200
    assert "Flow talk" in text(shown) and "Citizen meeting on bike lanes" in text(shown)

    answer = post(pages["kim"], f"{page}/register", token_from=page)

    assert answer.status_code == 302
    after = text(pages["kim"].get(page))
    assert 'id="dl-check-in-code"' in after
    assert "meeting_cancel" not in after and f"{page}/cancel" in after


def test_cancelling_on_the_page_frees_the_seat(pages, meeting_id):
    page = f"{PAGES}/meetings/{meeting_id}"
    post(pages["kim"], f"{page}/register", token_from=page)

    assert post(pages["kim"], f"{page}/cancel", token_from=page).status_code == 302
    assert 'id="dl-check-in-code"' not in text(pages["kim"].get(page))


def test_registering_is_refused_when_the_deadline_passed(pages, meeting_id, clock):
    page = f"{PAGES}/meetings/{meeting_id}"
    token = csrf_of(pages["kim"].get(page))
    clock.set(DEADLINE + timedelta(minutes=1))

    answer = pages["kim"].post(f"{page}/register", data={"csrf_token": token})

    assert answer.status_code == 409


def test_registering_is_refused_without_the_csrf_token(pages, meeting_id):
    answer = pages["kim"].post(f"{PAGES}/meetings/{meeting_id}/register")
    assert answer.status_code == 400


def test_draft_meeting_page_is_not_found_when_not_an_organiser(app, pages):
    draft = _meeting(app, publish=False)
    assert pages["kim"].get(f"{PAGES}/meetings/{draft}").status_code == 404
    assert pages["official"].get(f"{PAGES}/meetings/{draft}").status_code == 200


# -- live Q&A --


@pytest.fixture
def hall(app, meeting_id, clock):
    with_session(app, lambda s: register(s, kim(), meeting_id))
    clock.set(STARTS + timedelta(minutes=40))
    return meeting_id


def test_qna_page_polls_the_api_with_its_version_and_posts_without_js(pages, hall):
    page = f"{PAGES}/meetings/{hall}/qna"
    shown = text(pages["kim"].get(page))
    assert f"/api/v1/meetings/{hall}/questions" in shown and "?since=" in shown
    assert 'data-version="0"' in shown and "setTimeout(poll, 1000)" in shown
    assert "<script src" not in shown  # no CDN, no external script

    answer = post(pages["kim"], page, {"body": "Why the river road?"}, token_from=page)

    assert answer.status_code == 302
    after = text(pages["lee"].get(page))
    assert "Why the river road?" in after and 'data-version="1"' in after


def test_qna_post_is_refused_with_its_message_when_blank(pages, hall):
    page = f"{PAGES}/meetings/{hall}/qna"
    answer = post(pages["kim"], page, {"body": "   "}, token_from=page)
    assert answer.status_code == 422 and 'class="dl-error"' in text(answer)


def test_qna_post_is_refused_when_not_an_attendee(pages, hall):
    page = f"{PAGES}/meetings/{hall}/qna"
    assert post(pages["lee"], page, {"body": "Hello"}, token_from=page).status_code == 403


def test_organiser_hides_a_question_from_the_page(app, pages, hall):
    question = with_session(app, lambda s: post_question(s, kim(), hall, body="Rude words").id)
    page = f"{PAGES}/meetings/{hall}/qna"

    refused = post(pages["kim"], f"{page}/{question}/hide", token_from=page)
    hidden = post(pages["official"], f"{page}/{question}/hide", token_from=page)

    assert refused.status_code == 403 and hidden.status_code == 302
    assert "Rude words" not in text(pages["lee"].get(page))


def test_big_screen_shows_top_questions_in_large_type_and_polls(app, pages, hall):
    with_session(app, lambda s: post_question(s, kim(), hall, body="On the big screen"))
    shown = text(pages["anonymous"].get(f"{PAGES}/meetings/{hall}/screen"))
    assert "On the big screen" in shown and "font-size: 3.6vw" in shown
    assert f"/api/v1/meetings/{hall}/questions" in shown


# -- at the door --


def test_organiser_checks_in_by_code_on_the_phone_page(app, pages, meeting_id):
    code = with_session(app, lambda s: register(s, kim(), meeting_id).check_in_code)
    page = f"{PAGES}/meetings/{meeting_id}/check-in"

    answer = post(pages["official"], page, {"code": code.lower()}, token_from=page)

    assert answer.status_code == 200 and 'id="dl-checked"' in text(answer)
    assert "Kim" in text(answer)
    wrong = post(pages["official"], page, {"code": "ZZZZZZZZ"}, token_from=page)
    assert wrong.status_code == 404 and 'id="dl-check-in-problem"' in text(wrong)


def test_check_in_page_is_refused_when_not_an_organiser(pages, meeting_id):
    assert pages["kim"].get(f"{PAGES}/meetings/{meeting_id}/check-in").status_code == 403
    assert pages["anonymous"].get(f"{PAGES}/meetings/{meeting_id}/check-in").status_code in (
        302, 401)


# -- survey --


@pytest.fixture
def surveyed(app, clock):
    meeting_id = _meeting(app, survey=True)
    with_session(app, lambda s: register(s, kim(), meeting_id))
    clock.set(ENDS)
    return meeting_id


def test_survey_page_has_a_field_per_kind_and_records_the_answers(app, pages, surveyed):
    page = f"{PAGES}/meetings/{surveyed}/survey"
    shown = text(pages["kim"].get(page))
    assert 'type="radio"' in shown and "<textarea" in shown and 'value="5"' in shown
    ids = [q.id for q in with_session(app, lambda s: survey_of(s, surveyed))]

    answer = post(pages["kim"], page, {f"q{ids[0]}": "Web", f"q{ids[1]}": "5",
                                       f"q{ids[2]}": "Good evening"}, token_from=page)

    assert answer.status_code == 302
    results = text(pages["official"].get(f"{page}/results"))
    assert 'id="dl-responses">1<' in results and "<svg" in results
    assert "Good evening" in results


def test_survey_answers_are_refused_with_messages_when_missing(pages, surveyed):
    page = f"{PAGES}/meetings/{surveyed}/survey"
    answer = post(pages["kim"], page, {}, token_from=page)
    assert answer.status_code == 422 and 'aria-invalid="true"' in text(answer)


def test_survey_results_page_is_refused_when_not_an_organiser(pages, surveyed):
    assert pages["kim"].get(f"{PAGES}/meetings/{surveyed}/survey/results").status_code == 403


def test_meeting_list_links_published_meetings_and_hides_drafts(app, pages, meeting_id):
    draft = _meeting(app, publish=False)
    listed = text(pages["anonymous"].get(f"{PAGES}/meetings/"))
    assert f"{PAGES}/meetings/{meeting_id}" in listed
    assert f"{PAGES}/meetings/{draft}\"" not in listed
    assert f"{PAGES}/meetings/{draft}\"" in text(pages["official"].get(f"{PAGES}/meetings/"))


def test_organiser_qna_page_keeps_moderation_buttons_and_is_told_to_reload(app, pages, hall):
    with_session(app, lambda s: post_question(s, kim(), hall, body="To moderate"))
    shown = text(pages["official"].get(f"{PAGES}/meetings/{hall}/qna"))
    assert "/hide\"" in shown
    assert 'id="dl-qna-changed"' in shown and "var organiser = true" in shown


def test_unknown_meeting_pages_are_not_found(pages):
    for path in ("", "/qna", "/screen", "/survey"):
        assert pages["kim"].get(f"{PAGES}/meetings/999999{path}").status_code == 404
