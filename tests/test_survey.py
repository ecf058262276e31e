"""The meeting's survey (설문지): defined by organisers until the first answer,
answered once by confirmed registrants with per-kind validation, aggregated
for everyone with free text for organisers only."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import (
    Conflict, InvalidInput, NotAuthenticated, NotFound, Participant, PermissionDenied, Role,
    SurveyQuestion, SurveyResponse, WrongState,
)
from deliberation.meetings.operations import create_meeting, publish_meeting
from deliberation.meetings.registration import cancel_registration, register
from deliberation.meetings.survey import (
    TEXT_ANSWER_MAX, answer_survey, define_survey, survey_of, survey_results,
)
from tests.conftest import START, citizen

OFFICIAL = Participant(id="official", roles={Role.DEPARTMENT_OFFICIAL}, department="health")
MAYOR_OFFICE = Participant(id="mayor", roles={Role.MAYOR_OFFICE})
ADMIN = Participant(id="admin", roles={Role.ADMIN, Role.CITIZEN})
COMMITTEE = Participant(id="committee", roles={Role.AGENDA_COMMITTEE, Role.CITIZEN})

STARTS = START + timedelta(days=20)

HOW_HEARD = ["홈페이지", "SNS", "난임 커뮤니티", "이메일"]
#: the 설문지 of the 2019 meeting, in the kinds the package offers
QUESTIONS = [
    {"kind": "single", "prompt": "How did you hear about the meeting?", "options": HOW_HEARD},
    {"kind": "multiple", "prompt": "Which parts helped you?",
     "options": ["Video", "City answer", "Panel", "Flow talk"]},
    {"kind": "scale", "prompt": "How satisfied are you (1-5)?"},
    {"kind": "text", "prompt": "Anything else?", "required": False},
]


def answers(survey, single="SNS", multiple=("Panel",), scale=4, text=None):
    ids = [str(q.id) for q in survey]
    given = {ids[0]: single, ids[1]: list(multiple), ids[2]: scale}
    if text is not None:
        given[ids[3]] = text
    return given


def responses(session):
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse))


@pytest.fixture
def meeting(session):
    """Published; c1-c3 confirmed, c4 waitlisted, c5 cancelled."""
    meeting = create_meeting(session, OFFICIAL, title="Citizen meeting on injections",
                             venue="City hall, room 3", starts_at=STARTS,
                             ends_at=STARTS + timedelta(hours=1),
                             registration_deadline=STARTS - timedelta(days=1), capacity=4)
    publish_meeting(session, OFFICIAL, meeting.id)
    for n in (1, 2, 3, 5, 4):
        register(session, citizen(n), meeting.id)
    cancel_registration(session, citizen(5), meeting.id)
    register(session, citizen(6), meeting.id)  # c4 took c5's seat; c6 waits
    return meeting


@pytest.fixture
def survey(session, meeting, clock):
    """Defined ahead; the clock then at the meeting's start, when answers open."""
    defined = define_survey(session, OFFICIAL, meeting.id, questions=QUESTIONS)
    clock.set(STARTS)
    return defined


# -- defining --------------------------------------------------------------------------------


@pytest.mark.parametrize("organiser", [ADMIN, MAYOR_OFFICE, OFFICIAL], ids=lambda p: p.id)
def test_organiser_defines_the_questionnaire_in_order_when_valid(session, meeting, organiser):
    defined = define_survey(session, organiser, meeting.id, questions=QUESTIONS)
    assert [(q.position, q.kind, q.options, q.required) for q in defined] == [
        (1, "single", HOW_HEARD, True),
        (2, "multiple", ["Video", "City answer", "Panel", "Flow talk"], True),
        (3, "scale", [], True),
        (4, "text", [], False)]


def test_organiser_defines_a_survey_when_the_meeting_is_still_a_draft(session):
    draft = create_meeting(session, OFFICIAL, title="A meeting still being planned")
    assert len(define_survey(session, OFFICIAL, draft.id, questions=QUESTIONS)) == 4


def test_redefining_replaces_the_questions_when_nobody_answered_yet(session, meeting, survey):
    again = define_survey(session, MAYOR_OFFICE, meeting.id, questions=QUESTIONS[2:])
    assert [q.kind for q in again] == ["scale", "text"]
    assert [q.kind for q in survey_of(session, meeting.id)] == ["scale", "text"]


def test_redefining_is_refused_when_someone_has_answered(session, meeting, survey):
    answer_survey(session, citizen(1), meeting.id, answers=answers(survey))
    with pytest.raises(Conflict):
        define_survey(session, OFFICIAL, meeting.id, questions=QUESTIONS[:1])
    assert [q.id for q in survey_of(session, meeting.id)] == [q.id for q in survey]


@pytest.mark.parametrize("actor, error", [
    (citizen(1), PermissionDenied), (COMMITTEE, PermissionDenied), (None, NotAuthenticated)])
def test_defining_is_refused_when_the_actor_is_not_an_organiser(session, meeting, actor, error):
    with pytest.raises(error):
        define_survey(session, actor, meeting.id, questions=QUESTIONS)
    assert survey_of(session, meeting.id) == []


def test_defining_is_refused_when_the_meeting_does_not_exist(session):
    with pytest.raises(NotFound):
        define_survey(session, OFFICIAL, 4242, questions=QUESTIONS)


@pytest.mark.parametrize("question, message", [
    ({"kind": "single", "prompt": "Pick one", "options": ["Only"]},
     "A choice needs at least two options."),
    ({"kind": "multiple", "prompt": "Pick some", "options": []},
     "A choice needs at least two options."),
    ({"kind": "single", "prompt": "Pick one", "options": ["Same", "Same"]},
     "Options must differ."),
    ({"kind": "scale", "prompt": "How much?", "options": ["1", "2"]},
     "Only choices have options."),
    ({"kind": "text", "prompt": "Tell us", "options": ["a", "b"]},
     "Only choices have options."),
], ids=["single with one option", "multiple with none", "repeated options",
        "scale with options", "text with options"])
def test_defining_is_refused_when_the_options_do_not_fit_the_kind(
        session, meeting, question, message):
    with pytest.raises(InvalidInput) as caught:
        define_survey(session, OFFICIAL, meeting.id, questions=[question])
    assert caught.value.fields == {"questions": {0: {"options": [message]}}}
    assert survey_of(session, meeting.id) == []


@pytest.mark.parametrize("question, field", [
    ({"kind": "ranking", "prompt": "Rank them"}, "kind"),
    ({"prompt": "No kind"}, "kind"),
    ({"kind": "text", "prompt": "   "}, "prompt"),
    ({"kind": "text", "prompt": "x" * 301}, "prompt"),
    ({"kind": "single", "prompt": "Pick", "options": ["ok", "  "]}, "options"),
], ids=["unknown kind", "no kind", "blank prompt", "long prompt", "blank option"])
def test_defining_is_refused_when_a_question_is_malformed(session, meeting, question, field):
    with pytest.raises(InvalidInput) as caught:
        define_survey(session, OFFICIAL, meeting.id, questions=[QUESTIONS[0], question])
    assert list(caught.value.fields["questions"]) == [1]
    assert list(caught.value.fields["questions"][1]) == [field]
    assert survey_of(session, meeting.id) == []


@pytest.mark.parametrize("questions", [[], [QUESTIONS[2]] * 31], ids=["none", "31"])
def test_defining_is_refused_when_the_number_of_questions_is_out_of_range(
        session, meeting, questions):
    with pytest.raises(InvalidInput) as caught:
        define_survey(session, OFFICIAL, meeting.id, questions=questions)
    assert list(caught.value.fields) == ["questions"]


# -- answering ------------------------------------------------------------------------------


def test_confirmed_registrant_answers_once_when_everything_is_valid(session, meeting, survey):
    ids = [str(q.id) for q in survey]
    cleaned = answer_survey(session, citizen(1), meeting.id,
                            answers=answers(survey, text="  More clinics, please.  "))
    assert cleaned == {ids[0]: "SNS", ids[1]: ["Panel"], ids[2]: 4,
                       ids[3]: "More clinics, please."}
    with pytest.raises(Conflict):
        answer_survey(session, citizen(1), meeting.id, answers=answers(survey, scale=1))
    assert responses(session) == 1
    assert survey_results(session, meeting.id)["questions"][2]["counts"][4] == 1


def test_promoted_person_answers_when_a_cancellation_gave_them_a_seat(session, meeting, survey):
    answer_survey(session, citizen(4), meeting.id, answers=answers(survey))
    assert responses(session) == 1


@pytest.mark.parametrize("n", [5, 6, 9], ids=["cancelled", "waitlisted", "not registered"])
def test_answering_is_refused_when_the_person_has_no_seat(session, meeting, survey, n):
    with pytest.raises(PermissionDenied):
        answer_survey(session, citizen(n), meeting.id, answers=answers(survey))
    assert responses(session) == 0


@pytest.mark.parametrize("person, error", [
    (None, NotAuthenticated), (OFFICIAL, PermissionDenied)])
def test_answering_is_refused_when_the_person_is_not_a_citizen(
        session, meeting, survey, person, error):
    with pytest.raises(error):
        answer_survey(session, person, meeting.id, answers=answers(survey))


def test_answering_is_refused_when_the_meeting_is_a_draft(session):
    draft = create_meeting(session, OFFICIAL, title="A meeting still being planned")
    define_survey(session, OFFICIAL, draft.id, questions=QUESTIONS)
    with pytest.raises(NotFound):
        answer_survey(session, citizen(1), draft.id, answers={})


def test_answering_is_refused_when_no_survey_was_defined(session, meeting):
    with pytest.raises(WrongState):
        answer_survey(session, citizen(1), meeting.id, answers={})
    assert responses(session) == 0
    # so officials can still define it afterwards
    assert len(define_survey(session, OFFICIAL, meeting.id, questions=QUESTIONS)) == 4


@pytest.mark.parametrize("position, value, message", [
    (0, "Radio", "Choose one of the options."),
    (0, ["SNS"], "Choose one of the options."),
    (0, "sns", "Choose one of the options."),
    (1, "Panel", "Choose one or more of the options."),
    (1, ["Panel", "Dancing"], "Choose one or more of the options."),
    (2, 0, "Choose a number from 1 to 5."),
    (2, 6, "Choose a number from 1 to 5."),
    (2, "x", "Choose a number from 1 to 5."),
    (2, True, "Choose a number from 1 to 5."),
    (2, 3.5, "Choose a number from 1 to 5."),
    (2, "-1", "Choose a number from 1 to 5."),
    (3, "   ", "Must not be blank."),
    (3, 42, "Must not be blank."),
    (3, "x" * (TEXT_ANSWER_MAX + 1), f"Longer than maximum length {TEXT_ANSWER_MAX}."),
], ids=["single not an option", "single as a list", "single in the wrong case",
        "multiple not a list", "multiple with an unknown option", "scale 0", "scale 6",
        "scale x", "scale True", "scale 3.5", "scale -1", "text blank", "text a number",
        "text too long"])
def test_answering_is_refused_naming_the_question_when_an_answer_does_not_fit_its_kind(
        session, meeting, survey, position, value, message):
    given = answers(survey)
    given[str(survey[position].id)] = value
    with pytest.raises(InvalidInput) as caught:
        answer_survey(session, citizen(1), meeting.id, answers=given)
    assert caught.value.fields == {str(survey[position].id): [message]}
    assert responses(session) == 0


@pytest.mark.parametrize("position", [0, 1, 2])
@pytest.mark.parametrize("empty", [None, "", []], ids=["None", "empty string", "empty list"])
def test_answering_is_refused_when_a_required_answer_is_missing_or_empty(
        session, meeting, survey, position, empty):
    given = answers(survey)
    given[str(survey[position].id)] = empty
    with pytest.raises(InvalidInput) as caught:
        answer_survey(session, citizen(1), meeting.id, answers=given)
    assert caught.value.fields == {str(survey[position].id): ["An answer is required."]}
    assert responses(session) == 0


def test_every_problem_is_named_at_once_when_several_answers_are_wrong(session, meeting, survey):
    with pytest.raises(InvalidInput) as caught:
        answer_survey(session, citizen(1), meeting.id, answers={
            survey[0].id: "Radio", survey[2].id: 9, 99999: "stray"})
    assert caught.value.fields == {
        str(survey[0].id): ["Choose one of the options."],
        str(survey[1].id): ["An answer is required."],
        str(survey[2].id): ["Choose a number from 1 to 5."],
        "99999": ["Not a question of this survey."]}


def test_answering_is_refused_when_it_names_a_question_of_another_meeting(
        session, meeting, survey):
    other = create_meeting(session, OFFICIAL, title="Another citizen meeting")
    foreign = define_survey(session, OFFICIAL, other.id, questions=QUESTIONS[2:3])
    given = answers(survey)
    given[str(foreign[0].id)] = 5
    with pytest.raises(InvalidInput) as caught:
        answer_survey(session, citizen(1), meeting.id, answers=given)
    assert caught.value.fields == {str(foreign[0].id): ["Not a question of this survey."]}


@pytest.mark.parametrize("given", [["SNS"], "SNS", None])
def test_answering_is_refused_when_the_answers_are_not_a_mapping(session, meeting, survey, given):
    with pytest.raises(InvalidInput) as caught:
        answer_survey(session, citizen(1), meeting.id, answers=given)
    assert caught.value.fields == {"answers": ["Not a mapping."]}


def test_optional_question_may_be_left_out_when_answering(session, meeting, survey):
    cleaned = answer_survey(session, citizen(1), meeting.id, answers=answers(survey))
    assert str(survey[3].id) not in cleaned


def test_answers_are_normalised_when_keys_are_ints_and_choices_repeat(session, meeting, survey):
    ids = [str(q.id) for q in survey]
    cleaned = answer_survey(session, citizen(1), meeting.id, answers={
        survey[0].id: "이메일", survey[1].id: ["Flow talk", "Video", "Flow talk"],
        survey[2].id: "5"})
    assert cleaned == {ids[0]: "이메일", ids[1]: ["Video", "Flow talk"], ids[2]: 5}


def test_exactly_the_longest_text_is_accepted_when_answering(session, meeting, survey):
    cleaned = answer_survey(session, citizen(1), meeting.id,
                            answers=answers(survey, text="가" * TEXT_ANSWER_MAX))
    assert len(cleaned[str(survey[3].id)]) == TEXT_ANSWER_MAX


# -- results -------------------------------------------------------------------------------


@pytest.fixture
def answered(session, meeting, survey):
    answer_survey(session, citizen(1), meeting.id, answers=answers(
        survey, single="SNS", multiple=("Panel", "Flow talk"), scale=5, text="Thank you."))
    answer_survey(session, citizen(2), meeting.id, answers=answers(
        survey, single="SNS", multiple=("Panel",), scale=4))
    answer_survey(session, citizen(3), meeting.id, answers=answers(
        survey, single="홈페이지", multiple=("Video",), scale=4, text="More clinics."))
    return survey


def test_results_count_each_option_and_the_scale_when_people_answered(session, meeting, answered):
    results = survey_results(session, meeting.id, viewer=citizen(9))
    assert results["responses"] == 3
    single, multiple, scale, text = results["questions"]
    assert (single["answered"], single["counts"]) == (
        3, {"홈페이지": 1, "SNS": 2, "난임 커뮤니티": 0, "이메일": 0})
    assert multiple["counts"] == {"Video": 1, "City answer": 0, "Panel": 2, "Flow talk": 1}
    assert (scale["counts"], scale["average"]) == ({1: 0, 2: 0, 3: 0, 4: 2, 5: 1}, 4.33)
    assert text["answered"] == 2


@pytest.mark.parametrize("viewer", [None, citizen(1), COMMITTEE], ids=["nobody", "an attendee",
                                                                      "committee"])
def test_free_text_is_withheld_when_the_viewer_is_not_an_organiser(
        session, meeting, answered, viewer):
    text = survey_results(session, meeting.id, viewer=viewer)["questions"][3]
    assert text["texts"] is None


@pytest.mark.parametrize("organiser", [ADMIN, MAYOR_OFFICE, OFFICIAL], ids=lambda p: p.id)
def test_free_text_is_listed_when_an_organiser_looks(session, meeting, answered, organiser):
    text = survey_results(session, meeting.id, viewer=organiser)["questions"][3]
    assert sorted(text["texts"]) == ["More clinics.", "Thank you."]


def test_results_are_empty_with_no_average_when_nobody_answered(session, meeting, survey):
    results = survey_results(session, meeting.id)
    assert results["responses"] == 0
    assert results["questions"][0]["counts"] == dict.fromkeys(HOW_HEARD, 0)
    assert results["questions"][2]["average"] is None


def test_results_are_not_found_when_a_citizen_asks_about_a_draft(session):
    draft = create_meeting(session, OFFICIAL, title="A meeting still being planned")
    define_survey(session, OFFICIAL, draft.id, questions=QUESTIONS)
    with pytest.raises(NotFound):
        survey_results(session, draft.id, viewer=citizen(1))
    assert survey_results(session, draft.id, viewer=OFFICIAL)["responses"] == 0


def test_stored_question_rows_match_the_definition_when_defined(session, meeting, survey):
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(SurveyQuestion).where(
        SurveyQuestion.meeting_id == meeting.id)) == len(QUESTIONS)


def test_answering_is_refused_when_the_meeting_has_not_begun(session, meeting, survey, clock):
    clock.set(STARTS - timedelta(seconds=1))
    with pytest.raises(WrongState) as caught:
        answer_survey(session, citizen(1), meeting.id, answers=answers(survey))
    assert caught.value.message == "The survey opens when the meeting begins."
    assert responses(session) == 0


def test_has_answered_tells_who_answered_when_one_of_two_did(session, meeting, survey):
    from deliberation.meetings.survey import has_answered
    answer_survey(session, citizen(1), meeting.id, answers=answers(survey))
    assert [has_answered(session, who, meeting.id) for who in (citizen(1), citizen(2), None)] == [
        True, False, False]
