"""The package's HTML pages: list, detail with progress and timeline, submit
and edit forms, agree and withdraw buttons. Templates live under
``deliberation/`` and a host overrides any of them with its own file."""

from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, url_for,
)
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from marshmallow import ValidationError
from wtforms import ValidationError as BadCSRFToken

from ..api.schemas import ProposalListQuerySchema
from ..errors import DeliberationError, InvalidInput, NotAuthenticated, NotFound
from ..extension import current_participant
from ..i18n import gettext as _
from ..proposals import operations as proposal_ops
from ..proposals import queries
from ..proposals.states import ProposalState
from ..settings import current_settings
from ..threshold import Step
from ..threshold.operations import milestones_of
from ..threshold.progress import progress_of
from ..timeline import timeline_of
from ..votes import operations as vote_ops

bp = Blueprint("deliberation", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")


def _session():
    return current_app.extensions["deliberation"].db.session


@bp.app_context_processor
def _globals():
    return {"deliberation_csrf_token": generate_csrf,
            "deliberation_participant": current_participant,
            "deliberation_settings": current_settings}


@bp.errorhandler(NotFound)
def _not_found(exc):
    return render_template("deliberation/error.html", message=_("No such proposal."),
                           status=404), 404


@bp.errorhandler(CSRFError)
def _csrf(exc):
    return render_template("deliberation/error.html", status=400, message=_(
        "The form expired. Go back, reload the page and try again.")), 400


@bp.errorhandler(NotAuthenticated)
def _login_needed(exc):
    login_manager = getattr(current_app, "login_manager", None)
    if login_manager is not None and login_manager.login_view:
        flash(_("Please log in to continue."), "info")
        back = request.full_path if request.method == "GET" else request.referrer
        return redirect(url_for(login_manager.login_view, next=back or url_for(".proposal_list")))
    return render_template("deliberation/error.html", status=401,
                           message=_("Please log in to continue.")), 401


@bp.errorhandler(DeliberationError)
def _refused(exc):
    return render_template("deliberation/error.html", status=exc.status,
                           message=_(exc.message)), exc.status


def _check_csrf():
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        validate_csrf(request.form.get("csrf_token", ""))
    except BadCSRFToken as exc:
        # a host without CSRFProtect reaches this: wtforms' error would be a 500
        raise CSRFError(exc.args[0]) from exc


@bp.get("/")
def proposal_list():
    try:
        args = ProposalListQuerySchema().load(request.args)
    except ValidationError:
        args = ProposalListQuerySchema().load({})
    page = queries.list_proposals(_session(), **args)
    return render_template("deliberation/proposals/list.html", page=page, args=args)


@bp.route("/new", methods=["GET", "POST"])
def proposal_new():
    participant = current_participant()
    if participant is None:
        raise NotAuthenticated()
    form, errors = {"title": "", "body": "", "category": ""}, {}
    if request.method == "POST":
        _check_csrf()
        form = {key: request.form.get(key, "") for key in form}
        try:
            proposal = proposal_ops.submit_proposal(_session(), participant, **form)
        except InvalidInput as exc:
            errors = exc.fields
        else:
            flash(_("Your draft is saved. Check similar proposals, then publish."), "success")
            return redirect(url_for(".proposal_detail", proposal_id=proposal.id))
    return render_template("deliberation/proposals/form.html", form=form, errors=errors,
                           proposal=None), (422 if errors else 200)


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
def proposal_edit(proposal_id):
    participant = current_participant()
    if participant is None:
        raise NotAuthenticated()
    session = _session()
    proposal = proposal_ops.editable_proposal(session, participant, proposal_id)
    form = {"title": proposal.title, "body": proposal.body, "category": proposal.category}
    errors = {}
    if request.method == "POST":
        _check_csrf()
        form = {key: request.form.get(key, "") for key in form}
        try:
            proposal_ops.edit_proposal(session, participant, proposal_id, **form)
        except InvalidInput as exc:
            errors = exc.fields
        else:
            flash(_("The proposal is updated."), "success")
            return redirect(url_for(".proposal_detail", proposal_id=proposal_id))
    return render_template("deliberation/proposals/form.html", form=form, errors=errors,
                           proposal=proposal), (422 if errors else 200)


@bp.get("/<int:proposal_id>")
def proposal_detail(proposal_id):
    session = _session()
    participant = current_participant()
    proposal = queries.get_proposal(session, proposal_id, viewer=participant)
    milestones = milestones_of(session, proposal.id)
    progress = progress_of(current_settings().ladder, agreement_count=proposal.agreement_count,
                           published_at=proposal.published_at,
                           reached=[Step(m.step) for m in milestones])
    similar = []
    if proposal.state == ProposalState.DRAFT:
        similar = queries.find_similar(session, proposal.title, proposal.body,
                                       exclude_id=proposal.id)
    return render_template(
        "deliberation/proposals/detail.html", proposal=proposal, progress=progress,
        milestones=milestones, timeline=timeline_of(session, proposal.id), similar=similar,
        agreed=participant is not None and vote_ops.has_agreed(session, participant, proposal.id),
        is_author=participant is not None and participant.id == proposal.author_id,
        ladder=current_settings().ladder)


def _action(proposal_id, service, message):
    _check_csrf()
    participant = current_participant()
    if participant is None:
        raise NotAuthenticated()
    service(_session(), participant, proposal_id)
    flash(message, "success")
    return redirect(url_for(".proposal_detail", proposal_id=proposal_id))


@bp.post("/<int:proposal_id>/agree")
def proposal_agree(proposal_id):
    return _action(proposal_id, vote_ops.agree, _("You agreed with this proposal."))


@bp.post("/<int:proposal_id>/unagree")
def proposal_unagree(proposal_id):
    return _action(proposal_id, vote_ops.withdraw_agreement, _("Your agreement is withdrawn."))


@bp.post("/<int:proposal_id>/publish")
def proposal_publish(proposal_id):
    return _action(proposal_id, proposal_ops.publish_proposal, _("The proposal is published."))


@bp.post("/<int:proposal_id>/withdraw")
def proposal_withdraw(proposal_id):
    return _action(proposal_id, proposal_ops.withdraw_proposal, _("The proposal is withdrawn."))


def register(app):
    app.register_blueprint(bp, url_prefix=app.config["DELIBERATION_URL_PREFIX"])


__all__ = ["bp", "register", "abort"]
