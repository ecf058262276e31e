"""The API of following proposals and of the caller's in-app notifications."""

from flask import request

from ..extension import current_participant
from ..notifications import operations as notification_ops
from . import schemas
from .blueprint import _json_body, _session, bp, load, no_store
from .openapi import document


@bp.put("/proposals/<id:proposal_id>/follow")
@document("Follow a proposal without agreeing; idempotent", response=schemas.FollowSchema)
def follow(proposal_id):
    following = notification_ops.follow(_session(), current_participant(), proposal_id)
    return schemas.FollowSchema().dump({"proposal_id": proposal_id, "following": following})


@bp.delete("/proposals/<id:proposal_id>/follow")
@document("Stop following a proposal; idempotent", response=schemas.FollowSchema)
def unfollow(proposal_id):
    following = notification_ops.unfollow(_session(), current_participant(), proposal_id)
    return schemas.FollowSchema().dump({"proposal_id": proposal_id, "following": following})


@bp.get("/notifications")
@document("The caller's notifications, newest first", query=schemas.NotificationQuerySchema,
          response=schemas.NotificationListSchema)
@no_store
def list_notifications():
    args = load(schemas.NotificationQuerySchema, request.args)
    items = notification_ops.notifications_for(
        _session(), current_participant(), unread_only=args["unread"], page=args["page"],
        per_page=args["per_page"])
    return schemas.NotificationListSchema().dump({"items": items})


@bp.get("/notifications/unread-count")
@document("How many of the caller's notifications are unread",
          response=schemas.UnreadCountSchema)
@no_store
def unread_count():
    return schemas.UnreadCountSchema().dump(
        {"count": notification_ops.unread_count(_session(), current_participant())})


@bp.post("/notifications/read")
@document("Mark the given notifications (or all) read; only one's own",
          body=schemas.MarkReadBodySchema, response=schemas.MarkedSchema)
def mark_read():
    data = load(schemas.MarkReadBodySchema, _json_body())
    marked = notification_ops.mark_read(_session(), current_participant(), data["ids"])
    return schemas.MarkedSchema().dump({"marked": marked})
