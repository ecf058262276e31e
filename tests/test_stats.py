"""Officials' statistics and the audit log: numbers per day and per category
from known rows, on SQLite and PostgreSQL; CSV exports; charts with a text
equivalent; admins only."""

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from deliberation import Agreement, Milestone, Participant, Proposal, Role
from deliberation.audit import record_audit
from deliberation.i18n import gettext
from deliberation.responses.models import Answer
from deliberation.stats import bar_chart, collect_stats, stats_window

API = "/api/v1/admin"
PAGES = "/proposals/admin"
UTC = timezone.utc
ADMIN, CITIZEN = 1, 2


def at(day, hour=0, month=3):
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def client(app):
    with app.app_context():
        app.db.session.add_all([app.Member(id=ADMIN, nickname="admin", roles="citizen,admin"),
                                app.Member(id=CITIZEN, nickname="kim", roles="citizen")])
        app.db.session.commit()
    return app.test_client()


def bearer(member_id):
    return {"Authorization": f"Bearer member-{member_id}"}


def as_member(client, member_id):
    assert client.post("/login", data={"member_id": member_id}).status_code == 200
    return client


def proposal(session, category, author, published_at, title="t"):
    row = Proposal(title=title, body="b", category=category, author_id=author,
                   state="draft" if published_at is None else "collecting",
                   created_at=published_at or at(1), updated_at=published_at or at(1),
                   published_at=published_at)
    session.add(row)
    session.flush()
    return row


def agree(session, row, participant_id, moment):
    session.add(Agreement(proposal_id=row.id, participant_id=participant_id, created_at=moment))


def answer_due(session, row, *, reached, due, answered=None, step="department_answer"):
    session.add(Milestone(proposal_id=row.id, step=step, metric="agreements", count_at=50,
                          reached_at=reached, answer_due_at=due))
    if answered is not None:
        session.add(Answer(proposal_id=row.id, step=step, status="published",
                           decision="accepted", body_markdown="ok", body_html="<p>ok</p>",
                           created_at=answered, updated_at=answered, published_at=answered))


@pytest.fixture
def seeded(app, client):
    """Known rows around 'now' (2 March 2026, 18:00 in Seoul, the host's zone)."""
    with app.app_context():
        s = app.db.session
        p1 = proposal(s, "health", "a1", at(1, 2))            # 1 March in Seoul
        p2 = proposal(s, "health", "a2", at(28, 16, month=2))  # 28 Feb UTC, 1 March in Seoul
        p3 = proposal(s, "transport", "a1", at(2, 1))
        proposal(s, "health", "a3", None)                      # a draft: not published
        for pid, moment in (("c1", at(1, 5)), ("c2", at(1, 6)), ("a2", at(1, 7))):
            agree(s, p1, pid, moment)
        agree(s, p1, "c9", at(1, 0, month=1))                  # outside the last 30 days
        agree(s, p3, "c1", at(2, 3))
        agree(s, p2, "c1", at(2, 4))
        # answers on older proposals (published outside the window)
        on_time = proposal(s, "health", "old1", at(10, month=1))
        late = proposal(s, "transport", "old2", at(12, month=1))
        missing = proposal(s, "health", "old3", at(15, month=1))
        answer_due(s, on_time, reached=at(1, month=2), due=at(15, 10, month=2),
                   answered=at(10, 3, month=2))
        answer_due(s, late, reached=at(5, month=2), due=at(20, month=2),
                   answered=at(25, 3, month=2))
        answer_due(s, missing, reached=at(10, month=2), due=at(25, 12, month=2))
        answer_due(s, on_time, reached=at(20, month=2), due=at(1, month=4), step="mayor_answer")
        s.commit()
    return app


def day(iso):
    return datetime.fromisoformat(iso).date()


# -- the numbers --

def test_stats_count_per_day_and_category_in_the_sites_time_zone_when_rows_are_known(seeded):
    with seeded.test_request_context():
        from flask_babel import get_timezone

        stats = collect_stats(seeded.extensions["deliberation"].db.session,
                              stats_window(tz=get_timezone()))
    assert (stats.window.first_day, stats.window.last_day) == (day("2026-02-01"),
                                                               day("2026-03-02"))
    assert stats.value("proposals", day("2026-03-01"), "health") == 2
    assert stats.value("proposals", day("2026-02-28")) == 0
    assert stats.value("proposals", day("2026-03-02"), "transport") == 1
    assert stats.value("proposals") == 3
    assert stats.value("agreements", day("2026-03-01"), "health") == 3
    assert stats.value("agreements", day("2026-03-02")) == 2
    assert stats.value("agreements") == 5


def test_distinct_participants_count_each_person_once_when_they_agree_and_propose(seeded):
    with seeded.test_request_context():
        from flask_babel import get_timezone

        stats = collect_stats(seeded.extensions["deliberation"].db.session,
                              stats_window(tz=get_timezone()))
    # 1 March, health: authors a1, a2 and agreers c1, c2, a2 (a2 counted once)
    assert stats.value("participants", day("2026-03-01"), "health") == 4
    assert stats.value("participants", day("2026-03-02"), "transport") == 2
    assert stats.value("participants", day("2026-03-02"), "health") == 1
    assert stats.value("participants", day("2026-03-02")) == 2
    assert stats.value("participants", None, "health") == 4
    assert stats.value("participants", None, "transport") == 2
    assert stats.value("participants") == 4  # not 6: people are not summed over categories


def test_ballot_casters_count_as_participants_when_they_vote_in_a_city_question(seeded, clock):
    from deliberation.debates.operations import cast_ballot, create_city_question

    official = Participant(id="official", roles={Role.MAYOR_OFFICE})
    with seeded.app_context():
        session = seeded.extensions["deliberation"].db.session
        question = create_city_question(session, official, question="따릉이 헬멧, 의무로 할까요?",
                                        starts_at=clock.now, ends_at=clock.now + timedelta(days=30))
        for voter in ("c1", "v9"):  # c1 also agreed on 1 March; v9 only votes
            cast_ballot(session, Participant(id=voter), question.id, stance="pro",
                        opinion="찬성합니다")
        stats = collect_stats(session, stats_window())
    today = clock.now.date()
    assert stats.value("ballots", today, "city_question") == 2
    assert stats.value("participants", today, "city_question") == 2
    assert stats.value("participants") == 5  # v9 joins a1, a2, c1, c2


def test_answers_count_on_time_late_and_overdue_on_their_day_when_due_dates_pass(seeded):
    with seeded.app_context():
        stats = collect_stats(seeded.extensions["deliberation"].db.session,
                              stats_window(tz=UTC))
    assert stats.value("answers_on_time", day("2026-02-10"), "health") == 1
    assert stats.value("answers_late", day("2026-02-25"), "transport") == 1
    assert stats.value("answers_overdue", day("2026-02-25"), "health") == 1
    assert (stats.value("answers_on_time"), stats.value("answers_late"),
            stats.value("answers_overdue")) == (1, 1, 1)
    assert stats.lateness.open_on_time == 1  # the mayor's answer, due in April


def test_days_follow_utc_when_the_window_is_asked_in_utc(seeded):
    with seeded.app_context():
        stats = collect_stats(seeded.extensions["deliberation"].db.session,
                              stats_window(tz=UTC))
    assert stats.value("proposals", day("2026-02-28"), "health") == 1
    assert stats.value("proposals", day("2026-03-01"), "health") == 1


def test_window_keeps_only_its_days_when_a_range_is_given(seeded):
    answer = seeded.test_client().get(f"{API}/stats?from=2026-03-01&to=2026-03-01",
                                      headers=bearer(ADMIN))
    assert answer.status_code == 200
    data = answer.json
    assert (data["from"], data["to"], data["timezone"]) == ("2026-03-01", "2026-03-01",
                                                            "Asia/Seoul")
    assert [row["day"] for row in data["by_day"]] == ["2026-03-01"]
    assert data["totals"]["proposals"] == 2 and data["totals"]["agreements"] == 3
    assert data["by_day_and_category"] == [{
        "day": "2026-03-01", "category": "health", "proposals": 2, "agreements": 3,
        "participants": 4, "answers_on_time": 0, "answers_late": 0, "answers_overdue": 0,
        "ballots": 0}]
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("query, field", [
    ("from=2026-03-05&to=2026-03-01", "to"),
    ("from=2025-01-01&to=2026-03-01", "to"),
    ("from=2026-13-01", "from"),
    ("to=yesterday", "to"),
])
def test_stats_api_refuses_with_422_and_the_field_when_the_range_is_bad(seeded, query, field):
    answer = seeded.test_client().get(f"{API}/stats?{query}", headers=bearer(ADMIN))
    assert answer.status_code == 422
    assert answer.json["error"]["code"] == "invalid"
    assert field in answer.json["error"]["fields"]


def test_stats_page_shows_the_form_with_the_error_when_the_range_is_reversed(seeded):
    client = as_member(seeded.test_client(), ADMIN)
    answer = client.get(f"{PAGES}/stats?from=2026-03-05&to=2026-03-01")
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'aria-invalid="true"' in html and "<svg" not in html


# -- pages, charts and CSV --

def test_stats_page_draws_charts_that_are_images_with_a_title_and_a_table_beside(seeded):
    client = as_member(seeded.test_client(), ADMIN)
    answer = client.get(f"{PAGES}/stats")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    charts = html.count("<svg")
    assert charts >= 4 and html.count('role="img"') == charts
    for chart_id in ("dl-chart-proposals", "dl-chart-agreements", "dl-chart-participants",
                     "dl-chart-categories"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
        assert f'<title id="{chart_id}-title">' in html and f'<desc id="{chart_id}-desc">' in html
    assert "<script" not in html and "http" not in html.split("<main", 1)[1].split("<svg", 1)[0]
    for table in ("dl-by_day", "dl-by_category", "dl-by_day_and_category"):
        assert f'<table class="dl-table" id="{table}">' in html
    assert html.count("<caption>") == 3


def test_bar_chart_escapes_its_text_and_refuses_unequal_lists():
    svg = bar_chart(["<b>", "x"], [3, 0], chart_id="c", title="A & B", description="d")
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "A &amp; B" in svg
    assert svg.count("<rect") == 2
    with pytest.raises(ValueError):
        bar_chart(["a"], [1, 2], chart_id="c", title="t", description="d")


def read_csv(answer):
    body = answer.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_of_each_table_is_an_attachment_in_utf8_with_a_bom(seeded):
    client = as_member(seeded.test_client(), ADMIN)
    for table in ("by_day", "by_category", "by_day_and_category"):
        answer = client.get(f"{PAGES}/stats/{table}.csv?from=2026-03-01&to=2026-03-02")
        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
        disposition = answer.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f'{table.replace("_", "-")}-2026-03-01-2026-03-02.csv' in disposition
        rows = read_csv(answer)
        assert len(rows[0]) >= 7


def test_csv_export_holds_the_numbers_and_korean_category_names_when_asked_by_category(seeded):
    client = as_member(seeded.test_client(), ADMIN)
    rows = read_csv(client.get(f"{PAGES}/stats/by_category.csv?from=2026-03-01&to=2026-03-02"))
    with seeded.test_request_context():
        health, transport = gettext("category_health"), gettext("category_transport")
    assert not health.isascii()
    by_name = {row[0]: row[1:] for row in rows[1:]}
    # proposals, agreements, participants, on time, late, overdue
    assert by_name[health] == ["2", "4", "4", "0", "0", "0", "0"]
    assert by_name[transport] == ["1", "1", "2", "0", "0", "0", "0"]
    assert rows[-1][1:3] == ["3", "5"]
    day_rows = read_csv(client.get(f"{PAGES}/stats/by_day.csv?from=2026-03-01&to=2026-03-02"))
    assert [row[0] for row in day_rows[1:-1]] == ["2026-03-01", "2026-03-02"]


def test_csv_export_refuses_a_table_it_does_not_know(seeded):
    client = as_member(seeded.test_client(), ADMIN)
    assert client.get(f"{PAGES}/stats/everything.csv").status_code == 422


# -- admins only --

@pytest.mark.parametrize("path", [f"{PAGES}/stats", f"{PAGES}/stats/by_day.csv",
                                  f"{PAGES}/audit"])
def test_admin_pages_answer_403_when_a_citizen_asks(client, path):
    answer = as_member(client, CITIZEN).get(path)
    assert answer.status_code == 403
    assert "<svg" not in answer.get_data(as_text=True)


@pytest.mark.parametrize("path", [f"{PAGES}/stats", f"{PAGES}/audit"])
def test_admin_pages_send_a_visitor_to_log_in_when_nobody_is_signed_in(client, path):
    answer = client.get(path)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", [f"{API}/stats", f"{API}/audit"])
def test_admin_api_refuses_with_json_when_the_caller_is_not_an_admin(client, path):
    forbidden = client.get(path, headers=bearer(CITIZEN))
    assert forbidden.status_code == 403 and forbidden.json["error"]["code"] == "forbidden"
    anonymous = client.get(path)
    assert anonymous.status_code == 401
    assert anonymous.json["error"]["code"] == "not_authenticated"


def test_admin_routes_are_absent_when_the_host_turns_them_off(make_app):
    app = make_app(DELIBERATION_REGISTER_ADMIN=False)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not any(e.startswith(("deliberation_admin.", "deliberation_admin_api."))
                   for e in endpoints)


# -- the audit log --

@pytest.fixture
def audited(app, client, clock):
    official = Participant(id="m7", roles={Role.ADMIN, Role.CITIZEN})
    with app.app_context():
        s = app.db.session
        first = proposal(s, "health", "a1", at(1))
        second = proposal(s, "transport", "a2", at(1))
        for n in range(52):
            clock.advance(minutes=1)
            subject = first if n % 2 == 0 else second
            record_audit(s, official, "hide" if n < 51 else "merge", "proposal", subject.id,
                         before={"hidden": False, "n": n}, after={"hidden": True, "n": n})
        s.commit()
        return first.id, second.id


def test_audit_page_lists_entries_newest_first_with_actor_roles_and_changes(app, audited):
    client = as_member(app.test_client(), ADMIN)
    html = client.get(f"{PAGES}/audit").get_data(as_text=True)
    shown = html.count('class="dl-audit-entry"')
    assert shown == 50
    first_row = html.split('class="dl-audit-entry"', 2)[1]
    # words, not codes: the action and roles through the catalog, changes as key: value
    assert "제안 병합" in first_row and "m7" in first_row and "관리자, 시민" in first_row
    assert "<code>merge</code>" not in first_row and "admin, citizen" not in first_row
    assert '<span class="dl-meta">n</span>: 51' in first_row and "&#34;" not in first_row
    later = client.get(f"{PAGES}/audit?page=2").get_data(as_text=True)
    assert later.count('class="dl-audit-entry"') == 2


def test_audit_page_keeps_one_subject_when_filtered_by_its_id(app, audited):
    first, second = audited
    client = as_member(app.test_client(), ADMIN)
    html = client.get(f"{PAGES}/audit?subject_id={second}").get_data(as_text=True)
    assert html.count('class="dl-audit-entry"') == 26
    assert f"#{first}<" not in html


def test_audit_api_answers_a_page_newest_first_when_an_admin_asks(app, audited):
    first, _ = audited
    client = app.test_client()
    page = client.get(f"{API}/audit?subject_id={first}", headers=bearer(ADMIN)).json
    assert (page["total"], page["pages"], page["per_page"]) == (26, 1, 50)
    stamps = [item["occurred_at"] for item in page["items"]]
    assert stamps == sorted(stamps, reverse=True)
    top = page["items"][0]
    assert top["actor_id"] == "m7" and top["actor_roles"] == ["admin", "citizen"]
    assert top["before"] == {"hidden": False, "n": 50} and top["after"]["hidden"] is True
    bad = client.get(f"{API}/audit?page=0", headers=bearer(ADMIN))
    assert bad.status_code == 422 and "page" in bad.json["error"]["fields"]
