"""A real Chromium through the demo site at a phone's width: a citizen casts
a ballot with an opinion on the open city question and sees the results
move, and the debate pages never scroll sideways.

Screenshots land in screenshots/ (git-ignored)."""

import pytest

from demo_site.seed import CITY_QUESTION
from demo_site.seed_case import CASE_DEBATE_QUESTION
from tests.test_browser import assert_korean, browser, live_demo, shot, watch  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}


def no_sideways_scroll(page, what):
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} is {width}px wide on a 375px phone"


def test_citizen_casts_a_ballot_on_a_phone_and_sees_the_results_update(live_demo, browser):  # noqa: F811
    failures = []
    context = browser.new_context(viewport=PHONE, locale="ko-KR")
    page = context.new_page()
    watch(page, failures)

    page.goto(live_demo + "/login")
    page.get_by_label("이메일").fill("citizen@demo.example")
    page.get_by_label("비밀번호").fill("citizen-demo")
    page.get_by_role("button", name="로그인").click()

    page.goto(live_demo + "/proposals/debates/")
    assert_korean(page)
    no_sideways_scroll(page, "the debate list")
    shot(page, "375-debates")
    page.get_by_role("link", name=CITY_QUESTION).click()
    assert page.get_by_role("heading", level=1).inner_text() == CITY_QUESTION
    before = int(page.locator("#dl-participants").inner_text().replace(",", ""))
    assert page.get_by_text("최대 1,000자").is_visible()
    no_sideways_scroll(page, "the open debate")
    shot(page, "375-debate-open")

    stances = page.get_by_role("group", name="내 입장")
    stances.get_by_label("찬성").check()
    page.get_by_label("내 의견").fill("아이와 함께 산책하는 입장에서도 놀이터가 따로 있으면 더 안전합니다.")
    page.get_by_role("button", name="투표하기").click()

    assert page.get_by_text("투표했습니다").is_visible()
    after = int(page.locator("#dl-participants").inner_text().replace(",", ""))
    assert after == before + 1
    assert page.locator("#dl-my-ballot").get_by_text("찬성").is_visible()
    assert page.get_by_role("button", name="투표 바꾸기").is_visible()
    assert page.locator("#dl-results-table").is_visible()
    no_sideways_scroll(page, "the debate after the ballot")
    shot(page, "375-debate-after-ballot")

    # the closed infertility debate: its results and thousands of opinions still fit
    page.goto(live_demo + "/proposals/debates/")
    page.get_by_role("link", name=CASE_DEBATE_QUESTION).click()
    assert page.get_by_text("5,115").first.is_visible()
    no_sideways_scroll(page, "the closed debate")
    shot(page, "375-debate-closed")

    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "1280-debate-closed")

    context.close()
    assert not failures, f"server errors: {failures}"
