"""The demo's mail outbox: a notification becomes the e-mail that would have
been sent, by the worker and never inside the request that caused it."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import Notification, Proposal
from deliberation.notifications.operations import process_outbox


@pytest.fixture
def demo_app(database):
    from demo_site import create_app
    from demo_site.models import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True,
                      "SECRET_KEY": "test-secret", "DEMO_NOTIFY_THREAD": False,
                      "DEMO_BASE_URL": "https://demo.example",
                      "DEMO_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    result = app.test_cli_runner().invoke(args=["seed", "--reset"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def login(client, email, password):
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)[1]
    assert client.post("/login", data={"csrf_token": token, "email": email,
                                       "password": password}).status_code == 302
    return client


def user_id(email):
    from demo_site.models import User, db

    return str(db.session.execute(sa.select(User.id).where(User.email == email)).scalar_one())


@pytest.fixture
def one_short(demo_app):
    """The seed's proposal one agreement short of the department step, made
    citizen@demo.example's own so that its author has an address."""
    from demo_site.models import db

    with demo_app.app_context():
        proposal = db.session.execute(
            sa.select(Proposal).where(Proposal.agreement_count == 49)).scalar_one()
        proposal.author_id = user_id("citizen@demo.example")
        db.session.commit()
        return proposal.id, proposal.title


def agree_on_the_page(client, proposal_id):
    html = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)[1]
    return client.post(f"/proposals/{proposal_id}/agree", data={"csrf_token": token})


def outbox_rows(app):
    from demo_site.models import OutboxMessage, db

    with app.app_context():
        return db.session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id)
                                  ).scalars().all()


def run_worker(app):
    from demo_site.models import db

    with app.app_context():
        summary = process_outbox(db.session)
        db.session.remove()
        return summary


def test_crossing_a_threshold_mails_the_author_after_the_worker_runs_never_in_the_request(
        demo_app, one_short):
    proposal_id, title = one_short
    client = login(demo_app.test_client(), "citizen2@demo.example", "citizen2-demo")
    assert agree_on_the_page(client, proposal_id).status_code == 302

    from demo_site.models import db

    with demo_app.app_context():  # the request only wrote the outbox event
        assert db.session.execute(sa.select(sa.func.count()).select_from(Notification)
                                  ).scalar_one() == 0
    assert outbox_rows(demo_app) == []

    run_worker(demo_app)
    mails = {m.recipient_email: m for m in outbox_rows(demo_app)}
    assert set(mails) == {"citizen@demo.example", "citizen2@demo.example"}
    mail = mails["citizen@demo.example"]
    assert title in mail.subject and "부서 답변" in mail.subject
    assert mail.link == f"https://demo.example/proposals/{proposal_id}"
    assert mail.link in mail.body and "안녕하세요" in mail.body


def test_worker_mails_nobody_twice_when_it_runs_again(demo_app, one_short):
    proposal_id, _ = one_short
    client = login(demo_app.test_client(), "citizen2@demo.example", "citizen2-demo")
    agree_on_the_page(client, proposal_id)
    run_worker(demo_app)
    first = len(outbox_rows(demo_app))
    assert run_worker(demo_app) == {"events": 0, "sent": 0, "failed": 0}
    assert len(outbox_rows(demo_app)) == first == 2


def test_synthetic_participants_get_no_mail_when_they_have_no_account(demo_app):
    from demo_site.models import db

    with demo_app.app_context():  # the seed's author is synthetic: no address
        proposal_id = db.session.execute(
            sa.select(Proposal.id).where(Proposal.agreement_count == 49)).scalar_one()
    client = login(demo_app.test_client(), "citizen2@demo.example", "citizen2-demo")
    agree_on_the_page(client, proposal_id)
    summary = run_worker(demo_app)
    assert summary["failed"] == 0 and summary["sent"] >= 50
    assert [m.recipient_email for m in outbox_rows(demo_app)] == ["citizen2@demo.example"]


def test_outbox_page_shows_members_their_own_mail_and_admins_all_of_it(demo_app, one_short):
    proposal_id, title = one_short
    agreer = login(demo_app.test_client(), "citizen2@demo.example", "citizen2-demo")
    agree_on_the_page(agreer, proposal_id)
    author = login(demo_app.test_client(), "citizen@demo.example", "citizen-demo")
    assert "아직 메일이 없습니다" in author.get("/outbox").get_data(as_text=True)
    run_worker(demo_app)
    html = author.get("/outbox").get_data(as_text=True)
    assert "시연용 메일함" in html and "실제로 보내지 않습니다" in html
    assert title in html and "citizen@demo.example" in html
    assert 'href="/outbox"' in html  # in the menu
    # another member never reads the author's mail (a reset link would be there)
    html = agreer.get("/outbox").get_data(as_text=True)
    assert "citizen@demo.example" not in html and "내게 온 메일만" in html
    admin = login(demo_app.test_client(), "admin@demo.example", "admin-demo")
    html = admin.get("/outbox").get_data(as_text=True)
    assert "citizen@demo.example" in html and "모든 회원의 메일" in html


def test_outbox_page_sends_a_visitor_to_log_in_when_nobody_is_signed_in(demo_app):
    answer = demo_app.test_client().get("/outbox")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def test_worker_thread_is_off_when_the_config_says_so_and_runs_a_pass_when_started(demo_app):
    from demo_site.outbox import NotifyWorker

    demo_app.test_client().get("/")
    assert "demo_notify" not in demo_app.extensions
    worker = NotifyWorker(demo_app, interval=0.01).start()
    try:
        assert worker.thread.daemon and worker.thread.is_alive()
    finally:
        worker.stop()
    assert not worker.thread.is_alive()


def test_admin_finds_the_statistics_in_the_menu_and_a_citizen_does_not(demo_app):
    admin = login(demo_app.test_client(), "admin@demo.example", "admin-demo")
    html = admin.get("/").get_data(as_text=True)
    assert 'href="/proposals/admin/stats"' in html
    page = admin.get("/proposals/admin/stats")
    assert page.status_code == 200 and 'id="demo-banner"' in page.get_data(as_text=True)
    citizen = login(demo_app.test_client(), "citizen@demo.example", "citizen-demo")
    assert 'href="/proposals/admin/stats"' not in citizen.get("/").get_data(as_text=True)
    assert citizen.get("/proposals/admin/stats").status_code == 403


def test_a_meetings_mail_links_to_the_meeting_when_it_has_no_proposal(demo_app):
    from deliberation import Participant, Role
    from deliberation.meetings.operations import cancel_meeting, create_meeting, publish_meeting
    from deliberation.meetings.registration import register
    from demo_site.models import db

    organiser = Participant(id="organiser", roles={Role.MAYOR_OFFICE})
    with demo_app.app_context():
        now = demo_app.extensions["deliberation"].settings.now()
        starts = now + timedelta(days=10)
        meeting = create_meeting(db.session, organiser, title="Open hall on parks",
                                 venue="City hall", starts_at=starts.isoformat(),
                                 ends_at=(starts + timedelta(hours=1)).isoformat(),
                                 registration_deadline=(starts - timedelta(days=1)).isoformat())
        publish_meeting(db.session, organiser, meeting.id)
        register(db.session, Participant(id=user_id("citizen2@demo.example"),
                                         roles={Role.CITIZEN}), meeting.id)
        cancel_meeting(db.session, organiser, meeting.id, reason="The hall is flooded.")
        meeting_id = meeting.id
        db.session.remove()
    already = len(outbox_rows(demo_app))

    run_worker(demo_app)

    [mail] = outbox_rows(demo_app)[already:]
    assert mail.recipient_email == "citizen2@demo.example"
    assert mail.link == f"https://demo.example/proposals/meetings/{meeting_id}"
