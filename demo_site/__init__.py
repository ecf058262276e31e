"""The demo site: a thin host around the deliberation package, telling the
Seoul infertility-injection case with synthetic participants.

    flask --app demo_site seed --reset
    flask --app demo_site run

A background thread (DEMO_NOTIFY_THREAD, on unless testing) runs the
package's notification outbox every two seconds; /outbox shows the e-mail
that would have been sent.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import Babel, format_date, format_time
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from deliberation import Deliberation

from .i18n import TRANSLATIONS, current_locale, select_locale, t
from .models import User, db, user_for_token


def _secret_key(instance):
    if os.environ.get("DEMO_SECRET_KEY"):
        return os.environ["DEMO_SECRET_KEY"]
    path = Path(instance) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(config=None):
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    config = dict(config or {})
    app.config.update(
        SQLALCHEMY_DATABASE_URI=os.environ.get(
            "DEMO_DATABASE_URL",
            "sqlite:///" + os.path.join(app.instance_path, "demo.sqlite")),
        BABEL_DEFAULT_LOCALE="ko",
        BABEL_DEFAULT_TIMEZONE="Asia/Seoul",
        BABEL_TRANSLATION_DIRECTORIES=TRANSLATIONS,
        DELIBERATION_BASE_TEMPLATE="demo/layout.html",
        DELIBERATION_LADDER="seoul_2017",
    )
    app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)

    db.init_app(app)
    Babel(app, locale_selector=select_locale)
    # before Deliberation: the package exempts its token-friendly API from it
    csrf = CSRFProtect(app)

    login = LoginManager(app)
    login.login_view = "demo.login"
    login.login_message = None

    @login.user_loader
    def load_user(session_id):
        return User.from_session_id(session_id)

    @login.request_loader
    def load_user_from_bearer(req):
        auth = req.headers.get("Authorization", "")
        if auth[:7].lower() == "bearer ":
            return user_for_token(auth[7:].strip())
        return None

    deliberation = Deliberation(app, db=db)

    @deliberation.participant_loader
    def participant():
        if not current_user.is_authenticated:
            return None
        return current_user.as_participant()

    @app.context_processor
    def demo_globals():
        return {"t": t, "get_locale": current_locale, "lang_switch_url": _lang_switch_url,
                "format_date": format_date, "format_time": format_time}

    from . import api, cli, outbox, views

    outbox.init_app(app, deliberation)

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1/auth")
    csrf.exempt(api.bp)
    app.cli.add_command(cli.seed)
    return app


def _lang_switch_url():
    other = "en" if current_locale() == "ko" else "ko"
    args = request.args.to_dict()
    args["lang"] = other
    return request.path + "?" + urlencode(args)
