"""The demo's "e-mail": a sender that writes what would have been mailed to
the outbox table, and a background worker that runs the package's outbox
every two seconds, so that sending never happens inside the request that
caused it."""

import os
import threading

import sqlalchemy as sa
from flask import current_app

from deliberation import Proposal
from deliberation.db import insert_ignoring_duplicates
from deliberation.notifications.operations import process_outbox

from .models import OutboxMessage, User, db

SUBJECTS = {
    "step_reached": "[민주주의 서울] '%(title)s' 제안이 '%(step)s' 단계에 올랐습니다",
    "answered": "[민주주의 서울] '%(title)s' 제안에 답변이 등록되었습니다",
    "closed": "[민주주의 서울] '%(title)s' 제안의 공감 모으기가 끝났습니다",
    "committee_decided": "[민주주의 서울] '%(title)s' 제안에 대한 공론화추진위원회의 결정",
    "implementation_updated": "[민주주의 서울] '%(title)s' 제안의 실행 소식",
    "agreement_moved": "[민주주의 서울] 공감하신 제안이 '%(title)s' 제안으로 합쳐졌습니다",
    "hidden": "[민주주의 서울] '%(title)s' 제안이 가려졌습니다",
}
FALLBACK_SUBJECT = "[민주주의 서울] '%(title)s' 제안에 새 소식이 있습니다"
#: as the package's Korean catalog names the steps
STEPS = {"department_answer": "부서 답변", "agenda_committee": "공론화 상정",
         "mayor_answer": "시장 답변"}


def render_message(notification, title, link):
    """(subject, body) in Korean for one notification."""
    step = (notification.data or {}).get("step")
    subject = SUBJECTS.get(notification.kind, FALLBACK_SUBJECT) % {
        "title": title, "step": STEPS.get(step, step or "")}
    body = "\n".join([
        "안녕하세요.",
        "",
        subject.removeprefix("[민주주의 서울] ") + ".",
        "",
        f"제안 보기: {link}",
        "",
        "이 메일은 제안을 올렸거나 공감했거나 구독한 분께 보내 드립니다.",
        "(시연용 사이트: 실제로 보내지 않았습니다.)",
    ])
    return subject, body


class OutboxSender:
    """The "email" channel: renders the message and stores it. Participants
    without an account (the seed's synthetic ones) have no address, so there
    is nothing to send them."""

    channel = "email"

    def send(self, notification):
        user = db.session.get(User, int(notification.participant_id)) \
            if notification.participant_id.isdigit() else None
        if user is None:
            return
        title = db.session.execute(sa.select(Proposal.title).where(
            Proposal.id == notification.proposal_id)).scalar() or ""
        meeting_id = (notification.data or {}).get("meeting_id")
        page = (f"/meetings/{meeting_id}" if meeting_id is not None
                else f"/{notification.proposal_id}")
        link = (current_app.config["DEMO_BASE_URL"].rstrip("/")
                + current_app.config["DELIBERATION_URL_PREFIX"] + page)
        subject, body = render_message(notification, title, link)
        # a savepoint: a failure here leaves the worker's transaction usable
        with db.session.begin_nested():
            db.session.execute(
                insert_ignoring_duplicates(db.session, OutboxMessage.__table__).values(
                    notification_id=notification.id, recipient_id=notification.participant_id,
                    recipient_email=user.email, subject=subject, body=body, link=link,
                    created_at=current_app.extensions["deliberation"].settings.now()))


class NotifyWorker:
    """A daemon thread with its own app context, one outbox pass every
    ``interval`` seconds until stopped."""

    def __init__(self, app, interval=2.0):
        self.app = app
        self.interval = interval
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="demo-notify", daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self, timeout=5):
        self._stop.set()
        self.thread.join(timeout)

    def _run(self):
        while not self._stop.wait(self.interval):
            with self.app.app_context():
                try:
                    process_outbox(db.session)
                except Exception:
                    self.app.logger.exception("demo notification worker: pass failed")
                finally:
                    db.session.remove()


def init_app(app, deliberation):
    """Register the sender; start the worker with the first request (not for
    CLI commands such as seed) unless DEMO_NOTIFY_THREAD is False."""
    # where the mailed links point: set by `dev.py demo` (DEMO_BASE_URL) to the
    # address it serves on; a request-bound link uses the request's own host
    app.config.setdefault("DEMO_BASE_URL",
                          os.environ.get("DEMO_BASE_URL", "http://127.0.0.1:5000"))
    app.config.setdefault("DEMO_NOTIFY_THREAD", not app.testing)
    deliberation.add_sender(OutboxSender(), app=app)
    if not app.config["DEMO_NOTIFY_THREAD"]:
        return
    lock = threading.Lock()

    @app.before_request
    def _start_worker():
        if "demo_notify" in app.extensions:
            return
        with lock:
            if "demo_notify" not in app.extensions:
                app.extensions["demo_notify"] = NotifyWorker(
                    app, app.config.get("DEMO_NOTIFY_INTERVAL", 2.0)).start()
