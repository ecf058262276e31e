"""Pages of citizen meetings (시민간담회): the meeting with its programme and
registration, the live Q&A phones post to, the hall's big screen, the
organisers' check-in page, and the survey with its results."""

from flask import abort, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from ..api import meeting_presenters as presenters
from ..debates.queries import debate_of_proposal
from ..errors import Conflict, DeliberationError, InvalidInput, NotFound
from ..extension import current_participant
from ..i18n import gettext as _
from ..meetings import operations as meeting_ops
from ..meetings import qna
from ..meetings import registration as registration_ops
from ..meetings import survey as survey_ops
from ..meetings.operations import require_organiser
from ..meetings.states import MeetingStatus, SurveyKind
from ..proposals.models import Proposal
from ..stats import bar_chart
from . import meeting_forms
from .blueprint import _check_csrf, _session, bp, flat_messages, require_login
from .forms import CheckInFormSchema, LiveQuestionFormSchema


def _meeting(meeting_id):
    session = _session()
    participant = current_participant()
    meeting = meeting_ops.get_meeting(session, meeting_id, viewer=participant)
    return session, participant, meeting


def _proposal_links(session, meeting):
    """(proposal, debate) the meeting belongs to, as {id, title}; None when none."""
    if meeting.proposal_id is None:
        return None, None
    proposal = session.get(Proposal, meeting.proposal_id)
    if proposal is None:
        return None, None
    debate = debate_of_proposal(session, proposal.id)
    return ({"id": proposal.id, "title": proposal.title},
            {"id": debate.id, "question": debate.question} if debate is not None else None)


@bp.get("/meetings/")
def meeting_list():
    participant = current_participant()
    meetings = [presenters.meeting_summary(m)
                for m in meeting_ops.list_meetings(_session(), viewer=participant)]
    # what one can still go to comes first; the record of past ones, newest first
    return render_template("deliberation/meetings/list.html",
                           meetings=[m for m in meetings if not m["over"]],
                           past=[m for m in reversed(meetings) if m["over"]],
                           organiser=presenters.is_organiser(participant))


@bp.get("/meetings/<id:meeting_id>")
def meeting_detail(meeting_id):
    session, participant, meeting = _meeting(meeting_id)
    proposal, debate = _proposal_links(session, meeting)
    return render_template("deliberation/meetings/detail.html",
                           meeting=presenters.meeting_data(session, meeting, participant),
                           organiser=presenters.is_organiser(participant),
                           proposal=proposal, debate=debate,
                           survey_responses=survey_ops.response_count(session, meeting.id))


# -- the organisers' forms --


def _split_errors(messages, rows_name):
    """Field messages for the page: the rows' own by row number, the rest flat."""
    messages = dict(messages or {})
    by_row, about_rows = meeting_forms.row_messages(messages.pop(rows_name, {}))
    errors = flat_messages(messages)
    if about_rows:
        errors[rows_name] = about_rows
    return errors, by_row


def _meeting_form(meeting_id=None):
    participant = require_organiser(require_login())
    session = _session()
    meeting = (meeting_ops.get_meeting(session, meeting_id, viewer=participant)
               if meeting_id is not None else None)
    if meeting is not None and meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("The meeting was cancelled.")
    if meeting is None:
        form = meeting_forms.meeting_form_values(proposal_id=request.args.get("proposal_id"))
        rows = []
    else:
        form = meeting_forms.meeting_form_values(meeting)
        rows = meeting_forms.programme_values(meeting_ops.programme_of(session, meeting.id))
    errors, row_errors, status = {}, {}, 200
    if request.method == "POST":
        _check_csrf()
        form = meeting_forms.typed_meeting_values(request.form)
        rows = meeting_forms.programme_rows(request.form)
        try:
            data = meeting_forms.MeetingFormSchema().load(request.form)
            if meeting is None:
                meeting = meeting_ops.create_meeting(session, participant, **data)
                message = _("The meeting is saved as a draft. Publish it when it is complete.")
            else:
                data.pop("proposal_id")  # a meeting stays with its proposal
                meeting_ops.edit_meeting(session, participant, meeting.id, **data)
                message = _("The meeting is updated.")
        except ValidationError as exc:
            (errors, row_errors), status = _split_errors(exc.messages, "programme"), 422
        except InvalidInput as exc:
            (errors, row_errors), status = _split_errors(exc.fields, "programme"), 422
            errors.setdefault("_", [exc.message])
        except NotFound as exc:
            if meeting is not None:
                raise
            errors, status = {"proposal_id": [exc.message]}, 422
        except Conflict as exc:
            errors, status = {"_": [exc.message]}, exc.status
        else:
            flash(message, "success")
            return redirect(url_for(".meeting_detail", meeting_id=meeting.id))
    return _render_meeting_form(meeting, form, rows, errors, row_errors, status)


def _render_meeting_form(meeting, form, rows, errors=None, row_errors=None, status=200):
    blank = [{key: "" for key in meeting_forms.PROGRAMME_FIELDS}] * meeting_forms.BLANK_ROWS
    return render_template(
        "deliberation/meetings/form.html", meeting=meeting, form=form, rows=rows + blank,
        errors=errors or {}, row_errors=row_errors or {}), status


@bp.route("/meetings/new", methods=["GET", "POST"])
def meeting_new():
    return _meeting_form()


@bp.route("/meetings/<id:meeting_id>/edit", methods=["GET", "POST"])
def meeting_edit(meeting_id):
    return _meeting_form(meeting_id)


@bp.post("/meetings/<id:meeting_id>/publish")
def meeting_publish(meeting_id):
    _check_csrf()
    participant = require_login()
    session = _session()
    try:
        meeting_ops.publish_meeting(session, participant, meeting_id)
    except InvalidInput as exc:
        # what is missing is marked on the edit form, where it can be filled in
        meeting = meeting_ops.get_meeting(session, meeting_id, viewer=participant)
        errors, row_errors = _split_errors(exc.fields, "programme")
        errors.setdefault("_", [exc.message])
        return _render_meeting_form(
            meeting, meeting_forms.meeting_form_values(meeting),
            meeting_forms.programme_values(meeting_ops.programme_of(session, meeting.id)),
            errors, row_errors, 422)
    flash(_("The meeting is published: registration is open."), "success")
    return redirect(url_for(".meeting_detail", meeting_id=meeting_id))


@bp.route("/meetings/<id:meeting_id>/cancel-meeting", methods=["GET", "POST"])
def meeting_call_off(meeting_id):
    """A page of its own: the reason, what will happen, and a confirmation."""
    participant = require_organiser(require_login())
    session = _session()
    meeting = meeting_ops.get_meeting(session, meeting_id, viewer=participant)
    form, errors, status = {"reason": ""}, {}, 200
    if request.method == "POST":
        _check_csrf()
        form = meeting_forms.CancelMeetingFormSchema().load(request.form)
        try:
            meeting_ops.cancel_meeting(session, participant, meeting.id, **form)
        except InvalidInput as exc:
            errors, status = flat_messages(exc.fields) or {"_": [exc.message]}, 422
        except Conflict as exc:
            errors, status = {"_": [exc.message]}, exc.status
        else:
            flash(_("The meeting is cancelled; its registrants will be told."), "success")
            return redirect(url_for(".meeting_detail", meeting_id=meeting.id))
    return render_template("deliberation/meetings/cancel.html",
                           meeting=presenters.meeting_summary(meeting), form=form,
                           errors=errors), status


@bp.post("/meetings/<id:meeting_id>/register")
def meeting_register(meeting_id):
    _check_csrf()
    registration = registration_ops.register(_session(), require_login(), meeting_id)
    flash(_("You have a seat.") if registration.status == "confirmed"
          else _("The seats are taken: you are on the waitlist."), "success")
    return redirect(url_for(".meeting_detail", meeting_id=meeting_id))


@bp.post("/meetings/<id:meeting_id>/cancel")
def meeting_cancel(meeting_id):
    _check_csrf()
    registration_ops.cancel_registration(_session(), require_login(), meeting_id)
    flash(_("Your registration is cancelled."), "success")
    return redirect(url_for(".meeting_detail", meeting_id=meeting_id))


# -- live Q&A --


def render_qna(meeting_id, *, errors=None, form=None, status=200):
    session, participant, meeting = _meeting(meeting_id)
    version, items = qna.live_questions(session, meeting.id, viewer=participant,
                                        include_hidden=presenters.is_organiser(participant))
    return render_template(
        "deliberation/meetings/qna.html", meeting=presenters.meeting_summary(meeting),
        version=version, questions=presenters.questions_data(session, items, participant),
        organiser=presenters.is_organiser(participant), errors=errors or {},
        form=form or {}), status


@bp.get("/meetings/<id:meeting_id>/qna")
def meeting_qna(meeting_id):
    return render_qna(meeting_id)


@bp.post("/meetings/<id:meeting_id>/qna")
def meeting_qna_post(meeting_id):
    _check_csrf()
    participant = require_login()
    form = LiveQuestionFormSchema().load(request.form)
    try:
        qna.post_question(_session(), participant, meeting_id, **form)
    except InvalidInput as exc:
        return render_qna(meeting_id, errors=flat_messages(exc.fields) or {"_": [exc.message]},
                          form=form, status=422)
    flash(_("Your question is posted."), "success")
    return redirect(url_for(".meeting_qna", meeting_id=meeting_id))


@bp.post("/meetings/<id:meeting_id>/qna/<id:question_id>/upvote")
def meeting_qna_upvote(meeting_id, question_id):
    _check_csrf()
    qna.upvote_question(_session(), require_login(), question_id)
    return redirect(url_for(".meeting_qna", meeting_id=meeting_id))


@bp.post("/meetings/<id:meeting_id>/qna/<id:question_id>/"
         "<any(hide, show, pin, unpin, answered, unanswered):act>")
def meeting_qna_moderate(meeting_id, question_id, act):
    _check_csrf()
    flags = {"hide": {"hidden": True}, "show": {"hidden": False}, "pin": {"pinned": True},
             "unpin": {"pinned": False}, "answered": {"answered": True},
             "unanswered": {"answered": False}}[act]
    qna.moderate_question(_session(), require_login(), question_id, **flags)
    return redirect(url_for(".meeting_qna", meeting_id=meeting_id))


@bp.get("/meetings/<id:meeting_id>/screen")
def meeting_screen(meeting_id):
    session, participant, meeting = _meeting(meeting_id)
    version, items = qna.big_screen(session, meeting.id, viewer=participant)
    return render_template("deliberation/meetings/screen.html",
                           meeting=presenters.meeting_summary(meeting), version=version,
                           questions=[presenters.question_data(q, None) for q in items])


# -- at the door --


@bp.route("/meetings/<id:meeting_id>/check-in", methods=["GET", "POST"])
def meeting_check_in(meeting_id):
    participant = require_organiser(require_login())
    session = _session()
    meeting = meeting_ops.get_meeting(session, meeting_id, viewer=participant)
    checked, already, problem, status = None, False, None, 200
    if request.method == "POST":
        _check_csrf()
        form = CheckInFormSchema().load(request.form)
        try:
            checked, already = registration_ops.check_in(session, participant, meeting.id,
                                                         form["code"])
        except DeliberationError as exc:
            problem, status = _(exc.message), exc.status
    return render_template(
        "deliberation/meetings/check_in.html", meeting=presenters.meeting_summary(meeting),
        checked=checked, already=already, problem=problem,
        counts=registration_ops.attendance(session, participant, meeting.id)), status


# -- survey --


def _answers_from(form, questions):
    answers = {}
    for question in questions:
        name = f"q{question.id}"
        if question.kind == SurveyKind.MULTIPLE:
            answers[str(question.id)] = form.getlist(name)
        else:
            answers[str(question.id)] = form.get(name, "")
    return answers


@bp.route("/meetings/<id:meeting_id>/survey", methods=["GET", "POST"])
def meeting_survey(meeting_id):
    session, participant, meeting = _meeting(meeting_id)
    questions = survey_ops.survey_of(session, meeting.id)
    if not questions:
        abort(404)
    errors, given, status = {}, {}, 200
    if request.method == "POST":
        _check_csrf()
        participant = require_login()
        given = _answers_from(request.form, questions)
        try:
            survey_ops.answer_survey(session, participant, meeting.id, answers=given)
        except InvalidInput as exc:
            errors, status = flat_messages(exc.fields) or {"_": [exc.message]}, 422
        else:
            flash(_("Thank you for answering the survey."), "success")
            return redirect(url_for(".meeting_detail", meeting_id=meeting.id))
    # the form only for whom answering will work; the others are told why
    return render_template("deliberation/meetings/survey.html",
                           meeting=presenters.meeting_summary(meeting), questions=questions,
                           errors=errors, given=given,
                           confirmed=registration_ops.has_confirmed_seat(
                               session, participant, meeting.id),
                           answered=survey_ops.has_answered(session, participant, meeting.id)
                           ), status


def _result_chart(number, item):
    question = item["question"]
    counts = item["counts"]
    return bar_chart(list(counts), list(counts.values()), chart_id=f"dl-survey-{number}",
                     label_every=1, width=480, title=question.prompt,
                     description=_("%(total)s answers. The table gives every number.",
                                   total=item["answered"]))


@bp.get("/meetings/<id:meeting_id>/survey/results")
def meeting_survey_results(meeting_id):
    """Public, as the API's: the counts for everyone, free text for organisers."""
    session, participant, meeting = _meeting(meeting_id)
    results = survey_ops.survey_results(session, meeting.id, viewer=participant)
    charts = [(_result_chart(n, item) if item.get("counts") is not None else None)
              for n, item in enumerate(results["questions"], start=1)]
    return render_template("deliberation/meetings/results.html",
                           meeting=presenters.meeting_summary(meeting), results=results,
                           rows=list(zip(results["questions"], charts)))


@bp.route("/meetings/<id:meeting_id>/survey/edit", methods=["GET", "POST"])
def meeting_survey_edit(meeting_id):
    participant = require_organiser(require_login())
    session = _session()
    meeting = meeting_ops.get_meeting(session, meeting_id, viewer=participant)
    rows = meeting_forms.survey_values(survey_ops.survey_of(session, meeting.id))
    errors, row_errors, status = {}, {}, 200
    if request.method == "POST":
        _check_csrf()
        rows = meeting_forms.survey_rows(request.form)
        try:
            data = meeting_forms.SurveyFormSchema().load(request.form)
            survey_ops.define_survey(session, participant, meeting.id, **data)
        except ValidationError as exc:
            errors, status = flat_messages(exc.messages.get("_schema", exc.messages)), 422
        except InvalidInput as exc:
            (errors, row_errors), status = _split_errors(exc.fields, "questions"), 422
            errors.setdefault("_", [exc.message])
        except Conflict as exc:
            # answered already, or the meeting was cancelled: the form stays as it was
            errors, status = {"_": [exc.message]}, exc.status
        else:
            flash(_("The survey is saved."), "success")
            return redirect(url_for(".meeting_detail", meeting_id=meeting.id))
    blank = {"kind": str(SurveyKind.SINGLE), "prompt": "", "options": "", "required": True}
    return render_template(
        "deliberation/meetings/survey_form.html", meeting=presenters.meeting_summary(meeting),
        rows=rows + [blank] * meeting_forms.BLANK_ROWS, kinds=list(SurveyKind),
        errors=errors, row_errors=row_errors), status
