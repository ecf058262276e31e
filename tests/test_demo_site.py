"""The demo site on SQLite and PostgreSQL: seeding the real case, accounts
through pages and JSON, Korean first with an English switch."""

import re
from datetime import timedelta, timezone

import pytest
import sqlalchemy as sa

from deliberation import Agreement, Milestone, Proposal, ProposalState
from deliberation.votes.operations import recount_agreements

KST = timezone(timedelta(hours=9))
CASE_TITLE = "동네 보건소에서 난임 주사 맞게 해주세요"
BANNER = 'id="demo-banner"'


@pytest.fixture
def demo_app(database):
    from demo_site import create_app
    from demo_site.models import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True,
                      "SECRET_KEY": "test-secret",
                      "DEMO_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    result = app.test_cli_runner().invoke(args=["seed", "--reset"])
    assert result.exit_code == 0, result.output
    app.seed_output = result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(demo_app):
    return demo_app.test_client()


def proposal_id(app, title):
    from demo_site.models import db

    with app.app_context():
        return db.session.execute(sa.select(Proposal.id).where(Proposal.title == title)).scalar_one()


def one_short_id(app):
    from demo_site.models import db

    with app.app_context():
        return db.session.execute(
            sa.select(Proposal.id).where(Proposal.agreement_count == 49)).scalar_one()


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


# -- seeding --

def test_seed_builds_the_infertility_case_from_agreement_rows(demo_app):
    from demo_site.models import db

    with demo_app.app_context():
        case = db.session.execute(sa.select(Proposal).where(Proposal.title == CASE_TITLE)).scalar_one()
        rows = db.session.execute(sa.select(sa.func.count()).select_from(Agreement)
                                  .where(Agreement.proposal_id == case.id)).scalar_one()
        steps = db.session.execute(sa.select(Milestone.step, Milestone.reached_at)
                                   .where(Milestone.proposal_id == case.id)
                                   .order_by(Milestone.reached_at)).all()
        assert rows == case.agreement_count == 5252
        assert case.category == "health"
        assert case.published_at.astimezone(KST).date().isoformat() == "2018-01-19"
        assert case.state == ProposalState.COLLECTING and case.closes_at is None
        assert case.stage == "agenda_committee"
        assert [s.step for s in steps] == ["department_answer", "agenda_committee"]
        assert all(s.reached_at.year == 2018 for s in steps)
        assert recount_agreements(db.session) == []


def test_seed_prints_an_account_for_every_role(demo_app):
    for role in ("citizen", "department_official", "mayor_office", "agenda_committee", "admin"):
        assert role in demo_app.seed_output
    assert "citizen@demo.example / citizen-demo" in demo_app.seed_output
    assert "건강증진과" in demo_app.seed_output


def test_seed_leaves_proposals_at_every_stage(demo_app):
    from demo_site.models import db

    with demo_app.app_context():
        rows = db.session.execute(sa.select(Proposal.state, Proposal.agreement_count,
                                            Proposal.closes_at)).all()
        states = {row.state for row in rows}
        assert states == {"collecting", "closed", "withdrawn"}
        one_short = [row for row in rows if row.agreement_count == 49]
        assert len(one_short) == 1 and one_short[0].state == "collecting"
        assert one_short[0].closes_at is not None


def test_seed_again_with_reset_starts_over_and_without_it_changes_nothing(demo_app):
    from demo_site.models import User, db

    runner = demo_app.test_cli_runner()
    again = runner.invoke(args=["seed"])
    assert again.exit_code == 0 and "--reset" in again.output
    reset = runner.invoke(args=["seed", "--reset"])
    assert reset.exit_code == 0, reset.output
    with demo_app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 6
        assert db.session.execute(sa.select(sa.func.count()).select_from(Proposal)
                                  .where(Proposal.title == CASE_TITLE)).scalar_one() == 1
        assert recount_agreements(db.session) == []


# -- pages and languages --

def test_home_page_is_korean_by_default_with_the_ladder_and_the_case(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="ko">' in html
    assert CASE_TITLE in html and "5,252" in html
    ladder = re.search(r'<ol class="demo-ladder".*?</ol>', html, re.S)[0]
    assert "50 공감" in ladder and "500 공감" in ladder and "5,000" in ladder
    assert "부서 답변" in ladder
    assert "공감이 많은 제안" in html and "곧 마감되는 제안" in html


def test_home_page_turns_english_after_the_switch_and_stays_so(client):
    assert 'href="/?lang=en"' in client.get("/").get_data(as_text=True)
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Department answer" in html and "Most agreed" in html
    listing = client.get("/proposals/").get_data(as_text=True)
    assert "Citizen proposals" in listing and "Collecting agreements" in listing
    assert '<html lang="ko">' in client.get("/?lang=ko").get_data(as_text=True)


def test_demo_banner_is_on_every_page(demo_app, client):
    case = proposal_id(demo_app, CASE_TITLE)
    urls = ["/", "/login", "/signup", "/proposals/", f"/proposals/{case}", "/no-such-page",
            "/proposals/999999"]
    for url in urls:
        response = client.get(url)
        assert BANNER in response.get_data(as_text=True), url
    page_login(client, "citizen@demo.example", "citizen-demo")
    assert BANNER in client.get("/proposals/new").get_data(as_text=True)


def test_making_a_proposal_sends_a_visitor_to_log_in_first(client):
    response = client.get("/proposals/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


# -- accounts through pages --

def test_signup_page_creates_an_account_and_logs_in(client):
    response = page_signup(client, email="new@example.org", display_name="새 시민",
                           password="long-enough")
    assert response.status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert "새 시민" in html and "로그아웃" in html


def test_signup_page_shows_field_messages_when_input_is_bad(client):
    response = page_signup(client, email="not-an-email", display_name="", password="short")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "올바른 이메일 주소" in html and "8자 이상이어야" in html and "1~50자" in html
    assert 'aria-invalid="true"' in html


def test_signup_page_refuses_an_email_already_registered(client):
    response = page_signup(client, email="citizen@demo.example", display_name="누군가",
                           password="long-enough")
    assert response.status_code == 422
    assert "이미 가입된 이메일" in response.get_data(as_text=True)


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
    assert "로그인" in client.get("/").get_data(as_text=True)


def test_login_follows_next_only_to_this_site(client):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=https://evil.example/", data={
        "csrf_token": token, "email": "citizen@demo.example", "password": "citizen-demo"})
    assert response.headers["Location"] == "/"


# -- JSON accounts and tokens --

def test_json_signup_login_and_token_then_agree_with_the_bearer_token(demo_app, client):
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
    target = one_short_id(demo_app)
    agreed = client.put(f"/api/v1/proposals/{target}/agreement", headers=bearer(token))
    assert agreed.status_code == 200, agreed.json
    assert agreed.json["count"] == 50 and agreed.json["reached"] == ["department_answer"]


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
