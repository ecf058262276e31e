"""Where the numbers come from. Each metric source counts its own series per
(day, category) and also per day, per category and in all, because a count of
distinct people does not add up across days or categories.

A source is any object with a ``series`` tuple and ``count(session, window)``
returning ``{(series, day or None, category or None): number}``; ``None`` in
the day or category place means "all of them". Ballots in debates count under
their proposal's category, and ballots in city questions under
``CITY_QUESTION_CATEGORY``.
"""

from collections import defaultdict

import sqlalchemy as sa

from ..debates.models import Ballot, Debate
from ..proposals.models import Proposal
from ..responses.queries import answer_items
from ..settings import current_settings
from ..votes.models import Agreement


def day_of(session, column, window):
    """SQL for the local day of a UTC timestamp column, on SQLite and PostgreSQL.
    The offset is a whole number of minutes rendered inline, so that the same
    expression can be grouped on without two bind parameters differing."""
    minutes = int(window.utc_offset.total_seconds() // 60)
    if session.get_bind().dialect.name == "sqlite":
        # UTCDateTime stores naive UTC text on SQLite; date() reads it
        return sa.func.date(column, sa.literal_column(f"'{minutes:+d} minutes'"))
    return sa.cast(sa.func.timezone("UTC", column)
                   + sa.literal_column(f"interval '{minutes} minutes'"), sa.Date)


def as_date(value):
    from datetime import date

    return value if isinstance(value, date) else date.fromisoformat(str(value))


def with_totals(cells):
    """Add the day, category and overall totals of an additive count."""
    totals = defaultdict(int)
    for (series, day, category), value in cells.items():
        totals[(series, day, category)] += value
        totals[(series, day, None)] += value
        totals[(series, None, category)] += value
        totals[(series, None, None)] += value
    return dict(totals)


def _grouped_counts(session, events, series):
    """Count the rows of ``events`` (a subquery with day and category) per day
    and category."""
    rows = session.execute(
        sa.select(events.c.day, events.c.category, sa.func.count())
        .group_by(events.c.day, events.c.category)).all()
    return with_totals({(series, as_date(day), category): count
                        for day, category, count in rows})


class ProposalsPublished:
    series = ("proposals",)

    def count(self, session, window):
        events = (sa.select(day_of(session, Proposal.published_at, window).label("day"),
                            Proposal.category.label("category"))
                  .where(Proposal.published_at >= window.starts_at,
                         Proposal.published_at < window.ends_at)).subquery()
        return _grouped_counts(session, events, "proposals")


class AgreementsGiven:
    """Agreements standing today, by the day they were given: a withdrawn
    agreement is deleted, so it no longer counts on its day."""

    series = ("agreements",)

    def count(self, session, window):
        events = (sa.select(day_of(session, Agreement.created_at, window).label("day"),
                            Proposal.category.label("category"))
                  .join(Proposal, Proposal.id == Agreement.proposal_id)
                  .where(Agreement.created_at >= window.starts_at,
                         Agreement.created_at < window.ends_at)).subquery()
        return _grouped_counts(session, events, "agreements")


#: where the ballots of a city question (a debate without a proposal) count
CITY_QUESTION_CATEGORY = "city_question"


def _ballot_category():
    return sa.func.coalesce(Proposal.category, sa.literal(CITY_QUESTION_CATEGORY))


def _ballots_in(session, window, *columns):
    return (sa.select(day_of(session, Ballot.created_at, window).label("day"),
                      _ballot_category().label("category"), *columns)
            .join(Debate, Debate.id == Ballot.debate_id)
            .outerjoin(Proposal, Proposal.id == Debate.proposal_id)
            .where(Ballot.created_at >= window.starts_at, Ballot.created_at < window.ends_at))


class DistinctParticipants:
    """People who agreed, published a proposal or cast a ballot: each counted
    once per day and category, once per day, once per category and once in
    all."""

    series = ("participants",)

    def count(self, session, window):
        agreed = (sa.select(day_of(session, Agreement.created_at, window).label("day"),
                            Proposal.category.label("category"),
                            Agreement.participant_id.label("participant_id"))
                  .join(Proposal, Proposal.id == Agreement.proposal_id)
                  .where(Agreement.created_at >= window.starts_at,
                         Agreement.created_at < window.ends_at))
        published = (sa.select(day_of(session, Proposal.published_at, window).label("day"),
                               Proposal.category.label("category"),
                               Proposal.author_id.label("participant_id"))
                     .where(Proposal.published_at >= window.starts_at,
                            Proposal.published_at < window.ends_at))
        voted = _ballots_in(session, window, Ballot.participant_id.label("participant_id"))
        acts = sa.union_all(agreed, published, voted).subquery()
        people = sa.func.count(sa.distinct(acts.c.participant_id))
        cells = {}
        for keys in ((acts.c.day, acts.c.category), (acts.c.day,), (acts.c.category,), ()):
            query = sa.select(*keys, people).select_from(acts)
            if keys:
                query = query.group_by(*keys)
            for row in session.execute(query).all():
                named = dict(zip((k.name for k in keys), row))
                day = named.get("day")
                cells[("participants", None if day is None else as_date(day),
                       named.get("category"))] = row[-1]
        return cells


class AnswersOnTimeOrLate:
    """Official answers, from the same due dates as the public lateness page:
    an answer counts on the day it was published, on time or late; an answer
    still missing counts as overdue on the day it fell due."""

    series = ("answers_on_time", "answers_late", "answers_overdue")

    def count(self, session, window):
        now = current_settings().now()
        items = answer_items(session)
        categories = dict(session.execute(
            sa.select(Proposal.id, Proposal.category)
            .where(Proposal.id.in_({i.proposal_id for i in items}))).all()) if items else {}
        cells = defaultdict(int)
        for item in items:
            if item.answered_at is not None:
                moment = item.answered_at
                series = "answers_late" if item.overdue_by else "answers_on_time"
            elif item.due_at <= now:
                moment, series = item.due_at, "answers_overdue"
            else:
                continue
            if window.covers(moment):
                cells[(series, window.day_of(moment), categories[item.proposal_id])] += 1
        return with_totals(cells)


class BallotsCast:
    """Ballots standing today, by the day they were first cast: a change of
    stance or opinion does not count again."""

    series = ("ballots",)

    def count(self, session, window):
        return _grouped_counts(session, _ballots_in(session, window).subquery(), "ballots")


DEFAULT_SOURCES = (ProposalsPublished(), AgreementsGiven(), DistinctParticipants(),
                   AnswersOnTimeOrLate(), BallotsCast())
