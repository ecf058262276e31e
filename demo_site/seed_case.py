"""The real case, replayed on its real dates: the infertility-injection
proposal of 2018-01-19, its department answer, the agenda committee's
decision, the debate of 2018-12-14 to 2019-01-13, the citizen meeting of
2019-03-26 (kept as an archive: seats, live questions, survey) and the
mayor's answer. Facts from /docs/DOMAIN.md and the approval document of
2019-03-20; what the public record does not give (the answers' wording, who
asked what) is written for the demo and says so."""

from datetime import datetime, timedelta

from deliberation.committee import CommitteeChoice, decide_on_proposal
from deliberation.debates.operations import edit_debate
from deliberation.debates.queries import debate_of_proposal
from deliberation.debates.states import Stance
from deliberation.meetings.operations import edit_meeting, meeting_of_proposal, publish_meeting
from deliberation.meetings.qna import moderate_question, post_question, upvote_question
from deliberation.meetings.registration import register
from deliberation.meetings.survey import answer_survey, define_survey
from deliberation.proposals.states import ProposalState
from deliberation.responses.operations import assign_department, record_answer
from deliberation.responses.states import Decision
from deliberation.threshold import Metric, Step

from .seed_rows import KST, add_ballots, add_proposal, reach, settings, spread, synthetic

CASE_TITLE = "동네 보건소에서 난임 주사 맞게 해주세요"
CASE_BODY = """난임 시술을 받는 동안에는 정해진 시간에 맞춰 매일 주사를 맞아야 합니다. 직장에 다니면서 멀리 있는 난임 병원까지 날마다 오가기는 너무 어렵습니다.
가까운 동네 보건소에서 난임 주사를 맞을 수 있게 해주세요. 처방은 병원에서 받고, 주사만 보건소에서 맞을 수 있으면 시간과 비용을 크게 줄일 수 있습니다.
(시연용 요약입니다. 실제 제안과 공감 수를 바탕으로 했으며 참여자는 가상입니다.)"""
CASE_DEPARTMENT = "건강증진과"
CASE_PUBLISHED = datetime(2018, 1, 19, 10, 12, tzinfo=KST)
CASE_AGREEMENTS = 5252
#: believable moments for what the public record dates only roughly
CASE_DEPARTMENT_STEP = datetime(2018, 1, 23, 14, 5, tzinfo=KST)
CASE_ASSIGNED = datetime(2018, 1, 24, 9, 30, tzinfo=KST)
CASE_DEPARTMENT_ANSWERED = datetime(2018, 2, 20, 16, 0, tzinfo=KST)
CASE_COMMITTEE_STEP = datetime(2018, 2, 9, 21, 40, tzinfo=KST)
CASE_LAST_AGREEMENT = datetime(2018, 12, 13, 23, 0, tzinfo=KST)
#: seven days of preparation before the debate opens on 2018-12-14
CASE_COMMITTEE_DECIDED = datetime(2018, 12, 7, 0, 0, tzinfo=KST)

#: the citizen debate on the case, 2018-12-14 to 2019-01-13 (inclusive)
CASE_DEBATE_QUESTION = "보건소에서도 난임 주사를 맞을 수 있다면 어떨까요?"
CASE_DEBATE_STARTS = datetime(2018, 12, 14, 0, 0, tzinfo=KST)
CASE_DEBATE_ENDS = datetime(2019, 1, 13, 23, 59, 59, tzinfo=KST)
#: 5,259 ballots, 5,115 of them pro; how the rest split is made up for the demo
CASE_BALLOTS = {Stance.PRO: 5115, Stance.CON: 96, Stance.OTHER: 48}
OPINIONS = {
    Stance.PRO: ("매일 먼 병원에 다니지 않아도 되면 일과 치료를 함께 할 수 있습니다.",
                 "보건소 간호사분들이 충분히 하실 수 있는 일이라고 생각합니다.",
                 "저출생 대책으로 꼭 필요합니다."),
    Stance.CON: ("보건소 인력이 부족해 다른 업무가 밀릴까 걱정됩니다.",),
    Stance.OTHER: ("시범 사업으로 먼저 해 보고 넓히면 좋겠습니다.",),
}

#: the citizen meeting as the approval document of 2019-03-20 plans it
ARCHIVE_MEETING_TITLE = "2019 민주주의 서울 시민토론 난임편 시민간담회"
ARCHIVE_PLANNED = datetime(2019, 3, 20, 10, 0, tzinfo=KST)
ARCHIVE_STARTS = datetime(2019, 3, 26, 19, 0, tzinfo=KST)
ARCHIVE_ENDS = datetime(2019, 3, 26, 20, 0, tzinfo=KST)
ARCHIVE_DEADLINE = datetime(2019, 3, 25, 12, 0, tzinfo=KST)
ARCHIVE_VENUE = "사랑의열매회관 지하1층 대강당"
ARCHIVE_AUDIENCE = "난임 관련자 및 관심 있는 시민 등 100여 명 (선착순)"
ARCHIVE_SEATS = 100
#: registrations beyond the seats wait
ARCHIVE_REGISTERED = 112
ARCHIVE_SURVEY_ANSWERS = 41


def programme(starts):
    """The running order of the 2019 meeting, as minutes around ``starts``."""
    at = lambda minutes: (starts + timedelta(minutes=minutes)).isoformat()  # noqa: E731
    return [
        {"ends_at": at(0), "title": "입장", "note": "행사 시작 안내 (사회자)"},
        {"starts_at": at(0), "ends_at": at(5), "title": "민주주의 서울 소개와 경과 보고 영상",
         "note": "시민제안 과정, 난임 주사 제안 배경과 토론 경과"},
        {"starts_at": at(5), "ends_at": at(20), "title": "서울시 답변",
         "note": "서울시 난임 지원 정책 방향과 제안에 대한 답변"},
        {"starts_at": at(20), "ends_at": at(40), "title": "패널 발표"},
        {"starts_at": at(40), "ends_at": at(60), "title": "플로우 토크와 질의응답",
         "note": "스마트폰 실시간 댓글로 참여"},
    ]


SURVEY = [
    {"kind": "scale", "prompt": "오늘 간담회는 얼마나 도움이 되었나요? (1~5)"},
    {"kind": "single", "prompt": "간담회 소식을 어디에서 들으셨나요?",
     "options": ["민주주의 서울 누리집", "서울시 누리집", "사회관계망(SNS)", "난임 커뮤니티",
                 "전자우편 안내"]},
    {"kind": "multiple", "prompt": "서울시 난임 지원에서 가장 필요한 것을 골라 주세요.",
     "options": ["보건소 난임 주사", "동네 의원 난임 주사", "시립병원 난임센터", "시술비 지원"]},
    {"kind": "text", "prompt": "서울시에 하고 싶은 말", "required": False},
]

#: what the hall asked from their phones (written for the demo)
ARCHIVE_QUESTIONS = (
    "보건소 주사는 언제부터, 어느 구에서 먼저 시작하나요?",
    "주말이나 퇴근 뒤에도 주사를 맞을 수 있나요?",
    "동네 의원에서 맞을 때도 비용 부담이 같은가요?",
    "시립병원 난임센터는 어디에 생기나요?",
    "남성 난임 검사도 지원 대상에 들어가나요?",
    "시술비 지원의 소득 기준을 없애 주세요.",
)

DEPARTMENT_ANSWER = """제안해 주신 내용에 공감합니다. 난임 시술 중 매일 맞아야 하는 주사 때문에 직장과 치료를 함께 하기 어렵다는 점을 잘 알고 있습니다.

보건소에서 주사를 놓으려면 처방 병원과의 연계, 응급 상황 대응, 약품 보관 기준을 먼저 마련해야 합니다. 자치구 보건소, 서울특별시의사회와 함께 방법을 검토하겠습니다.

(시연용 답변입니다. 실제 답변의 문구가 아닙니다.)"""

MAYOR_ANSWER = """시민 5,259분이 토론에 참여해 주셨고, 그중 5,115분이 찬성해 주셨습니다. 서울시는 다음 세 가지를 약속합니다.

1. **보건소에서 난임 주사를 맞을 수 있게 하겠습니다.**
2. **서울특별시의사회와 협력해 동네 의원에서도 난임 주사를 맞을 수 있게 하겠습니다.**
3. **시립병원에 난임센터를 두겠습니다.**

2019년 3월 26일 시민간담회에서 참여 시민과 함께 이 답변을 나누었습니다. 답변 영상도 함께 보실 수 있습니다.

(시연용 요약입니다. 약속의 내용은 공개된 보도를 따랐고, 문구는 시연을 위해 썼습니다.)"""
MAYOR_ANSWERED = datetime(2019, 3, 27, 10, 0, tzinfo=KST)
#: a clearly synthetic address: the demo links to no real video
MAYOR_VIDEO = "https://video.demo.example/2019-03-mayor-answer-infertility"


def seed_case(session, clock, *, official, mayor, committee, admin):
    """Replay the case through the package's services; returns the proposal."""
    case = add_proposal(
        session, title=CASE_TITLE, body=CASE_BODY, category="health",
        published_at=CASE_PUBLISHED, author=("synthetic-author-1", "가상 시민 (난임 당사자)"),
        agreement_times=spread(CASE_AGREEMENTS, [
            (50, CASE_PUBLISHED, CASE_DEPARTMENT_STEP),
            (450, CASE_DEPARTMENT_STEP, CASE_COMMITTEE_STEP),
            (CASE_AGREEMENTS, CASE_COMMITTEE_STEP, CASE_LAST_AGREEMENT)]))
    case.closes_at = CASE_PUBLISHED + timedelta(days=30)
    session.commit()
    reach(session, clock, case, Metric.AGREEMENTS, 50, CASE_DEPARTMENT_STEP,
          since=CASE_PUBLISHED)
    clock.set(CASE_ASSIGNED)
    assign_department(session, admin, case.id, department=CASE_DEPARTMENT)
    reach(session, clock, case, Metric.AGREEMENTS, 500, CASE_COMMITTEE_STEP,
          since=CASE_PUBLISHED)
    clock.set(CASE_DEPARTMENT_ANSWERED)
    record_answer(session, official, case.id, Step.DEPARTMENT_ANSWER,
                  decision=str(Decision.UNDER_REVIEW), body=DEPARTMENT_ANSWER)

    clock.set(CASE_COMMITTEE_DECIDED)
    decide_on_proposal(
        session, committee, case.id, decision=str(CommitteeChoice.OPEN_DEBATE),
        debate_question=CASE_DEBATE_QUESTION,
        reason="공감이 500개를 넘었고, 난임 지원은 많은 시민이 함께 이야기할 만한 주제입니다.")
    debate = debate_of_proposal(session, case.id)
    edit_debate(
        session, admin, debate.id, ends_at=CASE_DEBATE_ENDS.isoformat(),
        background="난임 시술 중에는 날마다 정해진 시간에 주사를 맞아야 합니다. "
                   "처방은 병원에서 받고 주사만 가까운 보건소에서 맞을 수 있게 할지 묻습니다.",
        arguments_pro="직장과 치료를 함께 할 수 있고 오가는 시간과 비용이 줄어듭니다.",
        arguments_con="보건소의 인력과 응급 대응 준비가 먼저 필요합니다.")
    moments = add_ballots(session, debate, CASE_BALLOTS, OPINIONS, until=CASE_DEBATE_ENDS)
    mayor_step = settings().ladder.rule_for(Step.MAYOR_ANSWER).count
    reach(session, clock, case, Metric.DEBATE_PARTICIPANTS, mayor_step,
          moments[mayor_step - 1], since=debate.starts_at)

    seed_archive_meeting(session, clock, case, official)

    clock.set(MAYOR_ANSWERED)
    record_answer(session, mayor, case.id, Step.MAYOR_ANSWER,
                  decision=str(Decision.ACCEPTED), body=MAYOR_ANSWER, video_url=MAYOR_VIDEO)
    session.refresh(case)
    assert case.state == ProposalState.COLLECTING
    return case


def seed_archive_meeting(session, clock, case, official):
    """The meeting the mayor step drafted, completed as planned on 2019-03-20
    and held on 2019-03-26: registrations (the first 100 seated, the rest
    waiting), the live questions of the 'flow talk' and the survey."""
    meeting = meeting_of_proposal(session, case.id)
    clock.set(ARCHIVE_PLANNED)
    edit_meeting(session, official, meeting.id, title=ARCHIVE_MEETING_TITLE,
                 agenda_question=CASE_DEBATE_QUESTION, venue=ARCHIVE_VENUE,
                 audience=ARCHIVE_AUDIENCE, starts_at=ARCHIVE_STARTS.isoformat(),
                 ends_at=ARCHIVE_ENDS.isoformat(),
                 registration_deadline=ARCHIVE_DEADLINE.isoformat(), capacity=ARCHIVE_SEATS,
                 online_questions=True, programme=programme(ARCHIVE_STARTS))
    publish_meeting(session, official, meeting.id)
    questions = define_survey(session, official, meeting.id, questions=SURVEY)

    people = [synthetic("m2019", n, f"가상 참가자 {n}") for n in range(1, ARCHIVE_REGISTERED + 1)]
    for person, moment in zip(people, spread(len(people), [
            (len(people), ARCHIVE_PLANNED, ARCHIVE_DEADLINE - timedelta(hours=2))]), strict=True):
        clock.set(moment)
        register(session, person, meeting.id)

    flow_talk = ARCHIVE_STARTS + timedelta(minutes=40)
    posted = []
    for n, body in enumerate(ARCHIVE_QUESTIONS):
        clock.set(flow_talk + timedelta(minutes=2 * n + 1))
        posted.append(post_question(session, people[n * 7], meeting.id, body=body))
    clock.set(flow_talk + timedelta(minutes=14))
    for rank, question in enumerate(posted):
        for voter in people[40:40 + (len(posted) - rank) * 2 + rank % 2]:
            upvote_question(session, voter, question.id)
    for question in posted[:4]:
        clock.set(clock.now + timedelta(minutes=1))
        moderate_question(session, official, question.id, answered=True)

    ids = [str(q.id) for q in questions]
    sources, needs = SURVEY[1]["options"], SURVEY[2]["options"]
    for n, moment in enumerate(spread(ARCHIVE_SURVEY_ANSWERS, [
            (ARCHIVE_SURVEY_ANSWERS, ARCHIVE_ENDS, ARCHIVE_ENDS + timedelta(minutes=30))])):
        clock.set(moment)
        answers = {ids[0]: 5 if n % 3 else 4, ids[1]: sources[(n * 7) % len(sources)],
                   ids[2]: [needs[0]] + ([needs[2 + n % 2]] if n % 4 else [])}
        if n % 9 == 0:
            answers[ids[3]] = "오늘 답변처럼 꼭 지켜 주세요."
        answer_survey(session, people[n], meeting.id, answers=answers)  # the first 100 hold seats
    return meeting
