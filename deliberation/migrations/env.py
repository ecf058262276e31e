from alembic import context

from deliberation.db import TABLE_PREFIX, Base
from deliberation.migrations import VERSION_TABLE

import deliberation  # noqa: F401  (registers every model on Base.metadata)


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        return name.startswith(TABLE_PREFIX) and name != VERSION_TABLE
    return True


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the package's migrations through deliberation.migrations.upgrade(app)")
context.configure(
    connection=connection, target_metadata=Base.metadata, version_table=VERSION_TABLE,
    include_object=include_object, render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True)
with context.begin_transaction():
    context.run_migrations()
