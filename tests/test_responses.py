"""How the city answers: assignment to a department, the department's and the
mayor's answers (sanitised, validated, reviewed, edited with history),
implementation updates, and the queue of answers due and overdue.

The mayor step counts debate participants, which no module counts yet.
``reach_mayor_step`` records that crossing the way the debate module will:
``record_milestones`` inside a unit of work, so the milestone row, the stage,
the timeline event, the notification, the hooks and the signal are all the
real ones.
"""

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from deliberation import (
    Answer, AnswerRevision, Assignment, ImplementationUpdate, InvalidInput, Metric, Milestone,
    NotAuthenticated, NotFound, NotificationEvent, Participant, PermissionDenied, Proposal,
    Role, Step, WrongState, signals, unit_of_work,
)
from deliberation.proposals.admin import hide_proposal, merge_proposals
from deliberation.proposals.operations import submit_proposal
from deliberation.responses.operations import (
    answer_of, assign_department, assignment_of, implementation_updates_of,
    post_implementation_update, record_answer, review_answer, revisions_of,
)
from deliberation.responses.queries import answers_due, lateness_report
from deliberation.settings import current_settings
from deliberation.threshold.operations import record_milestones
from deliberation.timeline import EventKind, timeline_of
from deliberation.votes.operations import agree
from tests.conftest import citizen

AUTHOR = citizen(1)
HEALTH = "health_promotion"
TRAFFIC = "road_traffic"
HEALTH_OFFICIAL = Participant(id="o-health", roles={Role.DEPARTMENT_OFFICIAL}, department=HEALTH)
TRAFFIC_OFFICIAL = Participant(id="o-traffic", roles={Role.DEPARTMENT_OFFICIAL},
                               department=TRAFFIC)
MAYOR_OFFICE = Participant(id="mayor", roles={Role.MAYOR_OFFICE})
COMMITTEE_MEMBER = Participant(id="member", roles={Role.AGENDA_COMMITTEE, Role.CITIZEN})

#: the three steps, small enough to climb in a test
CIVIC_LADDER = {
    "name": "civic",
    "collection": "60 days",
    "keep_collecting_after": "department_answer",
    "rules": [
        {"step": "department_answer", "metric": "agreements", "count": 3,
         "within": "30 days", "answer_due": "30 days"},
        {"step": "agenda_committee", "metric": "agreements", "count": 5},
        {"step": "mayor_answer", "metric": "debate_participants", "count": 10,
         "answer_due": "14 days"},
    ],
}
CATEGORY_DEPARTMENTS = {"health": HEALTH, "transport": TRAFFIC}
DEPARTMENT_DUE = timedelta(days=30)
MAYOR_DUE = timedelta(days=14)

OFFICIAL_SIGNALS = ("milestone_reached", "answer_published", "debate_requested",
                    "proposals_merged")


def civic_app(make_app, **config):
    config.setdefault("DELIBERATION_LADDER", CIVIC_LADDER)
    config.setdefault("DELIBERATION_CATEGORY_DEPARTMENTS", CATEGORY_DEPARTMENTS)
    return make_app(**config)


@pytest.fixture
def app(make_app):
    return civic_app(make_app)


@pytest.fixture
def received():
    """The signals of official work sent during the test, as (name, kwargs)."""
    log, receivers = [], []
    for name in OFFICIAL_SIGNALS:
        def receiver(sender, _name=name, **kwargs):
            log.append((_name, kwargs))
        getattr(signals, name).connect(receiver)
        receivers.append((getattr(signals, name), receiver))
    yield log
    for signal, receiver in receivers:
        signal.disconnect(receiver)


def named(log, name):
    return [kwargs for signal, kwargs in log if signal == name]


def publish(session, who=AUTHOR, *, category="health",
            title="Let us get injections at our health centre"):
    return submit_proposal(
        session, who, title=title, category=category, publish=True,
        body="Travelling to a clinic every day during treatment is hard for working couples.")


def agree_until(session, proposal_id, count, first=100):
    """Agreements from distinct citizens until the counter reads ``count``."""
    current = session.scalar(sa.select(Proposal.agreement_count)
                             .where(Proposal.id == proposal_id))
    for n in range(first + current, first + count):
        agree(session, citizen(n), proposal_id)


def reach_department_step(session, proposal_id):
    agree_until(session, proposal_id, 3)


def reach_committee_step(session, proposal_id):
    agree_until(session, proposal_id, 5)


def reach_mayor_step(session, proposal_id, participants=10):
    """Record the debate crossing as the debate module will (see the module
    docstring): one unit of work around ``record_milestones``."""
    proposal = session.get(Proposal, proposal_id, populate_existing=True)
    now = current_settings().now()
    with unit_of_work(session) as work:
        reached = record_milestones(session, work, proposal.id, Metric.DEBATE_PARTICIPANTS,
                                    participants, counting_since=proposal.published_at,
                                    at=now, stage=proposal.stage)
    return reached


def answer(session, actor, proposal_id, step=Step.DEPARTMENT_ANSWER, **overrides):
    fields = {"body": "We will **pilot** injections in three districts.",
              "decision": "partly_accepted"}
    fields.update(overrides)
    return record_answer(session, actor, proposal_id, step, **fields)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def tags_in(html):
    """The real elements of ``html`` as (tag, attributes): escaped text is not one."""
    parser = _Tags()
    parser.feed(html)
    return parser.found


def kinds(session, proposal_id):
    return [event.kind for event in timeline_of(session, proposal_id)]


def events_of(session, proposal_id, kind):
    return [event for event in timeline_of(session, proposal_id) if event.kind == kind]


def count(session, model, **where):
    query = sa.select(sa.func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return session.scalar(query)


@pytest.fixture
def at_department(session):
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    return proposal


@pytest.fixture
def answered(session, at_department):
    answer(session, HEALTH_OFFICIAL, at_department.id)
    return at_department


@pytest.fixture
def at_mayor(session):
    proposal = publish(session)
    reach_committee_step(session, proposal.id)
    reach_mayor_step(session, proposal.id)
    return proposal


# -- assignment ----------------------------------------------------------------


def test_proposal_is_assigned_from_its_category_when_it_reaches_the_department_step(
        session, clock):
    proposal = publish(session)
    agree_until(session, proposal.id, 2)
    assert assignment_of(session, proposal.id) is None
    clock.advance(hours=5)
    agree_until(session, proposal.id, 3)
    assignment = assignment_of(session, proposal.id)
    assert (assignment.department, assignment.assigned_by) == (HEALTH, "auto")
    assert assignment.assigned_at == clock.now
    milestone = session.scalars(sa.select(Milestone)
                                .where(Milestone.proposal_id == proposal.id)).one()
    assert milestone.answer_due_at == clock.now + DEPARTMENT_DUE
    assigned = events_of(session, proposal.id, EventKind.ASSIGNED)
    assert [(e.occurred_at, e.actor_role, e.data) for e in assigned] == [
        (clock.now, None, {"department": HEALTH, "automatic": True})]
    assert kinds(session, proposal.id)[-2:] == [EventKind.MILESTONE_REACHED, EventKind.ASSIGNED]


def test_automatic_assignment_is_lost_with_the_milestone_when_its_transaction_fails(
        app, session):
    proposal = publish(session)
    agree_until(session, proposal.id, 2)

    def failing_hook(session, work, proposal_id, rule, at):
        raise RuntimeError("a later hook failed")

    app.extensions["deliberation"].settings.milestone_hooks.append(failing_hook)
    with pytest.raises(RuntimeError):
        agree(session, citizen(50), proposal.id)
    assert count(session, Assignment) == 0
    assert count(session, Milestone) == 0
    assert session.get(Proposal, proposal.id, populate_existing=True).agreement_count == 2


def test_proposal_stays_unassigned_when_its_category_maps_to_no_department(session):
    proposal = publish(session, category="culture")
    reach_department_step(session, proposal.id)
    assert count(session, Milestone, proposal_id=proposal.id) == 1
    assert assignment_of(session, proposal.id) is None
    assert EventKind.ASSIGNED not in kinds(session, proposal.id)
    [due] = answers_due(session)
    assert (due.proposal_id, due.department) == (proposal.id, None)


def test_admin_assigns_a_department_when_the_category_has_none(session, admin, clock):
    proposal = publish(session, category="culture")
    reach_department_step(session, proposal.id)
    clock.advance(days=1)
    assignment = assign_department(session, admin, proposal.id, department="  culture_policy ")
    assert (assignment.department, assignment.assigned_by) == ("culture_policy", "admin")
    assert assignment.assigned_at == clock.now
    [event] = events_of(session, proposal.id, EventKind.ASSIGNED)
    assert (event.actor_role, event.data) == (
        "admin", {"department": "culture_policy", "automatic": False})


def test_admin_reassigns_when_the_automatic_department_was_wrong(session, admin, at_department):
    assign_department(session, admin, at_department.id, department=TRAFFIC)
    assert count(session, Assignment) == 1
    assert assignment_of(session, at_department.id).department == TRAFFIC
    with pytest.raises(PermissionDenied):
        answer(session, HEALTH_OFFICIAL, at_department.id)
    assert answer(session, TRAFFIC_OFFICIAL, at_department.id).department == TRAFFIC


@pytest.mark.parametrize("actor", [citizen(2), HEALTH_OFFICIAL, MAYOR_OFFICE, COMMITTEE_MEMBER],
                         ids=["citizen", "official", "mayor_office", "committee"])
def test_assignment_is_refused_when_the_actor_is_not_an_admin(session, at_department, actor):
    with pytest.raises(PermissionDenied) as caught:
        assign_department(session, actor, at_department.id, department=TRAFFIC)
    assert caught.value.status == 403
    assert assignment_of(session, at_department.id).department == HEALTH


def test_assignment_is_refused_when_nobody_is_logged_in(session, at_department):
    with pytest.raises(NotAuthenticated):
        assign_department(session, None, at_department.id, department=TRAFFIC)


def test_assignment_is_refused_when_the_department_step_is_not_reached(session, admin):
    proposal = publish(session)
    agree_until(session, proposal.id, 2)
    with pytest.raises(WrongState) as caught:
        assign_department(session, admin, proposal.id, department=HEALTH)
    assert caught.value.status == 409
    assert count(session, Assignment) == 0


def test_assignment_is_refused_when_the_department_has_answered(session, admin, answered):
    with pytest.raises(WrongState):
        assign_department(session, admin, answered.id, department=TRAFFIC)
    assert assignment_of(session, answered.id).department == HEALTH


def test_assignment_is_refused_when_the_department_is_not_listed(make_app, admin):
    app = civic_app(make_app, DELIBERATION_DEPARTMENTS=(HEALTH, TRAFFIC),
                    DELIBERATION_CATEGORY_DEPARTMENTS={})
    with app.app_context():
        session = app.extensions["deliberation"].db.session
        proposal = publish(session)
        reach_department_step(session, proposal.id)
        with pytest.raises(InvalidInput) as caught:
            assign_department(session, admin, proposal.id, department="city_marketing")
        assert caught.value.status == 422
        assert "department" in caught.value.fields
        assert assignment_of(session, proposal.id) is None
        assert assign_department(session, admin, proposal.id, department=TRAFFIC).department \
            == TRAFFIC


@pytest.mark.parametrize("department", ["", "   ", "x" * 101])
def test_assignment_is_refused_when_the_department_name_is_blank_or_long(
        session, admin, at_department, department):
    with pytest.raises(InvalidInput) as caught:
        assign_department(session, admin, at_department.id, department=department)
    assert list(caught.value.fields) == ["department"]
    assert assignment_of(session, at_department.id).department == HEALTH


def test_assignment_is_refused_when_the_proposal_is_a_draft_or_missing(session, admin):
    draft = submit_proposal(session, AUTHOR, title="A draft nobody else sees",
                            body="Nothing to see here yet, still being written.",
                            category="health")
    for proposal_id in (draft.id, 999):
        with pytest.raises(NotFound):
            assign_department(session, admin, proposal_id, department=HEALTH)
    assert count(session, Assignment) == 0


# -- the department's answer ---------------------------------------------------


def test_official_of_the_assigned_department_publishes_the_answer_when_the_step_is_reached(
        session, at_department, clock, received):
    clock.advance(days=3)
    result = answer(session, HEALTH_OFFICIAL, at_department.id,
                    links=["https://health.seoul.go.kr/plan"])
    assert (result.status, result.decision, result.version) == (
        "published", "partly_accepted", 1)
    assert (result.department, result.step) == (HEALTH, "department_answer")
    assert result.published_at == clock.now
    assert result.links == ["https://health.seoul.go.kr/plan"]
    assert result.body_html == "<p>We will <strong>pilot</strong> injections in three " \
                               "districts.</p>\n"
    [event] = events_of(session, at_department.id, EventKind.ANSWERED)
    assert (event.occurred_at, event.actor_role) == (clock.now, "department_official")
    assert event.data == {"step": "department_answer", "decision": "partly_accepted",
                          "department": HEALTH}
    assert named(received, "answer_published") == [
        {"proposal_id": at_department.id, "step": Step.DEPARTMENT_ANSWER,
         "answer_id": result.id}]


def test_department_answer_is_refused_when_the_official_belongs_to_another_department(
        session, at_department, received):
    with pytest.raises(PermissionDenied) as caught:
        answer(session, TRAFFIC_OFFICIAL, at_department.id)
    assert caught.value.status == 403
    assert caught.value.message == (
        "Only an official of the assigned department can answer this proposal.")
    assert count(session, Answer) == 0
    assert named(received, "answer_published") == []


def test_department_answer_is_refused_when_the_official_names_no_department(
        session, at_department):
    nameless = Participant(id="o-none", roles={Role.DEPARTMENT_OFFICIAL})
    with pytest.raises(PermissionDenied):
        answer(session, nameless, at_department.id)
    assert count(session, Answer) == 0


@pytest.mark.parametrize("actor", [
    citizen(2), MAYOR_OFFICE, COMMITTEE_MEMBER,
    Participant(id="admin", roles={Role.ADMIN, Role.CITIZEN}),
], ids=["citizen", "mayor_office", "committee", "admin"])
def test_department_answer_is_refused_when_the_actor_is_not_a_department_official(
        session, at_department, actor):
    with pytest.raises(PermissionDenied) as caught:
        answer(session, actor, at_department.id)
    assert caught.value.status == 403
    assert count(session, Answer) == 0
    assert EventKind.ANSWERED not in kinds(session, at_department.id)


def test_department_answer_is_refused_when_nobody_is_logged_in(session, at_department):
    with pytest.raises(NotAuthenticated):
        answer(session, None, at_department.id)
    assert count(session, Answer) == 0


def test_department_answer_is_refused_when_the_step_is_not_reached(session):
    proposal = publish(session)
    agree_until(session, proposal.id, 2)
    with pytest.raises(WrongState) as caught:
        answer(session, HEALTH_OFFICIAL, proposal.id)
    assert caught.value.status == 409
    assert count(session, Answer) == 0


def test_department_answer_is_refused_when_no_department_is_assigned(session):
    proposal = publish(session, category="culture")
    reach_department_step(session, proposal.id)
    with pytest.raises(WrongState) as caught:
        answer(session, HEALTH_OFFICIAL, proposal.id)
    assert "assigned" in caught.value.message
    assert count(session, Answer) == 0


def test_answer_is_refused_when_the_step_takes_no_answer(session, at_department):
    reach_committee_step(session, at_department.id)
    for step in (Step.AGENDA_COMMITTEE, "no_such_step"):
        with pytest.raises(NotFound):
            answer(session, HEALTH_OFFICIAL, at_department.id, step=step)
    assert count(session, Answer) == 0


def test_answer_is_refused_when_the_proposal_is_missing(session):
    with pytest.raises(NotFound):
        answer(session, HEALTH_OFFICIAL, 999)


# -- the mayor's answer ----------------------------------------------------------


def test_mayor_office_publishes_an_answer_with_a_video_when_the_mayor_step_is_reached(
        session, at_mayor, clock, received):
    clock.advance(days=2)
    result = answer(session, MAYOR_OFFICE, at_mayor.id, step=Step.MAYOR_ANSWER,
                    decision="accepted", video_url="https://tv.seoul.go.kr/mayor/answer-17")
    assert (result.step, result.status, result.department) == ("mayor_answer", "published",
                                                               None)
    assert result.video_url == "https://tv.seoul.go.kr/mayor/answer-17"
    [event] = events_of(session, at_mayor.id, EventKind.ANSWERED)
    assert (event.actor_role, event.data["step"]) == ("mayor_office", "mayor_answer")
    assert named(received, "answer_published")[0]["step"] == Step.MAYOR_ANSWER


def test_mayor_step_is_recorded_once_when_the_debate_crossing_is_reported_twice(
        session, received):
    proposal = publish(session)
    reach_committee_step(session, proposal.id)
    assert reach_mayor_step(session, proposal.id) == [Step.MAYOR_ANSWER]
    assert reach_mayor_step(session, proposal.id, participants=12) == []
    assert count(session, Milestone, proposal_id=proposal.id, step="mayor_answer") == 1
    assert [kw["step"] for kw in named(received, "milestone_reached")] == [
        Step.DEPARTMENT_ANSWER, Step.AGENDA_COMMITTEE, Step.MAYOR_ANSWER]
    assert session.get(Proposal, proposal.id, populate_existing=True).stage == "mayor_answer"


def test_mayor_answer_is_refused_when_the_mayor_step_is_not_reached(session):
    proposal = publish(session)
    reach_committee_step(session, proposal.id)
    reach_mayor_step(session, proposal.id, participants=9)
    with pytest.raises(WrongState):
        answer(session, MAYOR_OFFICE, proposal.id, step=Step.MAYOR_ANSWER)
    assert count(session, Answer) == 0


@pytest.mark.parametrize("actor", [
    citizen(2), HEALTH_OFFICIAL, COMMITTEE_MEMBER,
    Participant(id="admin", roles={Role.ADMIN, Role.CITIZEN}),
], ids=["citizen", "department_official", "committee", "admin"])
def test_mayor_answer_is_refused_when_the_actor_is_not_the_mayor_office(
        session, at_mayor, actor):
    with pytest.raises(PermissionDenied):
        answer(session, actor, at_mayor.id, step=Step.MAYOR_ANSWER)
    assert count(session, Answer) == 0


# -- Markdown made safe ----------------------------------------------------------


def test_answer_html_drops_the_script_when_the_body_contains_one(session, at_department):
    body = "Thank you.\n\n<script>alert('x')</script>\n\nMore <script>steal()</script> text."
    result = answer(session, HEALTH_OFFICIAL, at_department.id, body=body)
    assert "<script" not in result.body_html
    assert "&lt;script&gt;" in result.body_html
    assert result.body_markdown == body


def test_answer_html_has_no_javascript_link_when_the_body_links_to_one(session, at_department):
    body = ("[the plan](javascript:alert(1)) and [ours](JaVaScRiPt:steal()) and "
            "<a href=\"javascript:alert(2)\">raw</a>")
    result = answer(session, HEALTH_OFFICIAL, at_department.id, body=body)
    assert [tag for tag, _ in tags_in(result.body_html)] == ["p"]
    assert "&lt;a href" in result.body_html


def test_answer_html_escapes_raw_html_when_the_body_carries_it(session, at_department):
    body = '<img src="x" onerror="alert(1)"><iframe src="https://evil.example"></iframe>' \
           '<div style="position:fixed">overlay</div>'
    result = answer(session, HEALTH_OFFICIAL, at_department.id, body=body)
    assert tags_in(result.body_html) == [("p", {})]
    assert "&lt;img" in result.body_html


def test_answer_html_keeps_links_and_lists_when_the_markdown_is_plain(session, at_department):
    body = "See [the plan](https://seoul.go.kr/plan).\n\n- first\n- second"
    result = answer(session, HEALTH_OFFICIAL, at_department.id, body=body)
    assert '<a href="https://seoul.go.kr/plan" rel="noopener nofollow">the plan</a>' \
        in result.body_html
    assert "<ul>\n<li>first</li>\n<li>second</li>\n</ul>" in result.body_html


# -- input rules -----------------------------------------------------------------


@pytest.mark.parametrize("overrides, field", [
    ({"decision": "maybe"}, "decision"),
    ({"decision": None}, "decision"),
    ({"body": ""}, "body"),
    ({"body": "   \n  "}, "body"),
    ({"body": "x" * 20_001}, "body"),
    ({"links": ["ftp://files.seoul.go.kr/plan.pdf"]}, "links"),
    ({"links": ["javascript:alert(1)"]}, "links"),
    ({"links": ["not a url"]}, "links"),
    ({"links": [f"https://seoul.go.kr/{n}" for n in range(11)]}, "links"),
    ({"video_url": "javascript:alert(1)"}, "video_url"),
    ({"video_url": "mailto:mayor@seoul.go.kr"}, "video_url"),
    ({"signed_by": "the mayor"}, "signed_by"),
], ids=["decision-unknown", "decision-none", "body-empty", "body-blank", "body-long",
        "link-ftp", "link-javascript", "link-not-url", "links-too-many", "video-javascript",
        "video-mailto", "unknown-field"])
def test_answer_is_refused_when_a_field_is_invalid(session, at_department, overrides, field):
    with pytest.raises(InvalidInput) as caught:
        answer(session, HEALTH_OFFICIAL, at_department.id, **overrides)
    assert caught.value.status == 422
    assert field in caught.value.fields
    assert count(session, Answer) == 0


def test_answer_is_refused_when_the_decision_is_missing(session, at_department):
    with pytest.raises(InvalidInput) as caught:
        record_answer(session, HEALTH_OFFICIAL, at_department.id, Step.DEPARTMENT_ANSWER,
                      body="A body without a decision.")
    assert list(caught.value.fields) == ["decision"]


@pytest.mark.parametrize("decision", ["accepted", "partly_accepted", "under_review",
                                      "not_accepted"])
def test_answer_records_each_decision_when_it_is_one_of_the_four(
        session, at_department, decision):
    assert answer(session, HEALTH_OFFICIAL, at_department.id, decision=decision).decision \
        == decision


# -- edits -----------------------------------------------------------------------


def test_edits_keep_every_revision_when_an_official_changes_the_answer(
        session, received, answered, clock):
    first = answer_of(session, answered.id, Step.DEPARTMENT_ANSWER)
    published_at = first.published_at
    clock.advance(days=1)
    answer(session, HEALTH_OFFICIAL, answered.id, body="Second text.", decision="under_review")
    clock.advance(days=1)
    edited = answer(session, HEALTH_OFFICIAL, answered.id, body="Third text.",
                    decision="accepted", links=["https://seoul.go.kr/budget"])
    assert (edited.version, edited.status, edited.decision) == (3, "published", "accepted")
    assert edited.published_at == published_at
    assert edited.body_markdown == "Third text."
    revisions = revisions_of(session, edited.id)
    assert [(r.version, r.decision, r.body_markdown, r.edited_at) for r in revisions] == [
        (1, "partly_accepted", "We will **pilot** injections in three districts.",
         published_at),
        (2, "under_review", "Second text.", published_at + timedelta(days=1)),
        (3, "accepted", "Third text.", clock.now)]
    assert revisions[2].links == ["https://seoul.go.kr/budget"]
    assert {r.editor_role for r in revisions} == {"department_official"}
    edits = events_of(session, answered.id, EventKind.ANSWER_EDITED)
    assert [e.data["version"] for e in edits] == [2, 3]
    assert len(events_of(session, answered.id, EventKind.ANSWERED)) == 1
    assert len(named(received, "answer_published")) == 1
    assert count(session, Answer) == 1


def test_edit_is_refused_with_the_first_version_intact_when_input_is_invalid(
        session, answered):
    with pytest.raises(InvalidInput):
        answer(session, HEALTH_OFFICIAL, answered.id, body="   ")
    kept = answer_of(session, answered.id, Step.DEPARTMENT_ANSWER)
    assert (kept.version, kept.status) == (1, "published")
    assert count(session, AnswerRevision) == 1


def test_edit_is_refused_when_the_official_moved_to_another_department(session, answered):
    with pytest.raises(PermissionDenied):
        answer(session, TRAFFIC_OFFICIAL, answered.id, body="Not ours to change.")
    assert answer_of(session, answered.id, Step.DEPARTMENT_ANSWER).version == 1


# -- review before publication ---------------------------------------------------


@pytest.fixture
def reviewed_app(make_app):
    app = civic_app(make_app, DELIBERATION_ANSWER_REVIEW=True)
    with app.app_context():
        yield app.extensions["deliberation"].db.session


def test_answer_waits_for_an_admin_when_answer_review_is_on(reviewed_app, received, clock):
    session = reviewed_app
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    held = answer(session, HEALTH_OFFICIAL, proposal.id)
    assert (held.status, held.published_at) == ("pending_review", None)
    assert EventKind.ANSWER_SUBMITTED in kinds(session, proposal.id)
    assert EventKind.ANSWERED not in kinds(session, proposal.id)
    assert named(received, "answer_published") == []
    assert count(session, NotificationEvent, kind="answered") == 0
    assert [d.proposal_id for d in answers_due(session)] == [proposal.id]


def test_admin_publishes_a_held_answer_when_approving_it(reviewed_app, admin, received, clock):
    session = reviewed_app
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    answer(session, HEALTH_OFFICIAL, proposal.id)
    clock.advance(days=2)
    published = review_answer(session, admin, proposal.id, Step.DEPARTMENT_ANSWER, approve=True)
    assert (published.status, published.published_at) == ("published", clock.now)
    [event] = events_of(session, proposal.id, EventKind.ANSWERED)
    assert (event.actor_role, event.occurred_at) == ("admin", clock.now)
    assert len(named(received, "answer_published")) == 1
    assert count(session, NotificationEvent, kind="answered") == 1
    assert answers_due(session) == []


def test_held_answer_stays_held_when_the_admin_sends_it_back(reviewed_app, admin, received):
    session = reviewed_app
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    answer(session, HEALTH_OFFICIAL, proposal.id)
    held = review_answer(session, admin, proposal.id, "department_answer", approve=False,
                         note="Please cite the budget line.")
    assert (held.status, held.published_at) == ("pending_review", None)
    assert named(received, "answer_published") == []
    revised = answer(session, HEALTH_OFFICIAL, proposal.id, body="With the budget line.")
    assert (revised.version, revised.status) == (2, "pending_review")


def test_edit_of_a_published_answer_stays_published_when_review_is_on(
        reviewed_app, admin, received):
    session = reviewed_app
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    answer(session, HEALTH_OFFICIAL, proposal.id)
    review_answer(session, admin, proposal.id, Step.DEPARTMENT_ANSWER, approve=True)
    edited = answer(session, HEALTH_OFFICIAL, proposal.id, body="A correction.")
    assert (edited.version, edited.status) == (2, "published")
    assert len(named(received, "answer_published")) == 1


def test_answer_by_an_official_who_is_also_admin_skips_review_when_review_is_on(reviewed_app):
    session = reviewed_app
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    both = Participant(id="o-admin", roles={Role.DEPARTMENT_OFFICIAL, Role.ADMIN},
                       department=HEALTH)
    assert answer(session, both, proposal.id).status == "published"


@pytest.mark.parametrize("actor", [HEALTH_OFFICIAL, MAYOR_OFFICE, citizen(2)],
                         ids=["official", "mayor_office", "citizen"])
def test_review_is_refused_when_the_reviewer_is_not_an_admin(reviewed_app, actor):
    session = reviewed_app
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    answer(session, HEALTH_OFFICIAL, proposal.id)
    with pytest.raises(PermissionDenied):
        review_answer(session, actor, proposal.id, Step.DEPARTMENT_ANSWER, approve=True)
    assert answer_of(session, proposal.id, Step.DEPARTMENT_ANSWER).status == "pending_review"


def test_review_is_refused_when_the_answer_is_already_published(session, admin, answered):
    with pytest.raises(WrongState):
        review_answer(session, admin, answered.id, Step.DEPARTMENT_ANSWER, approve=True)


def test_review_is_refused_when_there_is_no_answer(session, admin, at_department):
    with pytest.raises(NotFound):
        review_answer(session, admin, at_department.id, Step.DEPARTMENT_ANSWER, approve=True)
    with pytest.raises(NotFound):
        review_answer(session, admin, at_department.id, "no_such_step", approve=True)


# -- implementation updates ------------------------------------------------------


def test_official_posts_an_implementation_update_when_the_answer_is_published(
        session, answered, clock):
    clock.advance(days=20)
    update = post_implementation_update(session, HEALTH_OFFICIAL, answered.id,
                                        status="in_progress", note="  Pilot in three districts. ")
    assert (update.status, update.note, update.author_role) == (
        "in_progress", "Pilot in three districts.", "department_official")
    assert update.occurred_on == clock.now.date()
    [event] = events_of(session, answered.id, EventKind.IMPLEMENTATION_UPDATED)
    assert (event.actor_role, event.data["status"], event.data["occurred_on"]) == (
        "department_official", "in_progress", clock.now.date().isoformat())


def test_implementation_updates_read_in_date_order_when_posted_out_of_order(session, answered):
    post_implementation_update(session, HEALTH_OFFICIAL, answered.id, status="done",
                               note="All centres give injections.", occurred_on="2026-09-01")
    post_implementation_update(session, HEALTH_OFFICIAL, answered.id, status="planned",
                               note="Budget approved.", occurred_on="2026-04-01")
    assert [(u.status, u.occurred_on) for u in implementation_updates_of(session, answered.id)] \
        == [("planned", date(2026, 4, 1)), ("done", date(2026, 9, 1))]


def test_mayor_office_posts_an_update_when_it_answered(session, at_mayor):
    answer(session, MAYOR_OFFICE, at_mayor.id, step=Step.MAYOR_ANSWER, decision="accepted")
    update = post_implementation_update(session, MAYOR_OFFICE, at_mayor.id, status="planned",
                                        note="Citizen meeting on 26 March.")
    assert update.author_role == "mayor_office"


def test_implementation_update_is_refused_when_no_answer_is_published(session, at_department):
    with pytest.raises(WrongState):
        post_implementation_update(session, HEALTH_OFFICIAL, at_department.id,
                                   status="planned", note="Too early.")
    assert count(session, ImplementationUpdate) == 0


def test_implementation_update_is_refused_when_the_answer_is_only_held(reviewed_app):
    session = reviewed_app
    proposal = publish(session)
    reach_department_step(session, proposal.id)
    answer(session, HEALTH_OFFICIAL, proposal.id)
    with pytest.raises(WrongState):
        post_implementation_update(session, HEALTH_OFFICIAL, proposal.id, status="planned",
                                   note="Not yet public.")
    assert count(session, ImplementationUpdate) == 0


@pytest.mark.parametrize("actor, error", [
    (TRAFFIC_OFFICIAL, PermissionDenied), (citizen(2), PermissionDenied),
    (AUTHOR, PermissionDenied), (COMMITTEE_MEMBER, PermissionDenied), (None, NotAuthenticated),
], ids=["other-department", "citizen", "author", "committee", "anonymous"])
def test_implementation_update_is_refused_when_the_actor_is_not_the_answering_side(
        session, answered, actor, error):
    with pytest.raises(error):
        post_implementation_update(session, actor, answered.id, status="done",
                                   note="Claimed done.")
    assert count(session, ImplementationUpdate) == 0
    assert EventKind.IMPLEMENTATION_UPDATED not in kinds(session, answered.id)


@pytest.mark.parametrize("fields, field", [
    ({"status": "finished", "note": "A note."}, "status"),
    ({"status": "done", "note": "   "}, "note"),
    ({"status": "done", "note": "x" * 5001}, "note"),
    ({"status": "done", "note": "A note.", "occurred_on": "next week"}, "occurred_on"),
], ids=["status", "note-blank", "note-long", "date"])
def test_implementation_update_is_refused_when_a_field_is_invalid(
        session, answered, fields, field):
    with pytest.raises(InvalidInput) as caught:
        post_implementation_update(session, HEALTH_OFFICIAL, answered.id, **fields)
    assert field in caught.value.fields
    assert count(session, ImplementationUpdate) == 0


# -- what is due, what is late ---------------------------------------------------


def test_answers_due_lists_the_oldest_due_date_first_when_several_are_open(session, clock):
    first = publish(session, title="Injections at the health centre")
    second = publish(session, title="Buses every ten minutes at night")
    third = publish(session, title="Shade over every bus stop in summer")
    reach_department_step(session, second.id)
    clock.advance(days=2)
    reach_department_step(session, third.id)
    clock.advance(days=2)
    reach_department_step(session, first.id)
    due = answers_due(session)
    assert [d.proposal_id for d in due] == [second.id, third.id, first.id]
    assert due[0].due_at == due[0].reached_at + DEPARTMENT_DUE
    assert [d.step for d in due] == [Step.DEPARTMENT_ANSWER] * 3
    assert all(d.overdue_by is None and d.is_open for d in due)


def test_overdue_queue_fills_only_after_the_due_date_when_the_clock_moves(
        session, at_department, clock):
    due_at = answers_due(session)[0].due_at
    clock.set(due_at - timedelta(seconds=1))
    assert answers_due(session, overdue_only=True) == []
    clock.set(due_at)
    assert answers_due(session, overdue_only=True) == []
    clock.set(due_at + timedelta(seconds=1))
    [late] = answers_due(session, overdue_only=True)
    assert (late.proposal_id, late.overdue_by) == (at_department.id, timedelta(seconds=1))
    clock.advance(days=9)
    assert answers_due(session, overdue_only=True)[0].overdue_by == timedelta(days=9, seconds=1)


def test_answers_due_filters_by_department_when_one_is_given(session, clock):
    health = publish(session)
    traffic = publish(session, category="transport", title="Buses every ten minutes at night")
    reach_department_step(session, traffic.id)
    clock.advance(days=1)
    reach_department_step(session, health.id)
    assert [d.proposal_id for d in answers_due(session, department=HEALTH)] == [health.id]
    assert [d.proposal_id for d in answers_due(session, department=TRAFFIC)] == [traffic.id]
    assert answers_due(session, department="culture_policy") == []
    clock.advance(days=30, seconds=1)
    assert [d.proposal_id for d in answers_due(session, department=HEALTH,
                                               overdue_only=True)] == [health.id]


def test_answer_leaves_the_queue_when_it_is_published(session, at_department):
    assert len(answers_due(session)) == 1
    answer(session, HEALTH_OFFICIAL, at_department.id)
    assert answers_due(session) == []


def test_mayor_answer_is_due_on_the_ladder_deadline_when_the_mayor_step_is_reached(
        session, at_mayor, clock):
    answer(session, HEALTH_OFFICIAL, at_mayor.id)
    [due] = answers_due(session)
    assert (due.step, due.department, due.due_at) == (
        Step.MAYOR_ANSWER, None, clock.now + MAYOR_DUE)
    clock.advance(MAYOR_DUE + timedelta(hours=1))
    assert answers_due(session, overdue_only=True)[0].overdue_by == timedelta(hours=1)


def test_merged_and_hidden_proposals_leave_the_queue_when_moderated(session, admin, clock):
    kept = publish(session, title="Injections at the health centre")
    duplicate = publish(session, title="Injections at health centres please")
    hidden = publish(session, title="Buses every ten minutes at night", category="transport")
    for proposal in (kept, duplicate, hidden):
        reach_department_step(session, proposal.id)
    clock.advance(days=31)
    assert len(answers_due(session, overdue_only=True)) == 3
    merge_proposals(session, admin, duplicate.id, kept.id)
    hide_proposal(session, admin, hidden.id, reason="Names a private person.")
    assert [d.proposal_id for d in answers_due(session)] == [kept.id]
    report = lateness_report(session)
    assert (report.open_overdue, [i.proposal_id for i in report.overdue]) == (1, [kept.id])


def test_lateness_report_counts_and_measures_late_answers_when_some_are_late(session, clock):
    on_time = publish(session, title="Injections at the health centre")
    answered_late = publish(session, title="Buses every ten minutes at night")
    still_open = publish(session, title="Shade over every bus stop in summer")
    for proposal in (on_time, answered_late, still_open):
        reach_department_step(session, proposal.id)
    clock.advance(days=10)
    answer(session, HEALTH_OFFICIAL, on_time.id)
    clock.advance(days=15)
    recent = publish(session, title="Benches along the river path")
    reach_department_step(session, recent.id)
    clock.advance(days=10)  # day 35: five days past the first three deadlines
    answer(session, HEALTH_OFFICIAL, answered_late.id)
    clock.advance(days=5)  # day 40
    report = lateness_report(session)
    assert (report.open_on_time, report.open_overdue) == (1, 1)
    assert (report.answered_on_time, report.answered_late) == (1, 1)
    assert report.longest_overdue == timedelta(days=10)
    assert report.average_late == timedelta(days=7, hours=12)
    assert [i.proposal_id for i in report.overdue] == [still_open.id]


def test_lateness_report_is_empty_when_nothing_is_due(session):
    publish(session)
    report = lateness_report(session)
    assert (report.open_on_time, report.open_overdue, report.answered_on_time,
            report.answered_late) == (0, 0, 0, 0)
    assert (report.longest_overdue, report.average_late, report.overdue) == (None, None, [])


def test_due_queue_is_refused_when_a_citizen_or_nobody_asks(session):
    from deliberation.errors import NotAuthenticated, PermissionDenied
    from deliberation.responses.queries import due_queue_for

    with pytest.raises(PermissionDenied):
        due_queue_for(session, citizen(1))
    with pytest.raises(NotAuthenticated):
        due_queue_for(session, None)


def test_due_queue_shows_the_officials_own_department_when_none_is_asked(session):
    from deliberation.responses.queries import due_queue_for

    health = publish(session, category="health")
    traffic = publish(session, category="transport", title="Safer crossings by the school")
    reach_department_step(session, health.id)
    reach_department_step(session, traffic.id)

    items, department = due_queue_for(session, HEALTH_OFFICIAL)
    everything, _ = due_queue_for(session, MAYOR_OFFICE)

    assert department == HEALTH
    assert [d.proposal_id for d in items] == [health.id]
    assert {d.proposal_id for d in everything} == {health.id, traffic.id}


@pytest.mark.concurrency
def test_simultaneous_answers_keep_one_answer_and_every_version_when_officials_race(
        app, at_department):
    """Eight officials of the department save at once: each either lands as a
    version or is told to reload (Conflict); none is lost silently, none 500s."""
    import threading

    from deliberation import Conflict

    proposal_id = at_department.id
    barrier = threading.Barrier(8)
    outcomes = []

    def official(n):
        who = Participant(id=f"o-{n}", roles={Role.DEPARTMENT_OFFICIAL}, department=HEALTH)
        with app.app_context():
            session = app.extensions["deliberation"].db.session
            barrier.wait()
            try:
                record_answer(session, who, proposal_id, Step.DEPARTMENT_ANSWER,
                              body=f"답변 {n}", decision="under_review")
                outcomes.append("saved")
            except Conflict:
                outcomes.append("conflict")
            finally:
                session.remove()

    threads = [threading.Thread(target=official, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with app.app_context():
        session = app.extensions["deliberation"].db.session
        [answer] = session.scalars(sa.select(Answer)).all()
        versions = session.scalars(sa.select(AnswerRevision.version)
                                   .order_by(AnswerRevision.version)).all()
    assert len(outcomes) == 8 and set(outcomes) <= {"saved", "conflict"}
    assert versions == list(range(1, outcomes.count("saved") + 1))
    assert answer.version == outcomes.count("saved")
