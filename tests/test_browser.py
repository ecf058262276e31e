"""A real Chromium through the demo site: sign up, propose, publish, and a
second citizen's agreement that carries a proposal to the department step.

Screenshots land in screenshots/ (git-ignored) at phone and desktop widths.
"""

import re
from pathlib import Path

import pytest

from demo_site.seed import CASE_TITLE
from tests.live import serving

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
ONE_SHORT = "공원 산책로에 야간 조명을 늘려주세요"


@pytest.fixture
def live_demo(tmp_path):
    from demo_site import create_app
    from demo_site.models import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.sqlite'}",
                      "SECRET_KEY": "browser-test", "DEMO_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    seeded = app.test_cli_runner().invoke(args=["seed", "--reset"])
    assert seeded.exit_code == 0, seeded.output
    with serving(app) as server:
        yield server.url
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def browser(chromium):
    """The worker's Chromium (conftest); whatever contexts a test opens are
    closed after it, so the next test starts with no pages, cookies or storage."""
    yield chromium
    for context in chromium.contexts:
        context.close()


def watch(page, failures):
    def on_response(response):
        if response.status >= 500:
            failures.append(f"{response.status} {response.url}")

    page.on("response", on_response)


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def assert_korean(page):
    assert page.locator("html").get_attribute("lang") == "ko"
    assert HANGUL.search(page.content())
    assert page.locator("#demo-banner").is_visible()


def test_visitor_proposes_and_a_citizen_carries_a_proposal_to_the_department_step(
        live_demo, browser):
    failures = []
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="ko-KR")
    page = context.new_page()
    watch(page, failures)

    page.goto(live_demo + "/")
    assert_korean(page)
    assert page.get_by_text(CASE_TITLE).first.is_visible()
    shot(page, "375-home")

    # a visitor signs up
    page.get_by_role("link", name="회원가입").click()
    page.get_by_label("이메일").fill("visitor@example.org")
    page.get_by_label("이름 (공개)").fill("방문자")
    page.get_by_label("비밀번호").fill("visitor-password")
    shot(page, "375-signup")
    page.get_by_role("button", name="회원가입").click()
    assert page.get_by_text("환영합니다, 방문자님.").is_visible()

    # makes a proposal and sees similar ones on the draft page
    page.get_by_role("navigation").get_by_role("link", name="제안하기").click()
    page.get_by_label("제목").fill("보건소에서 난임 주사를 맞을 수 있게 해주세요")
    page.get_by_label("분야").select_option("health")
    page.get_by_label("내 제안").fill(
        "난임 주사를 맞으러 매일 멀리 있는 병원에 가기 힘듭니다. 동네 보건소에서 맞게 해주세요.")
    shot(page, "375-new-proposal")
    page.get_by_role("button", name="초안으로 저장").click()
    assert page.get_by_text("비슷한 제안이 있습니다").is_visible()
    assert page.get_by_role("link", name=CASE_TITLE).is_visible()
    assert_korean(page)
    shot(page, "375-draft-similar")

    # publishes it
    page.get_by_role("button", name="게시하기").click()
    assert page.get_by_text("제안을 게시했습니다").is_visible()
    assert page.get_by_text("공감 모으는 중").first.is_visible()
    page.get_by_role("button", name="로그아웃").click()

    # another seeded citizen agrees with the proposal one short of 50
    page.get_by_role("link", name="로그인").click()
    page.get_by_label("이메일").fill("citizen2@demo.example")
    page.get_by_label("비밀번호").fill("citizen2-demo")
    page.get_by_role("button", name="로그인").click()
    page.get_by_role("navigation").get_by_role("link", name="시민제안").click()
    page.get_by_role("link", name=ONE_SHORT).click()
    assert page.locator("#dl-count").inner_text() == "49"
    page.get_by_role("button", name="공감하기").click()
    assert page.get_by_text("이 제안에 공감했습니다").is_visible()
    assert page.locator("#dl-count").inner_text() == "50"
    assert "부서 답변" in page.locator(".dl-steps li.reached").first.inner_text()
    assert page.get_by_text("단계 도달: 부서 답변 (50)").is_visible()
    assert_korean(page)
    shot(page, "375-department-step-reached")
    step_page = page.url

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_demo + "/")
    shot(page, "1280-home")
    page.goto(step_page)
    shot(page, "1280-department-step-reached")
    page.goto(live_demo + "/proposals/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_text("Citizen proposals").first.is_visible()
    shot(page, "1280-proposals-en")

    # nothing overflows sideways on a phone
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("/?lang=ko", "/proposals/", step_page.removeprefix(live_demo)):
        page.goto(live_demo + path)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 375, f"{path} is {overflow}px wide on a 375px phone"

    context.close()
    assert not failures, f"server errors: {failures}"
