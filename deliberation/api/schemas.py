"""marshmallow schemas of the JSON API: load schemas parse, dump schemas answer."""

from marshmallow import EXCLUDE, Schema, fields, validate

from ..proposals.models import BODY_MAX, CATEGORY_MAX, TITLE_MAX
from ..proposals.queries import Sort
from ..proposals.states import ProposalState
from ..threshold.rules import Metric, Step


class ProposalCreateSchema(Schema):
    title = fields.String(required=True, metadata={"maxLength": TITLE_MAX})
    body = fields.String(required=True, metadata={"maxLength": BODY_MAX})
    category = fields.String(required=True, metadata={"maxLength": CATEGORY_MAX})
    publish = fields.Boolean(load_default=False)


class ProposalUpdateSchema(Schema):
    title = fields.String()
    body = fields.String()
    category = fields.String()


class CloseSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class ProposalListQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # cache-busters and tracking parameters are no error

    state = fields.Enum(ProposalState, by_value=True, load_default=None)
    category = fields.String(load_default=None, validate=validate.Length(max=CATEGORY_MAX))
    q = fields.String(load_default=None, validate=validate.Length(max=100))
    sort = fields.Enum(Sort, by_value=True, load_default=Sort.NEWEST)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100))


class SimilarQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # cache-busters and tracking parameters are no error

    title = fields.String(required=True, validate=validate.Length(min=2, max=TITLE_MAX))
    body = fields.String(load_default="", validate=validate.Length(max=BODY_MAX))


class ProgressSchema(Schema):
    reached = fields.List(fields.Enum(Step, by_value=True))
    next_step = fields.Enum(Step, by_value=True, allow_none=True)
    metric = fields.Enum(Metric, by_value=True, allow_none=True)
    current = fields.Integer(allow_none=True)
    needed = fields.Integer(allow_none=True)
    remaining = fields.Integer(allow_none=True)
    window_ends_at = fields.AwareDateTime(allow_none=True)


class ProposalSummarySchema(Schema):
    id = fields.Integer()
    title = fields.String()
    category = fields.String()
    author_name = fields.String()
    state = fields.String()
    stage = fields.String(allow_none=True)
    agreement_count = fields.Integer()
    created_at = fields.AwareDateTime()
    published_at = fields.AwareDateTime(allow_none=True)
    closes_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    closed_reason = fields.String(allow_none=True)
    progress = fields.Nested(ProgressSchema, dump_only=True)
    agreed_by_me = fields.Boolean(allow_none=True,
                                  metadata={"description": "only for the caller's own agreement"})


class ProposalSchema(ProposalSummarySchema):
    body = fields.String()


class PageSchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class ProposalPageSchema(PageSchema):
    items = fields.List(fields.Nested(ProposalSummarySchema))


class SimilarSchema(Schema):
    score = fields.Float()
    proposal = fields.Nested(ProposalSummarySchema)


class SimilarListSchema(Schema):
    items = fields.List(fields.Nested(SimilarSchema))


class AgreementSchema(Schema):
    proposal_id = fields.Integer()
    agreed = fields.Boolean()
    count = fields.Integer()
    reached = fields.List(fields.Enum(Step, by_value=True))


class TimelineEventSchema(Schema):
    kind = fields.String()
    occurred_at = fields.AwareDateTime()
    actor_role = fields.String(allow_none=True)
    data = fields.Dict()


class TimelineSchema(Schema):
    items = fields.List(fields.Nested(TimelineEventSchema))


class MeSchema(Schema):
    id = fields.String()
    display_name = fields.String()
    roles = fields.List(fields.String())
    department = fields.String(allow_none=True)


class ErrorSchema(Schema):
    code = fields.String()
    message = fields.String()
    field_messages = fields.Dict(data_key="fields")


class ErrorEnvelopeSchema(Schema):
    error = fields.Nested(ErrorSchema)
