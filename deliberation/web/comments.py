"""Pages of opinions on proposals (comments) and of the moderators' queue of
reported opinions and comments."""

from flask import flash, redirect, render_template, request, url_for

from .. import comments as comment_ops
from .. import reactions
from ..api import debate_presenters as presenters
from ..comments.models import Comment
from ..errors import InvalidInput, NotFound
from ..i18n import gettext as _
from ..participants import Role, require_role
from .blueprint import _check_csrf, _session, bp, flat_messages, render_detail, require_login
from .forms import CommentFormSchema

SUBJECT = "<any(opinion, comment):subject>"


def _comment(comment_id):
    comment = _session().get(Comment, comment_id)
    if comment is None or comment.deleted_at is not None:
        raise NotFound("No such comment.")
    return comment


def _to_comments(proposal_id, comment_id=None):
    return redirect(url_for(".proposal_detail", proposal_id=proposal_id,
                            _anchor=f"dl-comment-{comment_id}" if comment_id else "dl-comments"))


def _refused_form(proposal_id, form_name, exc, raw):
    errors = flat_messages(exc.fields) or {"_": [exc.message]}
    return render_detail(proposal_id, errors={form_name: errors}, forms={form_name: raw},
                         status=422)


@bp.post("/<id:proposal_id>/comments")
def comment_post(proposal_id):
    _check_csrf()
    participant = require_login()
    raw = CommentFormSchema().load(request.form)
    try:
        comment = comment_ops.post_comment(_session(), participant, proposal_id, **raw)
    except InvalidInput as exc:
        return _refused_form(proposal_id, "comment", exc, raw)
    flash(_("Your opinion is posted."), "success")
    return _to_comments(proposal_id, comment.id)


@bp.post("/comments/<id:comment_id>/edit")
def comment_edit(comment_id):
    _check_csrf()
    participant = require_login()
    proposal_id = _comment(comment_id).proposal_id
    raw = CommentFormSchema().load(request.form)
    try:
        comment_ops.edit_comment(_session(), participant, comment_id, **raw)
    except InvalidInput as exc:
        return _refused_form(proposal_id, f"comment-{comment_id}", exc, raw)
    flash(_("Your opinion is updated."), "success")
    return _to_comments(proposal_id, comment_id)


@bp.post("/comments/<id:comment_id>/delete")
def comment_delete(comment_id):
    _check_csrf()
    participant = require_login()
    proposal_id = _comment(comment_id).proposal_id
    comment_ops.delete_comment(_session(), participant, comment_id)
    flash(_("Your opinion is deleted."), "success")
    return _to_comments(proposal_id)


@bp.post("/comments/<id:comment_id>/<any(like, unlike):act>")
def comment_like(comment_id, act):
    _check_csrf()
    participant = require_login()
    proposal_id = _comment(comment_id).proposal_id
    service = reactions.like if act == "like" else reactions.unlike
    service(_session(), participant, reactions.Subject.COMMENT, comment_id)
    return _to_comments(proposal_id, comment_id)


@bp.post("/comments/<id:comment_id>/report")
def comment_report(comment_id):
    _check_csrf()
    participant = require_login()
    proposal_id = _comment(comment_id).proposal_id
    reactions.report(_session(), participant, reactions.Subject.COMMENT, comment_id,
                     reason=request.form.get("reason", ""))
    flash(_("Thank you. The moderators will look at this opinion."), "success")
    return _to_comments(proposal_id, comment_id)


# -- the moderators' queue --


def _moderator():
    return require_role(require_login(), Role.ADMIN)


def render_queue(*, errors=None, forms=None, status=200):
    session = _session()
    items = presenters.moderation_items(
        session, reactions.moderation_queue_for(session, require_login()))
    return render_template("deliberation/moderation/queue.html", items=items,
                           errors=errors or {}, forms=forms or {}), status


@bp.get("/moderation")
def moderation_queue():
    return render_queue()


@bp.post(f"/moderation/{SUBJECT}/<id:subject_id>/<any(hide, unhide, dismiss):act>")
def moderation_act(subject, subject_id, act):
    _check_csrf()
    moderator = _moderator()
    session = _session()
    try:
        if act == "hide":
            reactions.hide(session, moderator, subject, subject_id,
                           reason=request.form.get("reason", ""))
            flash(_("It is hidden, with the public reason."), "success")
        elif act == "unhide":
            reactions.unhide(session, moderator, subject, subject_id)
            flash(_("It is shown again."), "success")
        else:
            reactions.dismiss_reports(session, moderator, subject, subject_id)
            flash(_("The reports are dismissed; it stays visible."), "success")
    except InvalidInput as exc:
        form = f"{subject}-{subject_id}"
        return render_queue(errors={form: flat_messages(exc.fields) or {"_": [exc.message]}},
                            forms={form: request.form.to_dict()}, status=422)
    back = request.form.get("back", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect(url_for(".moderation_queue"))

