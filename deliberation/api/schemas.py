"""marshmallow schemas of the JSON API: load schemas parse, dump schemas answer."""

from marshmallow import EXCLUDE, Schema, fields, validate

from ..committee import DecisionInputSchema
from ..proposals.models import BODY_MAX, CATEGORY_MAX, TITLE_MAX
from ..proposals.queries import Sort
from ..proposals.states import ProposalState
from ..responses.schemas import AnswerInputSchema, AssignInputSchema, ImplementationInputSchema
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


class AssignmentBriefSchema(Schema):
    department = fields.String()
    assigned_at = fields.AwareDateTime()


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
    assignment = fields.Nested(AssignmentBriefSchema, allow_none=True,
                               metadata={"description": "the department that answers"})
    answer_due_at = fields.Dict(keys=fields.String(), values=fields.AwareDateTime(), metadata={
        "description": "per reached step that calls for an answer, when it is due"})
    hidden = fields.Boolean()
    hidden_reason = fields.String(allow_none=True)
    merged_into_id = fields.Integer(allow_none=True)
    following = fields.Boolean(allow_none=True,
                               metadata={"description": "whether the caller follows it"})


class ProposalSchema(ProposalSummarySchema):
    body = fields.String(allow_none=True,
                         metadata={"description": "null while an admin hides the proposal"})


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


# -- official responses --


class AssignBodySchema(AssignInputSchema):
    pass


class AnswerBodySchema(AnswerInputSchema):
    pass


class ReviewBodySchema(Schema):
    approve = fields.Boolean(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=500))


class ImplementationBodySchema(ImplementationInputSchema):
    pass


class DueQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # cache-busters and tracking parameters are no error

    overdue = fields.Boolean(load_default=False)
    department = fields.String(load_default=None, validate=validate.Length(min=1, max=100))


class AssignmentSchema(Schema):
    proposal_id = fields.Integer()
    department = fields.String()
    assigned_at = fields.AwareDateTime()
    assigned_by = fields.String(metadata={"description": "'auto' or the assigning role"})


class AnswerRevisionSchema(Schema):
    version = fields.Integer()
    decision = fields.String()
    edited_at = fields.AwareDateTime()
    editor_role = fields.String()


class AnswerSchema(Schema):
    step = fields.String(metadata={"enum": ["department_answer", "mayor_answer"]})
    department = fields.String(allow_none=True)
    status = fields.String()
    decision = fields.String()
    body_html = fields.String(metadata={"description": "sanitised HTML from the Markdown"})
    body_markdown = fields.String()
    links = fields.List(fields.String())
    video_url = fields.String(allow_none=True)
    version = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    published_at = fields.AwareDateTime(allow_none=True)
    revisions = fields.List(fields.Nested(AnswerRevisionSchema))


class AnswerListSchema(Schema):
    items = fields.List(fields.Nested(AnswerSchema))


class ImplementationUpdateSchema(Schema):
    id = fields.Integer()
    status = fields.String()
    note = fields.String()
    occurred_on = fields.Date()
    created_at = fields.AwareDateTime()
    author_role = fields.String()


class ImplementationListSchema(Schema):
    items = fields.List(fields.Nested(ImplementationUpdateSchema))


class DueAnswerSchema(Schema):
    proposal_id = fields.Integer()
    title = fields.String()
    step = fields.String(metadata={"enum": ["department_answer", "mayor_answer"]})
    department = fields.String(allow_none=True)
    reached_at = fields.AwareDateTime()
    due_at = fields.AwareDateTime()
    answered_at = fields.AwareDateTime(allow_none=True)
    overdue_days = fields.Integer(allow_none=True, metadata={
        "description": "whole days late (a started day counts), null when on time"})


class DueListSchema(Schema):
    items = fields.List(fields.Nested(DueAnswerSchema))


class LatenessSchema(Schema):
    open_on_time = fields.Integer()
    open_overdue = fields.Integer()
    answered_on_time = fields.Integer()
    answered_late = fields.Integer()
    longest_overdue_days = fields.Float(allow_none=True)
    average_late_days = fields.Float(allow_none=True)
    overdue = fields.List(fields.Nested(DueAnswerSchema))


# -- the agenda committee, moderation --


class CommitteeDecisionBodySchema(DecisionInputSchema):
    pass


class CommitteeDecisionSchema(Schema):
    proposal_id = fields.Integer()
    decision = fields.String()
    reason = fields.String()
    below_threshold = fields.Boolean()
    debate_question = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime()


class CommitteeQueueItemSchema(Schema):
    proposal = fields.Nested(ProposalSummarySchema)
    reached_at = fields.AwareDateTime()


class CommitteeQueueSchema(Schema):
    items = fields.List(fields.Nested(CommitteeQueueItemSchema))


class HideBodySchema(Schema):
    reason = fields.String(required=True, metadata={"minLength": 5, "maxLength": 500})


class MergeBodySchema(Schema):
    target_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class MergeSchema(Schema):
    duplicate = fields.Nested(ProposalSchema)
    target = fields.Nested(ProposalSchema)


# -- following and notifications --


class FollowSchema(Schema):
    proposal_id = fields.Integer()
    following = fields.Boolean()


class NotificationQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # cache-busters and tracking parameters are no error

    unread = fields.Boolean(load_default=False)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    proposal_id = fields.Integer()
    data = fields.Dict()
    created_at = fields.AwareDateTime()
    read_at = fields.AwareDateTime(allow_none=True)


class NotificationListSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))


class UnreadCountSchema(Schema):
    count = fields.Integer()


class MarkReadBodySchema(Schema):
    ids = fields.List(fields.Integer(strict=True), load_default=None, allow_none=True,
                      validate=validate.Length(max=500),
                      metadata={"description": "omit to mark every notification read"})


class MarkedSchema(Schema):
    marked = fields.Integer()


class ErrorSchema(Schema):
    code = fields.String()
    message = fields.String()
    field_messages = fields.Dict(data_key="fields")


class ErrorEnvelopeSchema(Schema):
    error = fields.Nested(ErrorSchema)
