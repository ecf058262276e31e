"""Shared input helpers: every concern checks its limits in one schema and
turns marshmallow's messages into one typed error."""

from marshmallow import ValidationError

from .errors import InvalidInput


def not_blank(value):
    if not value.strip():
        raise ValidationError("Must not be blank.")


def clean(schema, data, message, *, partial=False):
    """Load ``data`` with ``schema``; strip the strings; or raise InvalidInput
    with a message per field."""
    try:
        loaded = schema(partial=partial).load(data)
    except ValidationError as exc:
        raise InvalidInput(message, fields=exc.messages) from exc
    return {k: v.strip() if isinstance(v, str) else v for k, v in loaded.items()}
