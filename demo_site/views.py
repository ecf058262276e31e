"""The demo's own pages: home, sign-up, log-in, log-out."""

from urllib.parse import urlparse

import sqlalchemy as sa
from flask import (
    Blueprint, current_app, flash, redirect, render_template, request, url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from deliberation import Proposal, ProposalState
from deliberation.proposals import queries

from .accounts import EmailTaken, authenticate, clean_signup, create_user
from .i18n import t
from .models import OutboxMessage, db

bp = Blueprint("demo", __name__, template_folder="templates", static_folder="static",
               static_url_path="/demo-static")

CASE_TITLE = "동네 보건소에서 난임 주사 맞게 해주세요"


def _period(period):
    if period is None:
        return None
    if period.months:
        return t("period_months", n=period.months)
    return t("period_days", n=period.days)


@bp.get("/")
def home():
    session = db.session
    settings = current_app.extensions["deliberation"].settings
    case = session.execute(
        sa.select(Proposal).where(Proposal.title == CASE_TITLE,
                                  Proposal.state != ProposalState.DRAFT)).scalars().first()
    most_agreed = queries.list_proposals(session, state=ProposalState.COLLECTING,
                                         sort="most_agreed", per_page=3).items
    closing = [p for p in queries.list_proposals(
        session, state=ProposalState.COLLECTING, sort="closing_soon", per_page=6).items
        if p.closes_at is not None][:3]
    return render_template("demo/home.html", ladder=settings.ladder, case=case,
                           most_agreed=most_agreed, closing=closing, period=_period)


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
                flash(t("welcome", name=user.display_name), "success")
                return redirect(_safe_next(request.args.get("next")) or url_for("demo.home"))
    return render_template("demo/signup.html", form=form,
                           errors={k: t(v) for k, v in errors.items()}), (422 if errors else 200)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form, error = {"email": ""}, None
    if request.method == "POST":
        form["email"] = request.form.get("email", "").strip()
        user = authenticate(form["email"], request.form.get("password", ""))
        if user is None:
            error = t("err_login")
        else:
            login_user(user)
            flash(t("logged_in"), "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("demo.home"))
    return render_template("demo/login.html", form=form, error=error)


@bp.post("/logout")
def logout():
    logout_user()
    flash(t("logged_out"), "success")
    return redirect(url_for("demo.home"))


OUTBOX_SHOWN = 100


@bp.get("/outbox")
@login_required
def outbox():
    """The demo's mail outbox; any signed-in visitor may look (a demo has
    nothing private to mail), where a real site would show it to admins only."""
    messages = db.session.execute(
        sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(OUTBOX_SHOWN)
    ).scalars().all()
    return render_template("demo/outbox.html", messages=messages)


@bp.app_errorhandler(404)
def not_found(exc):
    return render_template("demo/error.html", message=t("not_found")), 404


@bp.app_errorhandler(500)
def server_error(exc):
    return render_template("demo/error.html", message=t("error_title")), 500


__all__ = ["bp", "current_user"]
