"""The admins' JSON API under ``/api/v1/admin``: statistics and the audit
log. A blueprint of its own (``deliberation_admin_api``), answering errors in
the same envelope as the main API."""

from flask import Blueprint, current_app, request
from flask_babel import get_timezone
from marshmallow import EXCLUDE, Schema, fields, validate

from ..audit import audit_log
from ..extension import current_participant
from ..participants import Role, require_role
from ..stats import collect_stats, stats_window
from .errors import register_json_errors
from .openapi import document

bp = Blueprint("deliberation_admin_api", __name__)

AUDIT_PER_PAGE = 50


# -- schemas: load the query, dump the answer --

class StatsQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    first_day = fields.Date(data_key="from", load_default=None)
    last_day = fields.Date(data_key="to", load_default=None)


class AuditQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    subject_id = fields.Integer(load_default=None, validate=validate.Range(min=1))


class StatsRowSchema(Schema):
    day = fields.Date(allow_none=True)
    category = fields.String(allow_none=True)
    proposals = fields.Integer()
    agreements = fields.Integer()
    participants = fields.Integer()
    answers_on_time = fields.Integer()
    answers_late = fields.Integer()
    answers_overdue = fields.Integer()
    ballots = fields.Integer()


class AdminLatenessSchema(Schema):
    open_on_time = fields.Integer()
    open_overdue = fields.Integer()
    answered_on_time = fields.Integer()
    answered_late = fields.Integer()
    longest_overdue_days = fields.Integer(allow_none=True)


class StatsSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    timezone = fields.String()
    series = fields.List(fields.String())
    totals = fields.Nested(StatsRowSchema)
    by_day = fields.List(fields.Nested(StatsRowSchema))
    by_category = fields.List(fields.Nested(StatsRowSchema))
    by_day_and_category = fields.List(fields.Nested(StatsRowSchema))
    lateness_now = fields.Nested(AdminLatenessSchema)


class AuditEntrySchema(Schema):
    id = fields.Integer()
    occurred_at = fields.AwareDateTime()
    actor_id = fields.String()
    actor_roles = fields.Function(lambda e: [r for r in e.actor_roles.split(",") if r])
    action = fields.String()
    subject = fields.String()
    subject_id = fields.Integer()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


register_json_errors(bp)


@bp.before_request
def _admins_only():
    require_role(current_participant(), Role.ADMIN)


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _session():
    return current_app.extensions["deliberation"].db.session


def stats_data(stats):
    """The plain values of a Stats, for the JSON answer."""
    def row(r):
        return {"day": r.day, "category": r.category, **r.values}

    lateness = stats.lateness
    return {
        "from_": stats.window.first_day, "to": stats.window.last_day,
        "timezone": stats.window.timezone_name, "series": list(stats.series),
        "totals": stats.totals(),
        "by_day": [row(r) for r in stats.by_day()],
        "by_category": [row(r) for r in stats.by_category()],
        "by_day_and_category": [row(r) for r in stats.by_day_and_category()],
        "lateness_now": {
            "open_on_time": lateness.open_on_time, "open_overdue": lateness.open_overdue,
            "answered_on_time": lateness.answered_on_time,
            "answered_late": lateness.answered_late,
            "longest_overdue_days": (None if lateness.longest_overdue is None
                                     else lateness.longest_overdue.days)},
    }


@bp.get("/stats")
@document("Statistics per day and per category (admin); the last 30 days by default",
          query=StatsQuerySchema, response=StatsSchema)
def stats():
    args = StatsQuerySchema().load(request.args)
    window = stats_window(args["first_day"], args["last_day"], tz=get_timezone())
    return StatsSchema().dump(stats_data(collect_stats(_session(), window)))


@bp.get("/audit")
@document("The audit log, newest first (admin)", query=AuditQuerySchema,
          response=AuditPageSchema)
def audit():
    args = AuditQuerySchema().load(request.args)
    items, total = audit_log(_session(), page=args["page"], per_page=AUDIT_PER_PAGE,
                             subject_id=args["subject_id"])
    return AuditPageSchema().dump({
        "items": items, "page": args["page"], "per_page": AUDIT_PER_PAGE, "total": total,
        "pages": max(1, -(-total // AUDIT_PER_PAGE))})


def register(app):
    app.register_blueprint(
        bp, url_prefix=app.config["DELIBERATION_API_PREFIX"].rstrip("/") + "/admin")
