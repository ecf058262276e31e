"""axe-core on every main page of the seeded demo, in Korean, at a phone's
and a desktop's width, as a visitor and as each role that has pages of its
own: no serious or critical WCAG 2.1 A/AA violation from axe-core, headings
in order, a visible focus, charts with a text name and a table, no page
that scrolls sideways on a 375-px phone and no request that leaves the site.

One seeded database and one server for the module, one Chromium for the
session; each role's pages are visited in one test. Screenshots of each
page's first screen land in screenshots/ (git-ignored) as
a11y-<role>-<page>-<width>.png.
"""

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from tests.axe import (  # noqa: F401  (fixtures)
    DESKTOP, PHONE, audit, axe_script, focus_problems, shot, sideways_overflow,
    structure_problems,
)
from tests.live import serving

pytestmark = pytest.mark.browser

CONFIG = {"SECRET_KEY": "a11y-test", "DEMO_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
          "DEMO_NOTIFY_THREAD": False}
SURVEY = [
    {"kind": "single", "prompt": "간담회는 어떠셨나요?", "options": ["좋았다", "보통", "아쉬웠다"]},
    {"kind": "scale", "prompt": "서울시 답변에 얼마나 만족하시나요?"},
    {"kind": "text", "prompt": "더 하고 싶은 말씀", "required": False},
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The seeded demo on a real HTTP server. The pages are found by what
    they show (the case, an open and a closed debate, an upcoming meeting, a
    proposal waiting for its department's answer), not by the seed's
    internals; the meeting gets a survey, a registered citizen and a live
    question when the seed left them out."""
    from demo_site import create_app
    from demo_site.models import User, db
    from demo_site.seed import CASE_TITLE

    path = tmp_path_factory.mktemp("a11y") / "demo.sqlite"
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    seeded = app.test_cli_runner().invoke(args=["seed", "--reset"])
    assert seeded.exit_code == 0, seeded.output
    with app.app_context():
        session = db.session

        def person(email):
            return session.execute(sa.select(User).where(User.email == email)).scalar_one() \
                .as_participant()

        ids = found_pages(session, CASE_TITLE)
        prepare_meeting(session, ids["meeting"], official=person("official@demo.example"),
                        citizen=person("citizen@demo.example"))
        session.remove()
    with serving(app) as server:
        yield server.url, ids
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def found_pages(session, case_title):
    from deliberation import Milestone, Proposal
    from deliberation.debates.models import Debate
    from deliberation.meetings.models import Meeting
    from deliberation.responses.models import Answer

    now = datetime.now(timezone.utc)

    def first(query, what):
        found = session.execute(query.limit(1)).scalar()
        assert found is not None, f"the seeded demo has no {what}"
        return found

    answered = sa.select(Answer.proposal_id).where(Answer.step == "department_answer")
    return {
        "case": first(sa.select(Proposal.id).where(Proposal.title == case_title), "case"),
        "department_step": first(
            sa.select(Milestone.proposal_id).join(Proposal, Proposal.id == Milestone.proposal_id)
            .where(Milestone.step == "department_answer", Proposal.hidden_at.is_(None),
                   Milestone.proposal_id.not_in(answered)).order_by(Milestone.proposal_id),
            "proposal waiting for its department's answer"),
        "open_debate": first(sa.select(Debate.id).where(
            Debate.starts_at <= now, Debate.ends_at > now).order_by(Debate.id), "open debate"),
        "closed_debate": first(sa.select(Debate.id).where(Debate.ends_at <= now)
                               .order_by(Debate.participant_count.desc()), "closed debate"),
        "meeting": first(sa.select(Meeting.id).where(
            Meeting.status == "published", Meeting.ends_at > now).order_by(Meeting.starts_at),
            "upcoming meeting"),
    }


def prepare_meeting(session, meeting_id, *, official, citizen):
    from deliberation.meetings.qna import post_question
    from deliberation.meetings.registration import register, registration_of
    from deliberation.meetings.survey import define_survey, survey_of

    if not survey_of(session, meeting_id):
        define_survey(session, official, meeting_id, questions=SURVEY)
    if registration_of(session, citizen, meeting_id) is None:
        register(session, citizen, meeting_id)
    post_question(session, citizen, meeting_id, body="보건소 간호 인력은 어떻게 늘리나요?")


def pages_for(role, ids):
    """(name, path) of the main pages each role sees; a signed-in citizen
    revisits only the public pages that gain forms for them."""
    case, meeting = f"/proposals/{ids['case']}", f"/proposals/meetings/{ids['meeting']}"
    department_step = f"/proposals/{ids['department_step']}"
    open_debate = f"/proposals/debates/{ids['open_debate']}"
    return {
        "visitor": [
            ("home", "/"),
            ("proposals", "/proposals/"),
            ("case", case),
            ("debates", "/proposals/debates/"),
            ("debate-open", open_debate),
            ("debate-results", f"/proposals/debates/{ids['closed_debate']}"),
            ("meetings", "/proposals/meetings/"),
            ("meeting", meeting),
            ("qna", meeting + "/qna"),
            ("screen", meeting + "/screen"),
            ("signup", "/signup"),
            ("login", "/login"),
            ("password-forgot", "/password/forgot"),
            ("notices", "/notices/"),
        ],
        "citizen": [
            ("home", "/"),
            ("case", case),
            ("department-step", department_step),
            ("debate-open", open_debate),
            ("new-proposal", "/proposals/new"),
            ("my-page", "/proposals/me"),
            ("notifications", "/proposals/notifications"),
            ("meeting", meeting),
            ("qna", meeting + "/qna"),
            ("survey", meeting + "/survey"),
        ],
        "official": [
            ("answers", "/proposals/answers/due"),
            ("late", "/proposals/answers/late"),
            ("department-step", department_step),
            ("debate-new", "/proposals/debates/new"),
            ("qna", meeting + "/qna"),
            ("check-in", meeting + "/check-in"),
            ("survey-results", meeting + "/survey/results"),
            ("meeting-new", "/proposals/meetings/new"),
            ("meeting-edit", meeting + "/edit"),
            ("survey-edit", meeting + "/survey/edit"),
        ],
        "mayor": [("answers", "/proposals/answers/due"), ("case", case)],
        "committee": [("committee", "/proposals/committee"), ("case", case)],
        "admin": [
            ("moderation", "/proposals/moderation"),
            ("stats", "/proposals/admin/stats"),
            ("audit", "/proposals/admin/audit"),
            ("department-step", department_step),
            ("notice-new", "/notices/new"),
        ],
    }[role]


ACCOUNTS = {
    "citizen": ("citizen@demo.example", "citizen-demo"),
    "official": ("official@demo.example", "official-demo"),
    "mayor": ("mayor@demo.example", "mayor-demo"),
    "committee": ("committee@demo.example", "committee-demo"),
    "admin": ("admin@demo.example", "admin-demo"),
}


def log_in(page, base, role):
    email, password = ACCOUNTS[role]
    page.goto(base + "/login")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/")


def check_both_widths(page, role, name, problems):
    """axe at a phone's width, then at a desktop's, with a screenshot of each."""
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        found = audit(page, f"{role} · {name} · {size['width']}px")
        if found:
            problems.append(found)
        if size is PHONE:
            overflow = sideways_overflow(page)
            if overflow > 0:
                problems.append(f"{role} · {name}: scrolls {overflow}px sideways on a phone")
        # the first screen only: the walk takes the whole pages, and this is 5x faster
        shot(page, f"a11y-{role}-{name}-{size['width']}", full_page=False)
    problems.extend(f"{role} · {name}: {p}" for p in focus_problems(page))


@pytest.mark.parametrize("role", ["visitor", "citizen", "official", "mayor", "committee",
                                  "admin"])
def test_main_pages_meet_wcag_aa_at_phone_and_desktop_width_when_seen_by(
        demo, chromium, axe_script, role):  # noqa: F811
    base, ids = demo
    context = chromium.new_context(viewport=PHONE, locale="ko-KR")
    context.add_init_script(path=str(axe_script))
    page = context.new_page()
    errors, elsewhere = [], []
    page.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))
    # no asset from a CDN: every request stays on the site
    page.on("request", lambda r: r.url.startswith((base, "data:", "about:"))
            or elsewhere.append(r.url))
    if role != "visitor":
        log_in(page, base, role)
    problems = []
    for name, path in pages_for(role, ids):
        response = page.goto(base + path)
        assert response.ok, f"{role} · {name}: {response.status} at {path}"
        assert page.locator("html").get_attribute("lang") == "ko"
        check_both_widths(page, role, name, problems)

    if role == "visitor":
        # the forms with their errors shown
        page.goto(base + "/signup")
        page.locator("main form button[type=submit]").click()
        check_both_widths(page, role, "signup-errors", problems)
        page.goto(base + "/login")
        page.locator("main input[name=email]").fill("nobody@demo.example")
        page.locator("main input[name=password]").fill("wrong-password")
        page.locator("main form button[type=submit]").click()
        check_both_widths(page, role, "login-error", problems)
    if role == "citizen":
        page.goto(base + "/proposals/new")
        page.get_by_label("제목").fill("짧다")
        page.locator("main form button[type=submit]").click()
        assert page.get_by_role("alert").first.is_visible()
        check_both_widths(page, role, "new-proposal-errors", problems)

    context.close()
    assert not errors, f"server errors: {errors}"
    assert not elsewhere, f"requests that left the site: {elsewhere}"
    assert not problems, "accessibility problems:\n" + "\n".join(problems)


BROKEN_PAGE = """<!doctype html><html lang="ko"><title>고장 난 쪽</title>
<style>a:focus { outline: none }</style>
<main><h1>제목</h1><h3>건너뛴 단계</h3>
<form><input type="text" name="nameless"></form>
<svg><rect width="10" height="10"/></svg>
<a href="#top">위로</a></main></html>"""


def test_the_checks_refuse_an_unlabelled_field_a_skipped_heading_a_nameless_chart_and_hidden_focus(
        chromium, axe_script):  # noqa: F811
    """The checker itself: a page that breaks each rule is caught, so a
    passing page passed because it is right, not because nothing ran."""
    page = chromium.new_page()
    page.set_content(BROKEN_PAGE)
    found = audit(page, "broken", axe_script)
    assert "[critical] label:" in found
    assert structure_problems(page) == ['h3 "건너뛴 단계" comes after h1',
                                        "a chart (svg) without role=img and a text name"]
    assert focus_problems(page) == ['no visible focus on a "위로"']
    page.close()
