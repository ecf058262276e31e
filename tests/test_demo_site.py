"""The demo site on SQLite and PostgreSQL: the real case replayed on its real
dates, the 2019 meeting as an archive and an upcoming one open to visitors,
the home page's numbers taken from the rows, accounts through pages and
JSON, Korean first with an English switch.

The database is seeded once per module and kind; tests that change it
(sign-ups, an agreement, a registration) touch only rows no other test
counts, and every number a test expects is read from the rows."""

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from deliberation import Agreement, Milestone, Proposal
from deliberation.committee import decision_of
from deliberation.debates.models import Ballot, Debate
from deliberation.meetings.models import LiveQuestion, Meeting, Registration, SurveyResponse
from deliberation.notifications.models import NotificationEvent
from deliberation.responses.models import Answer
from deliberation.votes.operations import recount_agreements
from tests.conftest import DATABASES, database_url

KST = timezone(timedelta(hours=9))
CASE_TITLE = "동네 보건소에서 난임 주사 맞게 해주세요"
BANNER = 'id="demo-banner"'


@pytest.fixture(scope="module", params=DATABASES)
def demo_app(request, tmp_path_factory):
    from demo_site import create_app
    from demo_site.models import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(
        request.param, tmp_path_factory, request), "TESTING": True,
        "SECRET_KEY": "test-secret", "DEMO_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    before = datetime.now(timezone.utc)
    result = app.test_cli_runner().invoke(args=["seed", "--reset"])
    assert result.exit_code == 0, result.output
    app.seed_output, app.seeded_at = result.output, before
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(demo_app):
    return demo_app.test_client()


@pytest.fixture
def db_session(demo_app):
    from demo_site.models import db

    with demo_app.app_context():
        yield db.session
        db.session.remove()


def count(session, model, *where):
    return session.execute(sa.select(sa.func.count()).select_from(model).where(*where)
                           ).scalar_one()


def case_of(session):
    return session.execute(sa.select(Proposal).where(Proposal.title == CASE_TITLE)).scalar_one()


def kst_day(moment):
    return moment.astimezone(KST).date().isoformat()


def proposal_at(session, agreements):
    return session.execute(sa.select(Proposal).where(
        Proposal.agreement_count == agreements)).scalar_one()


def upcoming_meeting(session):
    from demo_site.seed import MEETING_TITLE

    return session.execute(sa.select(Meeting).where(Meeting.title == MEETING_TITLE)).scalar_one()


def csrf_from(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def page_signup(client, **fields):
    token = csrf_from(client.get("/signup").get_data(as_text=True))
    return client.post("/signup", data={"csrf_token": token, **fields})


def page_login(client, email, password):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"csrf_token": token, "email": email, "password": password})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def section(html, element_id):
    match = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, element_id
    return match[2]


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- the case, replayed --

def test_seed_builds_the_case_from_rows_with_every_step_on_its_date(db_session):
    case = case_of(db_session)
    steps = db_session.execute(sa.select(Milestone).where(Milestone.proposal_id == case.id)
                               .order_by(Milestone.reached_at)).scalars().all()
    assert count(db_session, Agreement, Agreement.proposal_id == case.id) \
        == case.agreement_count == 5252
    assert kst_day(case.published_at) == "2018-01-19" and case.category == "health"
    assert case.state == "collecting" and case.closes_at is None
    assert case.stage == "mayor_answer"
    assert [(s.step, s.count_at) for s in steps] == [
        ("department_answer", 50), ("agenda_committee", 500), ("mayor_answer", 5000)]
    assert [kst_day(s.reached_at) for s in steps[:2]] == ["2018-01-23", "2018-02-09"]
    debate = db_session.execute(sa.select(Debate).where(Debate.proposal_id == case.id)
                                ).scalar_one()
    assert debate.question == "보건소에서도 난임 주사를 맞을 수 있다면 어떨까요?"
    assert (kst_day(debate.starts_at), kst_day(debate.ends_at)) == ("2018-12-14", "2019-01-13")
    assert debate.starts_at < steps[2].reached_at < debate.ends_at


def test_seed_counts_the_debate_from_its_ballots(db_session):
    debate = db_session.execute(sa.select(Debate).where(
        Debate.proposal_id == case_of(db_session).id)).scalar_one()
    ballots = count(db_session, Ballot, Ballot.debate_id == debate.id)
    pro = count(db_session, Ballot, Ballot.debate_id == debate.id, Ballot.stance == "pro")
    assert ballots == debate.participant_count == 5259
    assert pro == debate.pro_count == 5115


def test_seed_answers_through_the_department_the_committee_and_the_mayor(db_session):
    case = case_of(db_session)
    answers = {a.step: a for a in db_session.execute(
        sa.select(Answer).where(Answer.proposal_id == case.id)).scalars()}
    department, mayor = answers["department_answer"], answers["mayor_answer"]
    assert department.department == "건강증진과" and department.status == "published"
    assert kst_day(department.published_at) == "2018-02-20"
    assert mayor.status == "published" and mayor.decision == "accepted"
    assert mayor.video_url and kst_day(mayor.published_at) == "2019-03-27"
    for promise in ("보건소에서 난임 주사", "서울특별시의사회", "시립병원에 난임센터"):
        assert promise in mayor.body_markdown
    decision = decision_of(db_session, case.id)
    assert decision.decision == "open_debate" and kst_day(decision.decided_at) == "2018-12-07"


def test_seed_keeps_the_2019_meeting_as_an_archive(db_session):
    meeting = db_session.execute(sa.select(Meeting).where(
        Meeting.proposal_id == case_of(db_session).id)).scalar_one()
    starts = meeting.starts_at.astimezone(KST)
    assert (starts.isoformat(), meeting.ends_at.astimezone(KST).strftime("%H:%M")) == (
        "2019-03-26T19:00:00+09:00", "20:00")
    assert meeting.registration_deadline.astimezone(KST).isoformat() == "2019-03-25T12:00:00+09:00"
    assert "사랑의열매회관" in meeting.venue and "지하1층" in meeting.venue
    assert meeting.capacity == 100 and meeting.status == "published"
    confirmed = count(db_session, Registration, Registration.meeting_id == meeting.id,
                      Registration.status == "confirmed")
    waiting = count(db_session, Registration, Registration.meeting_id == meeting.id,
                    Registration.status == "waitlisted")
    assert confirmed == meeting.confirmed_count == 100
    assert waiting == meeting.waitlist_count > 0
    questions = db_session.execute(sa.select(LiveQuestion.created_at).where(
        LiveQuestion.meeting_id == meeting.id)).scalars().all()
    assert questions and all(kst_day(q) == "2019-03-26" for q in questions)
    assert count(db_session, SurveyResponse, SurveyResponse.meeting_id == meeting.id) > 0


def test_seed_leaves_an_upcoming_meeting_after_the_seeding_day(demo_app, db_session):
    meeting = upcoming_meeting(db_session)
    proposal = db_session.get(Proposal, meeting.proposal_id)
    assert proposal.title != CASE_TITLE and proposal.stage == "mayor_answer"
    assert meeting.status == "published" and meeting.online_questions
    assert demo_app.seeded_at < meeting.registration_deadline < meeting.starts_at
    assert meeting.starts_at - demo_app.seeded_at < timedelta(days=14)
    assert meeting.confirmed_count < meeting.capacity
    assert count(db_session, LiveQuestion, LiveQuestion.meeting_id == meeting.id) == 0


def test_seed_leaves_proposals_at_every_stage(db_session):
    rows = db_session.execute(sa.select(Proposal.state, Proposal.stage, Proposal.agreement_count,
                                        Proposal.closes_at)).all()
    assert {row.state for row in rows} == {"collecting", "closed", "withdrawn"}
    assert {row.stage for row in rows} >= {None, "department_answer", "mayor_answer"}
    one_short = [row for row in rows if row.agreement_count == 49]
    assert len(one_short) == 1 and one_short[0].closes_at is not None
    assert [row.stage for row in rows if row.agreement_count == 499] == ["department_answer"]
    open_debates = db_session.execute(sa.select(Debate).where(
        Debate.proposal_id.is_not(None), Debate.ends_at > datetime.now(timezone.utc))).all()
    assert open_debates


def test_seed_counters_equal_rows_and_recount_finds_nothing_to_repair(demo_app, db_session):
    assert recount_agreements(db_session) == []
    result = demo_app.test_cli_runner().invoke(args=["deliberation", "recount"])
    assert result.exit_code == 0 and "0 drift(s) found" in result.output, result.output


def test_seed_tells_nobody_of_the_history_it_replays(db_session):
    assert count(db_session, NotificationEvent, NotificationEvent.fanned_out_at.is_(None)) == 0


def test_seed_prints_an_account_for_every_role(demo_app):
    for role in ("citizen", "department_official", "mayor_office", "agenda_committee", "admin"):
        assert role in demo_app.seed_output
    assert "citizen@demo.example / citizen-demo" in demo_app.seed_output
    assert "건강증진과" in demo_app.seed_output


def test_seed_without_reset_changes_nothing(demo_app, db_session):
    before = count(db_session, Proposal)
    again = demo_app.test_cli_runner().invoke(args=["seed"])
    assert again.exit_code == 0 and "--reset" in again.output
    assert count(db_session, Proposal) == before


# -- the home page --

def test_home_page_is_korean_by_default_with_the_configured_ladder(demo_app, client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="ko">' in html
    ladder = text_of(section(html, "ladder"))
    for rule in demo_app.extensions["deliberation"].settings.ladder.rules:
        assert f"{rule.count:,}" in ladder
    assert "50 공감" in ladder and "500 공감" in ladder and "5,000 토론 참여자" in ladder
    assert "부서 답변" in ladder and "시장 답변" in ladder and "30일" in ladder


def test_home_page_numbers_are_the_row_counts(client, db_session):
    case = case_of(db_session)
    debate = db_session.execute(sa.select(Debate).where(Debate.proposal_id == case.id)
                                ).scalar_one()
    agreements = count(db_session, Agreement, Agreement.proposal_id == case.id)
    ballots = count(db_session, Ballot, Ballot.debate_id == debate.id)
    pro = count(db_session, Ballot, Ballot.debate_id == debate.id, Ballot.stance == "pro")
    figures = text_of(section(client.get("/").get_data(as_text=True), "case-figures"))
    assert f"{agreements:,} 공감" in figures and f"{ballots:,} 토론 참여자" in figures
    assert f"{pro:,} 찬성 ({round(pro * 100 / ballots)}%)" in figures


def test_home_page_timeline_shows_each_step_on_its_real_date(client):
    timeline = section(client.get("/").get_data(as_text=True), "case-timeline")
    days = re.findall(r'<time datetime="([^"]+)">', timeline)
    assert [datetime.fromisoformat(d).astimezone(KST).date().isoformat() for d in days] == [
        "2018-01-19", "2018-01-23", "2018-02-09", "2018-02-20", "2018-12-07", "2018-12-14",
        "2019-01-12", "2019-03-26", "2019-03-27"]
    text = text_of(timeline)
    assert "2018년 1월 19일" in text and "2019년 3월 26일" in text
    assert "사랑의열매회관" in text and "오후 7:00" in text
    english = text_of(section(client.get("/?lang=en").get_data(as_text=True), "case-timeline"))
    assert "January 19, 2018" in english and "March 26, 2019" in english


def test_home_page_lists_what_needs_attention(client, db_session):
    html = client.get("/").get_data(as_text=True)
    attention = text_of(section(html, "attention"))
    near = db_session.execute(sa.select(Proposal.title).where(
        Proposal.agreement_count.in_([49, 499]))).scalars().all()
    for title in near:
        assert title in attention
    assert "1개 남음" in attention
    answered = db_session.execute(sa.select(Proposal.title).join(
        Answer, Answer.proposal_id == Proposal.id).where(
        Answer.published_at > datetime.now(timezone.utc) - timedelta(days=30))).scalars().all()
    assert answered and all(title in attention for title in answered)
    assert "어린이집 대기 순번" in attention  # published 27 days ago: closes within the week
    meetings = text_of(section(html, "upcoming-meetings"))
    assert upcoming_meeting(db_session).title in meetings


def test_home_page_turns_english_after_the_switch_and_stays_so(client):
    assert 'href="/?lang=en"' in client.get("/").get_data(as_text=True)
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Department answer" in html and "What needs attention" in html
    assert "시민이 제안하고" not in html
    listing = client.get("/proposals/").get_data(as_text=True)
    assert "Citizen proposals" in listing and "Collecting agreements" in listing
    assert '<html lang="ko">' in client.get("/?lang=ko").get_data(as_text=True)


def test_pages_load_no_asset_from_another_site(client):
    for url in ("/", "/login", "/proposals/"):
        html = client.get(url).get_data(as_text=True)
        assets = re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', html)
        assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), url


def test_demo_banner_is_on_every_page(demo_app, client, db_session):
    case, meeting = case_of(db_session), upcoming_meeting(db_session)
    urls = ["/", "/?lang=en", "/login", "/signup", "/proposals/", f"/proposals/{case.id}",
            "/proposals/meetings/", f"/proposals/meetings/{meeting.id}", "/no-such-page",
            "/proposals/999999"]
    for url in urls:
        assert BANNER in client.get(url).get_data(as_text=True), url
    page_login(client, "citizen@demo.example", "citizen-demo")
    assert BANNER in client.get("/proposals/new").get_data(as_text=True)


def test_making_a_proposal_sends_a_visitor_to_log_in_first(client):
    response = client.get("/proposals/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


# -- a visitor's own clicks --

def test_visitor_registers_for_the_upcoming_meeting_on_its_page(client, db_session):
    meeting = upcoming_meeting(db_session)
    page_signup(client, email="register@example.org", display_name="참가 시민",
                password="long-enough")
    html = client.get(f"/proposals/meetings/{meeting.id}").get_data(as_text=True)
    response = client.post(f"/proposals/meetings/{meeting.id}/register",
                           data={"csrf_token": csrf_from(html)})
    assert response.status_code == 302
    db_session.expire_all()
    mine = db_session.execute(sa.select(Registration).where(
        Registration.meeting_id == meeting.id,
        Registration.display_name == "참가 시민")).scalar_one()
    assert mine.status == "confirmed"
    survey = client.get(f"/proposals/meetings/{meeting.id}/survey")
    assert survey.status_code == 200


def test_registration_for_the_2019_meeting_is_closed(client, db_session):
    meeting = db_session.execute(sa.select(Meeting).where(
        Meeting.proposal_id == case_of(db_session).id)).scalar_one()
    page_login(client, "citizen2@demo.example", "citizen2-demo")
    html = client.get(f"/proposals/meetings/{meeting.id}").get_data(as_text=True)
    response = client.post(f"/proposals/meetings/{meeting.id}/register",
                           data={"csrf_token": csrf_from(html)})
    assert response.status_code in (302, 409)
    assert count(db_session, Registration, Registration.meeting_id == meeting.id,
                 Registration.status == "confirmed") == 100


def test_json_agreement_reaches_the_department_step_with_one_click(demo_app, client):
    signup = client.post("/api/v1/auth/signup", json={
        "email": "api@example.org", "password": "long-enough", "display_name": "API 시민"})
    assert signup.status_code == 201
    login = client.post("/api/v1/auth/login", json={"email": "api@example.org",
                                                    "password": "long-enough"})
    assert login.status_code == 200 and login.json["token"] != signup.json["token"]
    extra = client.post("/api/v1/auth/tokens", headers=bearer(login.json["token"]))
    assert extra.status_code == 201
    token = extra.json["token"]

    me = client.get("/api/v1/me", headers=bearer(token))
    assert me.json["display_name"] == "API 시민" and me.json["roles"] == ["citizen"]
    from demo_site.models import db

    with demo_app.app_context():
        target = db.session.execute(sa.select(Proposal.id).where(
            Proposal.title == "공원 산책로에 야간 조명을 늘려주세요")).scalar_one()
    agreed = client.put(f"/api/v1/proposals/{target}/agreement", headers=bearer(token))
    assert agreed.status_code == 200, agreed.json
    assert agreed.json["count"] == 50 and agreed.json["reached"] == ["department_answer"]


# -- accounts through pages --

def test_signup_page_creates_an_account_and_logs_in(client):
    response = page_signup(client, email="new@example.org", display_name="새 시민",
                           password="long-enough")
    assert response.status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert "새 시민" in html and "로그아웃" in html
    assert "환영합니다, 새 시민님." in html


def test_signup_page_shows_field_messages_when_input_is_bad(client):
    response = page_signup(client, email="not-an-email", display_name="", password="short")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "올바른 이메일 주소" in html and "8자 이상이어야" in html and "1~50자" in html
    assert 'aria-invalid="true"' in html
    client.get("/?lang=en")
    assert "Enter a valid email address." in page_signup(
        client, email="x", display_name="", password="short").get_data(as_text=True)


def test_signup_page_refuses_an_email_already_registered(client):
    response = page_signup(client, email="citizen@demo.example", display_name="누군가",
                           password="long-enough")
    assert response.status_code == 422
    assert "이미 가입된 이메일" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["관리자", "서울시 담당자", "Admin Kim", "시 장"])
def test_signup_page_refuses_a_name_that_would_pass_for_staff(client, name):
    response = page_signup(client, email="new@example.org", display_name=name,
                           password="long-enough")
    assert response.status_code == 422
    assert "직원이나 운영자로 오해받을 수 있습니다" in response.get_data(as_text=True)


def test_signup_page_refuses_a_post_without_the_csrf_token(client):
    response = client.post("/signup", data={"email": "x@example.org", "display_name": "x",
                                            "password": "long-enough"})
    assert response.status_code == 400


def test_login_page_shows_an_error_when_the_password_is_wrong(client):
    html = page_login(client, "citizen@demo.example", "wrong-password").get_data(as_text=True)
    assert "이메일 또는 비밀번호가 맞지 않습니다" in html
    assert "로그아웃" not in html


def test_login_then_logout_with_the_form(client):
    assert page_login(client, "citizen@demo.example", "citizen-demo").status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert "김시민" in html
    response = client.post("/logout", data={"csrf_token": csrf_from(html)})
    assert response.status_code == 302
    assert "로그아웃했습니다" in client.get("/").get_data(as_text=True)


def test_login_follows_next_only_to_this_site(client):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=https://evil.example/", data={
        "csrf_token": token, "email": "citizen@demo.example", "password": "citizen-demo"})
    assert response.headers["Location"] == "/"


# -- JSON accounts and tokens --

def test_json_token_is_stored_only_as_its_hash(demo_app, client):
    from demo_site.models import ApiToken, db, hash_token

    token = client.post("/api/v1/auth/login", json={
        "email": "citizen@demo.example", "password": "citizen-demo"}).json["token"]
    with demo_app.app_context():
        stored = db.session.execute(sa.select(ApiToken.token_sha256)).scalars().all()
    assert hash_token(token) in stored and token not in stored


def test_json_signup_refuses_bad_input_with_422_and_field_messages(client):
    response = client.post("/api/v1/auth/signup", json={
        "email": "nope", "password": "short", "display_name": ""})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"email", "password", "display_name"}
    assert client.post("/api/v1/auth/signup", data="not json").status_code == 422


def test_json_signup_refuses_a_duplicate_email_with_409(client):
    response = client.post("/api/v1/auth/signup", json={
        "email": "Citizen@Demo.Example", "password": "long-enough", "display_name": "x"})
    assert response.status_code == 409
    assert response.json["error"]["fields"] == {"email": ["This email is already registered."]}


def test_json_login_refuses_a_wrong_password_with_401(client):
    response = client.post("/api/v1/auth/login", json={
        "email": "citizen@demo.example", "password": "wrong-password"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "bad_credentials"
    unknown = client.post("/api/v1/auth/login", json={"email": "nobody@example.org",
                                                      "password": "whatever1"})
    assert unknown.status_code == 401


def test_json_new_token_refused_without_a_valid_token(client):
    assert client.post("/api/v1/auth/tokens").status_code == 401
    assert client.post("/api/v1/auth/tokens", headers=bearer("demo_forged")).status_code == 401
    assert client.get("/api/v1/me", headers=bearer("demo_forged")).status_code == 401


def test_official_account_reaches_the_package_with_its_roles_and_department(client):
    token = client.post("/api/v1/auth/login", json={
        "email": "official@demo.example", "password": "official-demo"}).json["token"]
    me = client.get("/api/v1/me", headers=bearer(token)).json
    assert "department_official" in me["roles"] and me["department"] == "건강증진과"


# -- starting over --

def test_seed_again_with_reset_starts_over(demo_app, db_session):
    from demo_site.models import User

    reset = demo_app.test_cli_runner().invoke(args=["seed", "--reset"])
    assert reset.exit_code == 0, reset.output
    db_session.expire_all()
    assert count(db_session, User) == 6
    assert count(db_session, Proposal, Proposal.title == CASE_TITLE) == 1
    assert recount_agreements(db_session) == []
