"""Notices (공지사항) on the demo: anybody reads them, only admins write,
edit and delete them, with CSRF and readable messages; Markdown is shown
sanitised."""

import pytest
import sqlalchemy as sa

from tests.test_demo_accounts import csrf_from, demo_app  # noqa: F401  (the fixture)

ADMIN, CITIZEN = ("admin@demo.example", "admin-password"), ("kim@demo.example", "old-password")


@pytest.fixture
def admin_app(demo_app):  # noqa: F811
    from demo_site.accounts import create_user
    from demo_site.models import db

    with demo_app.app_context():
        create_user(*ADMIN, "Admin", roles="citizen,admin")
        db.session.commit()
    return demo_app


def logged_in(app, account):
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    answer = client.post("/login", data={"csrf_token": token, "email": account[0],
                                         "password": account[1]})
    assert answer.status_code == 302
    return client


@pytest.fixture
def admin(admin_app):
    return logged_in(admin_app, ADMIN)


@pytest.fixture
def citizen(admin_app):
    return logged_in(admin_app, CITIZEN)


def post(client, path, data, *, token_from):
    token = csrf_from(client.get(token_from).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def write(client, **fields):
    data = {"title": "Site maintenance on Sunday", "body": "The site rests **two hours**.",
            **fields}
    return post(client, "/notices/new", data, token_from="/notices/new")


def notices(app):
    from demo_site.models import Notice, db

    with app.app_context():
        return [(n.title, n.pinned) for n in db.session.execute(
            sa.select(Notice).order_by(Notice.id)).scalars()]


def html(answer):
    return answer.get_data(as_text=True)


def test_an_admin_writes_a_notice_that_anybody_reads_when_it_is_saved(admin_app, admin):
    answer = write(admin)

    assert answer.status_code == 302
    page = admin_app.test_client().get(answer.headers["Location"])
    assert page.status_code == 200
    assert "Site maintenance on Sunday" in html(page)
    assert "<strong>two hours</strong>" in html(page)
    assert "Site maintenance on Sunday" in html(admin_app.test_client().get("/notices/"))


def test_markdown_is_sanitised_when_a_notice_holds_html_or_script_links(admin_app, admin):
    answer = write(admin, body='<script>alert(1)</script> [click](javascript:alert(2)) '
                              '<img src=x onerror="alert(3)">')

    shown = html(admin_app.test_client().get(answer.headers["Location"]))
    body = shown[shown.index('id="notice-body"'):]
    body = body[:body.index("</div>")]
    assert "&lt;script&gt;" in body  # shown as text, never run
    assert "<script" not in body and 'href="javascript' not in body and "<img" not in body


@pytest.mark.parametrize("fields, field", [
    ({"title": "   "}, "title"), ({"title": "x" * 201}, "title"), ({"body": ""}, "body"),
    ({"body": "x" * 20_001}, "body")])
def test_a_notice_is_refused_with_the_fields_message_when_it_is_invalid(
        admin_app, admin, fields, field):
    answer = write(admin, **fields)

    assert answer.status_code == 422
    assert f'id="{field}-error"' in html(answer) and 'aria-invalid="true"' in html(answer)
    assert notices(admin_app) == []


def test_writing_is_refused_when_the_member_is_not_an_admin(admin_app, citizen):
    assert citizen.get("/notices/new").status_code == 403
    token = csrf_from(citizen.get("/login").get_data(as_text=True))
    refused = citizen.post("/notices/new", data={"csrf_token": token, "title": "Mine",
                                                 "body": "Not allowed."})

    assert refused.status_code == 403 and notices(admin_app) == []
    assert "/notices/new" not in html(citizen.get("/notices/"))


def test_writing_sends_to_login_when_nobody_is_logged_in(admin_app):
    answer = admin_app.test_client().get("/notices/new")

    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_writing_is_refused_when_the_csrf_token_is_missing(admin_app, admin):
    answer = admin.post("/notices/new", data={"title": "No token", "body": "Refused."})

    assert answer.status_code == 400 and notices(admin_app) == []


def test_pinned_notices_lead_the_list_when_newer_ones_are_not_pinned(admin_app, admin, clock):
    write(admin, title="Old but pinned", pinned="on")
    clock.advance(days=1)
    write(admin, title="Newer news")

    listing = html(admin_app.test_client().get("/notices/"))

    assert listing.index("Old but pinned") < listing.index("Newer news")
    assert notices(admin_app) == [("Old but pinned", True), ("Newer news", False)]


def test_an_admin_edits_and_unpins_a_notice_when_the_form_is_sent_again(
        admin_app, admin, clock):
    path = write(admin, pinned="on").headers["Location"]
    clock.advance(hours=2)

    answer = post(admin, f"{path}/edit", {"title": "Maintenance moved", "body": "Monday."},
                  token_from=f"{path}/edit")

    assert answer.status_code == 302
    assert notices(admin_app) == [("Maintenance moved", False)]
    page = html(admin_app.test_client().get(path + "?lang=en"))
    assert "Maintenance moved" in page and "Updated" in page


def test_an_admin_deletes_a_notice_and_a_citizen_may_not(admin_app, admin, citizen):
    path = write(admin).headers["Location"]

    refused = post(citizen, f"{path}/delete", {}, token_from=path)
    assert refused.status_code == 403 and len(notices(admin_app)) == 1

    answer = post(admin, f"{path}/delete", {}, token_from=path)
    assert answer.status_code == 302 and notices(admin_app) == []
    assert admin_app.test_client().get(path).status_code == 404


def test_a_missing_notice_answers_404_when_read_or_edited(admin_app, admin):
    assert admin_app.test_client().get("/notices/999").status_code == 404
    assert admin.get("/notices/999/edit").status_code == 404


def test_the_list_ignores_a_bad_page_number_when_one_is_given(admin_app):
    assert admin_app.test_client().get("/notices/?page=-3").status_code == 200
