"""The API of citizen meetings (시민간담회): the meeting and its programme,
registration and check-in, the live Q&A and the survey."""

from flask import jsonify, request

from ..extension import current_participant
from ..participants import require_participant
from ..meetings import operations as meeting_ops
from ..meetings import qna
from ..meetings import registration as registration_ops
from ..meetings import survey as survey_ops
from . import meeting_presenters as presenters
from . import meeting_schemas as schemas
from .blueprint import _json_body, _session, bp, load, no_store
from .debate_presenters import csv_bytes
from .debates import _csv
from .openapi import document


def _meeting(session, meeting_id, participant):
    return meeting_ops.get_meeting(session, meeting_id, viewer=participant)


def _dump_meeting(session, meeting, participant):
    return schemas.MeetingSchema().dump(presenters.meeting_data(session, meeting, participant))


@bp.get("/meetings")
@document("Published citizen meetings, soonest first (organisers also see drafts)",
          query=schemas.MeetingListQuerySchema, response=schemas.MeetingListSchema)
@no_store
def list_meetings():
    args = load(schemas.MeetingListQuerySchema, request.args)
    items = meeting_ops.list_meetings(_session(), viewer=current_participant(),
                                      upcoming_only=args["upcoming"])
    return jsonify(schemas.MeetingListSchema().dump(
        {"items": [presenters.meeting_summary(m) for m in items]}))


@bp.get("/meetings/<id:meeting_id>")
@document("One meeting: details, programme, seats left and the caller's own registration",
          response=schemas.MeetingSchema)
@no_store
def get_meeting(meeting_id):
    session = _session()
    participant = current_participant()
    return _dump_meeting(session, _meeting(session, meeting_id, participant), participant)


@bp.post("/meetings")
@document("Create a meeting, optionally for a proposal: a draft until published "
          "(organisers); a proposal has one meeting at most (409)",
          body=schemas.MeetingCreateBodySchema, response=schemas.MeetingSchema, status=201)
def create_meeting():
    data = load(schemas.MeetingCreateBodySchema, _json_body())
    session = _session()
    participant = current_participant()
    meeting = meeting_ops.create_meeting(session, participant, **data)
    return _dump_meeting(session, meeting, participant), 201


@bp.patch("/meetings/<id:meeting_id>")
@document("Complete or change a meeting; a programme given replaces the programme "
          "(organisers)", body=schemas.MeetingUpdateBodySchema, response=schemas.MeetingSchema)
def edit_meeting(meeting_id):
    data = load(schemas.MeetingUpdateBodySchema, _json_body())
    session = _session()
    participant = current_participant()
    meeting = meeting_ops.edit_meeting(session, participant, meeting_id, **data)
    return _dump_meeting(session, meeting, participant)


@bp.post("/meetings/<id:meeting_id>/publish")
@document("Publish a complete draft: registration opens and the proposal's supporters "
          "hear of it (organisers)", response=schemas.MeetingSchema)
def publish_meeting(meeting_id):
    session = _session()
    participant = current_participant()
    meeting = meeting_ops.publish_meeting(session, participant, meeting_id)
    return _dump_meeting(session, meeting, participant)


@bp.post("/meetings/<id:meeting_id>/cancel")
@document("Cancel the whole meeting with a public reason; every registrant is told "
          "(organisers)", body=schemas.CancelMeetingBodySchema, response=schemas.MeetingSchema)
def cancel_meeting(meeting_id):
    data = load(schemas.CancelMeetingBodySchema, _json_body())
    session = _session()
    participant = current_participant()
    meeting = meeting_ops.cancel_meeting(session, participant, meeting_id, **data)
    return _dump_meeting(session, meeting, participant)


@bp.post("/meetings/<id:meeting_id>/registration")
@document("Register: a seat while there are some, else the waitlist; registering again "
          "returns the registration one has", response=schemas.OwnRegistrationSchema,
          status=201)
def register(meeting_id):
    registration = registration_ops.register(_session(), current_participant(), meeting_id)
    return schemas.OwnRegistrationSchema().dump(presenters.own_registration(registration)), 201


@bp.delete("/meetings/<id:meeting_id>/registration")
@document("Cancel one's registration; the first person waiting takes a freed seat",
          response=schemas.OwnRegistrationSchema)
def cancel_registration(meeting_id):
    registration = registration_ops.cancel_registration(_session(), current_participant(),
                                                        meeting_id)
    return schemas.OwnRegistrationSchema().dump(presenters.own_registration(registration))


@bp.get("/meetings/<id:meeting_id>/registration")
@document("The caller's own registration with its check-in code (null when none)",
          response=schemas.MyRegistrationSchema)
@no_store
def my_registration(meeting_id):
    participant = require_participant(current_participant())
    session = _session()
    meeting = _meeting(session, meeting_id, participant)
    return schemas.MyRegistrationSchema().dump({
        "meeting_id": meeting.id, "registration": presenters.own_registration(
            registration_ops.registration_of(session, participant, meeting.id))})


@bp.post("/meetings/<id:meeting_id>/check-in")
@document("Check a confirmed registrant in at the door by their code (organisers)",
          body=schemas.CheckInBodySchema, response=schemas.CheckedInSchema)
def check_in(meeting_id):
    data = load(schemas.CheckInBodySchema, _json_body())
    registration, already = registration_ops.check_in(_session(), current_participant(),
                                                      meeting_id, data["code"])
    return schemas.CheckedInSchema().dump({"meeting_id": meeting_id,
                                           "attendee": presenters.attendee_data(registration),
                                           "already_checked_in": already})


@bp.get("/meetings/<id:meeting_id>/attendance")
@document("Seats, confirmed, waiting and present (organisers)",
          response=schemas.AttendanceSchema)
@no_store
def attendance(meeting_id):
    counts = registration_ops.attendance(_session(), current_participant(), meeting_id)
    return schemas.AttendanceSchema().dump({"meeting_id": meeting_id, **counts})


@bp.get("/meetings/<id:meeting_id>/attendees")
@document("Who registered, in arrival order (organisers only)",
          response=schemas.AttendeeListSchema)
@no_store
def attendees(meeting_id):
    items = registration_ops.attendee_list(_session(), current_participant(), meeting_id)
    return schemas.AttendeeListSchema().dump({
        "meeting_id": meeting_id, "items": [presenters.attendee_data(r) for r in items]})


@bp.get("/meetings/<id:meeting_id>/attendees.csv")
@document("The attendee list as CSV, UTF-8 with a BOM (organisers only)", mimetype="text/csv")
def attendees_csv(meeting_id):
    items = registration_ops.attendee_list(_session(), current_participant(), meeting_id)
    return _csv(csv_bytes(presenters.ATTENDEE_COLUMNS, presenters.attendee_rows(items)),
                f"meeting-{meeting_id}-attendees.csv")


@bp.get("/meetings/<id:meeting_id>/questions")
@document("The live questions, pinned first then most upvoted; with since=<version>, "
          "items is null while nothing changed (poll this)",
          query=schemas.LiveQuestionQuerySchema, response=schemas.LiveQuestionsSchema)
@no_store
def live_questions(meeting_id):
    args = load(schemas.LiveQuestionQuerySchema, request.args)
    session = _session()
    participant = current_participant()
    version, items = qna.live_questions(session, meeting_id, viewer=participant,
                                        since_version=args["since"],
                                        include_hidden=presenters.is_organiser(participant))
    return schemas.LiveQuestionsSchema().dump({
        "meeting_id": meeting_id, "version": version,
        "items": None if items is None else presenters.questions_data(session, items,
                                                                      participant)})


@bp.post("/meetings/<id:meeting_id>/questions")
@document("Post a question or comment to the live Q&A (rate-limited: 429)",
          body=schemas.LiveQuestionBodySchema, response=schemas.LiveQuestionSchema, status=201)
def post_question(meeting_id):
    data = load(schemas.LiveQuestionBodySchema, _json_body())
    participant = current_participant()
    question = qna.post_question(_session(), participant, meeting_id, **data)
    return schemas.LiveQuestionSchema().dump(presenters.question_data(question, participant)), 201


@bp.put("/questions/<id:question_id>/upvote")
@document("Upvote a live question, once per person (again changes nothing)",
          response=schemas.UpvoteSchema)
def upvote_question(question_id):
    count = qna.upvote_question(_session(), current_participant(), question_id)
    return schemas.UpvoteSchema().dump({"question_id": question_id, "upvote_count": count})


@bp.post("/questions/<id:question_id>/moderate")
@document("Hide, pin or mark a live question answered (organisers)",
          body=schemas.ModerateBodySchema, response=schemas.LiveQuestionSchema)
def moderate_question(question_id):
    data = load(schemas.ModerateBodySchema, _json_body())
    participant = current_participant()
    question = qna.moderate_question(_session(), participant, question_id, **data)
    return schemas.LiveQuestionSchema().dump(presenters.question_data(question, participant))


@bp.get("/meetings/<id:meeting_id>/survey")
@document("The meeting's questionnaire (empty until officials define it)",
          response=schemas.SurveySchema)
@no_store
def get_survey(meeting_id):
    session = _session()
    meeting = _meeting(session, meeting_id, current_participant())
    return schemas.SurveySchema().dump({"meeting_id": meeting.id, "questions": [
        presenters.survey_question_data(q) for q in survey_ops.survey_of(session, meeting.id)]})


@bp.put("/meetings/<id:meeting_id>/survey")
@document("Define the questionnaire, replacing the one before; refused (409) once "
          "somebody has answered (organisers)", body=schemas.SurveyBodySchema,
          response=schemas.SurveySchema)
def define_survey(meeting_id):
    data = load(schemas.SurveyBodySchema, _json_body())
    questions = survey_ops.define_survey(_session(), current_participant(), meeting_id, **data)
    return schemas.SurveySchema().dump({"meeting_id": meeting_id, "questions": [
        presenters.survey_question_data(q) for q in questions]})


@bp.post("/meetings/<id:meeting_id>/survey/answers")
@document("Answer the survey, once (attendees)", body=schemas.SurveyAnswersBodySchema,
          response=schemas.SurveyAnsweredSchema, status=201)
def answer_survey(meeting_id):
    data = load(schemas.SurveyAnswersBodySchema, _json_body())
    answers = survey_ops.answer_survey(_session(), current_participant(), meeting_id, **data)
    return schemas.SurveyAnsweredSchema().dump({"meeting_id": meeting_id, "answers": answers}), 201


@bp.get("/meetings/<id:meeting_id>/survey/results")
@document("Aggregated answers per question; free text for organisers only",
          response=schemas.SurveyResultsSchema)
@no_store
def survey_results(meeting_id):
    results = survey_ops.survey_results(_session(), meeting_id, viewer=current_participant())
    return schemas.SurveyResultsSchema().dump(presenters.survey_results_data(meeting_id, results))


@bp.get("/meetings/<id:meeting_id>/survey/results.csv")
@document("The survey's results as CSV, UTF-8 with a BOM: a line per option or point "
          "of the scale, the averages, and the free text for organisers only",
          mimetype="text/csv")
def survey_results_csv(meeting_id):
    results = survey_ops.survey_results(_session(), meeting_id, viewer=current_participant())
    return _csv(csv_bytes(presenters.SURVEY_RESULT_COLUMNS,
                          presenters.survey_results_rows(results)),
                f"meeting-{meeting_id}-survey.csv")
