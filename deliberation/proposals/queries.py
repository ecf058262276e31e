"""Reading proposals: lists, search, one proposal, similar ones."""

import math
import threading
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import sqlalchemy as sa

from ..errors import InvalidInput, NotFound
from ..settings import current_settings
from .models import Proposal
from .operations import close_expired_proposals
from .similarity import similarity
from .states import PUBLIC_STATES, ProposalState


class Sort(StrEnum):
    NEWEST = "newest"
    MOST_AGREED = "most_agreed"
    CLOSING_SOON = "closing_soon"


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def has_prev(self):
        return self.page > 1


SWEEP_EVERY = timedelta(seconds=30)
_sweep_lock = threading.Lock()


def close_expired_lazily(session):
    """Close expired proposals on read, at most every 30 s of the app's clock
    (the ``tick`` command does the same from cron when nobody reads)."""
    settings = current_settings()
    now = settings.now()
    with _sweep_lock:
        last = settings.last_sweep_at
        if last is not None and last <= now < last + SWEEP_EVERY:
            return
        settings.last_sweep_at = now
    close_expired_proposals(session, now=now)


def _like_pattern(text):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_proposals(session, *, state=None, category=None, q=None, sort=Sort.NEWEST,
                   page=1, per_page=None, author_id=None):
    """A page of public proposals (plus, with ``author_id``, that author's
    drafts), filtered, searched and sorted."""
    settings = current_settings()
    per_page = per_page or settings.per_page
    if page < 1 or not 1 <= per_page <= settings.max_per_page:
        raise InvalidInput("Bad page.", fields={"page": ["Out of range."]})
    try:
        sort = Sort(sort)
    except ValueError:
        raise InvalidInput("Bad sort.", fields={
            "sort": ["Must be one of: " + ", ".join(Sort) + "."]}) from None
    close_expired_lazily(session)
    query = sa.select(Proposal)
    if author_id is not None:
        query = query.where(Proposal.author_id == author_id)
    else:
        query = query.where(Proposal.state.in_([str(s) for s in PUBLIC_STATES]),
                            Proposal.published_at.is_not(None), Proposal.hidden_at.is_(None))
    if state is not None:
        query = query.where(Proposal.state == str(state))
    if category:
        query = query.where(Proposal.category == category)
    if q:
        pattern = _like_pattern(q.strip())
        query = query.where(sa.or_(Proposal.title.ilike(pattern, escape="\\"),
                                   Proposal.body.ilike(pattern, escape="\\")))
    total = session.execute(
        sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    if sort == Sort.MOST_AGREED:
        order = (Proposal.agreement_count.desc(), Proposal.id.desc())
    elif sort == Sort.CLOSING_SOON:
        # open ones by end date first; the rest after, newest first
        open_first = sa.case((Proposal.state == ProposalState.COLLECTING, 0), else_=1)
        order = (open_first, Proposal.closes_at.is_(None), Proposal.closes_at.asc(),
                 Proposal.id.desc())
    else:
        order = (sa.func.coalesce(Proposal.published_at, Proposal.created_at).desc(),
                 Proposal.id.desc())
    items = session.scalars(
        query.order_by(*order).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=list(items), page=page, per_page=per_page, total=total)


def get_proposal(session, proposal_id, *, viewer=None):
    """One proposal; a draft only for its author. Closes it first if its
    collection period ended, so nobody sees an expired proposal as open."""
    proposal = session.get(Proposal, proposal_id, populate_existing=True)
    if proposal is None:
        raise NotFound("No such proposal.")
    # never published (a draft, or a draft withdrawn): its author's alone
    if proposal.published_at is None and (viewer is None or viewer.id != proposal.author_id):
        raise NotFound("No such proposal.")
    now = current_settings().now()
    if (proposal.state == ProposalState.COLLECTING and proposal.closes_at is not None
            and proposal.closes_at <= now):
        close_expired_proposals(session, now=now)
        session.refresh(proposal)
    return proposal


SIMILAR_CANDIDATES = 2000


def find_similar(session, title, body="", *, limit=5, threshold=0.2, exclude_id=None):
    """Public proposals that look like the given text, most alike first, as
    (proposal, score) pairs. Scores the most recent proposals in Python:
    enough for a city's volume, and identical on SQLite and PostgreSQL."""
    text = f"{title} {title} {body[:500]}"
    candidates = session.execute(
        sa.select(Proposal.id, Proposal.title, Proposal.body)
        .where(Proposal.state.in_([str(s) for s in PUBLIC_STATES]),
               Proposal.published_at.is_not(None), Proposal.hidden_at.is_(None),
               # a merged duplicate lives on in the proposal it went into
               Proposal.merged_into_id.is_(None))
        .order_by(Proposal.id.desc()).limit(SIMILAR_CANDIDATES)
    ).all()
    scored = []
    for row in candidates:
        if row.id == exclude_id:
            continue
        # titles alone too: a long body must not hide a near-identical title
        score = max(similarity(title, row.title),
                    similarity(text, f"{row.title} {row.title} {row.body[:500]}"))
        if score >= threshold:
            scored.append((score, row.id))
    scored.sort(reverse=True)
    top = scored[:limit]
    by_id = {p.id: p for p in session.scalars(
        sa.select(Proposal).where(Proposal.id.in_([pid for _, pid in top])))}
    return [(by_id[pid], round(score, 3)) for score, pid in top]
