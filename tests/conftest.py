"""Fixtures: every database test runs on SQLite and on PostgreSQL.

DELIBERATION_TEST_DATABASES picks the databases (default "sqlite,postgresql");
DELIBERATION_TEST_POSTGRES_URL points at the PostgreSQL server. A database
that was asked for and is not reachable fails the run: it is never skipped.
"""

import os
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from deliberation import Deliberation, FrozenClock, Participant, Role
from deliberation.db import Base

POSTGRES_URL = os.environ.get(
    "DELIBERATION_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATABASES = [d.strip() for d in os.environ.get(
    "DELIBERATION_TEST_DATABASES", "sqlite,postgresql").split(",") if d.strip()]

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _compile_url_builders_once():
    """Every app made for a test registers the same ~140 URL rules, and werkzeug
    compiles two Python functions per rule for building URLs: about 60 ms of
    each test's setup. The compiled function depends only on the rule's parsed
    parts (and takes the rule itself as an argument), so the run compiles each
    one once. Rules with defaults are compiled as usual: their builders fold in
    values converted by the app's own converters."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or getattr(compile_builder, "compiles_once", False):
        return  # done already, or a werkzeug without it: slower, same behaviour
    builders = {}

    def _compile_builder(self, append_unknown=True):
        if self.defaults:
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    _compile_builder.compiles_once = True
    Rule._compile_builder = _compile_builder


_compile_url_builders_once()


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
    # synchronous_commit=off: a COMMIT returns before its WAL reaches the disk
    # (a few ms each). Commits, locks and what other sessions see are as
    # before; only a crash of the server could lose the last ones.
    return POSTGRES_URL + f"?options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"


@pytest.fixture(params=DATABASES)
def database(request, tmp_path_factory):
    """The URL of an empty database of each kind."""
    return database_url(request.param, tmp_path_factory, request)


def _reset(app):
    """Empty tables for the test, whatever an earlier test left behind.

    SQLite: a fresh file is a copy of a template that already holds the tables
    (see make_app), so only a file the test has used before gets here.
    PostgreSQL: the tables are created once per worker schema (again if a
    test dropped them) and the rows a test left are deleted, children first,
    with the sequences restarted; TRUNCATE of every table cost ~120 ms a test,
    DELETE of small or empty tables a few. A row that a table outside ours
    still points at makes DELETE fail; then TRUNCATE ... CASCADE does it."""
    db = app.extensions["deliberation"].db
    with app.app_context():
        db.session.remove()
        engine = db.engine
        if engine.dialect.name == "postgresql":
            _empty_postgres(db, engine)
            return
        db.drop_all()
        db.create_all()
        Base.metadata.create_all(engine)


def _ours(db):
    """The host's and the package's tables, children before parents."""
    return [*reversed(db.metadata.sorted_tables), *reversed(Base.metadata.sorted_tables)]


def _empty_postgres(db, engine):
    tables = [table.name for table in _ours(db)]
    triggers = _tables_and_triggers(engine)
    if not triggers.keys() >= set(tables):
        db.create_all()
        Base.metadata.create_all(engine)
        triggers = None
    delete_rows(engine, tables, triggers)


def delete_rows(engine, tables, triggers=None):
    """Delete every row of ``tables`` (names, children first) in one
    transaction. On PostgreSQL also restart the sequences of their ids, as
    TRUNCATE ... RESTART IDENTITY would, at a fraction of its cost; rows that
    a table not listed still points at make it fall back to that TRUNCATE.
    On SQLite plain DELETEs: a test's file is new, so no audit rows guard it."""
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            for name in tables:
                conn.exec_driver_sql(f"DELETE FROM {_quoted(name)}")
        return
    triggers = triggers or _tables_and_triggers(engine)
    empty = "".join(_delete_statement(name, triggers[name]) for name in tables)
    restart = sa.text(
        "SELECT setval(s.oid, 1, false) FROM pg_class s"
        " JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass"
        "  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
        " JOIN pg_class t ON t.oid = d.refobjid"
        " WHERE s.relkind = 'S' AND t.relnamespace = current_schema()::regnamespace"
        "  AND t.relname = ANY(:tables)"
        # CASE: the planner may try pg_sequence_last_value on an index first
        "  AND CASE WHEN s.relkind = 'S' THEN pg_sequence_last_value(s.oid) END IS NOT NULL")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DO $$ BEGIN {empty} END $$")
            conn.execute(restart, {"tables": list(tables)})
    except sa.exc.IntegrityError:
        names = ", ".join(_quoted(name) for name in tables)
        with engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def _delete_statement(name, has_triggers):
    """A table whose own triggers may refuse DELETE (the append-only audit log)
    has them switched off for this transaction only; ALTER TABLE is
    transactional, and cheaper than a TRUNCATE (~40 ms)."""
    table = _quoted(name)
    if not has_triggers:
        return f"DELETE FROM {table};"
    return (f"IF EXISTS (SELECT FROM {table}) THEN ALTER TABLE {table} DISABLE TRIGGER USER;"
            f" DELETE FROM {table}; ALTER TABLE {table} ENABLE TRIGGER USER; END IF;")


def _tables_and_triggers(engine):
    """Each table of the schema, and whether it has triggers of its own."""
    with engine.connect() as conn:
        return dict(conn.execute(sa.text(
            "SELECT c.relname, EXISTS (SELECT FROM pg_trigger g"
            "  WHERE g.tgrelid = c.oid AND NOT g.tgisinternal)"
            " FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace"
            "  AND c.relkind IN ('r', 'p')")).all())


def _quoted(name):
    return '"' + name.replace('"', '""') + '"'


def _sqlite_path(url):
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


@pytest.fixture
def clock():
    return FrozenClock(START)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """Builds, on first call, a SQLite file holding the host's and the package's
    empty tables, made by the same code as on a fresh file; a test's database
    starts as a copy of it (about 25 ms of create_all saved a test)."""
    from tests.host import create_host_app

    path = tmp_path_factory.getbasetemp() / "template.sqlite"

    def template():
        if not path.exists():
            building = path.with_suffix(".building")
            app = create_host_app(f"sqlite:///{building}", DELIBERATION_SQLITE_PRAGMAS=False)
            db = app.extensions["deliberation"].db
            with app.app_context():
                db.create_all()
                Base.metadata.create_all(db.engine)
                db.session.remove()
                db.engine.dispose()
            building.rename(path)
        return path

    return template


@pytest.fixture
def make_app(database, clock, sqlite_template):
    """Build the minimal host app (tests/host) on the test database."""
    from tests.host import create_host_app

    apps = []

    def build(**config):
        config.setdefault("WTF_CSRF_ENABLED", True)
        path = _sqlite_path(database)
        copied = path is not None and not path.exists()
        if copied:
            shutil.copyfile(sqlite_template(), path)
        app = create_host_app(database, TESTING=True, **config)
        Deliberation.set_clock(app, clock)
        if not copied:
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


@pytest.fixture(scope="session")
def chromium():
    """One real Chromium per test worker, launched when a browser test first
    asks for it (about a second each time); tests get their own contexts from it."""
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Error as exc:
            pytest.fail(f"Chromium did not start from {CHROMIUM}: {exc}", pytrace=False)
        yield browser
        browser.close()
