"""What a reviewer found walking the demo: countdowns after collection, merged
proposals, one message per field, notifications without titles, the
comment form's login note, seconds in times, and the moderation forms."""

import ast
import re

import pytest

from deliberation.notifications.models import Notification, NotificationEvent
from deliberation.stats.svg import bar_chart
from deliberation.web.admin import AUDIT_ACTIONS
from tests.test_catalogs import PACKAGE, load_catalog, translated
from tests.test_pages import (  # noqa: F401  (fixtures)
    AUTHOR, PAGES, anonymous, author, browser, create, csrf_of, members, other,
    post_form,
)
from tests.test_pages_debates import open_debate  # noqa: F401

ADMIN = 9


@pytest.fixture
def admin(app, members):
    with app.app_context():
        app.db.session.add(app.Member(id=ADMIN, nickname="Admin", roles="citizen,admin"))
        app.db.session.commit()
    return browser(app, ADMIN)


def text(answer):
    return answer.get_data(as_text=True)


def admin_post(client, proposal_id, action, data):
    return post_form(client, f"{PAGES}/{proposal_id}/{action}", data,
                     token_from=f"{PAGES}/{proposal_id}")


# -- 1. closed and merged proposals --

def test_closed_proposal_shows_no_step_countdown_when_collection_has_ended(app, author, admin):
    proposal_id = create(author)
    assert 'id="dl-next"' in text(author.get(f"{PAGES}/{proposal_id}"))

    closed = admin_post(admin, proposal_id, "close", {"reason": "The question is settled."})

    assert closed.status_code == 302
    page = text(author.get(f"{PAGES}/{proposal_id}"))
    assert 'id="dl-next"' not in page and 'role="progressbar"' not in page
    assert "공감 모집이 끝났습니다" in page or "Collection has ended" in page


def test_merged_proposal_is_badged_merged_and_links_to_its_target_by_title(app, author, admin):
    duplicate = create(author, title="Bike lanes on the river road, again")
    target = create(author)

    merged = admin_post(admin, duplicate, "merge", {"target_id": str(target)})

    assert merged.status_code == 302
    listing = text(author.get(f"{PAGES}/?state=closed"))
    assert "다른 제안에 병합됨" in listing
    card = listing.split("Bike lanes on the river road, again", 1)[1]
    assert "dl-merged" in card.split("</article>", 1)[0]
    page = text(author.get(f"{PAGES}/{duplicate}"))
    assert f"{target}번 제안으로 가기: Protected bike lanes on the river road" in page
    assert 'id="dl-next"' not in page


# -- 8. moderation forms --

def test_merge_refusal_stays_on_the_form_with_the_number_kept_when_the_target_is_unknown(
        app, author, admin):
    duplicate = create(author)

    refused = admin_post(admin, duplicate, "merge", {"target_id": "999"})

    assert refused.status_code == 404
    page = text(refused)
    assert '<h1>Protected bike lanes on the river road</h1>' in page  # the proposal's own page
    assert 'id="merge-target_id-error"' in page and "그 번호의 제안이 없습니다." in page
    assert 'name="target_id" min="1" inputmode="numeric" value="999"' in page
    assert "그런 제안이 없습니다." not in page


def test_merge_refusal_stays_on_the_form_when_the_target_is_not_collecting(app, author, admin):
    duplicate, target = create(author), create(author, title="Closed already, this one")
    admin_post(admin, target, "close", {"reason": "The question is settled."})

    refused = admin_post(admin, duplicate, "merge", {"target_id": str(target)})

    assert refused.status_code == 422
    assert 'id="merge-target_id-error"' in text(refused)


def test_hide_form_states_the_length_rule_before_and_after_a_short_reason(app, author, admin):
    proposal_id = create(author)
    page = text(admin.get(f"{PAGES}/{proposal_id}"))
    assert 'id="hide-reason-hint"' in page and 'aria-describedby="hide-reason-hint"' in page
    assert "5자 이상 500자 이하로 써 주세요." in page

    refused = admin_post(admin, proposal_id, "hide", {"reason": "욕설"})

    assert refused.status_code == 422
    page = text(refused)
    assert 'aria-describedby="hide-reason-hint hide-reason-error"' in page
    assert page.count('id="hide-reason-error"') == 1 and 'value="욕설"' in page


# -- 4. one message per field, in one element --

def test_comment_form_shows_one_message_in_one_element_when_the_opinion_is_blank(app, author):
    proposal_id = create(author)

    refused = post_form(author, f"{PAGES}/{proposal_id}/comments", {"body": "   "},
                        token_from=f"{PAGES}/{proposal_id}")

    assert refused.status_code == 422
    page = text(refused)
    assert page.count('id="comment-body-error"') == 1
    errors = re.findall(r'<p class="dl-error" id="comment-body-error">([^<]*)</p>', page)
    assert len(errors) == 1


def test_ballot_form_shows_the_stance_and_one_opinion_message_when_both_are_missing(
        app, open_debate):
    client = browser(app, 1)
    page = f"{PAGES}/debates/{open_debate}"

    refused = client.post(f"{page}/ballot", data={"opinion": "", "csrf_token": csrf_of(
        client.get(page))})

    assert refused.status_code == 422
    html = text(refused)
    assert html.count('id="stance-error"') == 1
    assert html.count('id="dl-opinion-error"') == 1
    assert "비워 둘 수 없습니다." in html and "1~1,000자로 써 주세요." not in html


def test_proposal_form_shows_one_message_per_field_when_the_title_is_blank(app, author):
    refused = post_form(author, f"{PAGES}/new", {"title": "", "body": "", "category": ""})

    assert refused.status_code == 422
    page = text(refused)
    for field in ("title", "body"):
        assert page.count(f'id="{field}-error"') == 1


# -- 6. the comment form's login note --

def test_comment_form_tells_a_visitor_to_log_in_to_comment_with_a_link(app, author, anonymous):
    proposal_id = create(author)

    page = text(anonymous.get(f"{PAGES}/{proposal_id}"))

    note = page.split('id="comment-login"', 1)[1].split("</p>", 1)[0]
    assert "의견을 올리려면 로그인해야 합니다." in note
    assert f'href="/login?next=/proposals/{proposal_id}%23dl-comments"' in note
    assert "공감하려면" not in note


# -- 7. times without seconds --

def test_times_read_to_the_minute_in_korean_when_a_proposal_is_published(app, author):
    proposal_id = create(author)

    page = text(author.get(f"{PAGES}/{proposal_id}"))

    shown = re.findall(r"<time datetime=\"[^\"]+\">([^<]+)</time>", page)
    assert shown
    for when in shown:
        assert re.fullmatch(r"\d{4}\. \d{1,2}\. \d{1,2}\. (오전|오후) \d{1,2}:\d{2}", when), when


# -- 5. notifications name their proposal --

def notify(app, proposal_id, member_id, kind="milestone_reached", **data):
    """One delivered notification, as the outbox's fan-out would leave it."""
    from tests.conftest import START

    with app.app_context():
        session = app.extensions["deliberation"].db.session
        event = NotificationEvent(kind=kind, proposal_id=proposal_id, data=data,
                                  created_at=START, fanned_out_at=START)
        session.add(event)
        session.flush()
        session.add(Notification(event_id=event.id, participant_id=f"m{member_id}", kind=kind,
                                 proposal_id=proposal_id, data=data, created_at=START))
        session.commit()


def test_notifications_and_my_page_name_the_proposal_of_each_item(app, author):
    proposal_id = create(author)
    notify(app, proposal_id, AUTHOR, step="agenda")

    for path in (f"{PAGES}/notifications", f"{PAGES}/me"):
        page = text(author.get(path))
        assert '<span class="dl-subject">Protected bike lanes on the river road</span>' in page


def test_notifications_are_titled_in_one_query_however_many_there_are(app, author):
    from sqlalchemy import event

    ids = [create(author, title=f"Proposal number {n} here") for n in range(3)]
    for proposal_id in ids:
        notify(app, proposal_id, AUTHOR)
    with app.app_context():
        engine = app.extensions["deliberation"].db.engine
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        page = text(author.get(f"{PAGES}/notifications"))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert all(f"Proposal number {n} here" in page for n in range(3))
    titled = [s for s in statements if "deliberation_proposal.title" in s
              and "deliberation_notification" not in s]
    assert len(titled) == 1


# -- 2. the audit log's actions are words --

def audit_actions_in_the_package():
    """The first string given to record_audit(...) anywhere; "x_" + subject
    is expanded with every subject of reactions."""
    from deliberation.reactions import Subject

    found = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record_audit"
                    and len(node.args) >= 3):
                continue
            action = node.args[2]
            if isinstance(action, ast.Constant):
                found.add(action.value)
            elif isinstance(action, ast.BinOp) and isinstance(action.left, ast.Constant):
                found |= {action.left.value + str(s) for s in Subject}
            else:
                found.add(None)
    return found


def test_every_audit_action_the_package_records_is_listed_and_reads_as_words():
    actions = audit_actions_in_the_package()
    assert {"merge", "hide_comment", "check_in"} <= actions  # the scanner finds them
    assert actions <= set(AUDIT_ACTIONS)
    for locale in ("ko", "en"):
        catalog = load_catalog(locale)
        missing = [a for a in AUDIT_ACTIONS if not translated(catalog, f"audit_{a}")]
        assert not missing, f"{locale}: no words for {missing}"


# -- 3. statistics on a phone --

def test_bar_chart_lays_long_labels_across_when_they_would_overlap():
    labels = ["경제·일자리", "주택·도시계획", "교통", "환경·에너지", "복지", "문화·관광"] * 2
    svg = bar_chart(labels, list(range(12)), chart_id="c", title="t", description="d",
                    label_every=1)
    assert svg.count("<rect") == 12
    ys = [float(y) for y in re.findall(r'<text x="[^"]+" y="([^"]+)" text-anchor="end">[^0-9<]',
                                       svg)]
    assert len(set(ys)) == 12, "each label on a row of its own"
    short = bar_chart(["03-01", "03-02"], [1, 2], chart_id="d", title="t", description="d")
    assert 'text-anchor="middle">03-01' in short
