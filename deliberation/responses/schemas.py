"""Input rules for answers and implementation updates, checked in one place."""

from marshmallow import Schema, ValidationError, fields, validate

from ..errors import InvalidInput
from .states import Decision, ImplementationStatus

ANSWER_MAX = 20_000
NOTE_MAX = 5_000
DEPARTMENT_MAX = 100


def _not_blank(value):
    if not value.strip():
        raise ValidationError("Must not be blank.")


class AnswerInputSchema(Schema):
    body = fields.String(required=True, validate=[validate.Length(min=1, max=ANSWER_MAX),
                                                  _not_blank])
    decision = fields.Enum(Decision, by_value=True, required=True)
    links = fields.List(fields.Url(schemes={"http", "https"}), load_default=list,
                        validate=validate.Length(max=10))
    video_url = fields.Url(schemes={"http", "https"}, load_default=None, allow_none=True)


class ImplementationInputSchema(Schema):
    status = fields.Enum(ImplementationStatus, by_value=True, required=True)
    note = fields.String(required=True, validate=[validate.Length(min=1, max=NOTE_MAX),
                                                  _not_blank])
    occurred_on = fields.Date(load_default=None, allow_none=True)


class AssignInputSchema(Schema):
    department = fields.String(required=True, validate=[
        validate.Length(min=1, max=DEPARTMENT_MAX), _not_blank])


class ReasonInputSchema(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=1000), _not_blank])


def clean(schema, data, message):
    try:
        return schema().load(data)
    except ValidationError as exc:
        raise InvalidInput(message, fields=exc.messages) from exc
