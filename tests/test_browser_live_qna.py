"""Live Q&A with two real Chromium pages, each served by its own server
process on the same SQLite file: one citizen posts a question, and the other
citizen's page — never reloaded — shows it within 2 seconds. The screens'
state is in the database, not in one process's memory.

Screenshots land in screenshots/ (git-ignored)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from demo_site.seed import MEETING_TITLE
from tests.test_browser import browser, shot, watch  # noqa: F401

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"width": 375, "height": 800}
CONFIG = {"SECRET_KEY": "browser-test", "DEMO_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}

#: one worker process: the demo app on a free port, which it prints
SERVE = """
import sys
from werkzeug.serving import make_server
from demo_site import create_app
app = create_app({**%r, "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


def _worker(uri):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", SERVE % (CONFIG,), uri], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().strip()
    if not line.isdigit():
        process.kill()
        pytest.fail(f"the demo worker did not start: {line!r}", pytrace=False)
    return process, f"http://127.0.0.1:{line}"


@pytest.fixture
def two_workers(tmp_path):
    """Seed once, then two separate server processes on the same database."""
    from demo_site import create_app
    from demo_site.models import db
    from deliberation.meetings.models import Meeting

    uri = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": uri})
    seeded = app.test_cli_runner().invoke(args=["seed", "--reset"])
    assert seeded.exit_code == 0, seeded.output
    with app.app_context():
        meeting_id = db.session.execute(sa.select(Meeting.id).where(
            Meeting.title == MEETING_TITLE)).scalar_one()
        db.session.remove()
        db.engine.dispose()
    workers = [_worker(uri), _worker(uri)]
    try:
        yield meeting_id, [url for _, url in workers]
    finally:
        for process, _ in workers:
            process.terminate()
            process.wait(timeout=10)


def log_in(page, base, email, password):
    page.goto(base + "/login")
    page.get_by_label("이메일").fill(email)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_load_state()


def test_question_posted_on_one_worker_appears_on_the_other_page_within_2_seconds(
        two_workers, browser):  # noqa: F811
    meeting_id, (first, second) = two_workers
    failures = []
    asker = browser.new_context(viewport=PHONE, locale="ko-KR").new_page()
    watcher = browser.new_context(viewport=PHONE, locale="ko-KR").new_page()
    watch(asker, failures)
    watch(watcher, failures)
    log_in(asker, first, "citizen@demo.example", "citizen-demo")
    log_in(watcher, second, "citizen2@demo.example", "citizen2-demo")

    asker.goto(f"{first}/proposals/meetings/{meeting_id}/qna")
    watcher.goto(f"{second}/proposals/meetings/{meeting_id}/qna")
    assert watcher.locator("#dl-qna-list").get_by_text("아직 질문이 없습니다.").is_visible()
    watcher.evaluate("window.notReloaded = true")

    question = "보건소 간호 인력은 어떻게 늘리나요?"
    asker.get_by_label("질문이나 의견").fill(question)
    asker.get_by_role("button", name="올리기").click()
    asker.wait_for_load_state()
    posted = time.monotonic()
    assert asker.locator("#dl-qna-list").get_by_text(question).is_visible()

    watcher.locator("#dl-qna-list").get_by_text(question).wait_for(timeout=2000)
    seen_after = time.monotonic() - posted
    assert seen_after < 2.0, f"the other page saw it after {seen_after:.2f}s"
    assert watcher.evaluate("window.notReloaded") is True  # no reload happened
    assert watcher.locator("#dl-qna-list .dl-qna-author").first.inner_text() == "김시민"
    shot(watcher, "375-live-qna-seen")

    # the upvote form of a question that arrived by polling works too
    watcher.locator("#dl-qna-list").get_by_role("button", name="추천").first.click()
    watcher.wait_for_load_state()
    assert watcher.locator("#dl-qna-list .dl-qna-votes").first.inner_text() == "1"
    # an upvote shows: the button says 추천함 and cannot be pressed again, also after the
    # list is redrawn from the API (the asker's second question makes it change)
    upvoted = watcher.locator("#dl-qna-list").get_by_role("button", name=f"추천함: {question}")
    assert upvoted.is_disabled()
    watcher.evaluate("window.notReloaded = true")
    asker.get_by_label("질문이나 의견").fill("보건소는 몇 시까지 여나요?")
    asker.get_by_role("button", name="올리기").click()
    watcher.locator("#dl-qna-list").get_by_text("보건소는 몇 시까지 여나요?").wait_for(timeout=2000)
    assert watcher.evaluate("window.notReloaded") is True
    assert upvoted.is_disabled()
    assert watcher.locator("#dl-qna-list").get_by_role(
        "button", name="추천: 보건소는 몇 시까지 여나요?").is_enabled()

    assert not failures, f"server errors: {failures}"
