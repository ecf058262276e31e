"""Reads that notification lists need besides the rows themselves."""

import sqlalchemy as sa

from ..meetings.models import Meeting
from ..proposals.models import Proposal


def _get(item, name):
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def subject_titles(session, items):
    """The title each notification is about, keyed ("proposal", id) or
    ("meeting", id), for a page of notifications (rows or dicts), in one
    SELECT however many there are. A hidden proposal's title stays unsaid."""
    proposal_ids, meeting_ids = set(), set()
    for item in items:
        meeting_id = (_get(item, "data") or {}).get("meeting_id")
        if isinstance(meeting_id, int):
            meeting_ids.add(meeting_id)
        elif _get(item, "proposal_id") is not None:
            proposal_ids.add(_get(item, "proposal_id"))
    selects = []
    if proposal_ids:
        selects.append(sa.select(sa.literal("proposal").label("kind"), Proposal.id, Proposal.title)
                       .where(Proposal.id.in_(sorted(proposal_ids)),
                              Proposal.hidden_at.is_(None)))
    if meeting_ids:
        selects.append(sa.select(sa.literal("meeting").label("kind"), Meeting.id, Meeting.title)
                       .where(Meeting.id.in_(sorted(meeting_ids))))
    if not selects:
        return {}
    query = selects[0] if len(selects) == 1 else sa.union_all(*selects)
    return {(row.kind, row.id): row.title for row in session.execute(query)}


__all__ = ["subject_titles"]
