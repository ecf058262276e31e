"""The admins' pages: statistics with SVG charts and CSV exports, and the
audit log. A blueprint of its own (``deliberation_admin``) under
``DELIBERATION_URL_PREFIX + "/admin"``; templates in ``deliberation/admin/``."""

import csv
import io
import json

from flask import (
    Blueprint, Response, current_app, flash, redirect, render_template, request, url_for,
)
from flask_babel import format_decimal, get_timezone
from marshmallow import ValidationError

from ..api.admin import AUDIT_PER_PAGE, AuditQuerySchema, StatsQuerySchema
from ..audit import audit_log
from ..errors import DeliberationError, InvalidInput, NotAuthenticated
from ..extension import current_participant
from ..i18n import gettext
from ..i18n import gettext as _
from ..participants import Role, require_role
from ..stats import bar_chart, collect_stats, stats_window

bp = Blueprint("deliberation_admin", __name__, template_folder="templates")

#: the tables a CSV export can be asked for
TABLES = ("by_day", "by_category", "by_day_and_category")
#: series drawn as a chart per day
CHARTED = ("proposals", "agreements", "participants")


def _session():
    return current_app.extensions["deliberation"].db.session


def series_label(key):
    """The column heading of a series (literal here, so the catalog checks it)."""
    return {
        "proposals": _("Proposals published"),
        "agreements": _("Agreements given"),
        "participants": _("Distinct participants"),
        "answers_on_time": _("Answers on time"),
        "answers_late": _("Answers late"),
        "answers_overdue": _("Answers overdue, still missing"),
        "ballots": _("Debate ballots cast"),
    }.get(key, key)


def category_label(category):
    # a built key (category_<name>), kept in the catalog by hand
    return gettext(f"category_{category}")


@bp.errorhandler(NotAuthenticated)
def _login_needed(exc):
    login_manager = getattr(current_app, "login_manager", None)
    if login_manager is not None and login_manager.login_view:
        flash(_("Please log in to continue."), "info")
        return redirect(url_for(login_manager.login_view, next=request.full_path))
    return render_template("deliberation/error.html", status=401,
                           message=_("Please log in to continue.")), 401


@bp.errorhandler(DeliberationError)
def _refused(exc):
    return render_template("deliberation/error.html", status=exc.status,
                           message=_(exc.message)), exc.status


@bp.before_request
def _admins_only():
    require_role(current_participant(), Role.ADMIN)


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _window():
    """The window from ?from=&to=; InvalidInput, with field messages, when bad."""
    try:
        args = StatsQuerySchema().load(request.args)
    except ValidationError as exc:
        raise InvalidInput("The date range is not valid.", fields={
            {"first_day": "from", "last_day": "to"}.get(k, k): v
            for k, v in exc.messages.items()}) from None
    return stats_window(args["first_day"], args["last_day"], tz=get_timezone())


def _charts(stats):
    """(visible title, chart) pairs: the SVG's own title is for screen readers only."""
    days = stats.by_day()
    charts = []
    for key in CHARTED:
        values = [row.values[key] for row in days]
        peak = max(values, default=0)
        title = _("%(series)s per day", series=series_label(key))
        charts.append((title, bar_chart(
            [row.day.strftime("%m-%d") for row in days], values, chart_id=f"dl-chart-{key}",
            title=title,
            description=_("%(total)s in all; at most %(peak)s in one day. "
                          "The table below gives every number.",
                          total=format_decimal(sum(values)), peak=format_decimal(peak)))))
    categories = stats.by_category()
    values = [row.values["agreements"] for row in categories]
    title = _("%(series)s per category", series=series_label("agreements"))
    charts.append((title, bar_chart(
        [category_label(row.category) for row in categories], values,
        chart_id="dl-chart-categories", label_every=1, title=title,
        description=_("%(total)s in all; at most %(peak)s in one category. "
                      "The table below gives every number.",
                      total=format_decimal(sum(values)),
                      peak=format_decimal(max(values, default=0))))))
    return charts


@bp.get("/stats")
def stats_page():
    try:
        window = _window()
    except InvalidInput as exc:
        return render_template("deliberation/admin/stats.html", stats=None, charts=[],
                               errors=exc.fields, args=request.args,
                               series_label=series_label, category_label=category_label), 422
    stats = collect_stats(_session(), window)
    range_args = {"from": window.first_day.isoformat(), "to": window.last_day.isoformat()}
    return render_template("deliberation/admin/stats.html", stats=stats, charts=_charts(stats),
                           errors={}, args=request.args, range_args=range_args,
                           series_label=series_label, category_label=category_label)


def _csv_cell(value):
    """Keep a spreadsheet from reading a text cell as a formula."""
    if not isinstance(value, str):
        return value
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def table_rows(stats, table):
    """(header, rows) of one table, as people read it."""
    series = list(stats.series)
    values = [series_label(s) for s in series]
    if table == "by_day":
        header = [_("Day")] + values
        rows = [[row.day.isoformat()] + [row.values[s] for s in series]
                for row in stats.by_day()]
    elif table == "by_category":
        header = [_("Category")] + values
        rows = [[category_label(row.category)] + [row.values[s] for s in series]
                for row in stats.by_category()]
    else:
        header = [_("Day"), _("Category")] + values
        rows = [[row.day.isoformat(), category_label(row.category)]
                + [row.values[s] for s in series] for row in stats.by_day_and_category()]
    if table != "by_day_and_category":
        rows.append([_("All")] + [stats.value(s) for s in series])
    return header, rows


@bp.get("/stats/<table>.csv")
def stats_csv(table):
    if table not in TABLES:
        raise InvalidInput("No such table.")
    window = _window()
    header, rows = table_rows(collect_stats(_session(), window), table)
    out = io.StringIO()
    # the BOM is what makes Excel read UTF-8, and so Korean, correctly
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in header])
    writer.writerows([[_csv_cell(v) for v in row] for row in rows])
    filename = (f"deliberation-{table.replace('_', '-')}-"
                f"{window.first_day.isoformat()}-{window.last_day.isoformat()}.csv")
    return Response(out.getvalue().encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


#: every action written to the audit log; each reads as words through the
#: built key audit_<action> (a test checks both lists against the package)
AUDIT_ACTIONS = (
    "answer", "assign", "cancel_meeting", "check_in", "close", "committee_decision",
    "create_debate", "create_meeting", "dismiss_reports", "edit_debate", "edit_meeting",
    "hide", "hide_comment", "hide_opinion", "implementation_update", "merge",
    "publish_meeting", "review_answer", "unhide", "unhide_comment", "unhide_opinion",
)


def _words(key, fallback):
    """A built key's words, or the code itself when the catalog has none
    (a host's own role, an action newer than this list)."""
    text = gettext(key)
    return fallback if text == key else text


def action_label(action):
    return _words(f"audit_{action}", action)


def role_labels(roles):
    return ", ".join(_words(f"role_{role}", role) for role in (roles or "").split(",") if role)


def _changes(value):
    """A before/after record as (key, text) pairs, nested values as compact JSON."""
    if value is None:
        return []
    if not isinstance(value, dict):
        return [("", _plain(value))]
    return [(key, _plain(value[key])) for key in sorted(value)]


def _plain(value):
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (str, int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@bp.get("/audit")
def audit_page():
    try:
        args = AuditQuerySchema().load(request.args)
    except ValidationError as exc:
        raise InvalidInput("The request is not valid.", fields=exc.messages) from None
    items, total = audit_log(_session(), page=args["page"], per_page=AUDIT_PER_PAGE,
                             subject_id=args["subject_id"])
    pages = max(1, -(-total // AUDIT_PER_PAGE))
    return render_template("deliberation/admin/audit.html", items=items, total=total,
                           page=args["page"], pages=pages, subject_id=args["subject_id"],
                           changes=_changes, action_label=action_label,
                           role_labels=role_labels)


def register(app):
    app.register_blueprint(
        bp, url_prefix=app.config["DELIBERATION_URL_PREFIX"].rstrip("/") + "/admin")
