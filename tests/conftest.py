"""Fixtures: every database test runs on SQLite and on PostgreSQL.

DELIBERATION_TEST_DATABASES picks the databases (default "sqlite,postgresql");
DELIBERATION_TEST_POSTGRES_URL points at the PostgreSQL server. A database
that was asked for and is not reachable fails the run: it is never skipped.
"""

import os
import uuid
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from deliberation import Deliberation, FrozenClock, Participant, Role
from deliberation.db import Base

POSTGRES_URL = os.environ.get(
    "DELIBERATION_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATABASES = [d.strip() for d in os.environ.get(
    "DELIBERATION_TEST_DATABASES", "sqlite,postgresql").split(",") if d.strip()]

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _worker():
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def postgres_schema():
    """A schema of our own per test worker, so parallel workers never meet."""
    schema = f"t_{_worker()}_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc}", pytrace=False)
    yield schema
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def database_url(kind, tmp_path_factory, request):
    if kind == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")
    schema = request.getfixturevalue("postgres_schema")
    return POSTGRES_URL + f"?options=-csearch_path%3D{schema}"


@pytest.fixture(params=DATABASES)
def database(request, tmp_path_factory):
    """The URL of an empty database of each kind."""
    return database_url(request.param, tmp_path_factory, request)


def _reset(app):
    """Empty tables for the test. The package's tables are created once per
    database and emptied with TRUNCATE on PostgreSQL (dropping and creating
    them for every test cost about 1.5 s); SQLite gets a new file anyway."""
    db = app.extensions["deliberation"].db
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        engine = db.engine
        Base.metadata.create_all(engine)
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
            with engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def clock():
    return FrozenClock(START)


@pytest.fixture
def make_app(database, clock):
    """Build the minimal host app (tests/host) on the test database."""
    from tests.host import create_host_app

    apps = []

    def build(**config):
        config.setdefault("WTF_CSRF_ENABLED", True)
        app = create_host_app(database, TESTING=True, **config)
        Deliberation.set_clock(app, clock)
        _reset(app)
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            app.extensions["deliberation"].db.session.remove()
            for engine in app.extensions["deliberation"].db.engines.values():
                engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def session(app):
    """The host's session inside an app context, for calling services."""
    with app.app_context():
        yield app.extensions["deliberation"].db.session


def citizen(n=1, **kwargs):
    return Participant(id=f"c{n}", display_name=f"Citizen {n}", **kwargs)


@pytest.fixture
def admin():
    return Participant(id="admin", roles={Role.ADMIN, Role.CITIZEN}, display_name="Admin")


@pytest.fixture
def signals_received():
    """Every deliberation signal received during the test, as (name, kwargs)."""
    from deliberation import signals

    received = []
    receivers = []
    for name in ("proposal_published", "proposal_withdrawn", "proposal_closed",
                 "proposal_agreed", "agreement_withdrawn", "milestone_reached"):
        signal = getattr(signals, name)

        def receiver(sender, _name=name, **kwargs):
            received.append((_name, kwargs))

        signal.connect(receiver)
        receivers.append((signal, receiver))
    yield received
    for signal, receiver in receivers:
        signal.disconnect(receiver)
