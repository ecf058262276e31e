"""``flask deliberation notify``: the worker that fans the outbox out and
hands notifications to the senders, retried after a failure."""

import pytest
import sqlalchemy as sa

from deliberation import Delivery, Notification, Proposal
from deliberation.notifications.operations import MAX_ATTEMPTS, queue_notification

from .conftest import START


class FlakySender:
    """Fails its first ``failures`` sends, then succeeds."""

    channel = "email"

    def __init__(self, failures=1):
        self.failures = failures
        self.sent = []
        self.calls = 0

    def send(self, notification):
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError("mail server down")
        self.sent.append((notification.participant_id, notification.kind))


@pytest.fixture
def sender():
    return FlakySender()


@pytest.fixture
def app(make_app, sender):
    app = make_app()
    app.extensions["deliberation"].extension.add_sender(sender, app=app)
    with app.app_context():
        session = app.db.session
        proposal = Proposal(title="t", body="b", category="health", author_id="author",
                            state="collecting", created_at=START, updated_at=START,
                            published_at=START)
        session.add(proposal)
        session.flush()
        queue_notification(session, "closed", proposal.id, at=START)
        session.commit()
    return app


def notify(app, *args):
    return app.test_cli_runner().invoke(args=["deliberation", "notify", *args])


def delivery_status(app):
    with app.app_context():
        return app.db.session.execute(sa.select(Delivery.status, Delivery.attempts)).one()


def test_notify_once_retries_a_failed_send_on_a_later_pass_when_the_back_off_has_passed(
        app, sender, clock):
    first = notify(app, "--once")
    assert first.exit_code == 0, first.output
    assert first.output.strip().splitlines()[-1] == (
        "pass 1: 1 event(s) fanned out, 0 sent, 1 failed")
    assert sender.sent == [] and delivery_status(app) == ("pending", 1)

    too_soon = notify(app, "--once")
    assert "0 sent, 0 failed" in too_soon.output

    clock.advance(minutes=2)
    second = notify(app, "--once")
    assert second.output.strip().splitlines()[-1] == (
        "pass 1: 0 event(s) fanned out, 1 sent, 0 failed")
    assert sender.sent == [("author", "closed")]
    assert delivery_status(app) == ("sent", 2)
    with app.app_context():  # the in-app notification was there all along
        assert app.db.session.execute(sa.select(sa.func.count()).select_from(Notification)
                                      ).scalar_one() == 1


def test_notify_prints_one_summary_line_per_pass_when_passes_are_bounded(app, sender):
    result = notify(app, "--max-passes", "3", "--interval", "0")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("pass ")]
    assert [line.split(":")[0] for line in lines] == ["pass 1", "pass 2", "pass 3"]
    assert lines[0].endswith("1 event(s) fanned out, 0 sent, 1 failed")


def test_notify_retry_failed_puts_exhausted_deliveries_back_when_asked(app, clock):
    app.extensions["deliberation"].settings.senders[0].failures = MAX_ATTEMPTS
    for _ in range(MAX_ATTEMPTS):
        assert notify(app, "--once").exit_code == 0
        clock.advance(hours=2)
    assert delivery_status(app) == ("failed", MAX_ATTEMPTS)
    assert "0 sent, 0 failed" in notify(app, "--once").output  # given up: not tried again

    requeued = notify(app, "--retry-failed")
    assert requeued.exit_code == 0
    assert requeued.output.strip() == "1 failed delivery(ies) put back in the queue"
    assert delivery_status(app) == ("pending", 0)

    delivered = notify(app, "--retry-failed", "--once")
    assert "0 failed delivery(ies)" in delivered.output and "1 sent" in delivered.output
    assert delivery_status(app) == ("sent", 1)


def test_notify_warns_when_no_sender_is_registered(make_app):
    app = make_app()
    result = notify(app, "--once")
    assert result.exit_code == 0
    assert "no sender registered" in result.output
    assert "pass 1: 0 event(s) fanned out, 0 sent, 0 failed" in result.output


@pytest.mark.parametrize("args", [["--interval", "-1"], ["--max-passes", "0"],
                                  ["--interval", "soon"]])
def test_notify_refuses_a_bad_option_with_a_usage_error(app, args):
    result = notify(app, *args)
    assert result.exit_code == 2
    assert "Invalid value" in result.output
