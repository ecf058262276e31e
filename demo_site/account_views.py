"""Forgotten passwords: a one-time link through the demo's mail outbox.

Asking always gets the same answer, so the form never tells whether an
address has an account. Only the SHA-256 of a link's token is stored; a
link lasts an hour and works once, and setting a password spends every
other link of the user. At most three live links per user an hour: more
requests are answered the same and send nothing."""

import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from deliberation.settings import current_settings

from .accounts import email_problem, find_user, password_problem
from .models import OutboxMessage, PasswordReset, User, db, hash_token
from .views import FIELD_ERRORS, bp

LINK_LIFETIME = timedelta(hours=1)
#: live (unused, unexpired) links a user may have at once
MAX_LIVE_LINKS = 3
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


class ResetLinkInvalid(Exception):
    """The link is unknown, used, superseded or expired."""


# -- operations: take the session and the time, never the request --


def request_password_reset(session, email, *, now):
    """A new link for the account of ``email``: (user, reset, token), or None
    when there is no such account or it has enough live links. Caller commits."""
    user = find_user(email)
    if user is None:
        return None
    live = session.execute(sa.select(sa.func.count()).select_from(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > now)).scalar_one()
    if live >= MAX_LIVE_LINKS:
        return None
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(user_id=user.id, token_sha256=hash_token(token), created_at=now,
                          expires_at=now + LINK_LIFETIME)
    session.add(reset)
    session.flush()
    return user, reset, token


def live_reset(session, token, *, now):
    """The live link behind ``token``, or ResetLinkInvalid."""
    if not _TOKEN_SHAPE.match(token or ""):
        raise ResetLinkInvalid()
    reset = session.execute(sa.select(PasswordReset).where(
        PasswordReset.token_sha256 == hash_token(token), PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > now)).scalar()
    if reset is None:
        raise ResetLinkInvalid()
    return reset


def set_new_password(session, token, password, *, now):
    """Spend the link and set the password; every other link of the user is
    spent too. The conditional UPDATE decides between two tabs racing."""
    reset = live_reset(session, token, now=now)
    spent = session.execute(sa.update(PasswordReset).where(
        PasswordReset.id == reset.id, PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > now).values(used_at=now)).rowcount
    if spent != 1:
        session.rollback()
        raise ResetLinkInvalid()
    session.execute(sa.update(PasswordReset).where(
        PasswordReset.user_id == reset.user_id, PasswordReset.used_at.is_(None)
    ).values(used_at=now))
    user = session.get(User, reset.user_id)
    user.set_password(password)
    session.commit()
    return user


def _outbox_message(user, reset, token, now):
    # asked for in a request: the link goes back to the host the person used
    link = url_for("demo.reset_password", token=token, _external=True)
    body = "\n".join([
        _("Hello %(name)s,", name=user.display_name), "",
        _("Somebody, we hope you, asked to set a new password for this account."),
        _("Open this link within an hour to choose one; it works once:"), "",
        link, "",
        _("If you did not ask, ignore this message: your password stays as it is."),
        _("(Demo site: nothing was actually sent.)"),
    ])
    # an account message belongs to no notification: a negative id keeps the
    # unique column apart from the notifications' ids
    return OutboxMessage(notification_id=-reset.id, recipient_id=str(user.id),
                         recipient_email=user.email,
                         subject=_("[Democracy Seoul] Set a new password"),
                         body=body, link=link, created_at=now)


# -- pages --


def _private(response, status=200):
    response = current_app.make_response((response, status))
    response.headers["Cache-Control"] = "no-store"
    # the token is in the address: never hand it to another site
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/password/forgot", methods=["GET", "POST"])
def reset_request():
    form, errors = {"email": ""}, {}
    if request.method == "POST":
        email = str(request.form.get("email") or "").strip().lower()
        form["email"] = email
        if email_problem(email):
            errors["email"] = str(FIELD_ERRORS[email_problem(email)])
        else:
            now = current_settings().now()
            issued = request_password_reset(db.session, email, now=now)
            if issued is not None:
                db.session.add(_outbox_message(*issued, now))
            db.session.commit()
            # the same words whether or not the address has an account
            flash(_("If an account uses %(email)s, a link to set a new password is on its "
                    "way. The link works once, within an hour. This demo sends no e-mail: "
                    "the message waits in the demo mail outbox, which administrators "
                    "read.", email=email), "success")
            return redirect(url_for("demo.reset_request"))
    return render_template("demo/reset_request.html", form=form,
                           errors=errors), (422 if errors else 200)


@bp.route("/password/reset/<token>", methods=["GET", "POST"], endpoint="reset_password")
def reset_password_page(token):
    now = current_settings().now()
    try:
        live_reset(db.session, token, now=now)
    except ResetLinkInvalid:
        return _private(render_template("demo/reset_form.html", invalid=True, errors={}), 410)
    errors = {}
    if request.method == "POST":
        password = str(request.form.get("password") or "")
        # sign-up's rule, whatever it becomes
        if password_problem(password):
            errors["password"] = str(FIELD_ERRORS[password_problem(password)])
        if password != str(request.form.get("password_confirm") or ""):
            errors["password_confirm"] = _("The two passwords are not the same.")
        if not errors:
            try:
                set_new_password(db.session, token, password, now=now)
            except ResetLinkInvalid:
                return _private(render_template("demo/reset_form.html", invalid=True,
                                                errors={}), 410)
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your new password is set. Log in with it."), "success")
            return redirect(url_for("demo.login"))
    return _private(render_template("demo/reset_form.html", invalid=False, errors=errors),
                    422 if errors else 200)
