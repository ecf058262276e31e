"""The meeting pages through Flask's test client: the meeting with its
programme and registration, the live Q&A with its polling script and post
form, the big screen, check-in at the door and the survey — roles are
checked, refused forms come back with their messages, nothing answers 500."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation.meetings.models import Meeting
from deliberation.meetings.operations import cancel_meeting, create_meeting, programme_of
from deliberation.meetings.qna import post_question
from deliberation.meetings.registration import register
from deliberation.meetings.survey import answer_survey, survey_of
from deliberation.notifications.operations import fan_out
from deliberation.participants import Participant, Role
from tests.conftest import START
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


def test_meeting_pages_show_times_to_the_minute_when_rendered(app, pages, meeting_id):
    page = f"{PAGES}/meetings/{meeting_id}"
    for shown in (text(pages["kim"].get(page)), text(pages["kim"].get(f"{PAGES}/meetings/"))):
        assert "오후 6:00<" in shown and "오후 6:00:00" not in shown  # STARTS: 18:00 in Seoul


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


def test_meeting_page_offers_only_what_still_works_after_the_deadline_and_the_meeting(
        pages, meeting_id, clock):
    page = f"{PAGES}/meetings/{meeting_id}"
    post(pages["kim"], f"{page}/register", token_from=page)
    clock.set(DEADLINE + timedelta(minutes=1))
    # past the deadline: Lee is told so; Kim, registered, may still give the seat back
    lee, kim_page = text(pages["lee"].get(page)), text(pages["kim"].get(page))
    assert "신청 기한이 지나 마감되었습니다" in lee
    assert f"{page}/register" not in lee and f"{page}/cancel" in kim_page
    clock.set(ENDS + timedelta(minutes=1))
    for who in ("kim", "lee", "anonymous"):
        archive = text(pages[who].get(page))
        assert "이 페이지는 그 기록입니다" in archive
        assert f"{page}/register" not in archive and f"{page}/cancel" not in archive


def test_registering_is_refused_without_the_csrf_token(pages, meeting_id):
    answer = pages["kim"].post(f"{PAGES}/meetings/{meeting_id}/register")
    assert answer.status_code == 400


def test_draft_meeting_page_is_not_found_when_not_an_organiser(app, pages):
    draft = _meeting(app, publish=False)
    assert pages["kim"].get(f"{PAGES}/meetings/{draft}").status_code == 404
    assert pages["official"].get(f"{PAGES}/meetings/{draft}").status_code == 200


def test_meeting_page_links_visitors_to_the_login_page_and_back(pages, meeting_id):
    shown = text(pages["anonymous"].get(f"{PAGES}/meetings/{meeting_id}"))
    assert 'id="dl-meeting-login"><a href="/login?next=' in shown
    assert f'next=/proposals/meetings/{meeting_id}"' in shown


def test_meeting_page_links_its_proposal_and_debate_when_it_has_one(app, pages):
    from deliberation.debates.models import Debate
    from deliberation.proposals.operations import submit_proposal
    from tests.test_api_meetings import OFFICIAL

    def meeting_on_a_proposal(session):
        proposal = submit_proposal(session, kim(), title="Protected lanes on the river road",
                                   body="Cyclists share the road with lorries every day.",
                                   category="transport", publish=True)
        meeting = create_meeting(session, OFFICIAL, proposal_id=proposal.id,
                                 title="Citizen meeting on bike lanes")
        return proposal.id, meeting.id

    def debate_on(proposal_id):
        def add(session):
            debate = Debate(proposal_id=proposal_id, kind="pro_con", created_at=STARTS,
                            question="Should the river road get protected lanes?",
                            starts_at=STARTS, ends_at=ENDS, created_by_role="agenda_committee")
            session.add(debate)
            session.commit()
            return debate.id
        return add

    proposal_id, meeting = with_session(app, meeting_on_a_proposal)
    page = f"{PAGES}/meetings/{meeting}"
    before = text(pages["official"].get(page))
    debate_id = with_session(app, debate_on(proposal_id))
    after = text(pages["official"].get(page))

    assert f'href="{PAGES}/{proposal_id}"' in before
    assert "Should the river road get protected lanes?" not in before
    assert f'href="{PAGES}/debates/{debate_id}"' in after
    assert 'id="dl-meeting-proposal"' not in text(pages["official"].get(
        f"{PAGES}/meetings/{_meeting(app)}"))


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


def test_qna_page_shows_upvoted_instead_of_a_second_upvote_when_already_upvoted(
        app, pages, hall):
    question = with_session(app, lambda s: post_question(s, kim(), hall, body="Why here?").id)
    page = f"{PAGES}/meetings/{hall}/qna"
    upvote = f"{page}/{question}/upvote"

    before = text(pages["kim"].get(page))
    post(pages["kim"], upvote, token_from=page)
    after = text(pages["kim"].get(page))

    assert f'action="{upvote}"' in before and "추천함" not in before
    assert f'action="{upvote}"' not in after
    assert ('<button type="button" class="dl-qna-upvote" disabled aria-label="추천함: Why here?">'
            '추천함<') in after


def test_qna_buttons_name_their_question_when_many_look_alike(app, pages, hall):
    long = "Why does the river road need protected lanes when the park road has none at all?"
    with_session(app, lambda s: post_question(s, kim(), hall, body=long))
    shown = text(pages["official"].get(f"{PAGES}/meetings/{hall}/qna"))
    for label in ("추천", "가리기", "고정", "답변됨으로 표시"):
        assert f'aria-label="{label}: {long[:39]}…">{label}</button>' in shown


def test_qna_page_hides_the_form_and_says_so_when_the_qna_has_closed(app, pages, hall, clock):
    with_session(app, lambda s: post_question(s, kim(), hall, body="Before it closed"))
    clock.set(ENDS + timedelta(days=1))
    shown = text(pages["kim"].get(f"{PAGES}/meetings/{hall}/qna"))
    assert 'id="dl-qna-form"' not in shown and '/upvote">' not in shown
    assert 'id="dl-qna-closed"' in shown and "이 간담회의 질의응답이 끝났습니다." in shown
    assert "Before it closed" in shown


def test_qna_page_links_visitors_to_the_login_page(pages, hall):
    shown = text(pages["anonymous"].get(f"{PAGES}/meetings/{hall}/qna"))
    assert 'id="dl-qna-login"><a href="/login?next=' in shown


def test_big_screen_shows_top_questions_in_large_type_and_polls(app, pages, hall):
    with_session(app, lambda s: post_question(s, kim(), hall, body="On the big screen"))
    shown = text(pages["anonymous"].get(f"{PAGES}/meetings/{hall}/screen"))
    assert "On the big screen" in shown and "font-size: 3.6vw" in shown
    assert f"/api/v1/meetings/{hall}/questions" in shown


# -- at the door --


def test_meeting_page_shows_the_check_in_time_instead_of_cancel_when_checked_in(
        app, pages, meeting_id, clock):
    from deliberation.meetings.registration import check_in
    from tests.test_api_meetings import OFFICIAL
    code = with_session(app, lambda s: register(s, kim(), meeting_id).check_in_code)
    clock.set(STARTS - timedelta(hours=1))
    with_session(app, lambda s: check_in(s, OFFICIAL, meeting_id, code))

    shown = text(pages["kim"].get(f"{PAGES}/meetings/{meeting_id}"))

    assert 'id="dl-checked-in"' in shown and "입장 확인됨" in shown
    assert f"/meetings/{meeting_id}/cancel\"" not in shown and "신청 취소" not in shown


def test_check_in_page_says_already_checked_in_when_the_code_is_shown_again(
        app, pages, meeting_id, clock):
    code = with_session(app, lambda s: register(s, kim(), meeting_id).check_in_code)
    page = f"{PAGES}/meetings/{meeting_id}/check-in"
    clock.set(STARTS - timedelta(hours=1))

    first = text(post(pages["official"], page, {"code": code}, token_from=page))
    again = text(post(pages["official"], page, {"code": code}, token_from=page))

    assert 'id="dl-checked"' in first and 'id="dl-already-checked"' not in first
    assert 'id="dl-already-checked"' in again and "이미 입장 확인됨" in again
    assert 'id="dl-checked"' not in again


def test_check_in_page_refuses_with_its_message_when_not_the_day_of_the_meeting(
        app, pages, meeting_id):
    code = with_session(app, lambda s: register(s, kim(), meeting_id).check_in_code)
    page = f"{PAGES}/meetings/{meeting_id}/check-in"
    early = post(pages["official"], page, {"code": code}, token_from=page)
    assert early.status_code == 409 and "입장 확인은 간담회 당일에 시작합니다." in text(early)


def test_organiser_checks_in_by_code_on_the_phone_page(app, pages, meeting_id, clock):
    code = with_session(app, lambda s: register(s, kim(), meeting_id).check_in_code)
    page = f"{PAGES}/meetings/{meeting_id}/check-in"
    clock.set(STARTS - timedelta(hours=1))  # the day of the meeting

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


def test_survey_results_page_is_public_with_free_text_for_organisers_only(app, pages, surveyed):
    ids = [q.id for q in with_session(app, lambda s: survey_of(s, surveyed))]
    with_session(app, lambda s: answer_survey(s, kim(), surveyed, answers={
        ids[0]: "Web", ids[1]: 4, ids[2]: "Secret words"}))
    results = f"{PAGES}/meetings/{surveyed}/survey/results"

    for who in ("anonymous", "lee", "kim"):
        shown = pages[who].get(results)
        assert shown.status_code == 200 and 'id="dl-responses">1<' in text(shown)
        assert "Secret words" not in text(shown)
    assert "Secret words" in text(pages["official"].get(results))
    assert 'id="dl-survey-results-link"' in text(pages["lee"].get(f"{PAGES}/meetings/{surveyed}"))


def test_meeting_page_links_the_survey_results_only_when_someone_answered(pages, surveyed):
    assert "survey/results" not in text(pages["lee"].get(f"{PAGES}/meetings/{surveyed}"))


def test_survey_page_offers_the_form_only_to_confirmed_registrants(app, pages, surveyed, clock):
    page = f"{PAGES}/meetings/{surveyed}/survey"
    clock.set(START)  # registration is still open
    with_session(app, lambda s: [register(s, Participant(id=f"m{n}", roles={Role.CITIZEN},
                                                         display_name=f"P{n}"), surveyed)
                                 for n in (7, 8)])  # the two seats are gone
    with_session(app, lambda s: register(s, Participant(id=f"m{LEE}", roles={Role.CITIZEN},
                                                        display_name="Lee"), surveyed))
    clock.set(ENDS)
    anonymous = text(pages["anonymous"].get(page))
    waiting = text(pages["lee"].get(page))

    assert "Send my answers" not in anonymous and "답변 보내기" not in anonymous
    assert 'id="dl-survey-who"' in anonymous and "/login?next=" in anonymous
    assert 'id="dl-survey-who"' in waiting and "<textarea" not in waiting
    assert "<textarea" in text(pages["kim"].get(page))


def test_survey_page_thanks_instead_of_a_blank_form_when_already_answered(app, pages, surveyed):
    ids = [q.id for q in with_session(app, lambda s: survey_of(s, surveyed))]
    with_session(app, lambda s: answer_survey(s, kim(), surveyed,
                                              answers={ids[0]: "Web", ids[1]: 4}))
    shown = text(pages["kim"].get(f"{PAGES}/meetings/{surveyed}/survey"))
    assert "설문에 이미 답하셨습니다. 고맙습니다." in shown and "<textarea" not in shown


def test_survey_is_refused_and_the_page_says_so_when_the_meeting_has_not_begun(
        app, pages, surveyed, clock):
    clock.set(STARTS - timedelta(minutes=1))
    page = f"{PAGES}/meetings/{surveyed}/survey"
    shown = text(pages["kim"].get(page))
    ids = [q.id for q in with_session(app, lambda s: survey_of(s, surveyed))]

    answer = post(pages["kim"], page, {f"q{ids[0]}": "Web", f"q{ids[1]}": "5"},
                  token_from=f"{PAGES}/meetings/{surveyed}")

    assert "설문은 간담회가 시작되면 열립니다." in shown and "<textarea" not in shown
    assert answer.status_code == 409 and "설문은 간담회가 시작되면 열립니다." in text(answer)


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


def test_missing_meeting_page_names_the_meeting_when_not_found(pages):
    answer = pages["kim"].get(f"{PAGES}/meetings/999999")

    assert answer.status_code == 404
    assert "그런 간담회가 없습니다." in text(answer)
    assert "그런 제안이 없습니다." not in text(answer)


# -- the organisers' forms --


#: STARTS (09:00 UTC) and friends as the form's datetime-local fields, in Seoul time
LOCAL = {"starts_at": "2026-03-22T18:00", "ends_at": "2026-03-22T19:00",
         "registration_deadline": "2026-03-21T18:00"}


def meeting_form(**overrides):
    return {"title": "Citizen meeting on river lanes", "venue": "City hall", "capacity": "30",
            **LOCAL, "prog-0-title": "Flow talk", "prog-0-order": "2",
            "prog-0-starts_at": "2026-03-22T18:05", "prog-0-ends_at": "2026-03-22T19:00",
            "prog-1-title": "Doors", "prog-1-order": "1", "prog-1-ends_at": "2026-03-22T18:00",
            "prog-2-title": "", "prog-2-order": "3", **overrides}


def stored_meetings(app):
    def read(session):
        session.expire_all()
        return [(m.title, m.status, m.cancel_reason,
                 [(i.title, i.starts_at) for i in programme_of(session, m.id)])
                for m in session.scalars(sa.select(Meeting).order_by(Meeting.id))]
    return with_session(app, read)


def test_organiser_creates_a_meeting_with_programme_rows_in_the_order_given(app, pages):
    page = f"{PAGES}/meetings/new"
    shown = text(pages["official"].get(page))
    assert 'name="prog-2-title"' in shown and 'name="prog-3-title"' not in shown

    answer = post(pages["official"], page, meeting_form(), token_from=page)

    assert answer.status_code == 302
    [(title, status, _, programme)] = stored_meetings(app)
    assert (title, status) == ("Citizen meeting on river lanes", "draft")
    assert [item for item, _ in programme] == ["Doors", "Flow talk"]
    assert programme[1][1] == STARTS + timedelta(minutes=5)  # read in Seoul time


def test_new_meeting_form_comes_back_with_messages_and_nothing_is_saved_when_invalid(
        app, pages):
    page = f"{PAGES}/meetings/new"
    short = post(pages["official"], page, meeting_form(title="ab"), token_from=page)
    backwards = post(pages["official"], page, meeting_form(**{
        "prog-0-ends_at": "2026-03-22T18:00"}), token_from=page)

    assert short.status_code == 422 and backwards.status_code == 422
    assert 'id="title-error"' in text(short) and "5~200자로 써 주세요." in text(short)
    assert 'value="ab"' in text(short)
    # the row's message sits at the row as shown again: Doors first, then Flow talk
    assert 'id="prog-1-ends_at-error"' in text(backwards)
    assert "시작보다 뒤여야 합니다." in text(backwards)
    assert stored_meetings(app) == []


@pytest.mark.parametrize("who, status", [("kim", 403), ("anonymous", 302)])
def test_new_meeting_form_is_refused_when_not_an_organiser(app, pages, who, status):
    assert pages[who].get(f"{PAGES}/meetings/new").status_code == status
    answer = pages[who].post(f"{PAGES}/meetings/new", data=meeting_form())
    assert answer.status_code in (400, status)
    assert stored_meetings(app) == []


def test_organiser_removes_and_adds_programme_rows_on_the_edit_form(app, pages):
    draft = _meeting(app, publish=False)
    page = f"{PAGES}/meetings/{draft}/edit"
    shown = text(pages["official"].get(page))
    assert 'value="Flow talk"' in shown and 'name="prog-4-title"' in shown

    answer = post(pages["official"], page, {
        "title": "Citizen meeting on bike lanes", "venue": "City hall", "capacity": "2", **LOCAL,
        "prog-0-title": "Doors", "prog-0-ends_at": LOCAL["starts_at"], "prog-0-remove": "y",
        "prog-1-title": "Flow talk", "prog-1-starts_at": LOCAL["starts_at"],
        "prog-1-ends_at": LOCAL["ends_at"], "prog-1-order": "2",
        "prog-2-title": "Welcome", "prog-2-ends_at": LOCAL["starts_at"], "prog-2-order": "1",
    }, token_from=page)

    assert answer.status_code == 302
    [(_, _, _, programme)] = stored_meetings(app)
    assert [item for item, _ in programme] == ["Welcome", "Flow talk"]


def test_organiser_publishes_from_the_meeting_page_and_an_incomplete_draft_is_sent_back(
        app, pages):
    draft = _meeting(app, publish=False)
    page = f"{PAGES}/meetings/{draft}"
    assert f"{page}/publish" in text(pages["official"].get(page))
    bare = with_session(app, lambda s: create_meeting(
        s, Participant(id="m5", roles={Role.DEPARTMENT_OFFICIAL}),
        title="A meeting, details later").id)

    published = post(pages["official"], f"{page}/publish", token_from=page)
    incomplete = post(pages["official"], f"{PAGES}/meetings/{bare}/publish",
                      token_from=f"{PAGES}/meetings/{bare}")

    assert published.status_code == 302
    assert incomplete.status_code == 422
    assert 'id="venue-error"' in text(incomplete) and f"/meetings/{bare}/edit" in text(incomplete)
    assert [status for _, status, _, _ in stored_meetings(app)] == ["published", "draft"]
    assert f"{page}/publish" not in text(pages["official"].get(page))


def test_organiser_cancels_the_meeting_with_a_reason_and_everyone_sees_it(app, pages,
                                                                           meeting_id):
    page = f"{PAGES}/meetings/{meeting_id}"
    form = f"{page}/cancel-meeting"
    post(pages["kim"], f"{page}/register", token_from=page)
    assert 'name="reason"' in text(pages["official"].get(form))

    blank = post(pages["official"], form, {"reason": "  "}, token_from=form)
    done = post(pages["official"], form, {"reason": "The hall is flooded."}, token_from=form)

    assert blank.status_code == 422 and 'id="reason-error"' in text(blank)
    assert "비워 둘 수 없습니다." in text(blank)
    assert done.status_code == 302
    shown = text(pages["lee"].get(page))
    assert 'id="dl-meeting-cancelled"' in shown and "The hall is flooded." in shown
    assert f"{page}/register" not in shown
    other = f"{PAGES}/meetings/{_meeting(app)}"  # a page with a form, for the token
    assert post(pages["lee"], f"{page}/register", token_from=other).status_code == 409
    assert [reason for _, _, reason, _ in stored_meetings(app)][0] == "The hall is flooded."


def test_cancel_page_is_refused_when_not_an_organiser_or_without_the_token(app, pages,
                                                                           meeting_id):
    form = f"{PAGES}/meetings/{meeting_id}/cancel-meeting"
    assert pages["kim"].get(form).status_code == 403
    assert pages["official"].post(form, data={"reason": "No token here."}).status_code == 400
    assert [status for _, status, _, _ in stored_meetings(app)] == ["published"]


def test_organiser_defines_the_survey_with_rows_and_is_told_when_answers_lock_it(
        app, pages, meeting_id, clock):
    form = f"{PAGES}/meetings/{meeting_id}/survey/edit"
    shown = text(pages["official"].get(form))
    assert 'name="q-2-prompt"' in shown and 'name="q-3-prompt"' not in shown

    saved = post(pages["official"], form, {
        "q-0-kind": "single", "q-0-prompt": "How did you hear of it?",
        "q-0-options": "Web\r\nFriend\r\n", "q-0-required": "y",
        "q-1-kind": "scale", "q-1-prompt": "How useful was it?", "q-1-required": "y",
        "q-2-kind": "single", "q-2-prompt": ""}, token_from=form)
    assert saved.status_code == 302
    questions = with_session(app, lambda s: [(q.kind, q.options, q.required)
                                             for q in survey_of(s, meeting_id)])
    assert questions == [("single", ["Web", "Friend"], True), ("scale", [], True)]

    one_option = post(pages["official"], form, {
        "q-0-kind": "multiple", "q-0-prompt": "Which?", "q-0-options": "Only"}, token_from=form)
    assert one_option.status_code == 422 and 'id="q-0-options-error"' in text(one_option)

    with_session(app, lambda s: register(s, kim(), meeting_id))
    ids = with_session(app, lambda s: [q.id for q in survey_of(s, meeting_id)])
    clock.set(STARTS)  # answers open when the meeting begins
    with_session(app, lambda s: answer_survey(s, kim(), meeting_id,
                                              answers={ids[0]: "Web", ids[1]: 3}))
    locked = post(pages["official"], form, {
        "q-0-kind": "text", "q-0-prompt": "Anything else?"}, token_from=form)

    assert locked.status_code == 409
    assert 'id="dl-form-problem"' in text(locked)
    assert "People have answered already" not in text(locked)  # said in Korean
    assert len(with_session(app, lambda s: survey_of(s, meeting_id))) == 2
    assert pages["kim"].get(form).status_code == 403


def test_survey_results_page_links_the_csv_when_the_api_is_registered(pages, surveyed):
    shown = text(pages["official"].get(f"{PAGES}/meetings/{surveyed}/survey/results"))
    assert f"/meetings/{surveyed}/survey/results.csv" in shown


def test_registrant_is_told_of_the_cancellation_with_a_link_to_the_meeting(app, pages,
                                                                            meeting_id):
    with_session(app, lambda s: register(s, kim(), meeting_id))
    with_session(app, lambda s: cancel_meeting(
        s, Participant(id="m5", roles={Role.DEPARTMENT_OFFICIAL}), meeting_id,
        reason="The hall is flooded."))
    with_session(app, fan_out)

    shown = pages["kim"].get(f"{PAGES}/notifications")

    assert shown.status_code == 200
    assert "신청하신 시민간담회가 취소되었습니다" in text(shown)
    assert f'href="{PAGES}/meetings/{meeting_id}"' in text(shown)


def test_proposal_timeline_gives_the_reason_when_its_meeting_is_cancelled(app, pages):
    from deliberation.proposals.operations import submit_proposal
    from tests.test_api_meetings import OFFICIAL

    def cancelled(session):
        proposal = submit_proposal(session, kim(), title="Protected lanes on the river road",
                                   body="Cyclists share the road with lorries every day.",
                                   category="transport", publish=True)
        meeting = create_meeting(session, OFFICIAL, proposal_id=proposal.id,
                                 title="Citizen meeting on bike lanes")
        cancel_meeting(session, OFFICIAL, meeting.id, reason="The hall is flooded.")
        return proposal.id

    proposal_id = with_session(app, cancelled)

    shown = text(pages["anonymous"].get(f"{PAGES}/{proposal_id}"))
    assert "시민간담회 취소" in shown and "The hall is flooded." in shown


def test_meeting_list_puts_coming_meetings_first_and_past_ones_in_their_own_section(
        app, pages, meeting_id, clock):
    page = f"{PAGES}/meetings/"
    coming = text(pages["anonymous"].get(page))
    assert "다가오는 간담회" in coming and "지난 간담회" not in coming
    assert "참가 신청 중" in coming
    clock.set(ENDS + timedelta(minutes=1))

    past = text(pages["anonymous"].get(page))

    section = past[past.index("지난 간담회"):]
    assert f"{PAGES}/meetings/{meeting_id}" in section
    assert f"{PAGES}/meetings/{meeting_id}" not in past[:past.index("지난 간담회")]
