"""Signing up and logging in, shared by the HTML forms and the JSON API.
Errors are message keys (worded by views.FIELD_ERRORS and api.py) so each
caller words them."""

import re

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .models import User, db

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_MIN = 8
NAME_MAX = 50
#: words a citizen's public name may not contain: they would pass for staff
#: in comments and the live Q&A (compared without spaces, case-insensitively)
RESERVED_NAMES = ("관리자", "운영자", "시장", "서울시", "담당자", "공론화추진위원회",
                  "admin", "moderator", "official", "mayor")


class EmailTaken(Exception):
    pass


def email_problem(email):
    """The message key of what is wrong with an (already trimmed) address, or None."""
    return "err_email" if len(email) > 254 or not EMAIL.match(email) else None


def password_problem(password):
    return "err_password" if len(password) < PASSWORD_MIN else None


def clean_signup(data):
    """(cleaned, errors) where errors maps a field to a message key."""
    email = str(data.get("email") or "").strip().lower()
    password = str(data.get("password") or "")
    name = str(data.get("display_name") or "").strip()
    problems = {"email": email_problem(email), "password": password_problem(password)}
    errors = {field: key for field, key in problems.items() if key}
    if not 1 <= len(name) <= NAME_MAX:
        errors["display_name"] = "err_display_name"
    elif any(word in re.sub(r"\s+", "", name).lower() for word in RESERVED_NAMES):
        errors["display_name"] = "err_display_name_reserved"
    return {"email": email, "password": password, "display_name": name}, errors


def find_user(email):
    return db.session.execute(
        sa.select(User).where(User.email == str(email or "").strip().lower())).scalar()


def create_user(email, password, display_name, roles="citizen", department=None):
    """Add a user and flush; raises EmailTaken (the unique index decides)."""
    if find_user(email) is not None:
        raise EmailTaken()
    user = User(email=email, display_name=display_name, roles=roles, department=department)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise EmailTaken() from None
    return user


def authenticate(email, password):
    user = find_user(email)
    if user is None or not user.check_password(str(password or "")):
        return None
    return user
