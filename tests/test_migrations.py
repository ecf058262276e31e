"""The package ships its own migrations; they build exactly the tables the
models declare and leave the host's tables alone."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from deliberation.db import Base
from deliberation.migrations import VERSION_TABLE, alembic_config, downgrade, upgrade


def _package_tables(engine):
    return {name for name in sa.inspect(engine).get_table_names() if name.startswith("deliberation_")}


def _ours(difference):
    """Whether a schema difference concerns the package's tables (the test
    database also holds the host's and the demo's)."""
    subject = difference[1]
    table = getattr(subject, "table", subject)
    name = getattr(table, "name", "") or ""
    return name.startswith("deliberation_") and name != VERSION_TABLE


def _empty_package_schema(app):
    engine = app.extensions["deliberation"].db.engine
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {VERSION_TABLE}"))
    return engine


def test_upgrade_builds_what_the_models_declare_when_database_is_empty(app):
    with app.app_context():
        engine = _empty_package_schema(app)
        upgrade(app)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = [d for d in compare_metadata(context, Base.metadata) if _ours(d)]
        assert diff == []
        assert _package_tables(engine) == set(Base.metadata.tables) | {VERSION_TABLE}


def test_upgrade_changes_nothing_when_run_twice(app):
    with app.app_context():
        engine = _empty_package_schema(app)
        upgrade(app)
        upgrade(app)
        with engine.connect() as conn:
            version = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
        assert version == [ScriptDirectory.from_config(alembic_config()).get_current_head()]


def test_downgrade_removes_only_package_tables_when_host_has_its_own(app):
    with app.app_context():
        engine = _empty_package_schema(app)
        upgrade(app)
        downgrade(app, "base")
        names = set(sa.inspect(engine).get_table_names())
        assert "member" in names
        assert not any(n.startswith("deliberation_") and n != VERSION_TABLE for n in names)


def test_db_upgrade_command_reports_head_when_run_from_cli(app):
    with app.app_context():
        _empty_package_schema(app)
    result = app.test_cli_runner().invoke(args=["deliberation", "db-upgrade"])
    assert result.exit_code == 0, result.output
    assert "head" in result.output
    with app.app_context():
        assert "deliberation_proposal" in _package_tables(app.extensions["deliberation"].db.engine)
