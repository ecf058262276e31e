"""JSON sign-up and tokens for scripts and apps: /api/v1/auth/...

Token-based, hence exempt from CSRF; a cookie-authenticated call that mints
a token must still carry the CSRF header, like the package's own API."""

from flask import Blueprint, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf

from .accounts import EmailTaken, authenticate, clean_signup, create_user
from .models import db, issue_token

bp = Blueprint("demo_api", __name__)

FIELD_MESSAGES = {
    "err_email": "Enter a valid email address.",
    "err_email_taken": "This email is already registered.",
    "err_password": "The password needs at least 8 characters.",
    "err_display_name": "Enter a name of 1 to 50 characters.",
    "err_display_name_reserved": "Choose another name: this one would pass for the city's staff.",
}


def _error(status, code, message, fields=None):
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    return response


def _body():
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else None


@bp.errorhandler(CSRFError)
def _csrf(exc):
    return _error(400, "csrf", "Send the CSRF token in the X-CSRFToken header, "
                  "or authenticate with a bearer token.")


@bp.post("/signup")
def signup():
    data = _body()
    if data is None:
        return _error(422, "invalid", "Send a JSON object.", {"_body": ["Expected a JSON object."]})
    cleaned, errors = clean_signup(data)
    if errors:
        return _error(422, "invalid", "The sign-up is not valid.",
                      {field: [FIELD_MESSAGES[key]] for field, key in errors.items()})
    try:
        user = create_user(cleaned["email"], cleaned["password"], cleaned["display_name"])
    except EmailTaken:
        return _error(409, "email_taken", FIELD_MESSAGES["err_email_taken"],
                      {"email": [FIELD_MESSAGES["err_email_taken"]]})
    token = issue_token(user)
    db.session.commit()
    return jsonify({"token": token, "user": {"id": user.id, "display_name": user.display_name}}), 201


@bp.post("/login")
def login():
    data = _body()
    if data is None:
        return _error(422, "invalid", "Send a JSON object.", {"_body": ["Expected a JSON object."]})
    user = authenticate(data.get("email"), data.get("password"))
    if user is None:
        return _error(401, "bad_credentials", "The email or password is wrong.")
    token = issue_token(user)
    db.session.commit()
    return jsonify({"token": token, "user": {"id": user.id, "display_name": user.display_name}})


@bp.post("/tokens")
def new_token():
    if not current_user.is_authenticated:
        return _error(401, "not_authenticated", "You need to log in to do this.")
    if not request.headers.get("Authorization", "").lower().startswith("bearer "):
        validate_csrf(request.headers.get("X-CSRFToken", ""))
    token = issue_token(current_user)
    db.session.commit()
    return jsonify({"token": token}), 201
