"""marshmallow schemas of the citizen meeting API (시민간담회): load schemas
parse, dump schemas answer. Only organisers' answers name who registered,
and no participant id appears in any dump schema."""

from marshmallow import EXCLUDE, Schema, fields, validate

from ..meetings.models import CANCEL_REASON_MAX, QUESTION_MAX
from ..meetings.schemas import MeetingInputSchema, SurveyInputSchema
from ..meetings.states import MeetingStatus, RegistrationStatus, SurveyKind
from .debate_schemas import one_of


class MeetingListQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    upcoming = fields.Boolean(load_default=False,
                              metadata={"description": "only meetings not yet over"})


class LiveQuestionQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # cache-busters are no error

    since = fields.Integer(load_default=None, validate=validate.Range(min=0), metadata={
        "description": "the version the screen shows; items is null while it is current"})


class MeetingCreateBodySchema(MeetingInputSchema):
    """A new meeting, a draft until published; everything but the title may
    come later, and must be there to publish."""

    proposal_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(
        min=1), metadata={"description": "the proposal the meeting is about, if any"})


class MeetingUpdateBodySchema(MeetingInputSchema):
    """Any of the meeting's fields; the others stay as they are. A programme
    given replaces the whole programme, in the order given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(**kwargs)


class CancelMeetingBodySchema(Schema):
    reason = fields.String(required=True, metadata={
        "minLength": 5, "maxLength": CANCEL_REASON_MAX,
        "description": "public: shown with the meeting and told to its registrants"})


class SurveyBodySchema(SurveyInputSchema):
    """The whole questionnaire, replacing the one before (until the first answer)."""


class CheckInBodySchema(Schema):
    code = fields.String(required=True, metadata={"minLength": 1, "maxLength": 20})


class LiveQuestionBodySchema(Schema):
    body = fields.String(required=True, metadata={"minLength": 1, "maxLength": QUESTION_MAX})


class ModerateBodySchema(Schema):
    hidden = fields.Boolean(load_default=None, allow_none=True)
    pinned = fields.Boolean(load_default=None, allow_none=True)
    answered = fields.Boolean(load_default=None, allow_none=True)


class SurveyAnswersBodySchema(Schema):
    answers = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True),
                          required=True, metadata={
                              "description": "question id: an option, a list of options, "
                                             "1-5, or text"})


# -- answers --


class ProgrammeItemSchema(Schema):
    position = fields.Integer()
    starts_at = fields.AwareDateTime(allow_none=True)
    ends_at = fields.AwareDateTime()
    title = fields.String()
    note = fields.String()


class OwnRegistrationSchema(Schema):
    meeting_id = fields.Integer()
    status = one_of(RegistrationStatus)
    check_in_code = fields.String(allow_none=True,
                                  metadata={"description": "only while the seat is confirmed"})
    created_at = fields.AwareDateTime()
    confirmed_at = fields.AwareDateTime(allow_none=True)
    checked_in_at = fields.AwareDateTime(allow_none=True)


class MyRegistrationSchema(Schema):
    meeting_id = fields.Integer()
    registration = fields.Nested(OwnRegistrationSchema, allow_none=True)


class MeetingSummarySchema(Schema):
    id = fields.Integer()
    proposal_id = fields.Integer(allow_none=True)
    status = one_of(MeetingStatus)
    title = fields.String()
    agenda_question = fields.String()
    venue = fields.String()
    audience = fields.String()
    starts_at = fields.AwareDateTime(allow_none=True)
    ends_at = fields.AwareDateTime(allow_none=True)
    registration_deadline = fields.AwareDateTime(allow_none=True)
    capacity = fields.Integer()
    seats_left = fields.Integer()
    waitlisted = fields.Integer()
    online_questions = fields.Boolean()
    cancelled_at = fields.AwareDateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True,
                                  metadata={"description": "why it was cancelled (public)"})
    registration_open = fields.Boolean(metadata={
        "description": "published and before the registration deadline"})
    started = fields.Boolean(metadata={"description": "the meeting has begun"})
    over = fields.Boolean(metadata={"description": "the meeting has ended (an archive)"})


class MeetingSchema(MeetingSummarySchema):
    programme = fields.List(fields.Nested(ProgrammeItemSchema))
    my_registration = fields.Nested(OwnRegistrationSchema, allow_none=True, metadata={
        "description": "the caller's own registration, never another's"})


class MeetingListSchema(Schema):
    items = fields.List(fields.Nested(MeetingSummarySchema))


class AttendanceSchema(Schema):
    meeting_id = fields.Integer()
    capacity = fields.Integer()
    confirmed = fields.Integer()
    waitlisted = fields.Integer()
    checked_in = fields.Integer()


class AttendeeSchema(Schema):
    seq = fields.Integer(metadata={"description": "arrival order"})
    display_name = fields.String()
    status = one_of(RegistrationStatus)
    check_in_code = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    checked_in_at = fields.AwareDateTime(allow_none=True)


class AttendeeListSchema(Schema):
    meeting_id = fields.Integer()
    items = fields.List(fields.Nested(AttendeeSchema))


class CheckedInSchema(Schema):
    meeting_id = fields.Integer()
    attendee = fields.Nested(AttendeeSchema)
    already_checked_in = fields.Boolean(metadata={
        "description": "true when the code had been checked in before (the first time is kept)"})


class LiveQuestionSchema(Schema):
    id = fields.Integer()
    meeting_id = fields.Integer()
    body = fields.String()
    author_name = fields.String()
    upvote_count = fields.Integer()
    created_at = fields.AwareDateTime()
    pinned = fields.Boolean()
    answered = fields.Boolean()
    hidden = fields.Boolean(metadata={"description": "only organisers see hidden questions"})
    mine = fields.Boolean()
    voted_by_me = fields.Boolean(metadata={"description": "the caller upvoted it already"})


class LiveQuestionsSchema(Schema):
    meeting_id = fields.Integer()
    version = fields.Integer(metadata={"description": "bumped on every change"})
    items = fields.List(fields.Nested(LiveQuestionSchema), allow_none=True, metadata={
        "description": "null when the version asked for is still current"})


class UpvoteSchema(Schema):
    question_id = fields.Integer()
    upvote_count = fields.Integer()


class SurveyQuestionSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    kind = one_of(SurveyKind)
    prompt = fields.String()
    options = fields.List(fields.String())
    required = fields.Boolean()


class SurveySchema(Schema):
    meeting_id = fields.Integer()
    questions = fields.List(fields.Nested(SurveyQuestionSchema))


class SurveyAnsweredSchema(Schema):
    meeting_id = fields.Integer()
    answers = fields.Dict(keys=fields.String(), values=fields.Raw())


class OptionCountSchema(Schema):
    option = fields.String()
    count = fields.Integer()


class SurveyQuestionResultSchema(Schema):
    question = fields.Nested(SurveyQuestionSchema)
    answered = fields.Integer()
    counts = fields.List(fields.Nested(OptionCountSchema), allow_none=True)
    average = fields.Float(allow_none=True)
    texts = fields.List(fields.String(), allow_none=True,
                        metadata={"description": "free text, for organisers only"})


class SurveyResultsSchema(Schema):
    meeting_id = fields.Integer()
    responses = fields.Integer()
    questions = fields.List(fields.Nested(SurveyQuestionResultSchema))
