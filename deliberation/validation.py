"""Shared input helpers: every concern checks its limits in one schema and
turns marshmallow's messages into one typed error."""

from marshmallow import ValidationError

from .errors import InvalidInput


def not_blank(value):
    if not value.strip():
        raise ValidationError("Must not be blank.")


def clean(schema, data, message, *, partial=False):
    """Strip the strings, then load them with ``schema``, or raise InvalidInput
    with a message per field. Stripping first means the length limits judge
    the text as it will be stored: "  ab  " is a two-character question."""
    data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    try:
        return schema(partial=partial).load(data)
    except ValidationError as exc:
        raise InvalidInput(message, fields=exc.messages) from exc
