"""The caller's own activity ("my page") as JSON: ``GET /me/activity``."""

from flask import request
from marshmallow import EXCLUDE, Schema, fields, validate

from ..activity import PER_PAGE, SECTIONS, activity_of
from ..extension import current_participant
from ..participants import require_participant
from .blueprint import _session, bp, load, no_store
from .openapi import document
from .schemas import NotificationSchema


class ActivityQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # cache-busters and tracking parameters are no error

    section = fields.String(load_default=None, validate=validate.OneOf(SECTIONS), metadata={
        "description": "only this section (to page through it); omit for all"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=PER_PAGE, validate=validate.Range(min=1, max=100))


class ActivityProposalSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    category = fields.String()
    state = fields.String()
    stage = fields.String(allow_none=True)
    agreement_count = fields.Integer()
    created_at = fields.AwareDateTime()
    published_at = fields.AwareDateTime(allow_none=True)
    closes_at = fields.AwareDateTime(allow_none=True)
    hidden = fields.Boolean()


class ActivityAgreementSchema(Schema):
    proposal_id = fields.Integer()
    title = fields.String()
    state = fields.String()
    stage = fields.String(allow_none=True)
    agreement_count = fields.Integer()
    agreed_at = fields.AwareDateTime()


class ActivityBallotSchema(Schema):
    id = fields.Integer()
    debate_id = fields.Integer()
    question = fields.String()
    kind = fields.String()
    proposal_id = fields.Integer(allow_none=True)
    debate_state = fields.String()
    stance = fields.String(allow_none=True)
    opinion = fields.String()
    like_count = fields.Integer()
    hidden = fields.Boolean()
    hidden_reason = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ActivityCommentSchema(Schema):
    id = fields.Integer()
    proposal_id = fields.Integer()
    proposal_title = fields.String()
    body = fields.String()
    like_count = fields.Integer()
    hidden = fields.Boolean()
    hidden_reason = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ActivityRegistrationSchema(Schema):
    id = fields.Integer()
    meeting_id = fields.Integer()
    meeting_title = fields.String()
    venue = fields.String()
    starts_at = fields.AwareDateTime(allow_none=True)
    meeting_status = fields.String()
    status = fields.String()
    waitlist_position = fields.Integer(allow_none=True, metadata={
        "description": "1 for the first person waiting; null unless waitlisted"})
    check_in_code = fields.String(allow_none=True, metadata={
        "description": "shown at the door; null unless the seat is confirmed"})
    created_at = fields.AwareDateTime()
    confirmed_at = fields.AwareDateTime(allow_none=True)
    checked_in_at = fields.AwareDateTime(allow_none=True)


def _section(item_schema):
    return type(f"{item_schema.__name__.removesuffix('Schema')}SectionSchema", (Schema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "total": fields.Integer(), "pages": fields.Integer()})


class ActivitySchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    unread_notifications = fields.Integer()
    proposals = fields.Nested(_section(ActivityProposalSchema))
    agreements = fields.Nested(_section(ActivityAgreementSchema))
    ballots = fields.Nested(_section(ActivityBallotSchema))
    comments = fields.Nested(_section(ActivityCommentSchema))
    registrations = fields.Nested(_section(ActivityRegistrationSchema))
    notifications = fields.Nested(_section(NotificationSchema))


@bp.get("/me/activity")
@document("The caller's own proposals (drafts too), agreements, debate ballots, opinions, "
          "meeting registrations and notifications, newest first; never anybody else's",
          query=ActivityQuerySchema, response=ActivitySchema)
@no_store
def my_activity():
    participant = require_participant(current_participant())  # 401 before any 422
    args = load(ActivityQuerySchema, request.args)
    sections = (args["section"],) if args["section"] else SECTIONS
    activity = activity_of(_session(), participant, sections=sections,
                           page=args["page"], per_page=args["per_page"])
    data = {"page": activity.page, "per_page": activity.per_page,
            "unread_notifications": activity.unread_notifications}
    for name in activity.sections:
        data[name] = {"items": activity.items[name], "total": activity.totals[name],
                      "pages": activity.pages(name)}
    return ActivitySchema().dump(data)
