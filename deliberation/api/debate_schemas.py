"""marshmallow schemas of the debate, opinion and comment API: load schemas
parse, dump schemas answer. No participant id appears in any dump schema."""

from marshmallow import EXCLUDE, Schema, fields, validate

from ..comments import COMMENT_SORTS
from ..debates.models import OPINION_MAX
from ..debates.queries import OpinionSort
from ..debates.schemas import DebateInputSchema
from ..debates.states import DebateKind, DebateState, Stance
from ..reactions import Subject
from ..threshold.rules import Step
from .schemas import PageSchema


def one_of(kind, **kwargs):
    """A dumped enum value: a plain string naming its choices."""
    return fields.String(metadata={"enum": [str(v) for v in kind]}, **kwargs)


class DebateListQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # cache-busters and tracking parameters are no error

    state = fields.Enum(DebateState, by_value=True, load_default=None)
    city_questions = fields.Boolean(load_default=False,
                                    metadata={"description": "only city questions"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100))


class CityQuestionCreateSchema(DebateInputSchema):
    """A city question: pro/con, or an open discussion (kind=open)."""


class DebateUpdateSchema(DebateInputSchema):
    """Any of the debate's fields; the others stay as they are."""

    def __init__(self, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(**kwargs)


class BallotBodySchema(Schema):
    stance = fields.Enum(Stance, by_value=True, load_default=None, allow_none=True, metadata={
        "description": "pro, con or other; null (or absent) in an open discussion"})
    opinion = fields.String(required=True, metadata={"minLength": 1, "maxLength": OPINION_MAX})


class OpinionQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    stance = fields.Enum(Stance, by_value=True, load_default=None)
    sort = fields.Enum(OpinionSort, by_value=True, load_default=OpinionSort.NEWEST)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100))


class CommentQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    sort = fields.String(load_default="newest", validate=validate.OneOf(COMMENT_SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100))


class CommentBodySchema(Schema):
    body = fields.String(required=True, metadata={"minLength": 1, "maxLength": 2000})


class ReportBodySchema(Schema):
    reason = fields.String(load_default="", metadata={"maxLength": 500})


# -- answers --


class TalliesSchema(Schema):
    pro = fields.Integer()
    con = fields.Integer()
    other = fields.Integer()


class OwnBallotSchema(Schema):
    opinion_id = fields.Integer()
    stance = one_of(Stance, allow_none=True)
    opinion = fields.String(allow_none=True,
                            metadata={"description": "null while a moderator hides it"})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    hidden = fields.Boolean()
    hidden_reason = fields.String(allow_none=True)


class DebateSummarySchema(Schema):
    id = fields.Integer()
    proposal_id = fields.Integer(allow_none=True,
                                 metadata={"description": "null for a city question"})
    city_question = fields.Boolean()
    kind = one_of(DebateKind)
    question = fields.String()
    state = one_of(DebateState)
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    participants = fields.Integer(metadata={"description": "distinct people with a ballot"})
    tallies = fields.Nested(TalliesSchema)


class DebateSchema(DebateSummarySchema):
    background = fields.String()
    arguments_pro = fields.String()
    arguments_con = fields.String()
    created_at = fields.AwareDateTime()
    my_ballot = fields.Nested(OwnBallotSchema, allow_none=True,
                              metadata={"description": "the caller's own ballot, never another's"})


class DebatePageSchema(PageSchema):
    items = fields.List(fields.Nested(DebateSummarySchema))


class MyBallotSchema(Schema):
    debate_id = fields.Integer()
    ballot = fields.Nested(OwnBallotSchema, allow_none=True)


class BallotCastSchema(Schema):
    debate_id = fields.Integer()
    created = fields.Boolean(metadata={"description": "false when an earlier ballot changed"})
    participants = fields.Integer()
    reached = fields.List(one_of(Step))
    ballot = fields.Nested(OwnBallotSchema)


class OpinionSchema(Schema):
    id = fields.Integer()
    debate_id = fields.Integer()
    stance = one_of(Stance, allow_none=True)
    text = fields.String(allow_none=True,
                         metadata={"description": "null while a moderator hides it"})
    author_name = fields.String()
    like_count = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    hidden = fields.Boolean()
    hidden_reason = fields.String(allow_none=True)
    mine = fields.Boolean(metadata={"description": "whether the caller wrote it"})
    liked_by_me = fields.Boolean(allow_none=True)


class OpinionPageSchema(PageSchema):
    items = fields.List(fields.Nested(OpinionSchema))


class StanceResultSchema(Schema):
    stance = one_of(Stance)
    count = fields.Integer()
    percent = fields.Float()


class ParticipantsDaySchema(Schema):
    day = fields.Date()
    ballots = fields.Integer()
    participants = fields.Integer(metadata={"description": "cumulative, at the day's end"})


class ResultsSchema(Schema):
    debate_id = fields.Integer()
    kind = one_of(DebateKind)
    state = one_of(DebateState)
    participants = fields.Integer()
    stances = fields.List(fields.Nested(StanceResultSchema))
    over_time = fields.List(fields.Nested(ParticipantsDaySchema))


class OpenOpinionSchema(Schema):
    number = fields.Integer()
    stance = fields.String()
    opinion = fields.String()
    hidden_reason = fields.String()
    likes = fields.Integer()
    created_on = fields.String(metadata={"format": "date"})


class OpenOpinionsSchema(Schema):
    debate_id = fields.Integer()
    question = fields.String()
    items = fields.List(fields.Nested(OpenOpinionSchema))


class CommentSchema(Schema):
    id = fields.Integer()
    proposal_id = fields.Integer()
    author_name = fields.String()
    body = fields.String(allow_none=True,
                         metadata={"description": "null while a moderator hides it"})
    like_count = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    hidden = fields.Boolean()
    hidden_reason = fields.String(allow_none=True)
    mine = fields.Boolean()
    liked_by_me = fields.Boolean(allow_none=True)


class CommentPageSchema(PageSchema):
    items = fields.List(fields.Nested(CommentSchema))


class CommentDeletedSchema(Schema):
    id = fields.Integer()
    deleted = fields.Boolean()


class LikeSchema(Schema):
    subject = one_of(Subject)
    id = fields.Integer()
    liked = fields.Boolean()
    like_count = fields.Integer()


class ReportedSchema(Schema):
    subject = one_of(Subject)
    id = fields.Integer()
    reported = fields.Boolean()


class DismissedSchema(Schema):
    subject = one_of(Subject)
    id = fields.Integer()
    dismissed = fields.Integer()


class ModerationItemSchema(Schema):
    subject = one_of(Subject)
    id = fields.Integer()
    reports = fields.Integer()
    first_reported_at = fields.AwareDateTime()
    text = fields.String(allow_none=True)
    author_name = fields.String()
    hidden = fields.Boolean()
    debate_id = fields.Integer(allow_none=True)
    proposal_id = fields.Integer(allow_none=True)
    reasons = fields.List(fields.String())


class ModerationQueueSchema(Schema):
    items = fields.List(fields.Nested(ModerationItemSchema))
