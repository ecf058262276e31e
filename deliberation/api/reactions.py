"""The API of opinions on proposals (comments), likes, reports and the
moderation of debate opinions and comments."""

from flask import jsonify, request

from .. import comments as comment_ops
from .. import reactions
from ..comments.models import Comment
from ..debates.models import Ballot
from ..errors import NotFound
from ..extension import current_participant
from ..settings import current_settings
from . import debate_presenters as presenters
from . import debate_schemas as schemas
from .blueprint import _json_body, _session, bp, load, no_store
from .openapi import document
from .schemas import HideBodySchema

Subject = reactions.Subject


def _comment_body(session, comment_id, participant):
    comment = session.get(Comment, comment_id, populate_existing=True)
    if comment is None or comment.deleted_at is not None:
        raise NotFound("No such comment.")
    return schemas.CommentSchema().dump(presenters.comments_data(session, [comment],
                                                                 participant)[0])


def _opinion_body(session, opinion_id, participant):
    ballot = session.get(Ballot, opinion_id, populate_existing=True)
    if ballot is None:
        raise NotFound("No such opinion.")
    return schemas.OpinionSchema().dump(presenters.opinions_data(session, [ballot],
                                                                 participant)[0])


@bp.get("/proposals/<id:proposal_id>/comments")
@document("Opinions (comments) on a proposal, newest or most liked first; a hidden one "
          "keeps its place with its text withheld", query=schemas.CommentQuerySchema,
          response=schemas.CommentPageSchema)
@no_store
def list_comments(proposal_id):
    args = load(schemas.CommentQuerySchema, request.args)
    session = _session()
    per_page = args["per_page"] or current_settings().per_page
    items, total = comment_ops.comments_of(session, proposal_id, sort=args["sort"],
                                           page=args["page"], per_page=per_page)
    return jsonify(schemas.CommentPageSchema().dump(presenters.page_data(
        presenters.comments_data(session, items, current_participant()), total, args["page"],
        per_page)))


@bp.post("/proposals/<id:proposal_id>/comments")
@document("Write an opinion on a proposal (it is not an agreement)",
          body=schemas.CommentBodySchema, response=schemas.CommentSchema, status=201)
def post_comment(proposal_id):
    data = load(schemas.CommentBodySchema, _json_body())
    session = _session()
    participant = current_participant()
    comment = comment_ops.post_comment(session, participant, proposal_id, **data)
    return _comment_body(session, comment.id, participant), 201


@bp.patch("/comments/<id:comment_id>")
@document("Edit one's own comment", body=schemas.CommentBodySchema,
          response=schemas.CommentSchema)
def edit_comment(comment_id):
    data = load(schemas.CommentBodySchema, _json_body())
    session = _session()
    participant = current_participant()
    comment_ops.edit_comment(session, participant, comment_id, **data)
    return _comment_body(session, comment_id, participant)


@bp.delete("/comments/<id:comment_id>")
@document("Delete one's own comment", response=schemas.CommentDeletedSchema)
def delete_comment(comment_id):
    comment_ops.delete_comment(_session(), current_participant(), comment_id)
    return schemas.CommentDeletedSchema().dump({"id": comment_id, "deleted": True})


# -- likes and reports, the same for opinions and comments --

_NOUNS = {Subject.OPINION: ("opinions", "opinion", "an opinion"),
          Subject.COMMENT: ("comments", "comment", "a comment")}


def _like(subject):
    def view(**ids):
        (subject_id,) = ids.values()
        count = reactions.like(_session(), current_participant(), subject, subject_id)
        return schemas.LikeSchema().dump({"subject": subject, "id": subject_id, "liked": True,
                                          "like_count": count})
    return view


def _unlike(subject):
    def view(**ids):
        (subject_id,) = ids.values()
        count = reactions.unlike(_session(), current_participant(), subject, subject_id)
        return schemas.LikeSchema().dump({"subject": subject, "id": subject_id, "liked": False,
                                          "like_count": count})
    return view


def _report(subject):
    def view(**ids):
        (subject_id,) = ids.values()
        data = load(schemas.ReportBodySchema, _json_body())
        reactions.report(_session(), current_participant(), subject, subject_id, **data)
        return schemas.ReportedSchema().dump({"subject": subject, "id": subject_id,
                                              "reported": True})
    return view


def _hide(subject):
    def view(**ids):
        (subject_id,) = ids.values()
        data = load(HideBodySchema, _json_body())
        session = _session()
        participant = current_participant()
        reactions.hide(session, participant, subject, subject_id, **data)
        return _present(subject)(session, subject_id, participant)
    return view


def _unhide(subject):
    def view(**ids):
        (subject_id,) = ids.values()
        session = _session()
        participant = current_participant()
        reactions.unhide(session, participant, subject, subject_id)
        return _present(subject)(session, subject_id, participant)
    return view


def _dismiss(subject):
    def view(**ids):
        (subject_id,) = ids.values()
        count = reactions.dismiss_reports(_session(), current_participant(), subject,
                                          subject_id)
        return schemas.DismissedSchema().dump({"subject": subject, "id": subject_id,
                                               "dismissed": count})
    return view


def _present(subject):
    return _opinion_body if subject == Subject.OPINION else _comment_body


def _routes():
    for subject, (plural, noun, a_noun) in _NOUNS.items():
        shown = schemas.OpinionSchema if subject == Subject.OPINION else schemas.CommentSchema
        base = f"/{plural}/<id:{noun}_id>"
        yield (f"{base}/like", f"like_{noun}", "PUT", _like(subject),
               document(f"Like {a_noun}, once; liking "
                        "again changes nothing", response=schemas.LikeSchema))
        yield (f"{base}/like", f"unlike_{noun}", "DELETE", _unlike(subject),
               document(f"Take back one's like of {a_noun}",
                        response=schemas.LikeSchema))
        yield (f"{base}/report", f"report_{noun}", "POST", _report(subject),
               document(f"Report {a_noun} to the "
                        "moderators, once per person", body=schemas.ReportBodySchema,
                        response=schemas.ReportedSchema))
        yield (f"{base}/hide", f"hide_{noun}", "POST", _hide(subject),
               document(f"Withhold {a_noun}'s text with a "
                        "public reason (admin)", body=HideBodySchema, response=shown))
        yield (f"{base}/unhide", f"unhide_{noun}", "POST", _unhide(subject),
               document(f"Show a hidden {noun} again (admin)", response=shown))
        yield (f"{base}/dismiss-reports", f"dismiss_{noun}_reports", "POST", _dismiss(subject),
               document(f"Close the reports on {a_noun} "
                        "that stays visible (admin)", response=schemas.DismissedSchema))


for _rule, _endpoint, _method, _view, _doc in _routes():
    bp.add_url_rule(_rule, _endpoint, methods=[_method], view_func=_doc(_view))


@bp.get("/moderation/reports")
@document("Reported opinions and comments, most reported first (admin)",
          response=schemas.ModerationQueueSchema)
@no_store
def moderation_reports():
    session = _session()
    return schemas.ModerationQueueSchema().dump({"items": presenters.moderation_items(
        session, reactions.moderation_queue_for(session, current_participant()))})
