"""Pages of the agenda committee and of admins' moderation: decide, close,
hide, unhide, merge."""

from flask import render_template

from ..committee import CommitteeChoice, committee_queue_for, decide_on_proposal
from ..i18n import gettext as _
from ..proposals import admin as admin_ops
from ..proposals import operations as proposal_ops
from .blueprint import _session, bp, form_action, require_login
from .forms import CommitteeFormSchema, MergeFormSchema, ReasonFormSchema


@bp.post("/<id:proposal_id>/close")
def proposal_close(proposal_id):
    return form_action(
        proposal_id, "close", ReasonFormSchema,
        lambda session, actor, data: proposal_ops.close_proposal(
            session, actor, proposal_id, **data),
        _("Collection is closed."))


@bp.post("/<id:proposal_id>/hide")
def proposal_hide(proposal_id):
    return form_action(
        proposal_id, "hide", ReasonFormSchema,
        lambda session, actor, data: admin_ops.hide_proposal(
            session, actor, proposal_id, **data),
        _("The proposal is hidden."))


@bp.post("/<id:proposal_id>/unhide")
def proposal_unhide(proposal_id):
    return form_action(
        proposal_id, "unhide", ReasonFormSchema,
        lambda session, actor, data: admin_ops.unhide_proposal(session, actor, proposal_id),
        _("The proposal is shown again."))


@bp.post("/<id:proposal_id>/merge")
def proposal_merge(proposal_id):
    return form_action(
        proposal_id, "merge", MergeFormSchema,
        lambda session, actor, data: admin_ops.merge_proposals(
            session, actor, proposal_id, data["target_id"]),
        _("The proposal is merged; its supporters are told."))


@bp.post("/<id:proposal_id>/committee-decision")
def proposal_committee_decision(proposal_id):
    return form_action(
        proposal_id, "committee", CommitteeFormSchema,
        lambda session, actor, data: decide_on_proposal(session, actor, proposal_id, **data),
        _("The committee's decision is recorded."))


@bp.get("/committee")
def committee_page():
    return render_template("deliberation/committee/queue.html",
                           rows=committee_queue_for(_session(), require_login()),
                           choices=list(CommitteeChoice))
