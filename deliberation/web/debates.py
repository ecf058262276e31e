"""Pages of citizen debates (시민토론) and city questions (서울시가 묻습니다):
the list, the debate with its ballot form, results and opinions, and the
officials' forms to publish a city question or prepare a debate."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from marshmallow import ValidationError

from .. import reactions
from ..api import debate_presenters as presenters
from ..debates import operations as debate_ops
from ..debates import queries as debate_queries
from ..debates.states import DEBATE_EDITORS, DebateKind, DebateState, Stance, is_debate_editor
from ..errors import InvalidInput
from ..extension import current_participant
from ..i18n import gettext as _
from ..participants import require_role
from ..settings import current_settings
from ..stats import bar_chart
from .blueprint import _check_csrf, _session, bp, flat_messages, load_or_default, require_login
from .forms import BallotFormSchema, DebateFilterSchema, DebateFormSchema, OpinionFilterSchema

DEBATE_STATES = (DebateState.OPEN, DebateState.SCHEDULED, DebateState.CLOSED)


def stance_label(stance):
    """The words of a stance (literal here, so the catalog checks them)."""
    return {"pro": _("Pro"), "con": _("Con"), "other": _("Other")}.get(stance or "", _("Opinion"))


@bp.get("/debates/")
def debate_list():
    args = load_or_default(DebateFilterSchema, request.args)
    session = _session()
    per_page = current_settings().per_page
    sections = []
    for state in DEBATE_STATES:
        items, total = debate_queries.list_debates(
            session, state=state, city_questions_only=args["city_questions"], per_page=per_page)
        sections.append((state, [presenters.debate_data(session, d, with_ballot=False)
                                 for d in items], total))
    participant = current_participant()
    may_publish = is_debate_editor(participant)
    return render_template("deliberation/debates/list.html", sections=sections, args=args,
                           may_publish=may_publish)


def _charts(debate, results):
    charts = []
    if results.stances:
        charts.append(bar_chart(
            [stance_label(s.stance) for s in results.stances], [s.count for s in results.stances],
            chart_id="dl-chart-stances", label_every=1, width=480,
            title=_("Ballots per stance"),
            description=_("%(total)s participants. The table gives every number.",
                          total=format_decimal(results.participants))))
    if results.over_time:
        charts.append(bar_chart(
            [day.strftime("%m-%d") for day, _, _ in results.over_time],
            [running for _, _, running in results.over_time],
            chart_id="dl-chart-participants", title=_("Participants over time"),
            description=_("%(total)s participants at the end. The table gives every number.",
                          total=format_decimal(results.participants))))
    return charts


def render_debate(debate_id, *, errors=None, form=None, status=200):
    session = _session()
    participant = current_participant()
    debate = debate_queries.get_debate(session, debate_id)
    filters = load_or_default(OpinionFilterSchema, request.args)
    per_page = current_settings().per_page
    items, total = debate_queries.opinions(session, debate.id, stance=filters["stance"],
                                           sort=filters["sort"], page=filters["page"],
                                           per_page=per_page)
    results = debate_queries.results_of(session, debate.id)
    data = presenters.debate_data(session, debate, participant)
    proposal = None
    if debate.proposal_id is not None:
        from ..proposals.models import Proposal

        proposal = session.get(Proposal, debate.proposal_id)
    return render_template(
        "deliberation/debates/detail.html", debate=data, proposal=proposal,
        results=presenters.results_data(results, debate.kind), charts=_charts(debate, results),
        opinions=presenters.opinions_data(session, items, participant),
        opinions_page=presenters.page_data([], total, filters["page"], per_page),
        filters=filters, stances=list(Stance), errors=errors or {}, form=form or {},
        stance_label=stance_label, is_pro_con=debate.kind == DebateKind.PRO_CON,
        may_edit=is_debate_editor(participant)
        and data["state"] == DebateState.SCHEDULED), status


@bp.get("/debates/<id:debate_id>")
def debate_detail(debate_id):
    return render_debate(debate_id)


@bp.post("/debates/<id:debate_id>/ballot")
def debate_ballot(debate_id):
    _check_csrf()
    participant = require_login()
    raw = BallotFormSchema().load(request.form)
    try:
        result = debate_ops.cast_ballot(_session(), participant, debate_id, **raw)
    except InvalidInput as exc:
        errors = flat_messages(exc.fields) or {"_": [exc.message]}
        # the service judges the opinion first: a missing stance is told at once too
        if raw.get("stance") is None and "stance" not in errors and debate_queries.get_debate(
                _session(), debate_id).kind == DebateKind.PRO_CON:
            errors["stance"] = [_("Choose pro, con or other.")]
        return render_debate(debate_id, errors=errors, form=raw, status=422)
    flash(_("Your ballot is counted.") if result.created else _("Your ballot is changed."),
          "success")
    return redirect(url_for(".debate_detail", debate_id=debate_id, _anchor="dl-results"))


def _back_to_debate(debate_id):
    back = {k: v for k, v in request.form.items() if k in ("stance", "sort", "page") and v}
    return redirect(url_for(".debate_detail", debate_id=debate_id, _anchor="dl-opinions",
                            **back))


@bp.post("/debates/<id:debate_id>/opinions/<id:opinion_id>/<any(like, unlike):act>")
def opinion_like(debate_id, opinion_id, act):
    _check_csrf()
    participant = require_login()
    service = reactions.like if act == "like" else reactions.unlike
    service(_session(), participant, reactions.Subject.OPINION, opinion_id)
    return _back_to_debate(debate_id)


@bp.post("/debates/<id:debate_id>/opinions/<id:opinion_id>/report")
def opinion_report(debate_id, opinion_id):
    _check_csrf()
    participant = require_login()
    reactions.report(_session(), participant, reactions.Subject.OPINION, opinion_id,
                     reason=request.form.get("reason", ""))
    flash(_("Thank you. The moderators will look at this opinion."), "success")
    return _back_to_debate(debate_id)


# -- officials --

FORM_FIELDS = ("kind", "question", "background", "arguments_pro", "arguments_con",
               "starts_at", "ends_at")


def _local(moment):
    """A moment as a datetime-local value in the viewer's time zone."""
    from flask_babel import to_user_timezone

    return to_user_timezone(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _debate_form(debate_id=None):
    participant = require_login()
    require_role(participant, *DEBATE_EDITORS)
    session = _session()
    debate = debate_queries.get_debate(session, debate_id) if debate_id else None
    if debate is not None:
        form = {name: getattr(debate, name) for name in FORM_FIELDS}
        form["starts_at"], form["ends_at"] = _local(debate.starts_at), _local(debate.ends_at)
    else:
        # a suggestion the official may change: tomorrow, for the configured period
        settings = current_settings()
        starts = (settings.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
        form = {"kind": str(DebateKind.PRO_CON), "question": "", "background": "",
                "arguments_pro": "", "arguments_con": "", "starts_at": _local(starts),
                "ends_at": _local(settings.debate_period.after(starts))}
    errors = {}
    if request.method == "POST":
        _check_csrf()
        form = {name: request.form.get(name, "") for name in FORM_FIELDS}
        try:
            data = DebateFormSchema().load(form)
            if debate is None:
                debate = debate_ops.create_city_question(session, participant, **data)
                message = _("The city question is published.")
            else:
                debate_ops.edit_debate(session, participant, debate.id, **data)
                message = _("The debate is updated.")
        except ValidationError as exc:
            errors = flat_messages(exc.messages)
        except InvalidInput as exc:
            errors = flat_messages(exc.fields) or {"_": [exc.message]}
        else:
            flash(message, "success")
            return redirect(url_for(".debate_detail", debate_id=debate.id))
    return render_template("deliberation/debates/form.html", form=form, errors=errors,
                           debate=debate, kinds=list(DebateKind)), (422 if errors else 200)


@bp.route("/debates/new", methods=["GET", "POST"])
def debate_new():
    return _debate_form()


@bp.route("/debates/<id:debate_id>/edit", methods=["GET", "POST"])
def debate_edit(debate_id):
    return _debate_form(debate_id)
