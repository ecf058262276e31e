"""What the meeting API (and pages) show of meetings, registrations, live
questions and survey results, as plain data for the dump schemas."""

from ..meetings import operations as meeting_ops
from ..meetings import qna
from ..meetings import registration as registration_ops
from ..meetings import survey as survey_ops
from ..meetings.operations import is_organiser  # noqa: F401 (the views ask it here)
from ..meetings.states import MeetingStatus, RegistrationStatus, SurveyKind
from ..settings import current_settings

MEETING_FIELDS = ("id", "proposal_id", "status", "title", "agenda_question", "venue",
                  "audience", "starts_at", "ends_at", "registration_deadline", "capacity",
                  "online_questions", "cancelled_at", "cancel_reason")


def meeting_summary(meeting):
    data = {key: getattr(meeting, key) for key in MEETING_FIELDS}
    now = current_settings().now()
    published = meeting.status == MeetingStatus.PUBLISHED
    data.update(seats_left=max(0, meeting.capacity - meeting.confirmed_count),
                waitlisted=meeting.waitlist_count,
                # the same rules registration applies, so pages offer only what works
                registration_open=published and meeting.registration_deadline is not None
                and now < meeting.registration_deadline,
                started=meeting.starts_at is not None and now >= meeting.starts_at,
                over=meeting.ends_at is not None and now >= meeting.ends_at,
                qna_closed=qna.qna_closed(meeting, now),
                survey_open=published and survey_ops.survey_open(meeting, now))
    return data


def own_registration(registration):
    if registration is None:
        return None
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    return {"meeting_id": registration.meeting_id, "status": registration.status,
            "check_in_code": registration.check_in_code if confirmed else None,
            "created_at": registration.created_at, "confirmed_at": registration.confirmed_at,
            "checked_in_at": registration.checked_in_at}


def meeting_data(session, meeting, viewer):
    data = meeting_summary(meeting)
    data["programme"] = meeting_ops.programme_of(session, meeting.id)
    data["my_registration"] = (
        own_registration(registration_ops.registration_of(session, viewer, meeting.id))
        if viewer is not None else None)
    return data


def attendee_data(registration):
    return {key: getattr(registration, key) for key in ATTENDEE_COLUMNS}


ATTENDEE_COLUMNS = ("seq", "display_name", "status", "check_in_code", "created_at",
                    "checked_in_at")


def attendee_rows(registrations):
    return [[(value.isoformat() if hasattr(value, "isoformat") else value)
             for value in (getattr(r, c) for c in ATTENDEE_COLUMNS)] for r in registrations]


def question_data(question, viewer, voted=frozenset()):
    """``voted``: the ids of the questions the viewer upvoted (see
    ``qna.voted_question_ids``, one query for the whole list)."""
    return {"id": question.id, "meeting_id": question.meeting_id, "body": question.body,
            "author_name": question.author_name, "upvote_count": question.upvote_count,
            "created_at": question.created_at, "pinned": question.pinned_at is not None,
            "answered": question.answered_at is not None,
            "hidden": question.hidden_at is not None,
            "mine": viewer is not None and question.participant_id == viewer.id,
            "voted_by_me": question.id in voted}


def questions_data(session, questions, viewer):
    voted = qna.voted_question_ids(session, viewer, [q.id for q in questions])
    return [question_data(q, viewer, voted) for q in questions]


def survey_question_data(question):
    return {key: getattr(question, key) for key in (
        "id", "position", "kind", "prompt", "options", "required")}


def survey_results_data(meeting_id, results):
    questions = []
    for item in results["questions"]:
        counts = item.get("counts")
        questions.append({
            "question": survey_question_data(item["question"]), "answered": item["answered"],
            "counts": ([{"option": str(k), "count": v} for k, v in counts.items()]
                       if counts is not None else None),
            "average": item.get("average"), "texts": item.get("texts")})
    return {"meeting_id": meeting_id, "responses": results["responses"], "questions": questions}


SURVEY_RESULT_COLUMNS = ("question", "prompt", "kind", "row", "answer", "value")


def survey_results_rows(results):
    """The survey's results a line a figure: the responses, then per question
    how many answered it, a count per option (or per point of the 1-5 scale
    and its average) and, when the results carry them, the free texts."""
    rows = [["", "", "", "responses", "", results["responses"]]]
    for item in results["questions"]:
        question = item["question"]
        head = [question.position, question.prompt, question.kind]
        rows.append(head + ["answered", "", item["answered"]])
        for answer, count in (item.get("counts") or {}).items():
            rows.append(head + ["scale" if question.kind == SurveyKind.SCALE else "option",
                                answer, count])
        if question.kind == SurveyKind.SCALE:
            average = item.get("average")
            rows.append(head + ["average", "", "" if average is None else average])
        rows += [head + ["text", text, ""] for text in (item.get("texts") or [])]
    return rows
