"""How the city answers: assignment to a department, the department's and the
mayor's answers (with review and edit history), implementation updates."""

import sqlalchemy as sa

from .. import signals
from ..audit import record_audit
from ..db import insert_ignoring_duplicates, unit_of_work
from ..errors import Conflict, DeliberationError, InvalidInput, NotFound, PermissionDenied, WrongState
from ..notifications import NotificationKind
from ..notifications.operations import queue_notification
from ..participants import Role, require_role
from ..proposals.models import Proposal
from ..settings import current_settings
from ..threshold.models import Milestone
from ..threshold.rules import Step
from ..timeline import EventKind, record_event
from .markdown import render_markdown
from .models import Answer, AnswerRevision, Assignment, ImplementationUpdate
from .schemas import AnswerInputSchema, AssignInputSchema, ImplementationInputSchema, clean
from .states import ANSWER_STEPS, AnswerStatus

answers = Answer.__table__


def _public_proposal(session, proposal_id):
    proposal = session.get(Proposal, proposal_id, populate_existing=True)
    if proposal is None or proposal.published_at is None:
        raise NotFound("No such proposal.")
    return proposal


def _milestone(session, proposal_id, step):
    return session.execute(sa.select(Milestone).where(
        Milestone.proposal_id == proposal_id, Milestone.step == str(step))).scalar()


def assignment_of(session, proposal_id):
    return session.execute(
        sa.select(Assignment).where(Assignment.proposal_id == proposal_id)).scalar()


def assign_on_milestone(session, work, proposal_id, rule, at):
    """Milestone hook: a proposal reaching the department step is assigned at
    once when the site maps its category to a department."""
    if rule.step != Step.DEPARTMENT_ANSWER:
        return
    category = session.execute(
        sa.select(Proposal.category).where(Proposal.id == proposal_id)).scalar()
    department = current_settings().category_departments.get(category)
    if not department:
        return
    inserted = session.execute(insert_ignoring_duplicates(session, Assignment.__table__).values(
        proposal_id=proposal_id, department=department, assigned_at=at,
        assigned_by="auto")).rowcount
    if inserted:
        record_event(session, proposal_id, EventKind.ASSIGNED, at, department=department,
                     automatic=True)


def assign_department(session, actor, proposal_id, *, department):
    """An admin names (or changes) the department that answers."""
    require_role(actor, Role.ADMIN)
    data = clean(AssignInputSchema, {"department": department}, "The assignment is not valid.")
    department = data["department"].strip()
    known = current_settings().departments
    if known and department not in known:
        raise InvalidInput("Unknown department.", fields={"department": [
            "Must be one of: " + ", ".join(known) + "."]})
    proposal = _public_proposal(session, proposal_id)
    if _milestone(session, proposal.id, Step.DEPARTMENT_ANSWER) is None:
        raise WrongState("The proposal has not reached the department step.")
    if _published_answer(session, proposal.id, Step.DEPARTMENT_ANSWER) is not None:
        raise WrongState("The department has already answered.")
    now = current_settings().now()
    with unit_of_work(session):
        current = assignment_of(session, proposal.id)
        before = None if current is None else {"department": current.department}
        if current is None:
            session.add(Assignment(proposal_id=proposal.id, department=department,
                                   assigned_at=now, assigned_by=str(Role.ADMIN)))
        else:
            current.department, current.assigned_at = department, now
            current.assigned_by = str(Role.ADMIN)
        record_event(session, proposal.id, EventKind.ASSIGNED, now, actor_role=Role.ADMIN,
                     department=department, automatic=False)
        record_audit(session, actor, "assign", "proposal", proposal.id, before=before,
                     after={"department": department})
    return assignment_of(session, proposal.id)


def _answer_step(step):
    """The step an answer is for; a step that takes none is not found, like
    an unknown URL, rather than a crash."""
    try:
        step = Step(step)
    except ValueError:
        raise NotFound("This step takes no answer.") from None
    if step not in ANSWER_STEPS:
        raise NotFound("This step takes no answer.")
    return step


def _published_answer(session, proposal_id, step):
    return session.execute(sa.select(Answer).where(
        Answer.proposal_id == proposal_id, Answer.step == str(step),
        Answer.status == AnswerStatus.PUBLISHED)).scalar()


def answer_of(session, proposal_id, step):
    return session.execute(sa.select(Answer).where(
        Answer.proposal_id == proposal_id, Answer.step == str(step))).scalar()


def answering_role(session, actor, proposal_id, step):
    """Who may answer: for the department step only an official of the
    assigned department; for the mayor step only the mayor's office."""
    if step == Step.MAYOR_ANSWER:
        require_role(actor, Role.MAYOR_OFFICE)
        return Role.MAYOR_OFFICE, None
    require_role(actor, Role.DEPARTMENT_OFFICIAL)
    assignment = assignment_of(session, proposal_id)
    if assignment is None:
        raise WrongState("No department is assigned to answer this proposal yet.")
    if actor.department != assignment.department:
        raise PermissionDenied(
            "Only an official of the assigned department can answer this proposal.")
    return Role.DEPARTMENT_OFFICIAL, assignment.department


def may_answer(session, actor, proposal_id, step):
    """Whether ``answering_role`` would let ``actor`` answer ``step``: for
    showing an answer form only to those the service will accept."""
    if actor is None:
        return False
    try:
        answering_role(session, actor, proposal_id, Step(step))
    except DeliberationError:
        return False
    return True


def record_answer(session, actor, proposal_id, step, **fields):
    """Write or edit the official answer for ``step``. Published at once, or
    held for an admin's review when DELIBERATION_ANSWER_REVIEW is on. Every
    version is kept; an edit never unpublishes."""
    step = _answer_step(step)
    data = clean(AnswerInputSchema, fields, "The answer is not valid.")
    proposal = _public_proposal(session, proposal_id)
    role, department = answering_role(session, actor, proposal.id, step)
    if _milestone(session, proposal.id, step) is None:
        raise WrongState("The proposal has not reached this step.")
    settings = current_settings()
    now = settings.now()
    status = (AnswerStatus.PENDING_REVIEW if settings.answer_review and not actor.has(Role.ADMIN)
              else AnswerStatus.PUBLISHED)
    body = data.pop("body")
    with unit_of_work(session) as work:
        answer = answer_of(session, proposal.id, step)
        before = None
        if answer is None:
            answer = Answer(proposal_id=proposal.id, step=str(step), department=department,
                            created_at=now, version=1, status=status)
            session.add(answer)
        else:
            before = {"version": answer.version, "decision": answer.decision,
                      "status": answer.status, "body": answer.body_markdown}
            answer.version += 1
            if answer.status == AnswerStatus.PUBLISHED:
                status = AnswerStatus.PUBLISHED  # an edit never unpublishes
            answer.status = status
        answer.decision = str(data["decision"])
        answer.body_markdown, answer.body_html = body, render_markdown(body)
        answer.links, answer.video_url = data["links"], data["video_url"]
        answer.updated_at = now
        try:
            session.flush()
            session.add(AnswerRevision(
                answer_id=answer.id, version=answer.version, decision=answer.decision,
                body_markdown=body, links=answer.links, video_url=answer.video_url,
                edited_at=now, editor_role=str(role)))
            session.flush()
        except sa.exc.IntegrityError:
            # (proposal, step) and (answer, version) are unique: two officials
            # saved at the same moment, and the other one was first
            raise Conflict("Someone else saved this answer at the same moment; "
                           "reload it and try again.") from None
        first_publication = status == AnswerStatus.PUBLISHED and answer.published_at is None
        if first_publication:
            _publish(session, work, answer, now, role)
        elif before is not None and answer.published_at is not None:
            record_event(session, proposal.id, EventKind.ANSWER_EDITED, now, actor_role=role,
                         step=str(step), version=answer.version)
        elif answer.status == AnswerStatus.PENDING_REVIEW and before is None:
            record_event(session, proposal.id, EventKind.ANSWER_SUBMITTED, now, actor_role=role,
                         step=str(step))
        record_audit(session, actor, "answer", "proposal", proposal.id, before=before, after={
            "step": str(step), "version": answer.version, "decision": answer.decision,
            "status": answer.status})
    return answer


def _publish(session, work, answer, now, role):
    answer.status, answer.published_at = AnswerStatus.PUBLISHED, now
    record_event(session, answer.proposal_id, EventKind.ANSWERED, now, actor_role=role,
                 step=answer.step, decision=answer.decision, department=answer.department)
    queue_notification(session, NotificationKind.ANSWERED, answer.proposal_id, at=now,
                       step=answer.step, decision=answer.decision)
    work.emit(signals.answer_published, proposal_id=answer.proposal_id, step=Step(answer.step),
              answer_id=answer.id)


def review_answer(session, actor, proposal_id, step, *, approve, note=""):
    """An admin publishes an answer held for review, or sends it back."""
    require_role(actor, Role.ADMIN)
    answer = answer_of(session, proposal_id, _answer_step(step))
    if answer is None:
        raise NotFound("No answer to review.")
    if answer.status != AnswerStatus.PENDING_REVIEW:
        raise WrongState("This answer is not waiting for review.")
    now = current_settings().now()
    with unit_of_work(session) as work:
        if approve:
            _publish(session, work, answer, now, Role.ADMIN)
        record_audit(session, actor, "review_answer", "proposal", proposal_id,
                     before={"status": str(AnswerStatus.PENDING_REVIEW)},
                     after={"status": answer.status, "approved": bool(approve),
                            "note": (note or "")[:500]})
    return answer


def revisions_of(session, answer_id):
    return session.scalars(sa.select(AnswerRevision).where(AnswerRevision.answer_id == answer_id)
                           .order_by(AnswerRevision.version)).all()


def post_implementation_update(session, actor, proposal_id, **fields):
    """Report the policy's progress after an answer was published."""
    data = clean(ImplementationInputSchema, fields, "The update is not valid.")
    proposal = _public_proposal(session, proposal_id)
    if actor is not None and actor.has(Role.ADMIN):
        role = Role.ADMIN
    elif actor is not None and actor.has(Role.MAYOR_OFFICE):
        role = Role.MAYOR_OFFICE
    else:
        role, _ = answering_role(session, actor, proposal.id, Step.DEPARTMENT_ANSWER)
    if not any(_published_answer(session, proposal.id, step) for step in ANSWER_STEPS):
        raise WrongState("Implementation updates follow a published answer.")
    now = current_settings().now()
    with unit_of_work(session):
        update = ImplementationUpdate(
            proposal_id=proposal.id, status=str(data["status"]), note=data["note"].strip(),
            occurred_on=data["occurred_on"] or now.date(), created_at=now, author_role=str(role))
        session.add(update)
        record_event(session, proposal.id, EventKind.IMPLEMENTATION_UPDATED, now,
                     actor_role=role, status=update.status, note=update.note[:300],
                     occurred_on=update.occurred_on.isoformat())
        queue_notification(session, NotificationKind.IMPLEMENTATION_UPDATED, proposal.id,
                           at=now, status=update.status)
        record_audit(session, actor, "implementation_update", "proposal", proposal.id,
                     after={"status": update.status, "note": update.note[:500]})
    return update


def implementation_updates_of(session, proposal_id):
    return session.scalars(sa.select(ImplementationUpdate)
                           .where(ImplementationUpdate.proposal_id == proposal_id)
                           .order_by(ImplementationUpdate.occurred_on,
                                     ImplementationUpdate.id)).all()


__all__ = [
    "answer_of", "assign_department", "assign_on_milestone", "assignment_of",
    "implementation_updates_of", "post_implementation_update", "record_answer",
    "review_answer", "revisions_of",
]
