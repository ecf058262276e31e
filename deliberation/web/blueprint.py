"""The package's HTML pages: list, detail with progress and timeline, submit
and edit forms, agree and withdraw buttons. Templates live under
``deliberation/`` and a host overrides any of them with its own file.
Official responses, moderation and notifications have their own modules,
registering on this blueprint."""

from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, url_for,
)
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from marshmallow import ValidationError
from sqlalchemy.exc import DataError
from wtforms import ValidationError as BadCSRFToken

from ..api import presenters
from ..api.schemas import ProposalListQuerySchema
from ..committee import CommitteeChoice, decision_of
from ..errors import DeliberationError, InvalidInput, NotAuthenticated, NotFound
from ..extension import current_participant
from ..i18n import gettext as _
from ..notifications import operations as notification_ops
from ..participants import OFFICIAL_ROLES, Role, require_participant
from ..proposals import operations as proposal_ops
from ..proposals import queries
from ..proposals.states import ProposalState
from ..responses import operations as response_ops
from ..responses.states import ANSWER_STEPS, Decision, ImplementationStatus
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


def _nav():
    """The links of the nav partial, by the caller's roles: every official's
    page (check-in is on each meeting, reached through the meetings list)."""
    participant = current_participant()
    links = [("deliberation.proposal_list", _("Citizen proposals"), None),
             ("deliberation.debate_list", _("Citizen debates"), None),
             ("deliberation.meeting_list", _("Citizen meetings"), None),
             ("deliberation.answers_late", _("Late answers"), None)]
    if participant is not None:
        links.append(("deliberation.my_page", _("My page"), None))
        if any(participant.has(role) for role in OFFICIAL_ROLES):
            links.append(("deliberation.answer_queue", _("Answer queue"), None))
        if participant.has(Role.AGENDA_COMMITTEE) or participant.has(Role.ADMIN):
            links.append(("deliberation.committee_page", _("Agenda committee"), None))
        if participant.has(Role.ADMIN):
            links.append(("deliberation.moderation_queue", _("Reported opinions"), None))
            # the admin pages are a blueprint of their own, which a host may leave out
            if "deliberation_admin.stats_page" in current_app.view_functions:
                links.append(("deliberation_admin.stats_page", _("Statistics"), None))
                links.append(("deliberation_admin.audit_page", _("Audit log"), None))
        links.append(("deliberation.notification_list", _("Notifications"),
                      notification_ops.unread_count(_session(), participant)))
    return links


@bp.app_context_processor
def _globals():
    return {"deliberation_csrf_token": generate_csrf,
            "deliberation_participant": current_participant,
            "deliberation_settings": current_settings,
            "deliberation_nav": _nav}


@bp.errorhandler(CSRFError)
def _csrf(exc):
    return render_template("deliberation/error.html", status=400, message=_(
        "The form expired. Go back, reload the page and try again.")), 400


@bp.errorhandler(NotAuthenticated)
def _login_needed(exc):
    login_manager = getattr(current_app, "login_manager", None)
    if login_manager is not None and login_manager.login_view:
        flash(_("Please log in to continue."), "info")
        # full_path ends in a bare "?" when there is no query
        back = request.full_path.rstrip("?") if request.method == "GET" else request.referrer
        return redirect(url_for(login_manager.login_view, next=back or url_for(".proposal_list")))
    return render_template("deliberation/error.html", status=401,
                           message=_("Please log in to continue.")), 401


@bp.errorhandler(OverflowError)
@bp.errorhandler(DataError)
def _number_out_of_range(exc):
    # a number in a form that no column holds: the form's fault, nothing written
    current_app.extensions["deliberation"].db.session.rollback()
    return render_template("deliberation/error.html", status=422, message=_(
        "A number in the form is out of range.")), 422


@bp.errorhandler(DeliberationError)
def _refused(exc):
    return render_template("deliberation/error.html", status=exc.status,
                           message=_(exc.message)), exc.status


def load_or_default(schema, args):
    """A page's query string, or the defaults when it is not valid: a page
    shows itself rather than an error for a bad filter in a link."""
    try:
        return schema().load(args)
    except ValidationError:
        return schema().load({})


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
    args = load_or_default(ProposalListQuerySchema, request.args)
    page = queries.list_proposals(_session(), **args)
    return render_template("deliberation/proposals/list.html", page=page, args=args)


@bp.route("/new", methods=["GET", "POST"])
def proposal_new():
    participant = require_login()
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


@bp.route("/<id:proposal_id>/edit", methods=["GET", "POST"])
def proposal_edit(proposal_id):
    participant = require_login()
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


def require_login():
    return require_participant(current_participant())


def flat_messages(messages):
    """marshmallow nests a list's messages by index; a page shows them in a row."""
    flat = {}
    for name, value in (messages or {}).items():
        if isinstance(value, dict):
            flat[name] = [m for inner in value.values() for m in (
                inner if isinstance(inner, list) else [inner])]
        else:
            flat[name] = list(value) if isinstance(value, (list, tuple)) else [value]
    return flat


def _detail_context(session, participant, proposal):
    settings = current_settings()
    milestones = milestones_of(session, proposal.id)
    reached = [Step(m.step) for m in milestones]
    progress = progress_of(settings.ladder, agreement_count=proposal.agreement_count,
                           published_at=proposal.published_at, reached=reached)
    similar = []
    if proposal.state == ProposalState.DRAFT:
        similar = queries.find_similar(session, proposal.title, proposal.body,
                                       exclude_id=proposal.id)
    answers = presenters.answers_visible_to(session, participant, proposal.id)
    answerable = [step for step in ANSWER_STEPS if step in reached
                  and response_ops.may_answer(session, participant, proposal.id, step)]
    return dict(
        proposal=proposal, progress=progress, milestones=milestones,
        timeline=timeline_of(session, proposal.id), similar=similar,
        agreed=participant is not None and vote_ops.has_agreed(session, participant, proposal.id),
        is_author=participant is not None and participant.id == proposal.author_id,
        ladder=settings.ladder,
        following=participant is not None and notification_ops.is_following(
            session, participant, proposal.id),
        assignment=response_ops.assignment_of(session, proposal.id),
        deadlines=presenters.deadlines_of(session, milestones, settings.now()),
        answers=[presenters.answer_data(session, a) for a in answers],
        current_answers={a.step: a for a in answers},
        answerable=answerable,
        may_report=bool(answerable) or (participant is not None and (
            participant.has(Role.ADMIN) or participant.has(Role.MAYOR_OFFICE))),
        updates=response_ops.implementation_updates_of(session, proposal.id),
        decision=decision_of(session, proposal.id),
        is_admin=participant is not None and participant.has(Role.ADMIN),
        is_committee=participant is not None and participant.has(Role.AGENDA_COMMITTEE),
        committee_choices=list(CommitteeChoice),
        departments=settings.departments, decisions=list(Decision),
        implementation_statuses=list(ImplementationStatus),
        **_discussion_context(session, participant, proposal))


def _discussion_context(session, participant, proposal):
    """The proposal's debate and its opinions (comments), a page at a time."""
    from ..api import debate_presenters
    from ..comments import comments_of
    from ..debates.queries import debate_of_proposal
    from .forms import CommentFilterSchema

    debate = debate_of_proposal(session, proposal.id)
    context = {"debate": debate and debate_presenters.debate_data(session, debate, participant,
                                                                  with_ballot=False),
               "comments": [], "comments_page": None, "comment_filters": {}}
    if proposal.published_at is None or proposal.hidden_at is not None:
        return context
    filters = load_or_default(CommentFilterSchema, request.args)
    per_page = current_settings().per_page
    items, total = comments_of(session, proposal.id, sort=filters["comments_sort"],
                               page=filters["comments_page"], per_page=per_page)
    context.update(comments=debate_presenters.comments_data(session, items, participant),
                   comments_page=debate_presenters.page_data([], total,
                                                             filters["comments_page"], per_page),
                   comment_filters=filters)
    return context


def render_detail(proposal_id, *, errors=None, forms=None, status=200):
    """The detail page; a refused form comes back on it with its messages."""
    session = _session()
    participant = current_participant()
    proposal = queries.get_proposal(session, proposal_id, viewer=participant)
    return render_template("deliberation/proposals/detail.html",
                           errors=errors or {}, forms=forms or {},
                           **_detail_context(session, participant, proposal)), status


@bp.get("/<id:proposal_id>")
def proposal_detail(proposal_id):
    return render_detail(proposal_id)


def form_action(proposal_id, form_name, schema, call, message):
    """Check the token, parse the form, call one service; back to the detail
    page, with the form's messages when it was refused."""
    _check_csrf()
    participant = require_login()
    raw = request.form.to_dict()
    raw.pop("csrf_token", None)
    status = 422
    try:
        call(_session(), participant, schema().load(raw))
    except ValidationError as exc:
        errors = flat_messages(exc.messages)
    except InvalidInput as exc:
        errors = flat_messages(exc.fields) or {"_": [exc.message]}
    except DeliberationError as exc:
        # a refusal about a value typed in (a number naming nothing) goes back
        # to its field; any other refusal is about the page itself
        if not exc.fields:
            raise
        errors = flat_messages(exc.fields)
        status = 404 if isinstance(exc, NotFound) else 422
    else:
        flash(message, "success")
        return redirect(url_for(".proposal_detail", proposal_id=proposal_id))
    return render_detail(proposal_id, errors={form_name: errors}, forms={form_name: raw},
                         status=status)


def _action(proposal_id, service, message):
    _check_csrf()
    participant = require_login()
    service(_session(), participant, proposal_id)
    flash(message, "success")
    return redirect(url_for(".proposal_detail", proposal_id=proposal_id))


@bp.post("/<id:proposal_id>/agree")
def proposal_agree(proposal_id):
    return _action(proposal_id, vote_ops.agree, _("You agreed with this proposal."))


@bp.post("/<id:proposal_id>/unagree")
def proposal_unagree(proposal_id):
    return _action(proposal_id, vote_ops.withdraw_agreement, _("Your agreement is withdrawn."))


@bp.post("/<id:proposal_id>/publish")
def proposal_publish(proposal_id):
    return _action(proposal_id, proposal_ops.publish_proposal, _("The proposal is published."))


@bp.post("/<id:proposal_id>/withdraw")
def proposal_withdraw(proposal_id):
    return _action(proposal_id, proposal_ops.withdraw_proposal, _("The proposal is withdrawn."))


# the pages of the other concerns, registered on this same blueprint
from . import comments, debates, meetings, moderation, notifications, responses  # noqa: E402,F401
from . import formatting, mine  # noqa: E402,F401


def register(app):
    app.register_blueprint(bp, url_prefix=app.config["DELIBERATION_URL_PREFIX"])


__all__ = ["bp", "register", "abort"]
