"""Input rules for debates and ballots, checked in one place."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..validation import clean, not_blank
from .models import OPINION_MAX, QUESTION_MAX
from .states import DebateKind, Stance

TEXT_MAX = 10_000


class DebateInputSchema(Schema):
    kind = fields.Enum(DebateKind, by_value=True, load_default=DebateKind.PRO_CON)
    question = fields.String(required=True, validate=[
        validate.Length(min=5, max=QUESTION_MAX), not_blank])
    background = fields.String(load_default="", validate=validate.Length(max=TEXT_MAX))
    arguments_pro = fields.String(load_default="", validate=validate.Length(max=TEXT_MAX))
    arguments_con = fields.String(load_default="", validate=validate.Length(max=TEXT_MAX))
    starts_at = fields.AwareDateTime(required=True, default_timezone=None)
    ends_at = fields.AwareDateTime(required=True, default_timezone=None)

    @validates_schema(skip_on_field_errors=True)
    def ends_after_start(self, data, **kwargs):
        if "starts_at" in data and "ends_at" in data and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("Must be after the start.", "ends_at")


class BallotInputSchema(Schema):
    stance = fields.Enum(Stance, by_value=True, load_default=None, allow_none=True)
    opinion = fields.String(required=True, validate=[
        validate.Length(min=1, max=OPINION_MAX), not_blank])


__all__ = ["BallotInputSchema", "DebateInputSchema", "clean"]
