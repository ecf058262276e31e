"""The Flask extension: ``Deliberation(app)`` or ``Deliberation()`` plus
``init_app(app)``."""

from flask import has_request_context, request
from werkzeug.routing import BaseConverter

from .db import Base, configure_sqlite_engine
from .errors import ConfigurationError
from .settings import DEFAULT_CATEGORIES, Settings
from .threshold import Period, load_ladder

#: the largest id the package's tables hold (PostgreSQL's INTEGER)
MAX_ID = 2**31 - 1


class IdConverter(BaseConverter):
    """``<id:name>`` in the package's routes: a row id. A number no table can
    hold becomes 0, an id no row has, so the view answers its own "No such
    ..." instead of the database driver overflowing."""

    regex = r"\d+"
    weight = 50
    part_isolating = True

    def to_python(self, value):
        number = int(value)
        return number if number <= MAX_ID else 0

    def to_url(self, value):
        return str(int(value))

DEFAULTS = {
    "DELIBERATION_LADDER": "seoul_2017",
    "DELIBERATION_CATEGORIES": DEFAULT_CATEGORIES,
    "DELIBERATION_API_PREFIX": "/api/v1",
    "DELIBERATION_URL_PREFIX": "/proposals",
    "DELIBERATION_REGISTER_API": True,
    "DELIBERATION_REGISTER_PAGES": True,
    #: admins' statistics and audit log, as pages (with the pages) and JSON (with the API)
    "DELIBERATION_REGISTER_ADMIN": True,
    #: the template the package's pages extend; a host points it at its own layout
    "DELIBERATION_BASE_TEMPLATE": "deliberation/layout.html",
    "DELIBERATION_PER_PAGE": 20,
    #: WAL, busy timeout and foreign keys on the host's SQLite engine
    "DELIBERATION_SQLITE_PRAGMAS": True,
    #: category -> department, for assigning proposals automatically
    "DELIBERATION_CATEGORY_DEPARTMENTS": {},
    #: the departments an admin may assign to (empty: any name)
    "DELIBERATION_DEPARTMENTS": (),
    #: hold officials' answers for an admin's review before they are published
    "DELIBERATION_ANSWER_REVIEW": False,
    #: deadline of an answer whose ladder rule sets none
    "DELIBERATION_DEFAULT_ANSWER_DUE": "1 month",
    #: from the committee's decision to the debate's opening, and its length
    "DELIBERATION_DEBATE_PREPARATION": "7 days",
    "DELIBERATION_DEBATE_PERIOD": "30 days",
}


class _State:
    def __init__(self, extension, db, settings):
        self.extension = extension
        self.db = db
        self.settings = settings


class Deliberation:
    """Citizen proposals, agreements and the escalation ladder for a Flask app.

    The host keeps its users: it tells the package who is acting through
    :meth:`participant_loader`, which returns a
    :class:`deliberation.Participant` or None.
    """

    def __init__(self, app=None, *, db=None, participant_loader=None, senders=()):
        self._db = db
        self._participant_loader = participant_loader
        self._senders = list(senders)
        if app is not None:
            self.init_app(app)

    def participant_loader(self, callback):
        """Decorator: ``callback()`` returns the current Participant or None.
        It runs inside a request and may read the host's ``current_user``."""
        self._participant_loader = callback
        return callback

    def add_sender(self, sender, app=None):
        """Register a notification sender: an object with a ``channel`` name
        and ``send(notification)`` that raises when delivery failed."""
        if not getattr(sender, "channel", None) or not callable(getattr(sender, "send", None)):
            raise ConfigurationError("a sender needs a 'channel' name and a send() method")
        self._senders.append(sender)
        if app is not None:
            app.extensions["deliberation"].settings.senders.append(sender)
        return sender

    def init_app(self, app):
        for key, value in DEFAULTS.items():
            app.config.setdefault(key, value)
        db = self._db or app.extensions.get("sqlalchemy")
        if db is None:
            raise ConfigurationError(
                "deliberation needs the host's Flask-SQLAlchemy: call db.init_app(app) first "
                "or pass Deliberation(app, db=db)")
        categories = tuple(app.config["DELIBERATION_CATEGORIES"])
        if not categories or not all(isinstance(c, str) and c for c in categories):
            raise ConfigurationError("DELIBERATION_CATEGORIES must be a list of non-empty names")
        per_page = app.config["DELIBERATION_PER_PAGE"]
        if not isinstance(per_page, int) or not 1 <= per_page <= 100:
            raise ConfigurationError("DELIBERATION_PER_PAGE must be a whole number from 1 to 100")
        settings = Settings(
            ladder=load_ladder(app.config["DELIBERATION_LADDER"]),
            categories=categories, per_page=per_page, **_response_settings(app.config))
        from .responses.operations import assign_on_milestone

        from .meetings.operations import draft_on_milestone

        settings.milestone_hooks.extend([assign_on_milestone, draft_on_milestone])
        settings.senders.extend(self._senders)
        app.extensions["deliberation"] = _State(self, db, settings)

        if app.config["DELIBERATION_SQLITE_PRAGMAS"]:
            with app.app_context():
                for engine in db.engines.values():
                    if engine.dialect.name == "sqlite":
                        configure_sqlite_engine(engine)

        from . import cli, i18n

        i18n.init_app(app)
        app.cli.add_command(cli.group)
        # before the blueprints: their routes name it
        app.url_map.converters.setdefault("id", IdConverter)
        if app.config["DELIBERATION_REGISTER_API"]:
            from .api import blueprint as api

            api.register(app)
        if app.config["DELIBERATION_REGISTER_PAGES"]:
            from .web import blueprint as web

            web.register(app)
        if app.config["DELIBERATION_REGISTER_ADMIN"]:
            _register_admin(app)

    # -- used by the package's own views, never by services --

    def current_participant(self):
        """The acting participant, asked of the host once per request."""
        loader = self._participant_loader
        if loader is None:
            return None
        if not has_request_context():
            return loader()
        environ = request.environ
        if "deliberation.participant" not in environ:
            environ["deliberation.participant"] = loader()
        return environ["deliberation.participant"]

    @staticmethod
    def create_tables(app):
        """Create the package's tables on the host's database (for tests and
        quick starts; production uses ``flask deliberation db upgrade``)."""
        db = app.extensions["deliberation"].db
        with app.app_context():
            Base.metadata.create_all(db.engine)

    @staticmethod
    def set_clock(app, clock):
        """Replace the clock the services read (a FrozenClock in tests)."""
        app.extensions["deliberation"].settings.clock = clock


def _register_admin(app):
    """Under ``<API prefix>/admin`` and ``<pages prefix>/admin``, each only
    where its parent is: the admin pages reuse the pages' layout and errors."""
    if app.config["DELIBERATION_REGISTER_API"]:
        from .api import admin as admin_api

        admin_api.register(app)
    if app.config["DELIBERATION_REGISTER_PAGES"]:
        from .web import admin as admin_pages

        admin_pages.register(app)


def _response_settings(config):
    mapping = config["DELIBERATION_CATEGORY_DEPARTMENTS"]
    if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in mapping.items()):
        raise ConfigurationError(
            "DELIBERATION_CATEGORY_DEPARTMENTS must map category names to department names")
    departments = tuple(config["DELIBERATION_DEPARTMENTS"])
    if not all(isinstance(d, str) and d.strip() for d in departments):
        raise ConfigurationError("DELIBERATION_DEPARTMENTS must be a list of department names")
    periods = {}
    for key, setting in (("DELIBERATION_DEFAULT_ANSWER_DUE", "default_answer_due"),
                         ("DELIBERATION_DEBATE_PREPARATION", "debate_preparation"),
                         ("DELIBERATION_DEBATE_PERIOD", "debate_period")):
        try:
            periods[setting] = Period.parse(config[key])
        except ValueError as exc:
            raise ConfigurationError(f"{key}: {exc}") from None
    return {"category_departments": dict(mapping), "departments": departments,
            "answer_review": bool(config["DELIBERATION_ANSWER_REVIEW"]), **periods}


def current_participant():
    from flask import current_app

    return current_app.extensions["deliberation"].extension.current_participant()
