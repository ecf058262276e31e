"""The append-only audit log of official and admin actions."""

import sqlalchemy as sa

from ..settings import current_settings
from .models import AuditEntry


def record_audit(session, actor, action, subject, subject_id, *, before=None, after=None):
    """Append one entry inside the caller's transaction, so an action and its
    audit entry are committed, or lost, together."""
    session.execute(sa.insert(AuditEntry).values(
        occurred_at=current_settings().now(), actor_id=actor.id,
        actor_roles=",".join(sorted(actor.roles)), action=action, subject=subject,
        subject_id=subject_id, before=before, after=after))


def audit_log(session, *, page=1, per_page=50, subject=None, subject_id=None):
    query = sa.select(AuditEntry)
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    if subject_id is not None:
        query = query.where(AuditEntry.subject_id == subject_id)
    total = session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    items = session.scalars(query.order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
                            .limit(per_page).offset((page - 1) * per_page)).all()
    return items, total


__all__ = ["AuditEntry", "audit_log", "record_audit"]
