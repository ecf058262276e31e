"""The whole mission in a real Chromium, as people would walk it, on an empty
demo site with a small ladder (3 agreements for the department's answer,
4 for the agenda committee, 3 debate participants for the mayor's answer):

a visitor signs up and proposes; other citizens agree until the department
step; the department's official answers; one more agreement brings the
committee step, and the committee opens a debate; a day later it opens and
participants vote until the mayor step; the mayor's office answers; the
organiser completes and publishes the citizen meeting that step drafted and
defines its survey; a citizen registers, posts a live question that another
citizen's page shows within 2 seconds without a reload, and answers the
survey.

Each main page is screenshotted at a phone's and a desktop's width into
screenshots/ (git-ignored) as walk-<page>-<width>.png. (The README's two
pictures in docs/ show the seeded demo instead, where the numbers are the
real case's.)
"""

import re
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.axe import DESKTOP, PHONE, shot, sideways_overflow
from tests.live import serving

pytestmark = pytest.mark.browser

KST = timezone(timedelta(hours=9))
DEPARTMENT = "건강증진과"

#: the ladder is data: the Seoul ladder's shape with small numbers
SMALL_LADDER = {
    "name": "walk", "label": "A small ladder for the walk (3 · 4 · 3)",
    "collection": "30 days", "keep_collecting_after": "department_answer",
    "rules": [
        {"step": "department_answer", "metric": "agreements", "count": 3,
         "within": "30 days", "answer_due": "1 month"},
        {"step": "agenda_committee", "metric": "agreements", "count": 4},
        {"step": "mayor_answer", "metric": "debate_participants", "count": 3},
    ],
}

#: email, password, name, roles, department
PEOPLE = {
    "citizen1": ("walk1@demo.example", "walk1-demo", "김하나", "citizen", None),
    "citizen2": ("walk2@demo.example", "walk2-demo", "이두리", "citizen", None),
    "citizen3": ("walk3@demo.example", "walk3-demo", "박세나", "citizen", None),
    "citizen4": ("walk4@demo.example", "walk4-demo", "최네오", "citizen", None),
    "official": ("official@demo.example", "official-demo", "박담당 (건강증진과)",
                 "citizen,department_official", DEPARTMENT),
    "committee": ("committee@demo.example", "committee-demo", "공론화추진위원회",
                  "citizen,agenda_committee", None),
    "mayor": ("mayor@demo.example", "mayor-demo", "시장실", "citizen,mayor_office", None),
}

TITLE = "동네 보건소에서 난임 주사를 맞을 수 있게 해주세요"
BODY = ("난임 시술을 받는 동안 매일 정해진 시간에 주사를 맞아야 합니다. 직장에 다니며 멀리 있는 "
        "병원까지 날마다 오가기 어렵습니다. 처방은 병원에서 받고 주사는 동네 보건소에서 맞게 해주세요.")
DEPARTMENT_ANSWER = "보건소 다섯 곳에서 시범 운영을 검토하겠습니다. 간호 인력과 응급 대응 절차를 먼저 준비합니다."
DEBATE_QUESTION = "보건소에서도 난임 주사를 맞을 수 있다면 어떨까요?"
MAYOR_ANSWER = "내년부터 모든 자치구 보건소에서 난임 주사를 놓겠습니다. 시민 여러분의 토론 결과를 따릅니다."
LIVE_QUESTION = "보건소 간호 인력은 언제까지 늘리나요?"


class ShiftedClock:
    """Real time, moved forward by hand: the debate's preparation day passes
    in a moment while everything else keeps ticking."""

    def __init__(self):
        self.offset = timedelta()

    def __call__(self):
        return datetime.now(timezone.utc) + self.offset

    def advance(self, **kwargs):
        self.offset += timedelta(**kwargs)


@pytest.fixture
def site(tmp_path):
    """The demo app on an empty database with the small ladder and only the
    accounts the walk needs, served over HTTP."""
    from demo_site import create_app
    from demo_site.accounts import create_user
    from demo_site.models import db
    from demo_site.seed import create_tables
    from deliberation import Deliberation

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'walk.sqlite'}",
        "SECRET_KEY": "walk-test", "DEMO_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "DEMO_NOTIFY_THREAD": False,
        "DELIBERATION_LADDER": SMALL_LADDER,
        "DELIBERATION_CATEGORY_DEPARTMENTS": {"health": DEPARTMENT},
        "DELIBERATION_DEBATE_PREPARATION": "1 day",
    })
    clock = ShiftedClock()
    Deliberation.set_clock(app, clock)
    create_tables(app)
    with app.app_context():
        for email, password, name, roles, department in PEOPLE.values():
            create_user(email, password, name, roles=roles, department=department)
        db.session.commit()
        db.session.remove()
    with serving(app) as server:
        yield server.url, clock
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Walk:
    """The people of the walk, each in a browser context of their own."""

    def __init__(self, browser, base):
        self.browser, self.base = browser, base
        self.pages, self.failures = {}, []

    def page(self, who, viewport=PHONE):
        if who not in self.pages:
            context = self.browser.new_context(viewport=viewport, locale="ko-KR")
            page = context.new_page()
            page.set_default_timeout(10_000)
            page.on("response", lambda r: r.status >= 500
                    and self.failures.append(f"{r.status} {r.url}"))
            self.pages[who] = page
        return self.pages[who]

    def log_in(self, who):
        email, password, *_ = PEOPLE[who]
        page = self.page(who)
        page.goto(self.base + "/login")
        page.get_by_label("이메일").fill(email)
        page.get_by_label("비밀번호").fill(password)
        page.locator("main form").get_by_role("button", name="로그인").click()
        page.wait_for_url(self.base + "/")
        return page

    def close(self):
        for page in self.pages.values():
            page.context.close()


#: pages that scroll sideways on a phone, reported at the end of the walk
OVERFLOWS = []


def both_widths(page, name):
    """Screenshot at a phone's width (which must not scroll sideways) and at
    a desktop's, then back to the page's own width."""
    own = page.viewport_size
    page.set_viewport_size(PHONE)
    overflow = sideways_overflow(page)
    if overflow > 0:
        OVERFLOWS.append(f"{name} scrolls {overflow}px sideways on a 375px phone")
    shot(page, f"walk-{name}-375")
    page.set_viewport_size(DESKTOP)
    shot(page, f"walk-{name}-1280")
    page.set_viewport_size(own)


def flash(page):
    return page.locator(".dl-flash, .demo-flash, [role=status]").first.inner_text()


def reached_steps(page):
    return [text.strip() for text in page.locator(".dl-steps li.reached").all_inner_texts()]


def local(moment):
    """A datetime-local value as a browser in Seoul fills it in."""
    return moment.astimezone(KST).strftime("%Y-%m-%dT%H:%M")


def agree(page):
    """From the proposal list, as a citizen finds the proposal."""
    page.get_by_role("navigation").get_by_role("link", name="시민제안").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="공감하기").click()
    assert "공감했습니다" in flash(page)
    return page.locator("#dl-count").inner_text()


def vote(page, base, stance, opinion):
    page.goto(base + "/proposals/debates/")
    page.get_by_role("link", name=DEBATE_QUESTION).click()
    page.get_by_role("group", name="내 입장").get_by_label(stance).check()
    page.get_by_label("내 의견").fill(opinion)
    page.get_by_role("button", name="투표하기").click()
    assert "투표했습니다" in flash(page)
    return int(page.locator("#dl-participants").inner_text().replace(",", ""))


def test_a_proposal_walks_from_sign_up_to_the_citizen_meeting_in_the_browser(
        site, chromium):
    base, clock = site
    walk = Walk(chromium, base)
    OVERFLOWS.clear()
    try:
        run_the_walk(walk, base, clock)
    finally:
        walk.close()
    assert not walk.failures, f"server errors: {walk.failures}"
    assert not OVERFLOWS, "\n".join(OVERFLOWS)


def run_the_walk(walk, base, clock):
    # -- a visitor signs up and proposes, on a phone --
    author = walk.page("author")
    author.goto(base + "/")
    both_widths(author, "home-empty")
    author.get_by_role("link", name="회원가입").first.click()
    author.get_by_label("이메일").fill("visitor@example.org")
    author.get_by_label("이름 (공개)").fill("방문자")
    author.get_by_label("비밀번호").fill("visitor-password")
    both_widths(author, "signup")
    author.locator("main form button[type=submit]").click()
    assert "방문자" in flash(author)

    author.get_by_role("link", name="제안하기").first.click()
    author.get_by_label("제목").fill(TITLE)
    author.get_by_label("분야").select_option("health")
    author.get_by_label("내 제안").fill(BODY)
    both_widths(author, "new-proposal")
    author.get_by_role("button", name="초안으로 저장").click()
    author.get_by_role("button", name="게시하기").click()
    assert "제안을 게시했습니다" in flash(author)
    assert author.get_by_role("heading", level=1).inner_text() == TITLE
    assert author.locator("#dl-count").inner_text() == "0"
    proposal = author.url.removeprefix(base)
    assert re.fullmatch(r"/proposals/\d+", proposal), proposal

    # -- three citizens agree: the department step is reached --
    for n, who in enumerate(("citizen1", "citizen2", "citizen3"), start=1):
        page = walk.log_in(who)
        assert agree(page) == str(n)
    assert reached_steps(page)[0].startswith("부서 답변")
    assert page.get_by_text("단계 도달: 부서 답변 (3)").is_visible()
    assert page.get_by_text(DEPARTMENT).first.is_visible()  # assigned at once
    both_widths(page, "department-step")

    # -- the department's official answers from the answer queue --
    official = walk.log_in("official")
    official.get_by_role("navigation").get_by_role("link", name="답변 대기열").click()
    assert official.get_by_role("link", name=TITLE).is_visible()
    both_widths(official, "answer-queue")
    official.get_by_role("link", name=TITLE).click()
    form = official.locator("form", has=official.get_by_label("답변 (마크다운)"))
    form.get_by_label("결정").select_option("accepted")
    form.get_by_label("답변 (마크다운)").fill(DEPARTMENT_ANSWER)
    form.get_by_role("button", name="답변 저장").click()
    assert official.locator(".dl-answer-body", has_text=DEPARTMENT_ANSWER).is_visible()

    # the author sees the answer on the proposal
    author.reload()
    assert author.locator(".dl-answer-body", has_text=DEPARTMENT_ANSWER).is_visible()
    assert author.get_by_text("수용").first.is_visible()

    # -- a fourth agreement: the agenda committee step --
    fourth = walk.log_in("citizen4")
    assert agree(fourth) == "4"
    assert any(step.startswith("공론화 상정") for step in reached_steps(fourth))
    assert fourth.get_by_text("단계 도달: 공론화 상정 (4)").is_visible()

    # -- the committee opens a citizen debate --
    committee = walk.log_in("committee")
    committee.get_by_role("navigation").get_by_role("link", name="공론화추진위원회").click()
    card = committee.locator("section", has=committee.get_by_role("link", name=TITLE))
    both_widths(committee, "committee-queue")
    card.get_by_label("시민토론 개설").check()
    card.get_by_label("공개 사유").fill("많은 시민이 공감했고 보건소 운영에 관한 시민의 뜻을 물을 가치가 있습니다.")
    card.get_by_label("토론 질문 (시민토론을 열 때)").fill(DEBATE_QUESTION)
    card.get_by_role("button", name="결정 기록").click()
    assert "결정을 기록했습니다" in flash(committee)
    committee.goto(base + proposal)
    assert committee.get_by_text("시민토론 개설").first.is_visible()

    committee.goto(base + "/proposals/debates/")
    committee.get_by_role("link", name=DEBATE_QUESTION).click()
    assert committee.locator(".dl-state-scheduled").inner_text() == "예정"
    assert committee.get_by_text("토론 시작:").is_visible()

    # -- the preparation day passes; participants vote until the mayor step --
    clock.advance(days=1, minutes=1)
    for count, (who, stance, opinion) in enumerate((
            ("citizen1", "찬성", "가까운 보건소에서 맞을 수 있으면 일을 그만두지 않아도 됩니다."),
            ("citizen2", "찬성", "오가는 시간과 비용이 크게 줄어듭니다."),
            ("citizen3", "반대", "보건소 인력이 먼저 충분해야 합니다.")), start=1):
        page = walk.page(who)
        assert vote(page, base, stance, opinion) == count
    results = page.locator("#dl-results-table")
    assert results.get_by_role("row", name=re.compile("찬성")).get_by_role("cell").first \
        .inner_text() == "2"
    assert results.get_by_role("row", name=re.compile("반대")).get_by_role("cell").first \
        .inner_text() == "1"
    both_widths(page, "debate-results")
    page.goto(base + proposal)
    assert any(step.startswith("시장 답변") for step in reached_steps(page))
    assert page.get_by_text("단계 도달: 시장 답변 (3)").is_visible()

    # -- the mayor's office answers --
    mayor = walk.log_in("mayor")
    mayor.get_by_role("navigation").get_by_role("link", name="답변 대기열").click()
    assert mayor.get_by_role("row", name=re.compile(TITLE)).get_by_text("시장 답변").is_visible()
    mayor.get_by_role("link", name=TITLE).click()
    form = mayor.locator("form", has=mayor.get_by_label("영상 링크"))
    form.get_by_label("결정").select_option("accepted")
    form.get_by_label("답변 (마크다운)").fill(MAYOR_ANSWER)
    form.get_by_label("영상 링크").fill("https://tv.seoul.go.kr/example")
    form.get_by_role("button", name="답변 저장").click()
    assert mayor.locator(".dl-answer-body", has_text=MAYOR_ANSWER).is_visible()
    author.reload()
    assert author.locator(".dl-answer-body", has_text=MAYOR_ANSWER).is_visible()
    both_widths(author, "proposal-answered")

    # -- the organiser completes the drafted meeting and its survey --
    run_the_meeting(walk, base, clock)


def run_the_meeting(walk, base, clock):
    official = walk.page("official")
    official.get_by_role("navigation").get_by_role("link", name="시민간담회").click()
    official.get_by_role("link", name=TITLE).click()
    assert official.get_by_text("초안", exact=True).is_visible()  # drafted by the mayor step
    meeting = official.url.removeprefix(base)
    official.get_by_role("link", name="간담회 수정").click()
    starts = (clock() + timedelta(days=7)).astimezone(KST).replace(hour=19, minute=0)
    official.get_by_label("장소").fill("시청 다목적홀")
    official.get_by_label("시작 시각", exact=True).fill(local(starts))
    official.get_by_label("종료 시각", exact=True).fill(local(starts + timedelta(hours=1)))
    official.get_by_label("신청 마감").fill(local(starts - timedelta(days=2)))
    official.get_by_label("좌석").fill("50")
    official.get_by_label("온라인으로 보는 분도 질문할 수 있습니다").check()
    programme = (("서울시 답변", 0, 20), ("플로어 토크 (질의응답)", 20, 60))
    for row, (item, begin, finish) in enumerate(programme, start=1):
        official.get_by_label(f"시작 시각 {row}").fill(local(starts + timedelta(minutes=begin)))
        official.get_by_label(f"종료 시각 {row}").fill(local(starts + timedelta(minutes=finish)))
        # by name: in Korean the item's label ("Item") reads like the order's (both 순서)
        official.locator(f"input[name='prog-{row - 1}-title']").fill(item)
    both_widths(official, "meeting-form")
    official.get_by_role("button", name="저장", exact=True).click()
    assert "간담회가 수정되었습니다" in flash(official)
    official.get_by_role("button", name="간담회 공개").click()
    assert "간담회가 공개되었습니다" in flash(official)
    assert official.get_by_text("초안", exact=True).count() == 0
    assert official.get_by_role("row", name=re.compile("플로어 토크")).is_visible()

    official.get_by_role("link", name="설문 만들기").click()
    first, second = (official.get_by_role("group", name=f"질문 {n}") for n in (1, 2))
    first.get_by_label("질문 종류").select_option("single")
    first.get_by_label("질문", exact=True).fill("간담회는 어떠셨나요?")
    first.get_by_label("선택지(한 줄에 하나씩)").fill("좋았다\n보통\n아쉬웠다")
    first.get_by_label("응답 필수").check()
    second.get_by_label("질문 종류").select_option("text")
    second.get_by_label("질문", exact=True).fill("더 하고 싶은 말씀")
    official.get_by_role("button", name="설문 저장").click()
    assert "설문이 저장되었습니다" in flash(official)

    # -- a citizen registers, asks a live question, another citizen sees it --
    asker, watcher = walk.page("citizen1"), walk.page("citizen2")
    asker.goto(base + "/proposals/meetings/")
    asker.get_by_role("link", name=TITLE).click()
    assert asker.locator("#dl-seats-left").inner_text().startswith("50")
    asker.get_by_role("button", name="참가 신청").click()
    assert "좌석이 확정되었습니다" in flash(asker)
    assert asker.locator("#dl-seats-left").inner_text().startswith("49")
    assert re.fullmatch(r"\w{4,}", asker.locator("#dl-check-in-code").inner_text())
    both_widths(asker, "meeting")

    asker.goto(base + meeting + "/qna")
    watcher.goto(base + meeting + "/qna")
    watcher.evaluate("window.notReloaded = true")
    asker.get_by_label("질문이나 의견").fill(LIVE_QUESTION)
    asker.get_by_role("button", name="올리기").click()
    posted = time.monotonic()
    assert asker.locator("#dl-qna-list").get_by_text(LIVE_QUESTION).is_visible()
    watcher.locator("#dl-qna-list").get_by_text(LIVE_QUESTION).wait_for(timeout=2000)
    seen_after = time.monotonic() - posted
    assert seen_after < 2.0, f"the other citizen saw the question after {seen_after:.2f}s"
    assert watcher.evaluate("window.notReloaded") is True
    both_widths(watcher, "live-qna")

    # -- the meeting begins: the citizen answers the survey; the organiser sees the count --
    clock.advance(seconds=(starts - clock()).total_seconds() + 60)
    asker.goto(base + meeting)
    asker.get_by_role("link", name="설문지").click()
    asker.get_by_role("group", name="간담회는 어떠셨나요?").get_by_label("좋았다").check()
    asker.get_by_role("group", name=re.compile("더 하고 싶은 말씀")).get_by_role("textbox") \
        .fill("동네 보건소가 더 가까워지면 좋겠습니다.")
    both_widths(asker, "survey")
    asker.get_by_role("button", name="응답 보내기").click()
    assert "설문에 응답해 주셔서 감사합니다" in flash(asker)

    official.goto(base + meeting + "/survey/results")
    assert official.locator("#dl-responses").inner_text() == "1"
    liked = official.get_by_role("row", name=re.compile("좋았다"))
    assert liked.get_by_role("cell").inner_text() == "1"
    assert official.get_by_text("동네 보건소가 더 가까워지면 좋겠습니다.").is_visible()
    both_widths(official, "survey-results")
