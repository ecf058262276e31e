"""The demo's own pages: home, sign-up, log-in, log-out, the mail outbox."""

from urllib.parse import urlparse

import sqlalchemy as sa
from flask import (
    Blueprint, current_app, flash, redirect, render_template, request, url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required, login_user, logout_user

from . import home as home_queries
from .accounts import EmailTaken, authenticate, clean_signup, create_user
from .models import OutboxMessage, db

bp = Blueprint("demo", __name__, template_folder="templates", static_folder="static",
               static_url_path="/demo-static")

#: accounts.clean_signup names its errors by key; the page words them
FIELD_ERRORS = {
    "err_email": lazy_gettext("Enter a valid email address."),
    "err_email_taken": lazy_gettext("This email is already registered."),
    "err_password": lazy_gettext("The password needs at least 8 characters."),
    "err_display_name": lazy_gettext("Enter a name of 1 to 50 characters."),
    "err_display_name_reserved": lazy_gettext(
        "Choose another name: this one would pass for the city's staff."),
}


@bp.get("/")
def home():
    session = db.session
    settings = current_app.extensions["deliberation"].settings
    now = settings.now()
    return render_template(
        "demo/home.html", ladder=settings.ladder, debate_period=settings.debate_period,
        story=home_queries.case_story(session),
        closing=home_queries.closing_soon(session, now),
        near=home_queries.near_threshold(session, settings.ladder, now),
        answered=home_queries.answered_recently(session, now),
        meetings=home_queries.upcoming_meetings(session))


def _safe_next(target):
    """Only a path on this site (the package may hand a full referrer URL)."""
    if not target:
        return None
    parts = urlparse(target)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", request.host):
        return None
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return None
    return path + ("?" + parts.query if parts.query else "")


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form, errors = {"email": "", "display_name": ""}, {}
    if request.method == "POST":
        data, errors = clean_signup(request.form)
        form = {"email": data["email"], "display_name": data["display_name"]}
        if not errors:
            try:
                user = create_user(data["email"], data["password"], data["display_name"])
            except EmailTaken:
                errors = {"email": "err_email_taken"}
            else:
                db.session.commit()
                login_user(user)
                flash(_("Welcome, %(name)s.", name=user.display_name), "success")
                return redirect(_safe_next(request.args.get("next")) or url_for("demo.home"))
    worded = {field: str(FIELD_ERRORS[key]) for field, key in errors.items()}
    return render_template("demo/signup.html", form=form, errors=worded), (422 if errors else 200)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form, error = {"email": ""}, None
    if request.method == "POST":
        form["email"] = request.form.get("email", "").strip()
        user = authenticate(form["email"], request.form.get("password", ""))
        if user is None:
            error = _("The email or password is wrong.")
        else:
            login_user(user)
            flash(_("You are logged in."), "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("demo.home"))
    from .seed import ACCOUNTS  # public on purpose: a demo's visitors try every role

    return render_template("demo/login.html", form=form, error=error, accounts=ACCOUNTS)


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("demo.home"))


OUTBOX_SHOWN = 100


@bp.get("/outbox")
@login_required
def outbox():
    """The demo's mail outbox, standing in for everyone's inbox: each member
    reads the mail addressed to them, admins read all of it (a password-reset
    link in the outbox must not be readable by every other member)."""
    query = sa.select(OutboxMessage)
    if "admin" not in current_user.role_set:
        query = query.where(OutboxMessage.recipient_id == str(current_user.id))
    messages = db.session.execute(
        query.order_by(OutboxMessage.id.desc()).limit(OUTBOX_SHOWN)).scalars().all()
    return render_template("demo/outbox.html", messages=messages,
                           everyone="admin" in current_user.role_set)


@bp.app_errorhandler(404)
def not_found(exc):
    return render_template("demo/error.html", message=_("Page not found.")), 404


@bp.app_errorhandler(500)
def server_error(exc):
    return render_template("demo/error.html", message=_("Something is not right")), 500


__all__ = ["bp", "current_user"]

# the account and notice pages register on this same blueprint
from . import account_views, notices  # noqa: E402,F401
