import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, table_name


class AuditEntry(Base):
    """One official or admin action with its before and after. Rows are only
    ever inserted: database triggers refuse UPDATE and DELETE."""

    __tablename__ = table_name("audit_entry")

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at = mapped_column(UTCDateTime, nullable=False, index=True)
    actor_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    actor_roles: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    action: Mapped[str] = mapped_column(sa.String(40), nullable=False, index=True)
    subject: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    subject_id: Mapped[int] = mapped_column(nullable=False)
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)


APPEND_ONLY_SQLITE = [
    f"""CREATE TRIGGER {AuditEntry.__tablename__}_no_{verb}
        BEFORE {verb.upper()} ON {AuditEntry.__tablename__}
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
    for verb in ("update", "delete")
]
APPEND_ONLY_POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION {AuditEntry.__tablename__}_refuse() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
    f"""CREATE TRIGGER {AuditEntry.__tablename__}_append_only
        BEFORE UPDATE OR DELETE ON {AuditEntry.__tablename__}
        FOR EACH ROW EXECUTE FUNCTION {AuditEntry.__tablename__}_refuse()""",
]

for _statement in APPEND_ONLY_SQLITE:
    sa.event.listen(AuditEntry.__table__, "after_create",
                    sa.DDL(_statement).execute_if(dialect="sqlite"))
for _statement in APPEND_ONLY_POSTGRESQL:
    sa.event.listen(AuditEntry.__table__, "after_create",
                    sa.DDL(_statement).execute_if(dialect="postgresql"))
