"""Opinions on proposals (comments): several per person, edited or deleted by
their author; likes, reports and moderation as for debate opinions."""

import sqlalchemy as sa
from marshmallow import Schema, fields, validate

from ..db import unit_of_work
from ..errors import InvalidInput, NotFound, PermissionDenied, WrongState
from ..participants import Role, require_role
from ..proposals.models import Proposal
from ..proposals.states import ProposalState
from ..settings import current_settings
from ..validation import clean, not_blank
from .models import COMMENT_MAX, Comment


class CommentInputSchema(Schema):
    body = fields.String(required=True, validate=[validate.Length(min=1, max=COMMENT_MAX),
                                                  not_blank])


def _commentable(session, proposal_id, *, writing=False):
    row = session.execute(sa.select(Proposal.published_at, Proposal.hidden_at, Proposal.state)
                          .where(Proposal.id == proposal_id)).first()
    if row is None or row.published_at is None:
        raise NotFound("No such proposal.")
    if row.hidden_at is not None:
        raise WrongState("The proposal is hidden.")
    if writing and row.state == ProposalState.WITHDRAWN:
        raise WrongState("The author withdrew this proposal; it takes no new comments.")


def post_comment(session, participant, proposal_id, *, body):
    require_role(participant, Role.CITIZEN)
    data = clean(CommentInputSchema, {"body": body}, "The comment is not valid.")
    _commentable(session, proposal_id, writing=True)
    now = current_settings().now()
    with unit_of_work(session):
        comment = Comment(proposal_id=proposal_id, participant_id=participant.id,
                          author_name=participant.display_name[:100], body=data["body"],
                          created_at=now, updated_at=now, like_count=0, report_count=0)
        session.add(comment)
    return comment


def _own(session, participant, comment_id):
    require_role(participant, Role.CITIZEN)
    comment = session.get(Comment, comment_id, populate_existing=True)
    if comment is None or comment.deleted_at is not None:
        raise NotFound("No such comment.")
    if comment.participant_id != participant.id:
        raise PermissionDenied("Only its author can change a comment.")
    return comment


def edit_comment(session, participant, comment_id, *, body):
    data = clean(CommentInputSchema, {"body": body}, "The comment is not valid.")
    comment = _own(session, participant, comment_id)
    if comment.hidden_at is not None:
        raise WrongState("A hidden comment cannot be edited.")
    with unit_of_work(session):
        comment.body, comment.updated_at = data["body"], current_settings().now()
    return comment


def delete_comment(session, participant, comment_id):
    """The author deletes their comment; it leaves the list, its likes go with it."""
    comment = _own(session, participant, comment_id)
    with unit_of_work(session):
        comment.deleted_at = current_settings().now()
    return comment


COMMENT_SORTS = ("newest", "most_liked")


def comments_of(session, proposal_id, *, sort="newest", page=1, per_page=20):
    if sort not in COMMENT_SORTS:
        raise InvalidInput("Bad filter.",
                           fields={"sort": [f"Must be one of: {', '.join(COMMENT_SORTS)}."]})
    _commentable(session, proposal_id)
    query = sa.select(Comment).where(Comment.proposal_id == proposal_id,
                                     Comment.deleted_at.is_(None))
    order = ((Comment.like_count.desc(), Comment.id.desc()) if sort == "most_liked"
             else (Comment.id.desc(),))
    total = session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    items = session.scalars(query.order_by(*order).limit(per_page)
                            .offset((page - 1) * per_page)).all()
    return items, total
