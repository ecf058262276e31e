"""The HTML pages under /proposals, through Flask's test client: the host's
session cookie logs members in and every form carries the CSRF token."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation.db import Base
from tests.conftest import START

PAGES = "/proposals"
AUTHOR, OTHER = 1, 2

BIKE_LANES = {
    "title": "Protected bike lanes on the river road",
    "body": "Cyclists share the river road with fast cars; separate lanes would save lives.",
    "category": "transport",
}


@pytest.fixture
def members(app):
    with app.app_context():
        app.db.session.add_all([app.Member(id=AUTHOR, nickname="Author"),
                                app.Member(id=OTHER, nickname="Other")])
        app.db.session.commit()


def browser(app, member_id=None):
    client = app.test_client()
    if member_id is not None:
        assert client.post("/login", data={"member_id": member_id}).status_code == 200
    return client


@pytest.fixture
def author(app, members):
    return browser(app, AUTHOR)


@pytest.fixture
def other(app, members):
    return browser(app, OTHER)


@pytest.fixture
def anonymous(app, members):
    return browser(app)


def csrf_of(page):
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match, "the page has no CSRF field"
    return match.group(1)


def post_form(client, path, data=None, *, token_from=None):
    """Post a form as a browser would: with the token of the page it came from."""
    token = csrf_of(client.get(token_from or path))
    return client.post(path, data={**(data or {}), "csrf_token": token})


def create(client, *, publish=True, **overrides):
    answer = post_form(client, f"{PAGES}/new", {**BIKE_LANES, **overrides})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    proposal_id = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    if publish:
        published = post_form(client, f"{PAGES}/{proposal_id}/publish",
                              token_from=f"{PAGES}/{proposal_id}")
        assert published.status_code == 302
    return proposal_id


def row(app, proposal_id):
    with app.app_context():
        proposals = Base.metadata.tables["deliberation_proposal"]
        return app.extensions["deliberation"].db.session.execute(
            sa.select(proposals).where(proposals.c.id == proposal_id)).one()


def count(app, table):
    with app.app_context():
        return app.extensions["deliberation"].db.session.execute(
            sa.select(sa.func.count()).select_from(Base.metadata.tables[table])).scalar_one()


def text(answer):
    return answer.get_data(as_text=True)


# -- list --


def test_list_shows_only_matching_proposals_when_filters_are_applied(app, author, anonymous):
    bikes = create(author)
    create(author, title="Plant trees along the school streets", category="environment")
    create(author, publish=False, title="A draft nobody else may see")

    everything = text(anonymous.get(f"{PAGES}/"))
    transport = text(anonymous.get(f"{PAGES}/?category=transport&state=collecting"))
    searched = text(anonymous.get(f"{PAGES}/?q=school"))

    assert "Protected bike lanes" in everything and "Plant trees" in everything
    assert "A draft nobody else may see" not in everything
    assert "Plant trees" not in transport
    assert f'href="{PAGES}/{bikes}"' in transport
    assert '<option value="transport" selected>' in transport
    assert "Plant trees" in searched and "Protected bike lanes" not in searched


def test_list_links_to_the_next_page_and_keeps_filters_when_results_overflow(
        app, author, anonymous, clock):
    for n in range(3):
        create(author, title=f"Bike lanes number {n} on the river")
        clock.advance(minutes=1)

    first = text(anonymous.get(f"{PAGES}/?per_page=2&category=transport"))
    second = text(anonymous.get(f"{PAGES}/?per_page=2&category=transport&page=2"))

    assert "Bike lanes number 2" in first and "Bike lanes number 0" not in first
    assert re.search(r'href="[^"]*page=2[^"]*"', first)
    assert "category=transport" in re.search(r'href="([^"]*page=2[^"]*)"', first).group(1)
    assert "Bike lanes number 0" in second and "Bike lanes number 2" not in second


@pytest.mark.parametrize("query", [
    "?sort=loudest", "?page=0", "?page=abc", "?per_page=1000", "?state=secret",
    "?q=" + "x" * 500, "?page=99999", "?q=%25_%5C",
])
def test_list_falls_back_to_defaults_when_the_query_is_invalid(anonymous, query):
    answer = anonymous.get(f"{PAGES}/{query}")

    assert answer.status_code == 200
    assert "<h1>" in text(answer)


# -- detail --


def test_detail_shows_progress_toward_the_next_step_when_collecting(app, author, other):
    proposal_id = create(author)
    post_form(other, f"{PAGES}/{proposal_id}/agree", token_from=f"{PAGES}/{proposal_id}")

    page = text(other.get(f"{PAGES}/{proposal_id}"))

    assert 'role="progressbar"' in page
    assert 'aria-valuemax="50"' in page and 'aria-valuenow="1"' in page
    next_step = re.search(r'<p id="dl-next">(.*?)</p>', page, re.S).group(1)
    assert "49" in next_step
    assert re.search(r'<strong id="dl-count">1</strong>', page)


def test_detail_lists_the_timeline_in_order_when_the_proposal_was_edited(app, author, clock):
    proposal_id = create(author)
    clock.advance(hours=2)
    post_form(author, f"{PAGES}/{proposal_id}/edit", {**BIKE_LANES, "title": "Separated lanes now"})

    page = text(author.get(f"{PAGES}/{proposal_id}"))

    timeline = re.search(r'<ol class="dl-timeline">(.*?)</ol>', page, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", timeline, re.S)
    assert len(items) == 3
    assert [re.search(r'datetime="([^"]+)"', item).group(1) for item in items] == [
        START.isoformat(), START.isoformat(), (START + timedelta(hours=2)).isoformat()]
    assert "Separated lanes now" in page


def test_detail_answers_404_page_when_the_draft_belongs_to_someone_else(app, author, other):
    draft = create(author, publish=False)

    answer = other.get(f"{PAGES}/{draft}")

    assert answer.status_code == 404
    assert 'role="alert"' in text(answer)
    assert BIKE_LANES["title"] not in text(answer)


def test_detail_answers_404_page_when_the_proposal_does_not_exist(anonymous):
    answer = anonymous.get(f"{PAGES}/424242")

    assert answer.status_code == 404
    assert 'role="alert"' in text(answer)


# -- submitting and publishing --


def test_submitting_saves_a_draft_and_shows_similar_proposals_when_some_exist(app, author):
    existing = create(author)

    answer = post_form(author, f"{PAGES}/new", {
        **BIKE_LANES, "title": "Bike lanes on the river road, protected"})
    draft_page = author.get(answer.headers["Location"])

    assert answer.status_code == 302
    draft_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    assert row(app, draft_id).state == "draft"
    page = text(draft_page)
    assert f'href="{PAGES}/{existing}"' in page
    assert f'action="{PAGES}/{draft_id}/publish"' in page


def test_publishing_from_the_draft_page_opens_collection_when_the_author_clicks(app, author):
    draft_id = create(author, publish=False)

    answer = post_form(author, f"{PAGES}/{draft_id}/publish", token_from=f"{PAGES}/{draft_id}")
    page = text(author.get(answer.headers["Location"]))

    assert answer.status_code == 302
    assert row(app, draft_id).state == "collecting"
    assert f'action="{PAGES}/{draft_id}/publish"' not in page
    assert f'action="{PAGES}/{draft_id}/agree"' in page


def test_form_answers_422_with_field_messages_and_aria_invalid_when_input_is_bad(app, author):
    answer = post_form(author, f"{PAGES}/new",
                       {"title": "Bike", "body": BIKE_LANES["body"], "category": "space"})

    assert answer.status_code == 422
    page = text(answer)
    title_input = re.search(r'<input type="text" id="title"[^>]*>', page, re.S).group(0)
    assert re.search(r'aria-invalid="?true', title_input)
    assert "title-error" in title_input
    assert re.search(r'<p class="dl-error" id="title-error">[^<]+</p>', page)
    assert re.search(r'<p class="dl-error" id="category-error">[^<]+</p>', page)
    body_input = re.search(r"<textarea[^>]*>", page, re.S).group(0)
    assert "aria-invalid" not in body_input
    assert 'value="Bike"' in page
    assert count(app, "deliberation_proposal") == 0


def test_form_redirects_to_the_host_login_when_the_visitor_is_anonymous(anonymous):
    answer = anonymous.get(f"{PAGES}/new")

    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/login?next=")


# -- editing --


def test_editing_saves_the_new_text_when_the_author_submits_the_form(app, author):
    proposal_id = create(author)
    form = text(author.get(f"{PAGES}/{proposal_id}/edit"))

    answer = post_form(author, f"{PAGES}/{proposal_id}/edit",
                       {**BIKE_LANES, "body": BIKE_LANES["body"] + " Children too."})

    assert f'value="{BIKE_LANES["title"]}"' in form
    assert answer.status_code == 302
    assert row(app, proposal_id).body.endswith("Children too.")


def test_editing_is_refused_with_a_403_page_when_the_member_is_not_the_author(
        app, author, other):
    proposal_id = create(author)

    shown = other.get(f"{PAGES}/{proposal_id}/edit")
    answer = post_form(other, f"{PAGES}/{proposal_id}/edit",
                       {**BIKE_LANES, "title": "Taken over by another"},
                       token_from=f"{PAGES}/{proposal_id}")

    assert shown.status_code == 403  # not even the form is shown to a non-author
    assert answer.status_code == 403
    assert 'role="alert"' in text(answer)
    assert row(app, proposal_id).title == BIKE_LANES["title"]


def test_editing_is_refused_with_a_409_page_when_somebody_agreed(app, author, other):
    proposal_id = create(author)
    post_form(other, f"{PAGES}/{proposal_id}/agree", token_from=f"{PAGES}/{proposal_id}")

    detail = text(author.get(f"{PAGES}/{proposal_id}"))
    shown = author.get(f"{PAGES}/{proposal_id}/edit")
    answer = post_form(author, f"{PAGES}/{proposal_id}/edit", {**BIKE_LANES, "title": "Changed!"},
                       token_from=f"{PAGES}/{proposal_id}")

    assert f'href="{PAGES}/{proposal_id}/edit"' not in detail
    assert shown.status_code == 409
    assert answer.status_code == 409
    assert row(app, proposal_id).title == BIKE_LANES["title"]


# -- agreeing --


def test_agree_button_turns_into_withdraw_when_the_member_agreed(app, author, other):
    proposal_id = create(author)
    before = text(other.get(f"{PAGES}/{proposal_id}"))

    agreed = post_form(other, f"{PAGES}/{proposal_id}/agree", token_from=f"{PAGES}/{proposal_id}")
    after = text(other.get(f"{PAGES}/{proposal_id}"))
    withdrawn = post_form(other, f"{PAGES}/{proposal_id}/unagree",
                          token_from=f"{PAGES}/{proposal_id}")

    assert f'action="{PAGES}/{proposal_id}/agree"' in before
    assert agreed.status_code == 302 and withdrawn.status_code == 302
    assert f'action="{PAGES}/{proposal_id}/unagree"' in after
    assert 'role="status"' in after
    assert row(app, proposal_id).agreement_count == 0


def test_agree_redirects_to_the_host_login_when_the_visitor_is_anonymous(app, author, anonymous):
    proposal_id = create(author)

    answer = post_form(anonymous, f"{PAGES}/{proposal_id}/agree",
                       token_from=f"{PAGES}/{proposal_id}")

    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/login?next=")
    assert count(app, "deliberation_agreement") == 0


def test_form_post_without_token_shows_a_readable_400_page_when_csrf_is_missing(
        app, author, other):
    proposal_id = create(author)

    answer = other.post(f"{PAGES}/{proposal_id}/agree")

    assert answer.status_code == 400
    assert answer.mimetype == "text/html"
    assert 'role="alert"' in text(answer)
    assert count(app, "deliberation_agreement") == 0


def test_form_post_with_a_forged_token_shows_a_400_page_when_the_token_is_not_the_sessions(
        app, author, other):
    proposal_id = create(author)
    foreign = csrf_of(author.get(f"{PAGES}/{proposal_id}"))

    answer = other.post(f"{PAGES}/{proposal_id}/agree", data={"csrf_token": foreign})

    assert answer.status_code == 400
    assert count(app, "deliberation_agreement") == 0


# -- closing --


def test_expired_proposal_shows_closed_and_stays_readable_when_its_period_ends(
        app, author, other, clock):
    proposal_id = create(author)
    clock.advance(days=30, seconds=1)

    page = other.get(f"{PAGES}/{proposal_id}")
    refused = post_form(other, f"{PAGES}/{proposal_id}/agree", token_from=f"{PAGES}/new")

    assert page.status_code == 200
    assert BIKE_LANES["body"] in text(page)
    assert f'action="{PAGES}/{proposal_id}/agree"' not in text(page)
    assert "dl-card" in text(page) and row(app, proposal_id).state == "closed"
    assert refused.status_code == 409
    assert count(app, "deliberation_agreement") == 0


def test_withdrawn_proposal_stays_readable_without_buttons_when_the_author_withdrew(
        app, author, other):
    proposal_id = create(author)
    post_form(author, f"{PAGES}/{proposal_id}/withdraw", token_from=f"{PAGES}/{proposal_id}")

    page = text(other.get(f"{PAGES}/{proposal_id}"))

    assert BIKE_LANES["title"] in page
    assert "<form" not in page
    assert row(app, proposal_id).state == "withdrawn"


# -- never a 500 --


@pytest.mark.parametrize("method, path", [
    ("GET", "/"), ("GET", "/new"), ("GET", "/abc"), ("GET", "/424242"), ("GET", "/424242/edit"),
    ("POST", "/424242/agree"), ("POST", "/424242/unagree"), ("POST", "/424242/publish"),
    ("POST", "/424242/withdraw"), ("POST", "/424242/edit"), ("POST", "/new"),
    ("GET", "/1/edit"), ("POST", "/1/agree"), ("POST", "/1/publish"), ("POST", "/1/withdraw"),
])
@pytest.mark.parametrize("who", ["anonymous", "author", "other"])
def test_pages_never_answer_500_when_visited_by_anyone(app, author, who, method, path, request):
    create(author, publish=False)
    client = request.getfixturevalue(who)
    token = client.get("/csrf-token").get_json()["csrf_token"]

    answer = client.open(PAGES + path, method=method,
                         data={"csrf_token": token, "title": "x"} if method == "POST" else None)

    assert answer.status_code < 500, text(answer)
