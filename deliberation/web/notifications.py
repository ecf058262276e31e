"""Pages of following proposals and of one's notifications."""

from flask import flash, redirect, render_template, request, url_for

from ..i18n import gettext as _
from ..notifications import operations as notification_ops
from ..notifications.queries import subject_titles
from .blueprint import _check_csrf, _session, bp, load_or_default, require_login
from .forms import NotificationFilterSchema


def _follow_action(proposal_id, service, message):
    _check_csrf()
    service(_session(), require_login(), proposal_id)
    flash(message, "success")
    return redirect(url_for(".proposal_detail", proposal_id=proposal_id))


@bp.post("/<id:proposal_id>/follow")
def proposal_follow(proposal_id):
    return _follow_action(proposal_id, notification_ops.follow,
                          _("You follow this proposal; you will be told of its news."))


@bp.post("/<id:proposal_id>/unfollow")
def proposal_unfollow(proposal_id):
    return _follow_action(proposal_id, notification_ops.unfollow,
                          _("You no longer follow this proposal."))


@bp.get("/notifications")
def notification_list():
    participant = require_login()
    args = load_or_default(NotificationFilterSchema, request.args)
    session = _session()
    items = notification_ops.notifications_for(session, participant,
                                               unread_only=args["unread"], page=args["page"])
    return render_template("deliberation/notifications/list.html", items=items,
                           titles=subject_titles(session, items),
                           unread=notification_ops.unread_count(session, participant),
                           unread_only=args["unread"], page=args["page"])


@bp.post("/notifications/read")
def notifications_read():
    _check_csrf()
    marked = notification_ops.mark_read(_session(), require_login())
    flash(_("%(num)s notifications marked read.", num=marked), "success")
    return redirect(url_for(".notification_list"))
