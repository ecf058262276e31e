"""What the home page reads: the ladder of the active configuration, the
story of the real case told from its rows, and what needs attention now."""

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from deliberation import Milestone, Proposal, ProposalState
from deliberation.committee import decision_of
from deliberation.debates.queries import debate_of_proposal
from deliberation.api.meeting_presenters import meeting_summary
from deliberation.meetings.operations import list_meetings, meeting_of_proposal
from deliberation.responses.models import Answer
from deliberation.responses.states import AnswerStatus
from deliberation.threshold import Metric, Step

from .seed_case import CASE_TITLE

#: "closing soon" means within this many days
CLOSING_WITHIN = timedelta(days=7)
#: "near a threshold" means at least this share of the count
NEAR_SHARE = 0.8
#: "answered recently" means within this many days
ANSWERED_WITHIN = timedelta(days=30)
LISTED = 5


def _visible():
    return sa.and_(Proposal.published_at.is_not(None), Proposal.hidden_at.is_(None),
                   Proposal.merged_into_id.is_(None))


@dataclass(frozen=True)
class StoryStep:
    """One dated moment of the case; ``kind`` picks its wording."""

    kind: str
    at: object
    ends_at: object = None
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CaseStory:
    proposal: Proposal
    steps: list
    debate: object = None
    meeting: object = None

    @property
    def pro_percent(self):
        if not self.debate or not self.debate.participant_count:
            return None
        return round(self.debate.pro_count * 100 / self.debate.participant_count)


def case_story(session):
    """The infertility-injection case, each step dated from its own row."""
    proposal = session.execute(sa.select(Proposal).where(
        Proposal.title == CASE_TITLE, _visible())).scalars().first()
    if proposal is None:
        return None
    milestones = {m.step: m for m in session.scalars(
        sa.select(Milestone).where(Milestone.proposal_id == proposal.id))}
    answers = {a.step: a for a in session.scalars(sa.select(Answer).where(
        Answer.proposal_id == proposal.id, Answer.status == AnswerStatus.PUBLISHED))}
    decision = decision_of(session, proposal.id)
    debate = debate_of_proposal(session, proposal.id)
    meeting = meeting_of_proposal(session, proposal.id)
    steps = [StoryStep("published", proposal.published_at)]
    if Step.DEPARTMENT_ANSWER in milestones:
        reached = milestones[Step.DEPARTMENT_ANSWER]
        steps.append(StoryStep("department_step", reached.reached_at,
                               details={"count": reached.count_at}))
    if Step.DEPARTMENT_ANSWER in answers:
        answer = answers[Step.DEPARTMENT_ANSWER]
        steps.append(StoryStep("department_answer", answer.published_at,
                               details={"department": answer.department}))
    if Step.AGENDA_COMMITTEE in milestones:
        reached = milestones[Step.AGENDA_COMMITTEE]
        steps.append(StoryStep("committee_step", reached.reached_at,
                               details={"count": reached.count_at}))
    if decision is not None:
        steps.append(StoryStep("committee_decision", decision.decided_at))
    if debate is not None:
        steps.append(StoryStep("debate", debate.starts_at, debate.ends_at, details={
            "participants": debate.participant_count, "pro": debate.pro_count}))
    if Step.MAYOR_ANSWER in milestones:
        reached = milestones[Step.MAYOR_ANSWER]
        steps.append(StoryStep("mayor_step", reached.reached_at,
                               details={"count": reached.count_at}))
    if meeting is not None and meeting.starts_at is not None:
        steps.append(StoryStep("meeting", meeting.starts_at, meeting.ends_at, details={
            "venue": meeting.venue, "seats": meeting.capacity,
            "confirmed": meeting.confirmed_count}))
    if Step.MAYOR_ANSWER in answers:
        steps.append(StoryStep("mayor_answer", answers[Step.MAYOR_ANSWER].published_at))
    steps.sort(key=lambda s: s.at)
    return CaseStory(proposal, steps, debate, meeting)


@dataclass(frozen=True)
class NearThreshold:
    proposal: Proposal
    step: Step
    needed: int

    @property
    def remaining(self):
        return max(0, self.needed - self.proposal.agreement_count)


def closing_soon(session, now):
    """Collecting proposals whose collection ends within a week, soonest first."""
    return session.scalars(sa.select(Proposal).where(
        _visible(), Proposal.state == ProposalState.COLLECTING,
        Proposal.closes_at > now, Proposal.closes_at <= now + CLOSING_WITHIN)
        .order_by(Proposal.closes_at, Proposal.id).limit(LISTED)).all()


def near_threshold(session, ladder, now):
    """Collecting proposals a few agreements short of a step they have not
    reached (within its window, when the step has one), closest first."""
    found = []
    for rule in ladder.rules:
        if rule.metric != Metric.AGREEMENTS:
            continue
        reached = sa.select(Milestone.proposal_id).where(Milestone.step == str(rule.step))
        query = sa.select(Proposal).where(
            _visible(), Proposal.state == ProposalState.COLLECTING,
            Proposal.agreement_count >= int(rule.count * NEAR_SHARE),
            Proposal.agreement_count < rule.count, Proposal.id.not_in(reached))
        for proposal in session.scalars(query):
            if rule.within and rule.window_ends_at(proposal.published_at) <= now:
                continue
            found.append(NearThreshold(proposal, rule.step, rule.count))
    found.sort(key=lambda n: (n.remaining, n.proposal.id))
    return found[:LISTED]


def answered_recently(session, now):
    """(answer, proposal) published in the last 30 days, newest first."""
    return session.execute(
        sa.select(Answer, Proposal).join(Proposal, Proposal.id == Answer.proposal_id)
        .where(_visible(), Answer.status == AnswerStatus.PUBLISHED,
               Answer.published_at >= now - ANSWERED_WITHIN)
        .order_by(Answer.published_at.desc(), Answer.id.desc()).limit(LISTED)).all()


def upcoming_meetings(session):
    """The package's own summaries: seats left are worked out there."""
    return [meeting_summary(m) for m in list_meetings(session, upcoming_only=True)[:LISTED]]
