"""Reading debates: lists, opinions, results, open data."""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import sqlalchemy as sa

from ..errors import InvalidInput, NotFound
from ..settings import current_settings
from ..i18n import local_zone
from .models import Ballot, Debate
from .states import DebateKind, DebateState, Stance, state_of


class OpinionSort(StrEnum):
    NEWEST = "newest"
    MOST_LIKED = "most_liked"


def _parse(kind, value, field):
    """A filter's value as its enum, or InvalidInput naming the field at fault."""
    try:
        return kind(value)
    except ValueError as exc:
        raise InvalidInput("Bad filter.", fields={field: [str(exc)]}) from None


def get_debate(session, debate_id):
    debate = session.get(Debate, debate_id, populate_existing=True)
    if debate is None:
        raise NotFound("No such debate.")
    return debate


def debate_of_proposal(session, proposal_id):
    return session.execute(sa.select(Debate).where(Debate.proposal_id == proposal_id)).scalar()


def list_debates(session, *, state=None, city_questions_only=False, page=1, per_page=20):
    """Debates newest first; ``state`` is judged by the clock, in SQL."""
    now = current_settings().now()
    query = sa.select(Debate)
    if city_questions_only:
        query = query.where(Debate.proposal_id.is_(None))
    if state is not None:
        state = _parse(DebateState, state, "state")
        query = query.where({
            DebateState.SCHEDULED: Debate.starts_at > now,
            DebateState.OPEN: sa.and_(Debate.starts_at <= now, Debate.ends_at > now),
            DebateState.CLOSED: Debate.ends_at <= now,
        }[state])
    total = session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    items = session.scalars(query.order_by(Debate.starts_at.desc(), Debate.id.desc())
                            .limit(per_page).offset((page - 1) * per_page)).all()
    return items, total


def opinions(session, debate_id, *, stance=None, sort=OpinionSort.NEWEST, page=1, per_page=20):
    """A page of ballots as opinions. Hidden ones are listed (their place and
    stance are public) and the caller withholds their text."""
    get_debate(session, debate_id)
    sort = _parse(OpinionSort, sort, "sort")
    stance = None if stance in (None, "") else _parse(Stance, stance, "stance")
    query = sa.select(Ballot).where(Ballot.debate_id == debate_id)
    if stance is not None:
        query = query.where(Ballot.stance == str(stance))
    total = session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    order = ((Ballot.like_count.desc(), Ballot.id.desc()) if sort == OpinionSort.MOST_LIKED
             else (Ballot.created_at.desc(), Ballot.id.desc()))
    items = session.scalars(query.order_by(*order).limit(per_page)
                            .offset((page - 1) * per_page)).all()
    return items, total


@dataclass(frozen=True)
class StanceResult:
    stance: Stance
    count: int
    percent: float


@dataclass(frozen=True)
class Results:
    debate_id: int
    state: DebateState
    participants: int
    stances: list
    #: (day, ballots that day, cumulative participants)
    over_time: list


def results_of(session, debate_id):
    """Counts and percentages per stance (from the proven tallies) and
    participants over time (from the ballots' dates)."""
    debate = get_debate(session, debate_id)
    total = debate.participant_count
    stances = []
    if debate.kind == DebateKind.PRO_CON:
        for stance, count in ((Stance.PRO, debate.pro_count), (Stance.CON, debate.con_count),
                              (Stance.OTHER, debate.other_count)):
            stances.append(StanceResult(stance, count, round(100 * count / total, 1) if total else 0.0))
    created = session.execute(sa.select(Ballot.created_at).where(Ballot.debate_id == debate.id)
                              .order_by(Ballot.created_at)).scalars().all()
    per_day = {}
    zone = local_zone()  # a day as the site's people live it, not UTC's
    for moment in created:
        day = moment.astimezone(zone).date()
        per_day[day] = per_day.get(day, 0) + 1
    over_time, running = [], 0
    if per_day:
        day, last = min(per_day), max(per_day)
        while day <= last:
            running += per_day.get(day, 0)
            over_time.append((day, per_day.get(day, 0), running))
            day += timedelta(days=1)
    return Results(debate.id, state_of(debate, current_settings().now()), total, stances,
                   over_time)


def open_data_rows(session, debate_id):
    """The opinions as open data: no participant ids, no names; the text of
    a hidden opinion is withheld and says why."""
    get_debate(session, debate_id)
    rows = session.execute(sa.select(Ballot).where(Ballot.debate_id == debate_id)
                           .order_by(Ballot.id)).scalars()
    zone = local_zone()
    for number, ballot in enumerate(rows, start=1):
        yield {
            "number": number,
            "stance": ballot.stance or "",
            "opinion": "" if ballot.hidden_at else ballot.opinion,
            "hidden_reason": ballot.hidden_reason or "",
            "likes": ballot.like_count,
            # the day only: an exact time could help tell who wrote it
            "created_on": ballot.created_at.astimezone(zone).date().isoformat(),
        }
