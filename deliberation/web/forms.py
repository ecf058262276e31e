"""Load schemas of the pages' forms: the API's rules, plus what a browser
sends differently (one link a line, empty strings for nothing)."""

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from ..committee import DecisionInputSchema
from ..responses.schemas import AnswerInputSchema, AssignInputSchema, ImplementationInputSchema


def _blank_to_none(data, *names):
    data = dict(data)
    for name in names:
        if not (data.get(name) or "").strip():
            data[name] = None
    return data


class AssignFormSchema(AssignInputSchema):
    class Meta:
        unknown = EXCLUDE  # the CSRF token


class AnswerFormSchema(AnswerInputSchema):
    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _browser_values(self, data, **kwargs):
        data = _blank_to_none(data, "video_url")
        data["links"] = [line.strip() for line in (data.get("links") or "").splitlines()
                         if line.strip()]
        return data


class ReviewFormSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    approve = fields.Boolean(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=500))


class ImplementationFormSchema(ImplementationInputSchema):
    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _browser_values(self, data, **kwargs):
        return _blank_to_none(data, "occurred_on")


class ReasonFormSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    reason = fields.String(load_default="")


class MergeFormSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    target_id = fields.Integer(required=True, validate=validate.Range(min=1))


class CommitteeFormSchema(DecisionInputSchema):
    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _browser_values(self, data, **kwargs):
        return _blank_to_none(data, "debate_question")


class NotificationFilterSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    unread = fields.Boolean(load_default=False)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


class DueFilterSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    overdue = fields.Boolean(load_default=False)
