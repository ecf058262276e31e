"""The package's own Alembic migrations, kept apart from the host's: they
track their version in ``deliberation_alembic_version`` and touch only the
``deliberation_`` tables, so a host's Flask-Migrate history is never mixed
with ours."""

from pathlib import Path

from alembic import command
from alembic.config import Config

VERSION_TABLE = "deliberation_alembic_version"


def alembic_config(connection=None):
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection"] = connection
    return config


def upgrade(app, revision="head"):
    """Bring the package's tables on the host's database up to ``revision``."""
    engine = app.extensions["deliberation"].db.engine
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(app, revision):
    engine = app.extensions["deliberation"].db.engine
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)
