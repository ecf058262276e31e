"""Likes, reports and moderation of opinions (debate ballots) and comments."""

from enum import StrEnum

import sqlalchemy as sa

from ..audit import record_audit
from ..comments.models import Comment
from ..db import insert_ignoring_duplicates, unit_of_work
from ..debates.models import Ballot
from ..errors import InvalidInput, NotFound, PermissionDenied, WrongState
from ..participants import Role, require_role
from ..settings import current_settings
from .models import Like, Report


class Subject(StrEnum):
    OPINION = "opinion"
    COMMENT = "comment"


_TABLES = {Subject.OPINION: Ballot.__table__, Subject.COMMENT: Comment.__table__}
likes, reports = Like.__table__, Report.__table__


def _subject(value):
    try:
        return Subject(value)
    except ValueError:
        raise InvalidInput("Unknown kind of opinion.", fields={
            "subject": [f"Must be one of: {', '.join(Subject)}."]}) from None


def _visible_row(session, subject, subject_id):
    subject = _subject(subject)
    table = _TABLES[subject]
    columns = [table.c.id, table.c.participant_id, table.c.hidden_at]
    if subject == Subject.COMMENT:
        columns.append(table.c.deleted_at)
    row = session.execute(sa.select(*columns).where(table.c.id == subject_id)).first()
    if row is None or getattr(row, "deleted_at", None) is not None:
        raise NotFound("No such opinion.")
    return subject, table, row


def like(session, participant, subject, subject_id):
    """Like once; liking again changes nothing. Returns the like count."""
    require_role(participant, Role.CITIZEN)
    subject, table, row = _visible_row(session, subject, subject_id)
    if row.hidden_at is not None:
        raise WrongState("A hidden opinion cannot be liked.")
    if row.participant_id == participant.id:
        raise PermissionDenied("You cannot like your own opinion.")
    with unit_of_work(session):
        inserted = session.execute(insert_ignoring_duplicates(session, likes).values(
            subject=str(subject), subject_id=subject_id, participant_id=participant.id,
            created_at=current_settings().now())).rowcount
        if inserted:
            return session.execute(sa.update(table).where(table.c.id == subject_id)
                                   .values(like_count=table.c.like_count + 1)
                                   .returning(table.c.like_count)).scalar_one()
        return session.execute(sa.select(table.c.like_count)
                               .where(table.c.id == subject_id)).scalar_one()


def unlike(session, participant, subject, subject_id):
    require_role(participant, Role.CITIZEN)
    subject, table, _ = _visible_row(session, subject, subject_id)
    with unit_of_work(session):
        deleted = session.execute(sa.delete(likes).where(
            likes.c.subject == str(subject), likes.c.subject_id == subject_id,
            likes.c.participant_id == participant.id)).rowcount
        if deleted:
            return session.execute(sa.update(table).where(table.c.id == subject_id)
                                   .values(like_count=table.c.like_count - 1)
                                   .returning(table.c.like_count)).scalar_one()
        return session.execute(sa.select(table.c.like_count)
                               .where(table.c.id == subject_id)).scalar_one()


def report(session, participant, subject, subject_id, *, reason=""):
    """Flag an opinion for the moderators; once per person."""
    require_role(participant, Role.CITIZEN)
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise InvalidInput("The report is not valid.",
                           fields={"reason": ["Longer than maximum length 500."]})
    subject, table, row = _visible_row(session, subject, subject_id)
    if row.hidden_at is not None:
        raise WrongState("This opinion is already hidden by the moderators.")
    with unit_of_work(session):
        inserted = session.execute(insert_ignoring_duplicates(session, reports).values(
            subject=str(subject), subject_id=subject_id, participant_id=participant.id,
            reason=reason, created_at=current_settings().now())).rowcount
        if inserted:
            session.execute(sa.update(table).where(table.c.id == subject_id)
                            .values(report_count=table.c.report_count + 1))
    return True


def hide(session, moderator, subject, subject_id, *, reason):
    """Withhold the text with a public reason. A hidden ballot still counts."""
    require_role(moderator, Role.ADMIN)
    reason = (reason or "").strip()
    if not 5 <= len(reason) <= 500:
        raise InvalidInput("A public reason is needed.",
                           fields={"reason": ["Length must be between 5 and 500."]})
    subject, table, row = _visible_row(session, subject, subject_id)
    if row.hidden_at is not None:
        raise WrongState("It is already hidden.")
    now = current_settings().now()
    with unit_of_work(session):
        session.execute(sa.update(table).where(table.c.id == subject_id)
                        .values(hidden_at=now, hidden_reason=reason))
        session.execute(sa.update(reports).where(
            reports.c.subject == str(subject), reports.c.subject_id == subject_id,
            reports.c.resolved_at.is_(None)).values(resolved_at=now))
        record_audit(session, moderator, "hide_" + str(subject), str(subject), subject_id,
                     before={"hidden": False}, after={"hidden": True, "reason": reason})
    return True


def unhide(session, moderator, subject, subject_id):
    require_role(moderator, Role.ADMIN)
    subject, table, row = _visible_row(session, subject, subject_id)
    if row.hidden_at is None:
        raise WrongState("It is not hidden.")
    with unit_of_work(session):
        session.execute(sa.update(table).where(table.c.id == subject_id)
                        .values(hidden_at=None, hidden_reason=None))
        record_audit(session, moderator, "unhide_" + str(subject), str(subject), subject_id,
                     before={"hidden": True}, after={"hidden": False})
    return True


def dismiss_reports(session, moderator, subject, subject_id):
    """Close the reports on an opinion that stays visible."""
    require_role(moderator, Role.ADMIN)
    subject, _, _ = _visible_row(session, subject, subject_id)
    with unit_of_work(session):
        count = session.execute(sa.update(reports).where(
            reports.c.subject == str(subject), reports.c.subject_id == subject_id,
            reports.c.resolved_at.is_(None)).values(resolved_at=current_settings().now())).rowcount
        record_audit(session, moderator, "dismiss_reports", str(subject), subject_id,
                     after={"dismissed": count})
    return count


def moderation_queue_for(session, moderator):
    """The moderators' queue, for admins only."""
    require_role(moderator, Role.ADMIN)
    return moderation_queue(session)


def moderation_queue(session):
    """Opinions and comments with open reports, most reported first."""
    open_reports = (sa.select(reports.c.subject, reports.c.subject_id,
                              sa.func.count().label("reports"),
                              sa.func.min(reports.c.created_at).label("first_reported_at"))
                    .where(reports.c.resolved_at.is_(None))
                    .group_by(reports.c.subject, reports.c.subject_id)
                    .order_by(sa.func.count().desc(), sa.func.min(reports.c.created_at)))
    return session.execute(open_reports).all()


def liked_by(session, participant, subject, subject_ids):
    """Which of these the participant liked: for their own eyes only."""
    if participant is None or not subject_ids:
        return set()
    return set(session.execute(sa.select(likes.c.subject_id).where(
        likes.c.subject == str(_subject(subject)), likes.c.participant_id == participant.id,
        likes.c.subject_id.in_(list(subject_ids)))).scalars())
