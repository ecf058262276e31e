"""Reading a ladder from configuration: a preset's name or a mapping."""

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from ..errors import ConfigurationError
from .presets import PRESETS
from .rules import Ladder, Metric, Period, Rule, Step


class PeriodField(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return Period.parse(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class RuleSchema(Schema):
    step = fields.Enum(Step, by_value=True, required=True)
    metric = fields.Enum(Metric, by_value=True, required=True)
    count = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    within = PeriodField(load_default=None, allow_none=True)
    answer_due = PeriodField(load_default=None, allow_none=True)
    label = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))

    @post_load
    def make(self, data, **kwargs):
        return Rule(**data)


class LadderSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    label = fields.String(load_default=None, allow_none=True)
    collection = PeriodField(load_default=Period(days=30))
    keep_collecting_after = fields.Enum(Step, by_value=True, load_default=None, allow_none=True)
    rules = fields.List(fields.Nested(RuleSchema), required=True, validate=validate.Length(min=1))

    @validates_schema(skip_on_field_errors=True)
    def check_order(self, data, **kwargs):
        ranks = [rule.step.rank for rule in data["rules"]]
        if len(set(ranks)) != len(ranks):
            raise ValidationError("each step may appear only once", "rules")
        if ranks != sorted(ranks):
            raise ValidationError(
                "steps must be listed in the order they are reached: "
                + ", ".join(Step), "rules")
        by_metric = {}
        for rule in data["rules"]:
            previous = by_metric.get(rule.metric)
            if previous is not None and rule.count <= previous:
                raise ValidationError(
                    f"{rule.step} needs more {rule.metric} than the step before it", "rules")
            by_metric[rule.metric] = rule.count
        keep = data.get("keep_collecting_after")
        if keep is not None and keep not in [rule.step for rule in data["rules"]]:
            raise ValidationError("must name a step of this ladder", "keep_collecting_after")

    @post_load
    def make(self, data, **kwargs):
        data["rules"] = tuple(data["rules"])
        return Ladder(**data)


def load_ladder(value):
    """A preset name or a mapping; anything else is refused with a message
    that names the field at fault."""
    if isinstance(value, Ladder):
        return value
    if isinstance(value, str):
        try:
            return PRESETS[value]
        except KeyError:
            raise ConfigurationError(
                f"DELIBERATION_LADDER: unknown preset '{value}'; "
                f"choose one of {', '.join(sorted(PRESETS))} or give a mapping") from None
    if not isinstance(value, dict):
        raise ConfigurationError("DELIBERATION_LADDER must be a preset name or a mapping")
    try:
        return LadderSchema().load(value)
    except ValidationError as exc:
        raise ConfigurationError(
            f"DELIBERATION_LADDER is invalid: {exc.messages}", fields=exc.messages) from exc


def dump_ladder(ladder):
    return LadderSchema().dump(ladder)
