"""The whole path of the 2019 case, on SQLite and PostgreSQL, with Seoul's
2020 ladder (50 agreements → department answer, 100 → committee, 1,000
debate participants → mayor's answer): publication, the department's answer,
the committee's debate, the mayor's video answer and an implementation
update; then the timeline and the notifications worker.

The committee's decision schedules the debate; a week later it opens and
1,000 citizens' ballots (pro, con, other, each with an opinion) reach the
mayor step at the 1,000th.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from deliberation import Delivery, Milestone, Participant, Role, Step, signals
from deliberation.committee import decide_on_proposal
from deliberation.debates.operations import cast_ballot
from deliberation.debates.queries import debate_of_proposal
from deliberation.notifications.operations import follow, process_outbox, unread_count
from deliberation.proposals.operations import submit_proposal
from deliberation.proposals.queries import get_proposal
from deliberation.responses.operations import (
    answer_of, assignment_of, post_implementation_update, record_answer,
)
from deliberation.responses.queries import answers_due, lateness_report
from deliberation.timeline import EventKind, timeline_of
from tests.conftest import citizen
from tests.test_notifications import RecordingSender
from tests.test_responses import agree_until

DIVISION = "건강증진과"
PROPOSER = Participant(id="c1", display_name="난임 부부")
FOLLOWER = citizen(7)
OFFICIAL = Participant(id="o-health", roles={Role.DEPARTMENT_OFFICIAL}, department=DIVISION)
MAYOR_OFFICE = Participant(id="mayor", roles={Role.MAYOR_OFFICE})
MEMBER = Participant(id="member", roles={Role.AGENDA_COMMITTEE, Role.CITIZEN})
QUESTION = "보건소에서도 난임 주사를 맞을 수 있다면 어떨까요?"
VIDEO = "https://tv.seoul.go.kr/mayor/answers/infertility-2019"


@pytest.fixture
def seoul(make_app):
    app = make_app(DELIBERATION_LADDER="seoul_2020",
                   DELIBERATION_CATEGORY_DEPARTMENTS={"health": DIVISION})
    with app.app_context():
        yield app, app.extensions["deliberation"].db.session


@pytest.fixture
def heard():
    log = []
    receivers = []
    for name in ("milestone_reached", "answer_published", "debate_requested"):
        def receiver(sender, _name=name, **kwargs):
            log.append((_name, kwargs))
        getattr(signals, name).connect(receiver)
        receivers.append((getattr(signals, name), receiver))
    yield log
    for signal, receiver in receivers:
        signal.disconnect(receiver)


def test_proposal_climbs_from_publication_to_the_mayors_answer_when_every_step_is_taken(
        seoul, heard, clock):
    app, session = seoul
    sender = app.extensions["deliberation"].extension.add_sender(RecordingSender(), app)
    start = clock.now

    proposal = submit_proposal(
        session, PROPOSER, title="동네 보건소에서 난임 주사 맞게 해주세요", category="health",
        body="난임 시술 중에는 매일 병원에 가서 주사를 맞아야 합니다. 가까운 보건소에서 "
             "맞을 수 있게 해 주세요.", publish=True)
    follow(session, FOLLOWER, proposal.id)

    clock.advance(days=3)
    agree_until(session, proposal.id, 50)
    department_reached = clock.now
    assignment = assignment_of(session, proposal.id)
    assert (assignment.department, assignment.assigned_by) == (DIVISION, "auto")
    [due] = answers_due(session, department=DIVISION)
    assert due.due_at == department_reached + relativedelta(months=1)

    clock.advance(days=12)
    department = record_answer(
        session, OFFICIAL, proposal.id, Step.DEPARTMENT_ANSWER, decision="under_review",
        body="시민건강국 건강증진과에서 보건소 난임 주사 시행을 검토하겠습니다.",
        links=["https://health.seoul.go.kr/infertility"])
    assert department.status == "published"
    assert answers_due(session) == []

    clock.advance(days=5)
    agree_until(session, proposal.id, 100)
    assert get_proposal(session, proposal.id).stage == "agenda_committee"

    clock.advance(days=7)
    decision = decide_on_proposal(session, MEMBER, proposal.id, decision="open_debate",
                                  reason="많은 시민이 공감했고 시의성이 있습니다.",
                                  debate_question=QUESTION)
    assert decision.below_threshold is False
    assert [kw for name, kw in heard if name == "debate_requested"] == [
        {"proposal_id": proposal.id, "question": QUESTION}]

    debate = debate_of_proposal(session, proposal.id)
    assert (debate.question, debate.starts_at) == (QUESTION, clock.now + timedelta(days=7))
    clock.advance(days=7)
    stances = ["pro"] * 970 + ["con"] * 20 + ["other"] * 10
    for n, stance in enumerate(stances[:-1]):
        assert cast_ballot(session, citizen(5000 + n), debate.id, stance=stance,
                           opinion="보건소에서 맞을 수 있으면 좋겠습니다.").reached == ()
    clock.advance(days=20)
    last = cast_ballot(session, citizen(9999), debate.id, stance=stances[-1], opinion="기타 의견")
    assert (last.participants, last.reached) == (1000, (Step.MAYOR_ANSWER,))
    mayor_reached = clock.now
    [due] = answers_due(session)
    # the ladder sets no deadline for the mayor: the default, one month
    assert (due.step, due.due_at) == (Step.MAYOR_ANSWER, mayor_reached + relativedelta(months=1))

    clock.advance(days=20)
    mayor = record_answer(
        session, MAYOR_OFFICE, proposal.id, Step.MAYOR_ANSWER, decision="accepted",
        body="보건소에서 난임 주사를 맞을 수 있도록 하고, 의사회와 협력하겠습니다.",
        video_url=VIDEO)
    assert (mayor.status, mayor.video_url) == ("published", VIDEO)

    clock.advance(days=10)
    post_implementation_update(session, OFFICIAL, proposal.id, status="in_progress",
                               note="보건소 난임 주사 시범 운영을 시작했습니다.")

    # the timeline tells every step, in date order
    timeline = timeline_of(session, proposal.id)
    assert [e.kind for e in timeline] == [
        EventKind.SUBMITTED, EventKind.PUBLISHED, EventKind.MILESTONE_REACHED,
        EventKind.ASSIGNED, EventKind.ANSWERED, EventKind.MILESTONE_REACHED,
        EventKind.COMMITTEE_DECIDED, EventKind.DEBATE_SCHEDULED, EventKind.MILESTONE_REACHED,
        EventKind.MEETING_DRAFTED, EventKind.ANSWERED,
        EventKind.IMPLEMENTATION_UPDATED]
    moments = [e.occurred_at for e in timeline]
    assert moments == sorted(moments)
    assert moments[0] == start and moments[-1] == clock.now
    assert [e.data["step"] for e in timeline if e.kind == EventKind.MILESTONE_REACHED] == [
        "department_answer", "agenda_committee", "mayor_answer"]
    assert [e.actor_role for e in timeline if e.kind == EventKind.ANSWERED] == [
        "department_official", "mayor_office"]
    milestones = session.scalars(sa.select(Milestone).where(Milestone.proposal_id == proposal.id)
                                 .order_by(Milestone.reached_at)).all()
    assert [(m.step, m.count_at) for m in milestones] == [
        ("department_answer", 50), ("agenda_committee", 100), ("mayor_answer", 1000)]
    assert [kw["step"] for name, kw in heard if name == "answer_published"] == [
        Step.DEPARTMENT_ANSWER, Step.MAYOR_ANSWER]
    assert answer_of(session, proposal.id, Step.MAYOR_ANSWER).published_at == mayor_reached \
        + timedelta(days=20)
    report = lateness_report(session)
    assert (report.answered_on_time, report.answered_late, report.open_overdue) == (2, 0, 0)

    # the worker tells the proposer, the 100 agreers and the follower of the
    # seven events, each once, through the host's sender
    while process_outbox(session)["sent"]:
        pass
    audience = {PROPOSER.id, FOLLOWER.id} | {f"c{n}" for n in range(100, 200)}
    expected = ["step_reached", "answered", "step_reached", "committee_decided",
                "step_reached", "answered", "implementation_updated"]
    assert len(sender.sent) == len(audience) * len(expected)
    assert {pid for pid, _ in sender.sent} == audience
    assert [kind for pid, kind in sender.sent if pid == PROPOSER.id] == expected
    assert [kind for pid, kind in sender.sent if pid == FOLLOWER.id] == expected
    assert session.scalar(sa.select(sa.func.count()).select_from(Delivery)
                          .where(Delivery.status != "sent")) == 0
    assert unread_count(session, PROPOSER) == len(expected)
