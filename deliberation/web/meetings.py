"""Pages of citizen meetings (시민간담회): the meeting with its programme and
registration, the live Q&A phones post to, the hall's big screen, the
organisers' check-in page, and the survey with its results."""

from flask import abort, flash, redirect, render_template, request, url_for

from ..api import meeting_presenters as presenters
from ..errors import DeliberationError, InvalidInput
from ..extension import current_participant
from ..i18n import gettext as _
from ..meetings import operations as meeting_ops
from ..meetings import qna
from ..meetings import registration as registration_ops
from ..meetings import survey as survey_ops
from ..meetings.operations import require_organiser
from ..meetings.states import SurveyKind
from ..stats import bar_chart
from .blueprint import _check_csrf, _session, bp, flat_messages, require_login
from .forms import CheckInFormSchema, LiveQuestionFormSchema


def _meeting(meeting_id):
    session = _session()
    participant = current_participant()
    meeting = meeting_ops.get_meeting(session, meeting_id, viewer=participant)
    return session, participant, meeting


@bp.get("/meetings/")
def meeting_list():
    items = meeting_ops.list_meetings(_session(), viewer=current_participant())
    return render_template("deliberation/meetings/list.html",
                           meetings=[presenters.meeting_summary(m) for m in items])


@bp.get("/meetings/<int:meeting_id>")
def meeting_detail(meeting_id):
    session, participant, meeting = _meeting(meeting_id)
    return render_template("deliberation/meetings/detail.html",
                           meeting=presenters.meeting_data(session, meeting, participant),
                           organiser=presenters.is_organiser(participant))


@bp.post("/meetings/<int:meeting_id>/register")
def meeting_register(meeting_id):
    _check_csrf()
    registration = registration_ops.register(_session(), require_login(), meeting_id)
    flash(_("You have a seat.") if registration.status == "confirmed"
          else _("The seats are taken: you are on the waitlist."), "success")
    return redirect(url_for(".meeting_detail", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/cancel")
def meeting_cancel(meeting_id):
    _check_csrf()
    registration_ops.cancel_registration(_session(), require_login(), meeting_id)
    flash(_("Your registration is cancelled."), "success")
    return redirect(url_for(".meeting_detail", meeting_id=meeting_id))


# -- live Q&A --


def render_qna(meeting_id, *, errors=None, form=None, status=200):
    session, participant, meeting = _meeting(meeting_id)
    version, items = qna.live_questions(session, meeting.id,
                                        include_hidden=presenters.is_organiser(participant))
    return render_template(
        "deliberation/meetings/qna.html", meeting=presenters.meeting_summary(meeting),
        version=version, questions=[presenters.question_data(q, participant) for q in items],
        organiser=presenters.is_organiser(participant), errors=errors or {},
        form=form or {}), status


@bp.get("/meetings/<int:meeting_id>/qna")
def meeting_qna(meeting_id):
    return render_qna(meeting_id)


@bp.post("/meetings/<int:meeting_id>/qna")
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


@bp.post("/meetings/<int:meeting_id>/qna/<int:question_id>/upvote")
def meeting_qna_upvote(meeting_id, question_id):
    _check_csrf()
    qna.upvote_question(_session(), require_login(), question_id)
    return redirect(url_for(".meeting_qna", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/qna/<int:question_id>/"
         "<any(hide, show, pin, unpin, answered, unanswered):act>")
def meeting_qna_moderate(meeting_id, question_id, act):
    _check_csrf()
    flags = {"hide": {"hidden": True}, "show": {"hidden": False}, "pin": {"pinned": True},
             "unpin": {"pinned": False}, "answered": {"answered": True},
             "unanswered": {"answered": False}}[act]
    qna.moderate_question(_session(), require_login(), question_id, **flags)
    return redirect(url_for(".meeting_qna", meeting_id=meeting_id))


@bp.get("/meetings/<int:meeting_id>/screen")
def meeting_screen(meeting_id):
    session, participant, meeting = _meeting(meeting_id)
    version, items = qna.big_screen(session, meeting.id)
    return render_template("deliberation/meetings/screen.html",
                           meeting=presenters.meeting_summary(meeting), version=version,
                           questions=[presenters.question_data(q, None) for q in items])


# -- at the door --


@bp.route("/meetings/<int:meeting_id>/check-in", methods=["GET", "POST"])
def meeting_check_in(meeting_id):
    participant = require_organiser(require_login())
    session = _session()
    meeting = meeting_ops.get_meeting(session, meeting_id, viewer=participant)
    checked, problem, status = None, None, 200
    if request.method == "POST":
        _check_csrf()
        form = CheckInFormSchema().load(request.form)
        try:
            checked = registration_ops.check_in(session, participant, meeting.id, form["code"])
        except DeliberationError as exc:
            problem, status = _(exc.message), exc.status
    return render_template(
        "deliberation/meetings/check_in.html", meeting=presenters.meeting_summary(meeting),
        checked=checked, problem=problem,
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


@bp.route("/meetings/<int:meeting_id>/survey", methods=["GET", "POST"])
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
    return render_template("deliberation/meetings/survey.html",
                           meeting=presenters.meeting_summary(meeting), questions=questions,
                           errors=errors, given=given), status


def _result_chart(number, item):
    question = item["question"]
    counts = item["counts"]
    return bar_chart(list(counts), list(counts.values()), chart_id=f"dl-survey-{number}",
                     label_every=1, width=480, title=question.prompt,
                     description=_("%(total)s answers. The table gives every number.",
                                   total=item["answered"]))


@bp.get("/meetings/<int:meeting_id>/survey/results")
def meeting_survey_results(meeting_id):
    participant = require_organiser(require_login())
    session = _session()
    meeting = meeting_ops.get_meeting(session, meeting_id, viewer=participant)
    results = survey_ops.survey_results(session, meeting.id, viewer=participant)
    charts = [(_result_chart(n, item) if item.get("counts") is not None else None)
              for n, item in enumerate(results["questions"], start=1)]
    return render_template("deliberation/meetings/results.html",
                           meeting=presenters.meeting_summary(meeting), results=results,
                           rows=list(zip(results["questions"], charts)))
