"""Database plumbing shared by every concern.

The package declares its tables on its own ``MetaData`` (prefixed names) but
reads and writes through the host's Flask-SQLAlchemy session: a host never gets
a second ``SQLAlchemy()``.
"""

from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase

from .clock import as_utc

TABLE_PREFIX = "deliberation_"

naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=naming_convention)


def table_name(name):
    return TABLE_PREFIX + name


class UTCDateTime(sa.types.TypeDecorator):
    """Stores UTC; always hands back an aware UTC datetime, on SQLite too."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = as_utc(value)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return as_utc(value)


def insert_ignoring_duplicates(session, table):
    """``INSERT ... ON CONFLICT DO NOTHING`` for the session's database, so a
    unique constraint, not a prior read, decides who was first.

    Callers read ``rowcount`` (1 inserted, 0 ignored): SQLAlchemy keeps it for
    an INSERT only when asked, else psycopg answers -1, which reads as true."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(table).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(table).on_conflict_do_nothing()
    else:
        raise NotImplementedError(f"deliberation supports SQLite and PostgreSQL, not {dialect}")
    return statement.execution_options(preserve_rowcount=True)


def lock_row(session, table, row_id):
    """Take the write lock for one row before reading it: ``FOR UPDATE`` on
    PostgreSQL; on SQLite, whose lock is the whole database, a no-op write
    that makes the transaction a writer at once."""
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(
            sa.select(table.c.id).where(table.c.id == row_id).with_for_update()
        ).scalar()
    return session.execute(
        sa.update(table).where(table.c.id == row_id).values(id=table.c.id)
    ).rowcount or None


class UnitOfWork:
    """One use case's transaction: the changes and the signals they cause."""

    def __init__(self, session):
        self.session = session
        self._signals = []

    def emit(self, signal, **kwargs):
        self._signals.append((signal, kwargs))


@contextmanager
def unit_of_work(session):
    """Commit on success, then send the queued signals; roll back on error and
    send nothing. A signal therefore never announces a change that was lost."""
    work = UnitOfWork(session)
    try:
        yield work
        session.commit()
    except BaseException:
        session.rollback()
        raise
    sender = current_app._get_current_object()
    for signal, kwargs in work._signals:
        signal.send(sender, **kwargs)


def configure_sqlite_engine(engine, busy_timeout_ms=30000):
    """WAL, a busy timeout and enforced foreign keys for every new connection:
    without them concurrent writers fail with 'database is locked'."""

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    engine.dispose()
