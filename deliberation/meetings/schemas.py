"""Input rules for meetings, checked in one place."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..validation import not_blank
from .models import CANCEL_REASON_MAX, QUESTION_MAX
from .states import SurveyKind


class ProgrammeItemInputSchema(Schema):
    starts_at = fields.AwareDateTime(load_default=None, allow_none=True)
    ends_at = fields.AwareDateTime(required=True)
    title = fields.String(required=True, validate=[validate.Length(min=1, max=200), not_blank])
    note = fields.String(load_default="", validate=validate.Length(max=500))


class MeetingInputSchema(Schema):
    title = fields.String(required=True, validate=[validate.Length(min=5, max=200), not_blank])
    agenda_question = fields.String(load_default="", validate=validate.Length(max=300))
    venue = fields.String(load_default="", validate=validate.Length(max=200))
    audience = fields.String(load_default="", validate=validate.Length(max=300))
    starts_at = fields.AwareDateTime(load_default=None, allow_none=True)
    ends_at = fields.AwareDateTime(load_default=None, allow_none=True)
    registration_deadline = fields.AwareDateTime(load_default=None, allow_none=True)
    capacity = fields.Integer(load_default=100, strict=True,
                              validate=validate.Range(min=1, max=100_000))
    online_questions = fields.Boolean(load_default=False)
    programme = fields.List(fields.Nested(ProgrammeItemInputSchema), load_default=list,
                            validate=validate.Length(max=30))

    @validates_schema(skip_on_field_errors=True)
    def dates_in_order(self, data, **kwargs):
        starts, ends = data.get("starts_at"), data.get("ends_at")
        deadline = data.get("registration_deadline")
        if starts and ends and ends <= starts:
            raise ValidationError("Must be after the start.", "ends_at")
        if starts and deadline and deadline > starts:
            raise ValidationError("Must not be after the meeting starts.",
                                  "registration_deadline")
        for number, item in enumerate(data.get("programme", [])):
            # .get: a partial load (the API's PATCH) may leave either out
            item_starts, item_ends = item.get("starts_at"), item.get("ends_at")
            if item_starts and item_ends and item_ends <= item_starts:
                raise ValidationError({number: {"ends_at": ["Must be after the start."]}},
                                      "programme")


class CancelMeetingInputSchema(Schema):
    reason = fields.String(required=True, validate=[
        validate.Length(min=5, max=CANCEL_REASON_MAX), not_blank])


class LiveQuestionInputSchema(Schema):
    body = fields.String(required=True, validate=[validate.Length(min=1, max=QUESTION_MAX),
                                                  not_blank])


class SurveyQuestionInputSchema(Schema):
    kind = fields.Enum(SurveyKind, by_value=True, required=True)
    prompt = fields.String(required=True, validate=[validate.Length(min=1, max=300), not_blank])
    options = fields.List(fields.String(validate=[validate.Length(min=1, max=200), not_blank]),
                          load_default=list, validate=validate.Length(max=20))
    required = fields.Boolean(load_default=True)

    @validates_schema(skip_on_field_errors=True)
    def options_fit_the_kind(self, data, **kwargs):
        choice = data["kind"] in (SurveyKind.SINGLE, SurveyKind.MULTIPLE)
        if choice and len(data["options"]) < 2:
            raise ValidationError("A choice needs at least two options.", "options")
        if not choice and data["options"]:
            raise ValidationError("Only choices have options.", "options")
        if len(set(data["options"])) != len(data["options"]):
            raise ValidationError("Options must differ.", "options")


class SurveyInputSchema(Schema):
    questions = fields.List(fields.Nested(SurveyQuestionInputSchema), required=True,
                            validate=validate.Length(min=1, max=30))
