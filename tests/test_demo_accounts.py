"""The demo's forgotten-password flow through the mail outbox: the same
answer for every address, a one-time link that expires, only its hash kept,
sign-up's password rules, and a cap on links per user."""

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import Deliberation
from deliberation.db import Base
from tests.conftest import delete_rows

KIM = "kim@demo.example"
OLD, NEW = "old-password", "brand-new-password"
FORGOT = "/password/forgot"


def empty_tables(app):
    """Every demo and package table, empty. SQLite is a new file per test;
    PostgreSQL keeps its tables and DELETEs their rows, children first
    (TRUNCATE took over a second a test, dropping and creating even more)."""
    from demo_site.models import db
    from demo_site.seed import create_tables

    create_tables(app)  # only those missing
    with app.app_context():
        delete_rows(db.engine, [table.name for table in reversed(
            [*Base.metadata.sorted_tables, *db.metadata.sorted_tables])])


@pytest.fixture
def demo_app(database, clock):
    from demo_site import create_app
    from demo_site.accounts import create_user
    from demo_site.models import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True,
                      "SECRET_KEY": "test-secret", "DEMO_NOTIFY_THREAD": False,
                      "DEMO_BASE_URL": "https://demo.example",
                      "DEMO_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    Deliberation.set_clock(app, clock)
    empty_tables(app)
    with app.app_context():
        create_user(KIM, OLD, "Kim")
        create_user("lee@demo.example", "lee-password", "Lee")
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(demo_app):
    return demo_app.test_client()


def csrf_from(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def post(client, path, data, *, token_from=None):
    token = csrf_from(client.get(token_from or path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def ask(client, email):
    return post(client, FORGOT, {"email": email})


def outbox(app):
    from demo_site.models import OutboxMessage, db

    with app.app_context():
        return [(m.recipient_email, m.subject, m.body, m.link) for m in db.session.execute(
            sa.select(OutboxMessage).order_by(OutboxMessage.id)).scalars()]


def reset_path(app, index=-1):
    link = outbox(app)[index][3]
    # the link goes back to the host the person asked from
    assert link.startswith("http://localhost/password/reset/")
    return link.removeprefix("http://localhost")


def logs_in(app, email, password):
    client = app.test_client()
    answer = post(client, "/login", {"email": email, "password": password})
    return answer.status_code == 302


def flashed(client):
    html = client.get(FORGOT).get_data(as_text=True)
    return re.search(r'<p class="dl-flash" role="status">(.*?)</p>', html, re.S)[1]


# -- asking for a link --


def test_asking_answers_the_same_when_the_address_has_no_account(demo_app, client):
    known = ask(client, KIM)
    known_words = flashed(client)
    unknown = ask(client, "nobody@demo.example")
    unknown_words = flashed(client)

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert known_words.replace(KIM, "@") == unknown_words.replace("nobody@demo.example", "@")
    assert [m[0] for m in outbox(demo_app)] == [KIM]  # only the real account got mail


def test_the_link_is_mailed_and_only_its_hash_is_kept_when_an_account_asks(demo_app, client):
    from demo_site.models import PasswordReset, db

    ask(client, " KIM@demo.example ")  # as typed: case and spaces do not matter

    [(to, subject, body, link)] = outbox(demo_app)
    token = link.rsplit("/", 1)[1]
    assert to == KIM and link in body
    with demo_app.app_context():
        [row] = db.session.execute(sa.select(PasswordReset)).scalars().all()
        assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
        assert token not in repr([getattr(row, c.key) for c in PasswordReset.__table__.c])
        assert row.expires_at - row.created_at == timedelta(hours=1)


def test_asking_shows_the_field_error_when_the_address_is_malformed(demo_app, client):
    answer = ask(client, "not-an-address")

    assert answer.status_code == 422
    assert 'id="email-error"' in answer.get_data(as_text=True)
    assert outbox(demo_app) == []


def test_asking_is_refused_when_the_csrf_token_is_missing(demo_app, client):
    answer = client.post(FORGOT, data={"email": KIM})

    assert answer.status_code == 400 and outbox(demo_app) == []


def test_asking_sends_at_most_three_live_links_when_asked_again_and_again(
        demo_app, client, clock):
    for _ in range(5):
        assert ask(client, KIM).status_code == 302

    assert len(outbox(demo_app)) == 3
    clock.advance(hours=1, seconds=1)  # the first links have expired
    ask(client, KIM)
    assert len(outbox(demo_app)) == 4


def test_the_login_page_links_to_the_forgotten_password_form(client):
    assert f'href="{FORGOT}"' in client.get("/login").get_data(as_text=True)


# -- using the link --


def test_the_link_sets_a_new_password_and_sends_to_login_when_both_entries_match(
        demo_app, client):
    ask(client, KIM)
    path = reset_path(demo_app)
    page = client.get(path)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"

    answer = post(client, path, {"password": NEW, "password_confirm": NEW})

    assert answer.status_code == 302 and answer.headers["Location"].endswith("/login")
    assert logs_in(demo_app, KIM, NEW) and not logs_in(demo_app, KIM, OLD)


def test_the_link_is_refused_when_it_was_used_already(demo_app, client):
    ask(client, KIM)
    path = reset_path(demo_app)
    post(client, path, {"password": NEW, "password_confirm": NEW})

    assert client.get(path).status_code == 410
    again = client.post(path, data={"csrf_token": csrf_from(client.get(FORGOT).get_data(
        as_text=True)), "password": "a-third-password", "password_confirm": "a-third-password"})
    assert again.status_code == 410
    assert logs_in(demo_app, KIM, NEW) and not logs_in(demo_app, KIM, "a-third-password")


def test_the_link_is_refused_when_its_hour_is_over(demo_app, client, clock):
    ask(client, KIM)
    path = reset_path(demo_app)
    clock.advance(hours=1)

    answer = client.get(path)

    assert answer.status_code == 410
    assert 'id="reset-invalid"' in answer.get_data(as_text=True)


def test_setting_a_password_spends_the_users_other_links_when_several_were_sent(
        demo_app, client):
    ask(client, KIM)
    ask(client, KIM)
    first, second = reset_path(demo_app, 0), reset_path(demo_app, 1)

    post(client, second, {"password": NEW, "password_confirm": NEW})

    assert client.get(first).status_code == 410


@pytest.mark.parametrize("password, confirm, field", [
    ("short", "short", "password"), (NEW, NEW + "x", "password_confirm")])
def test_the_new_password_is_refused_when_it_breaks_signups_rules_or_differs(
        demo_app, client, password, confirm, field):
    ask(client, KIM)
    path = reset_path(demo_app)

    answer = post(client, path, {"password": password, "password_confirm": confirm})

    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.get_data(as_text=True)
    assert client.get(path).status_code == 200  # the link still works
    assert logs_in(demo_app, KIM, OLD)


@pytest.mark.parametrize("token", ["nonsense", "A" * 43, "x" * 300])
def test_an_unknown_link_is_refused_when_its_token_was_never_issued(client, token):
    assert client.get(f"/password/reset/{token}").status_code == 410


def test_another_users_link_changes_only_that_users_password(demo_app, client):
    ask(client, "lee@demo.example")

    post(client, reset_path(demo_app), {"password": NEW, "password_confirm": NEW})

    assert logs_in(demo_app, "lee@demo.example", NEW) and logs_in(demo_app, KIM, OLD)


def test_setting_a_new_password_ends_the_sessions_logged_in_with_the_old_one(demo_app, client):
    elsewhere = demo_app.test_client()
    assert post(elsewhere, "/login", {"email": KIM, "password": OLD}).status_code == 302
    assert elsewhere.get("/outbox").status_code == 200  # logged in
    ask(client, KIM)
    post(client, reset_path(demo_app), {"password": NEW, "password_confirm": NEW})

    answer = elsewhere.get("/outbox")

    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_the_login_page_lists_a_demo_account_for_every_role(client):
    from demo_site.seed import ACCOUNTS

    html = client.get("/login").get_data(as_text=True)

    for account in ACCOUNTS:
        assert account.email in html and account.password in html
