"""A participant's own activity ("my page"): their proposals (drafts too),
agreements, debate ballots, opinions, meeting registrations and
notifications, newest first.

Read-only queries. Each section is one SELECT (joined with what it shows of
the proposal, debate or meeting) plus one shared SELECT counting every
section, so the page costs the same number of queries however active the
participant is. Nobody but the participant is ever shown here: every query
filters on their id."""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from .comments.models import Comment
from .debates.models import Ballot, Debate
from .debates.states import state_of
from .errors import InvalidInput
from .meetings.models import Meeting, Registration
from .meetings.states import MeetingStatus, RegistrationStatus
from .notifications.models import Notification
from .participants import require_participant
from .proposals.models import Proposal
from .proposals.queries import close_expired_lazily
from .settings import current_settings
from .votes.models import Agreement

#: the sections, in the order a page shows them
SECTIONS = ("proposals", "agreements", "ballots", "comments", "registrations", "notifications")
PER_PAGE = 10


@dataclass
class Activity:
    """Rows (plain dicts) per section, each section's total, and how many
    notifications are unread; ``sections`` names the sections filled in."""

    sections: tuple
    page: int
    per_page: int
    items: dict = field(default_factory=dict)
    totals: dict = field(default_factory=dict)
    unread_notifications: int = 0

    def pages(self, section):
        return max(1, -(-self.totals.get(section, 0) // self.per_page))


def _own_proposals(participant_id):
    return (sa.select(Proposal.id, Proposal.title, Proposal.category, Proposal.state,
                      Proposal.stage, Proposal.agreement_count, Proposal.created_at,
                      Proposal.published_at, Proposal.closes_at,
                      Proposal.hidden_at.is_not(None).label("hidden"))
            .where(Proposal.author_id == participant_id)
            .order_by(Proposal.created_at.desc(), Proposal.id.desc()))


def _own_agreements(participant_id):
    return (sa.select(Agreement.created_at.label("agreed_at"),
                      Proposal.id.label("proposal_id"), Proposal.title, Proposal.state,
                      Proposal.stage, Proposal.agreement_count)
            .join(Proposal, Proposal.id == Agreement.proposal_id)
            .where(Agreement.participant_id == participant_id)
            .order_by(Agreement.created_at.desc(), Agreement.id.desc()))


def _own_ballots(participant_id):
    return (sa.select(Ballot.id, Ballot.debate_id, Ballot.stance, Ballot.opinion,
                      Ballot.created_at, Ballot.updated_at, Ballot.like_count,
                      Ballot.hidden_at.is_not(None).label("hidden"), Ballot.hidden_reason,
                      Debate.question, Debate.kind, Debate.proposal_id, Debate.starts_at,
                      Debate.ends_at)
            .join(Debate, Debate.id == Ballot.debate_id)
            .where(Ballot.participant_id == participant_id)
            .order_by(Ballot.updated_at.desc(), Ballot.id.desc()))


def _own_comments(participant_id):
    return (sa.select(Comment.id, Comment.proposal_id, Comment.body, Comment.created_at,
                      Comment.updated_at, Comment.like_count,
                      Comment.hidden_at.is_not(None).label("hidden"), Comment.hidden_reason,
                      Proposal.title.label("proposal_title"))
            .join(Proposal, Proposal.id == Comment.proposal_id)
            .where(Comment.participant_id == participant_id, Comment.deleted_at.is_(None))
            .order_by(Comment.created_at.desc(), Comment.id.desc()))


def _own_registrations(participant_id):
    ahead = aliased(Registration)
    # the place in the queue, counted in the same SELECT: no query per row
    waitlist_position = (
        sa.select(sa.func.count()).select_from(ahead)
        .where(ahead.meeting_id == Registration.meeting_id,
               ahead.status == str(RegistrationStatus.WAITLISTED),
               ahead.seq <= Registration.seq)
        .scalar_subquery())
    return (sa.select(Registration.id, Registration.meeting_id, Registration.status,
                      Registration.check_in_code, Registration.created_at,
                      Registration.confirmed_at, Registration.checked_in_at,
                      sa.case((Registration.status == str(RegistrationStatus.WAITLISTED),
                               waitlist_position)).label("waitlist_position"),
                      Meeting.title.label("meeting_title"), Meeting.venue,
                      Meeting.starts_at, Meeting.status.label("meeting_status"))
            .join(Meeting, Meeting.id == Registration.meeting_id)
            .where(Registration.participant_id == participant_id)
            .order_by(Registration.created_at.desc(), Registration.id.desc()))


def _own_notifications(participant_id):
    return (sa.select(Notification.id, Notification.kind, Notification.proposal_id,
                      Notification.data, Notification.created_at, Notification.read_at)
            .where(Notification.participant_id == participant_id)
            .order_by(Notification.id.desc()))


_QUERIES = {
    "proposals": _own_proposals, "agreements": _own_agreements, "ballots": _own_ballots,
    "comments": _own_comments, "registrations": _own_registrations,
    "notifications": _own_notifications,
}


def _counts(session, participant_id, sections):
    """Every requested section's total and the unread count, in one SELECT."""
    def count(query):
        return (sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
                .scalar_subquery())

    columns = [count(_QUERIES[name](participant_id)).label(name) for name in sections]
    columns.append(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.participant_id == participant_id,
        Notification.read_at.is_(None)).scalar_subquery().label("unread"))
    return session.execute(sa.select(*columns)).one()._mapping


def _shown(name, row, now):
    data = dict(row._mapping)
    if name == "ballots":
        data["debate_state"] = str(state_of(row, now))
    elif name == "registrations" and (row.status != RegistrationStatus.CONFIRMED
                                      or row.meeting_status == MeetingStatus.CANCELLED):
        data["check_in_code"] = None  # the door takes confirmed codes only
    return data


def activity_of(session, participant, *, sections=SECTIONS, page=1, per_page=PER_PAGE):
    """The participant's own activity: ``page`` of each of ``sections``."""
    require_participant(participant)
    unknown = [name for name in sections if name not in _QUERIES]
    if unknown or not sections:
        raise InvalidInput("Bad section.", fields={
            "section": ["Must be one of: " + ", ".join(SECTIONS) + "."]})
    if page < 1 or not 1 <= per_page <= current_settings().max_per_page:
        raise InvalidInput("Bad page.", fields={"page": ["Out of range."]})
    close_expired_lazily(session)  # a proposal past its end reads as closed
    now = current_settings().now()
    sections = tuple(name for name in SECTIONS if name in sections)
    counts = _counts(session, participant.id, sections)
    activity = Activity(sections=sections, page=page, per_page=per_page,
                        unread_notifications=counts["unread"])
    for name in sections:
        query = _QUERIES[name](participant.id).limit(per_page).offset((page - 1) * per_page)
        activity.items[name] = [_shown(name, row, now) for row in session.execute(query)]
        activity.totals[name] = counts[name]
    return activity


__all__ = ["Activity", "PER_PAGE", "SECTIONS", "activity_of"]
