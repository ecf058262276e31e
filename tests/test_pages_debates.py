"""The debate pages, a proposal's opinions and the moderators' queue, through
Flask's test client: forms carry the CSRF token, roles are checked, refused
forms come back with 422 and their messages, and nothing answers 500."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import Ballot, Debate, unit_of_work
from deliberation.comments import post_comment
from deliberation.comments.models import Comment
from deliberation.debates.operations import cast_ballot, create_city_question
from deliberation.participants import Participant, Role
from deliberation.proposals.operations import submit_proposal
from deliberation.reactions import Subject, report
from tests.conftest import START
from tests.test_pages import browser, csrf_of

PAGES = "/proposals"
KIM, LEE, ADMIN, OFFICIAL = 1, 2, 3, 4
OPENS = START + timedelta(days=1)


@pytest.fixture
def members(app):
    with app.app_context():
        app.db.session.add_all([
            app.Member(id=KIM, nickname="Kim"), app.Member(id=LEE, nickname="Lee"),
            app.Member(id=ADMIN, nickname="Admin", roles="citizen,admin"),
            app.Member(id=OFFICIAL, nickname="Official", roles="department_official")])
        app.db.session.commit()


@pytest.fixture
def pages(app, members):
    return {"kim": browser(app, KIM), "lee": browser(app, LEE), "admin": browser(app, ADMIN),
            "official": browser(app, OFFICIAL), "anonymous": browser(app)}


def member(n, *roles):
    return Participant(id=f"m{n}", roles=set(roles or {Role.CITIZEN}), display_name=f"M{n}")


def with_session(app, call):
    with app.app_context():
        return call(app.extensions["deliberation"].db.session)


def a_question(app, **fields):
    official = member(OFFICIAL, Role.DEPARTMENT_OFFICIAL)
    fields = {"question": "공원 안 반려견 놀이터를 더 늘려야 할까요?",
              "background": "Dog owners and neighbours disagree.",
              "arguments_pro": "Less conflict.", "arguments_con": "Noise at night.",
              "starts_at": OPENS, "ends_at": OPENS + timedelta(days=30), **fields}
    return with_session(app, lambda s: create_city_question(s, official, **fields).id)


@pytest.fixture
def open_debate(app, clock, members):
    debate_id = a_question(app)
    clock.advance(days=2)
    return debate_id


def post(client, path, data, token_from):
    return client.post(path, data={**data, "csrf_token": csrf_of(client.get(token_from))})


def count(app, model):
    return with_session(app, lambda s: s.scalar(sa.select(sa.func.count()).select_from(model)))


def text(answer):
    return answer.get_data(as_text=True)


# -- the list and the debate page --


def test_debate_list_shows_open_scheduled_and_closed_sections_in_korean(app, pages, open_debate):
    a_question(app, question="다음 달에 열 질문입니다", starts_at=START + timedelta(days=5),
               ends_at=START + timedelta(days=35))
    html = text(pages["anonymous"].get(f"{PAGES}/debates/"))

    assert "진행 중" in html and "예정" in html and "종료" in html
    assert "공원 안 반려견 놀이터" in html
    assert 'href="/proposals/debates/"' in html  # the nav links the list
    city = text(pages["anonymous"].get(f"{PAGES}/debates/?city_questions=1"))
    assert "공원 안 반려견 놀이터" in city and 'aria-current="page"' in city


def test_debate_page_has_the_ballot_form_with_a_fieldset_and_the_length_hint(pages, open_debate):
    html = text(pages["kim"].get(f"{PAGES}/debates/{open_debate}"))

    assert "<legend>내 입장</legend>" in html
    assert html.count('type="radio" name="stance"') == 3
    assert 'for="dl-opinion"' in html and 'aria-describedby="dl-opinion-hint' in html
    assert "최대 1,000자" in html
    assert "찬성 논거" in html and "반대 논거" in html
    headings = [int(h) for h in re.findall(r"<h([1-6])", html)]
    assert headings[0] == 1 and all(b - a <= 1 for a, b in zip(headings, headings[1:]))


def test_ballot_is_cast_then_changed_and_the_results_show_it(app, pages, open_debate):
    page = f"{PAGES}/debates/{open_debate}"

    cast = post(pages["kim"], f"{page}/ballot", {"stance": "pro", "opinion": "Yes, please."},
                page)
    assert cast.status_code == 302 and cast.headers["Location"].endswith("#dl-results")
    html = text(pages["kim"].get(page))
    assert "투표했습니다" in html and 'id="dl-my-ballot"' in html
    assert '<strong id="dl-participants">1</strong>' in html
    assert '<svg' in html and 'id="dl-results-table"' in html

    changed = post(pages["kim"], f"{page}/ballot", {"stance": "con", "opinion": "On second thought."},
                   page)
    assert changed.status_code == 302
    assert "투표를 바꿨습니다" in text(pages["kim"].get(page))
    debate = with_session(app, lambda s: s.get(Debate, open_debate))
    assert (debate.participant_count, debate.pro_count, debate.con_count) == (1, 0, 1)


@pytest.mark.parametrize("form, field", [
    ({"stance": "pro", "opinion": ""}, "dl-opinion-error"),
    ({"stance": "pro", "opinion": "가" * 1001}, "dl-opinion-error"),
    ({"stance": "maybe", "opinion": "Hmm."}, "stance-error"),
    ({"opinion": "No side."}, "stance-error"),
])
def test_ballot_form_answers_422_with_field_messages_and_writes_nothing(app, pages, open_debate,
                                                                       form, field):
    page = f"{PAGES}/debates/{open_debate}"

    answer = post(pages["kim"], f"{page}/ballot", form, page)

    assert answer.status_code == 422
    assert f'id="{field}"' in text(answer) and 'aria-invalid' in text(answer)
    assert count(app, Ballot) == 0


def test_ballot_form_is_refused_without_the_csrf_token(app, pages, open_debate):
    answer = pages["kim"].post(f"{PAGES}/debates/{open_debate}/ballot",
                               data={"stance": "pro", "opinion": "No token"})

    assert answer.status_code == 400 and count(app, Ballot) == 0


def test_ballot_sends_an_anonymous_visitor_to_log_in(app, pages, open_debate):
    page = f"{PAGES}/debates/{open_debate}"
    token = csrf_of(pages["anonymous"].get(page))

    answer = pages["anonymous"].post(f"{page}/ballot", data={
        "csrf_token": token, "stance": "pro", "opinion": "Who am I"})

    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert count(app, Ballot) == 0


def test_closed_and_scheduled_debates_show_no_ballot_form_and_refuse_ballots(app, pages, clock):
    debate_id = a_question(app)
    page = f"{PAGES}/debates/{debate_id}"
    assert "dl-opinion-hint" not in text(pages["kim"].get(page))
    token = pages["kim"].get("/csrf-token").get_json()["csrf_token"]

    early = pages["kim"].post(f"{page}/ballot", data={"csrf_token": token, "stance": "pro",
                                                      "opinion": "Too early"})
    assert early.status_code == 409
    clock.advance(days=40)
    assert "토론이 끝났습니다" in text(pages["kim"].get(page))
    late = pages["kim"].post(f"{page}/ballot", data={"csrf_token": token, "stance": "pro",
                                                     "opinion": "Too late"})
    assert late.status_code == 409 and count(app, Ballot) == 0


def test_opinions_are_filtered_liked_reported_and_shown_hidden_with_the_reason(app, pages,
                                                                             open_debate):
    with_session(app, lambda s: cast_ballot(s, member(KIM), open_debate, stance="pro",
                                            opinion="Kim is for it"))
    with_session(app, lambda s: cast_ballot(s, member(ADMIN, Role.CITIZEN, Role.ADMIN),
                                            open_debate, stance="con", opinion="Admin is against"))
    opinion_id = with_session(app, lambda s: s.scalar(
        sa.select(Ballot.id).where(Ballot.participant_id == f"m{KIM}")))
    page = f"{PAGES}/debates/{open_debate}"

    pros = text(pages["lee"].get(f"{page}?stance=pro"))
    assert "Kim is for it" in pros and "Admin is against" not in pros
    liked = post(pages["lee"], f"{page}/opinions/{opinion_id}/like", {"stance": "pro"}, page)
    assert liked.status_code == 302 and "stance=pro" in liked.headers["Location"]
    assert 'aria-pressed="true"' in text(pages["lee"].get(f"{page}?sort=most_liked"))
    own = post(pages["kim"], f"{page}/opinions/{opinion_id}/like", {}, page)
    assert own.status_code == 403

    assert post(pages["lee"], f"{page}/opinions/{opinion_id}/report", {"reason": "rude"},
                page).status_code == 302
    queue = text(pages["admin"].get(f"{PAGES}/moderation"))
    assert "Kim is for it" in queue and "rude" in queue
    refused = post(pages["admin"], f"{PAGES}/moderation/opinion/{opinion_id}/hide",
                   {"reason": "x"}, f"{PAGES}/moderation")
    assert refused.status_code == 422 and 'aria-invalid="true"' in text(refused)
    hidden = post(pages["admin"], f"{PAGES}/moderation/opinion/{opinion_id}/hide",
                  {"reason": "Insulting words"}, f"{PAGES}/moderation")
    assert hidden.status_code == 302

    html = text(pages["anonymous"].get(page))
    assert "운영자가 가린 의견: Insulting words" in html and "Kim is for it" not in html
    assert with_session(app, lambda s: s.get(Debate, open_debate).pro_count) == 1


def test_moderation_queue_is_refused_to_citizens_and_sends_visitors_to_log_in(pages, open_debate):
    assert pages["kim"].get(f"{PAGES}/moderation").status_code == 403
    assert pages["anonymous"].get(f"{PAGES}/moderation").status_code == 302
    assert "신고된 의견" in text(pages["admin"].get(f"{PAGES}/moderation"))


# -- officials' forms --


def test_official_publishes_a_city_question_through_the_form(app, pages):
    form_page = f"{PAGES}/debates/new"
    assert 'type="datetime-local"' in text(pages["official"].get(form_page))

    answer = post(pages["official"], form_page, {
        "kind": "pro_con", "question": "Should the river park open at night?",
        "background": "Residents asked.", "arguments_pro": "", "arguments_con": "",
        "starts_at": "2026-03-05T09:00", "ends_at": "2026-04-04T18:00"}, form_page)

    assert answer.status_code == 302
    debate = with_session(app, lambda s: s.scalars(sa.select(Debate)).one())
    # read in the viewer's zone, Asia/Seoul: 09:00 there is 00:00 UTC
    assert debate.starts_at.isoformat() == "2026-03-05T00:00:00+00:00"


@pytest.mark.parametrize("fields, field", [
    ({"question": "Eh"}, "question"),
    ({"ends_at": "2026-03-04T09:00"}, "ends_at"),
    ({"starts_at": "not a date"}, "starts_at"),
    ({"kind": "referendum"}, "kind"),
])
def test_city_question_form_answers_422_with_field_messages(app, pages, fields, field):
    form_page = f"{PAGES}/debates/new"
    data = {"kind": "pro_con", "question": "Should the river park open at night?",
            "starts_at": "2026-03-05T09:00", "ends_at": "2026-04-04T18:00", **fields}

    answer = post(pages["official"], form_page, data, form_page)

    assert answer.status_code == 422
    assert f'id="{field}-error"' in text(answer)
    assert count(app, Debate) == 0


def test_city_question_form_is_refused_to_citizens(app, pages):
    assert pages["kim"].get(f"{PAGES}/debates/new").status_code == 403
    assert pages["anonymous"].get(f"{PAGES}/debates/new").status_code == 302


def test_official_edits_a_scheduled_debate_and_is_refused_once_it_opens(app, pages, clock):
    debate_id = a_question(app)
    edit = f"{PAGES}/debates/{debate_id}/edit"
    html = text(pages["official"].get(edit))
    assert "공원 안 반려견 놀이터" in html
    values = dict(re.findall(r'name="(starts_at|ends_at)" required value="([^"]*)"', html))

    saved = post(pages["official"], edit, {
        "kind": "pro_con", "question": "공원 안 반려견 놀이터를 더 늘려야 할까요?",
        "background": "New background.", **values}, edit)
    assert saved.status_code == 302, text(saved)
    assert with_session(app, lambda s: s.get(Debate, debate_id).background) == "New background."

    clock.advance(days=2)
    late = post(pages["official"], edit, {"kind": "pro_con", "question": "Changed question?",
                                          "background": "", **values}, edit)
    assert late.status_code in (409, 422)
    assert with_session(app, lambda s: s.get(Debate, debate_id).question).startswith("공원")


# -- a proposal's opinions (comments) --


@pytest.fixture
def proposal_id(app, members):
    return with_session(app, lambda s: submit_proposal(
        s, member(KIM), title="Protected bike lanes on the river road", category="transport",
        body="Cyclists share the river road with fast cars; lanes would save lives.",
        publish=True).id)


def test_comment_is_posted_edited_liked_and_deleted_on_the_proposal_page(app, pages,
                                                                        proposal_id):
    page = f"{PAGES}/{proposal_id}"
    assert "이 제안에 대한 의견" in text(pages["anonymous"].get(page))

    posted = post(pages["lee"], f"{page}/comments", {"body": "Lanes would help me."}, page)
    assert posted.status_code == 302
    comment_id = with_session(app, lambda s: s.scalar(sa.select(Comment.id)))
    assert "Lanes would help me." in text(pages["anonymous"].get(page))

    edited = post(pages["lee"], f"{PAGES}/comments/{comment_id}/edit", {"body": "Edited."}, page)
    assert edited.status_code == 302
    assert post(pages["kim"], f"{PAGES}/comments/{comment_id}/like", {}, page).status_code == 302
    assert with_session(app, lambda s: s.get(Comment, comment_id).like_count) == 1
    assert post(pages["kim"], f"{PAGES}/comments/{comment_id}/edit", {"body": "Not mine"},
                page).status_code == 403
    assert post(pages["lee"], f"{PAGES}/comments/{comment_id}/delete", {}, page).status_code == 302
    assert "Edited." not in text(pages["anonymous"].get(page))
    assert with_session(app, lambda s: s.get(Comment, comment_id).deleted_at) is not None


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001])
def test_comment_form_answers_422_with_its_message_and_writes_nothing(app, pages, proposal_id,
                                                                     body):
    page = f"{PAGES}/{proposal_id}"

    answer = post(pages["lee"], f"{page}/comments", {"body": body}, page)

    assert answer.status_code == 422
    assert 'id="comment-body-error"' in text(answer)
    assert count(app, Comment) == 0


def test_hidden_comment_shows_the_reason_instead_of_its_text(app, pages, proposal_id):
    comment_id = with_session(app, lambda s: post_comment(s, member(LEE), proposal_id,
                                                          body="Rude words").id)
    with_session(app, lambda s: report(s, member(KIM), Subject.COMMENT, comment_id,
                                       reason="rude"))
    assert "Rude words" in text(pages["admin"].get(f"{PAGES}/moderation"))

    post(pages["admin"], f"{PAGES}/moderation/comment/{comment_id}/hide",
         {"reason": "Rude to others"}, f"{PAGES}/moderation")

    html = text(pages["anonymous"].get(f"{PAGES}/{proposal_id}"))
    assert "운영자가 가린 의견: Rude to others" in html and "Rude words" not in html


def test_proposal_page_links_to_its_debate(app, pages, proposal_id):
    from deliberation.debates.operations import schedule_debate_for_proposal

    def schedule(session):
        with unit_of_work(session) as work:
            return schedule_debate_for_proposal(session, work, proposal_id,
                                                "Bike lanes: yes or no?", START).id

    debate_id = with_session(app, schedule)

    html = text(pages["anonymous"].get(f"{PAGES}/{proposal_id}"))

    assert f'href="/proposals/debates/{debate_id}"' in html and "Bike lanes: yes or no?" in html
    debate_page = text(pages["anonymous"].get(f"{PAGES}/debates/{debate_id}"))
    assert f'href="/proposals/{proposal_id}"' in debate_page


def test_unknown_debate_and_comment_answer_404_not_500(pages):
    assert pages["anonymous"].get(f"{PAGES}/debates/999").status_code == 404
    token = pages["kim"].get("/csrf-token").get_json()["csrf_token"]
    assert pages["kim"].post(f"{PAGES}/comments/999/edit",
                             data={"csrf_token": token, "body": "x"}).status_code == 404
    assert pages["kim"].get(f"{PAGES}/debates/999/edit").status_code in (403, 404)
