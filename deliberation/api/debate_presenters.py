"""Read-side helpers shared by the debate API and pages: what a viewer may
see of a debate, its opinions, results and a proposal's comments. They only
read; every change goes through a service. Participant ids never leave here:
a viewer learns only whether an opinion is their own."""

import csv
import io

import sqlalchemy as sa

from ..comments.models import Comment
from ..debates.models import Ballot
from ..debates.operations import ballot_of
from ..debates.states import DebateKind, state_of
from ..reactions import Subject, liked_by
from ..reactions.models import Report
from ..settings import current_settings


def own_ballot_data(ballot):
    if ballot is None:
        return None
    hidden = ballot.hidden_at is not None
    return {"opinion_id": ballot.id, "stance": ballot.stance,
            "opinion": None if hidden else ballot.opinion, "created_at": ballot.created_at,
            "updated_at": ballot.updated_at, "hidden": hidden,
            "hidden_reason": ballot.hidden_reason}


def debate_data(session, debate, viewer=None, *, with_ballot=True):
    data = {c: getattr(debate, c) for c in (
        "id", "proposal_id", "kind", "question", "background", "arguments_pro",
        "arguments_con", "starts_at", "ends_at", "created_at")}
    data.update(
        city_question=debate.proposal_id is None,
        state=state_of(debate, current_settings().now()),
        participants=debate.participant_count,
        tallies={"pro": debate.pro_count, "con": debate.con_count, "other": debate.other_count})
    if with_ballot:
        data["my_ballot"] = (own_ballot_data(ballot_of(session, viewer, debate.id))
                             if viewer is not None else None)
    return data


def opinion_data(ballot, viewer, liked):
    hidden = ballot.hidden_at is not None
    return {"id": ballot.id, "debate_id": ballot.debate_id, "stance": ballot.stance,
            "text": None if hidden else ballot.opinion, "author_name": ballot.author_name,
            "like_count": ballot.like_count, "created_at": ballot.created_at,
            "updated_at": ballot.updated_at, "hidden": hidden,
            "hidden_reason": ballot.hidden_reason,
            "mine": viewer is not None and ballot.participant_id == viewer.id,
            "liked_by_me": (ballot.id in liked) if viewer is not None else None}


def opinions_data(session, ballots, viewer):
    liked = liked_by(session, viewer, Subject.OPINION, [b.id for b in ballots])
    return [opinion_data(b, viewer, liked) for b in ballots]


def comment_data(comment, viewer, liked):
    hidden = comment.hidden_at is not None
    return {"id": comment.id, "proposal_id": comment.proposal_id,
            "author_name": comment.author_name, "body": None if hidden else comment.body,
            "like_count": comment.like_count, "created_at": comment.created_at,
            "updated_at": comment.updated_at, "hidden": hidden,
            "hidden_reason": comment.hidden_reason,
            "mine": viewer is not None and comment.participant_id == viewer.id,
            "liked_by_me": (comment.id in liked) if viewer is not None else None}


def comments_data(session, comments, viewer):
    liked = liked_by(session, viewer, Subject.COMMENT, [c.id for c in comments])
    return [comment_data(c, viewer, liked) for c in comments]


def results_data(results, kind):
    return {"debate_id": results.debate_id, "kind": kind, "state": results.state,
            "participants": results.participants,
            "stances": [{"stance": s.stance, "count": s.count, "percent": s.percent}
                        for s in results.stances],
            "over_time": [{"day": day, "ballots": ballots, "participants": running}
                          for day, ballots, running in results.over_time]}


def page_data(items, total, page, per_page):
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "pages": max(1, -(-total // per_page))}


def moderation_items(session, rows):
    """The moderation queue with what a moderator needs to judge each item:
    its text, where it was written and the reasons given."""
    items = []
    for row in rows:
        subject = Subject(row.subject)
        model = Ballot if subject == Subject.OPINION else Comment
        found = session.get(model, row.subject_id)
        if found is None:
            continue
        reasons = session.execute(sa.select(Report.reason).where(
            Report.subject == str(subject), Report.subject_id == row.subject_id,
            Report.resolved_at.is_(None), Report.reason != "").order_by(Report.id)).scalars()
        items.append({
            "subject": subject, "id": row.subject_id, "reports": row.reports,
            "first_reported_at": row.first_reported_at,
            "text": found.opinion if subject == Subject.OPINION else found.body,
            "author_name": found.author_name, "hidden": found.hidden_at is not None,
            "debate_id": getattr(found, "debate_id", None),
            "proposal_id": getattr(found, "proposal_id", None),
            "reasons": list(reasons)})
    return items


# -- open data --

def csv_cell(value):
    """Keep a spreadsheet from reading a text cell as a formula."""
    if not isinstance(value, str):
        return value
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_bytes(header, rows):
    out = io.StringIO()
    # the BOM is what makes Excel read UTF-8, and so Korean, correctly
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[csv_cell(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8")


OPINION_COLUMNS = ("number", "stance", "opinion", "hidden_reason", "likes", "created_on")


def results_csv_rows(results, kind):
    """Per stance (or one line for an open discussion), then per day."""
    rows = [["stance", s.stance, s.count, s.percent] for s in results.stances]
    if kind == DebateKind.OPEN:
        rows.append(["opinions", "", results.participants, 100.0 if results.participants else 0.0])
    rows.append(["participants", "", results.participants, ""])
    rows += [["day", day.isoformat(), ballots, running]
             for day, ballots, running in results.over_time]
    return ["row", "key", "count", "percent_or_cumulative"], rows
