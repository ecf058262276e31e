"""JSON errors for every API blueprint of the package: one shape,
``{"error": {"code", "message", "fields"}}``, with the status that fits."""

from flask import current_app, jsonify
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from ..errors import DeliberationError


def json_error(status, code, message, fields=None):
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    return response


def register_json_errors(bp):
    """Answer every error raised in ``bp``'s views as JSON, never as a 500 page."""

    @bp.errorhandler(DeliberationError)
    def _domain_error(exc):
        return json_error(exc.status, exc.code, exc.message, exc.fields)

    @bp.errorhandler(ValidationError)
    def _validation_error(exc):
        return json_error(422, "invalid", "The request is not valid.", exc.messages)

    @bp.errorhandler(CSRFError)
    def _csrf_error(exc):
        return json_error(400, "csrf", "Send the CSRF token in the X-CSRFToken header, "
                          "or authenticate with a bearer token.")

    @bp.errorhandler(OverflowError)
    @bp.errorhandler(DataError)
    def _number_out_of_range(exc):
        # a number in the body no column holds (SQLite's driver overflows,
        # PostgreSQL refuses): the request's fault, and nothing was written
        current_app.extensions["deliberation"].db.session.rollback()
        return json_error(422, "invalid", "A number in the request is out of range.")

    @bp.errorhandler(HTTPException)
    def _http_error(exc):
        return json_error(exc.code, exc.name.lower().replace(" ", "_"), exc.description)

    @bp.errorhandler(Exception)
    def _unexpected(exc):
        current_app.logger.exception("deliberation API error in %s", bp.name)
        return json_error(500, "internal", "Something went wrong on our side; nothing was saved.")
