"""Load schemas of the pages' forms: the API's rules, plus what a browser
sends differently (one link a line, empty strings for nothing)."""

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from ..comments import COMMENT_SORTS
from ..committee import DecisionInputSchema
from ..debates.queries import OpinionSort
from ..debates.schemas import DebateInputSchema
from ..debates.states import Stance
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


# -- debates, opinions and comments --


def _aware(value, tz):
    """A browser's datetime-local value ("2026-03-03T09:00") read in the
    viewer's time zone; anything else is left for the schema to judge."""
    from datetime import datetime

    if not isinstance(value, str) or not value.strip():
        return value
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    if moment.tzinfo is None and tz is not None:
        moment = tz.localize(moment) if hasattr(tz, "localize") else moment.replace(tzinfo=tz)
    return moment.isoformat()


class DebateFormSchema(DebateInputSchema):
    """The debate's rules, with dates as a browser's datetime-local fields send them."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _browser_values(self, data, **kwargs):
        from flask_babel import get_timezone

        data = {k: v for k, v in dict(data).items() if not (k in ("starts_at", "ends_at")
                                                            and not (v or "").strip())}
        tz = get_timezone()
        for name in ("starts_at", "ends_at"):
            if name in data:
                data[name] = _aware(data[name], tz)
        return data


class BallotFormSchema(Schema):
    """The shape of a ballot form; the service judges the values."""

    class Meta:
        unknown = EXCLUDE

    stance = fields.String(load_default=None)
    opinion = fields.String(load_default="")

    @pre_load
    def _browser_values(self, data, **kwargs):
        return _blank_to_none(data, "stance")


class OpinionFilterSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    stance = fields.Enum(Stance, by_value=True, load_default=None)
    sort = fields.Enum(OpinionSort, by_value=True, load_default=OpinionSort.NEWEST)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))

    @pre_load
    def _browser_values(self, data, **kwargs):
        return {k: v for k, v in dict(data).items() if v not in ("", None)}


class DebateFilterSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    city_questions = fields.Boolean(load_default=False)


class CommentFormSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    body = fields.String(load_default="")


class CommentFilterSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    comments_sort = fields.String(load_default="newest", validate=validate.OneOf(COMMENT_SORTS))
    comments_page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


class LiveQuestionFormSchema(Schema):
    """The phone's post form; the service judges length and blanks."""

    class Meta:
        unknown = EXCLUDE

    body = fields.String(load_default="")


class CheckInFormSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    code = fields.String(load_default="")
