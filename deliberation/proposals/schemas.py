"""Input validation for proposals: the one place their limits are checked."""

from marshmallow import Schema, ValidationError, fields, validate, validates

from ..errors import InvalidInput
from ..settings import current_settings
from .models import BODY_MAX, CATEGORY_MAX, TITLE_MAX

TITLE_MIN = 5
BODY_MIN = 20


def _not_blank(value):
    if not value.strip():
        raise ValidationError("Must not be blank.")


class ProposalInputSchema(Schema):
    title = fields.String(required=True, validate=[
        validate.Length(min=TITLE_MIN, max=TITLE_MAX), _not_blank])
    body = fields.String(required=True, validate=[
        validate.Length(min=BODY_MIN, max=BODY_MAX), _not_blank])
    category = fields.String(required=True, validate=validate.Length(min=1, max=CATEGORY_MAX))

    @validates("category")
    def known_category(self, value, **kwargs):
        categories = current_settings().categories
        if value not in categories:
            raise ValidationError("Must be one of: " + ", ".join(categories) + ".")


def clean_proposal_input(data, *, partial=False):
    """Validated, stripped input, or InvalidInput with a message per field.
    Stripped before the limits are checked, so padding never passes for text."""
    stripped = {key: value.strip() if isinstance(value, str) else value
                for key, value in data.items()}
    try:
        return ProposalInputSchema(partial=partial).load(stripped)
    except ValidationError as exc:
        raise InvalidInput("The proposal is not valid.", fields=exc.messages) from exc
