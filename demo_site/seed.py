"""Demo data: accounts for every role, the real infertility-injection case
replayed on its real dates (seed_case), and a handful of proposals at every
other stage, dated relative to the day the demo is seeded.

Synthetic agreements and ballots go in by bulk insert with each counter set
from its rows (``flask deliberation recount`` finds nothing to repair);
every step, answer, decision, meeting, registration, question and survey
answer goes through the package's services on a frozen clock."""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from deliberation import Deliberation, Role
from deliberation.committee import CommitteeChoice, decide_on_proposal
from deliberation.db import Base
from deliberation.debates.operations import edit_debate
from deliberation.debates.queries import debate_of_proposal
from deliberation.debates.states import Stance
from deliberation.meetings.operations import edit_meeting, meeting_of_proposal, publish_meeting
from deliberation.meetings.registration import register
from deliberation.meetings.survey import define_survey
from deliberation.proposals.states import CloseReason, ProposalState
from deliberation.responses.operations import assign_department, record_answer
from deliberation.responses.states import Decision
from deliberation.threshold import Metric, Step
from deliberation.timeline import EventKind, record_event

from .accounts import create_user
from .models import User, db
from .seed_case import ARCHIVE_MEETING_TITLE, CASE_TITLE  # noqa: F401  (for tests, scripts)
from .seed_case import CASE_DEPARTMENT, seed_case
from .seed_rows import (
    KST, add_ballots, add_city_question, add_proposal, agreement_moment, frozen_clock, reach,
    settings, settle_notifications, spread, synthetic,
)
from .seed_rows import official as synthetic_official


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    display_name: str
    roles: tuple
    department: str | None = None


ACCOUNTS = (
    DemoAccount("citizen@demo.example", "citizen-demo", "김시민", (Role.CITIZEN,)),
    DemoAccount("citizen2@demo.example", "citizen2-demo", "이공감", (Role.CITIZEN,)),
    DemoAccount("official@demo.example", "official-demo", "박담당 (건강증진과)",
                (Role.CITIZEN, Role.DEPARTMENT_OFFICIAL), CASE_DEPARTMENT),
    DemoAccount("mayor@demo.example", "mayor-demo", "시장실", (Role.CITIZEN, Role.MAYOR_OFFICE)),
    DemoAccount("committee@demo.example", "committee-demo", "공론화추진위원회",
                (Role.CITIZEN, Role.AGENDA_COMMITTEE)),
    DemoAccount("admin@demo.example", "admin-demo", "관리자", (Role.CITIZEN, Role.ADMIN)),
)

CITY_QUESTION = "공원 안 반려견 놀이터를 더 늘려야 할까요?"
#: the proposal whose citizen meeting is still ahead: visitors register,
#: ask live questions and answer its survey
MEETING_PROPOSAL_TITLE = "버스 정류장마다 공공 와이파이를 놓아 주세요"
MEETING_TITLE = "시민간담회: 버스 정류장 공공 와이파이"
MEETING_DEBATE_QUESTION = "모든 버스 정류장에 공공 와이파이가 있다면 어떨까요?"
MEETING_REGISTERED = 23
MEETING_SURVEY = [
    {"kind": "scale", "prompt": "오늘 간담회는 얼마나 도움이 되었나요? (1~5)"},
    {"kind": "single", "prompt": "간담회 소식을 어디에서 들으셨나요?",
     "options": ["민주주의 서울 누리집", "서울시 누리집", "사회관계망(SNS)", "전자우편 안내"]},
    {"kind": "text", "prompt": "서울시에 하고 싶은 말", "required": False},
]
IN_DEBATE_TITLE = "보건소 야간 진료를 주 1회라도 열어주세요"


def reset_tables(app):
    with app.app_context():
        db.session.remove()
        Base.metadata.drop_all(db.engine)
        db.drop_all()


def create_tables(app):
    Deliberation.create_tables(app)
    with app.app_context():
        db.create_all()


def already_seeded():
    return db.session.execute(sa.select(User.id).limit(1)).first() is not None


def seed_demo(app):
    """Fill an empty database; returns the accounts created."""
    session = db.session
    users = {account.email: create_user(
        account.email, account.password, account.display_name,
        roles=",".join(str(r) for r in account.roles), department=account.department)
        for account in ACCOUNTS}
    session.commit()
    actors = {role: users[f"{role}@demo.example"].as_participant()
              for role in ("official", "mayor", "committee", "admin")}
    now = settings().now()
    with frozen_clock(app, now) as clock:
        seed_case(session, clock, **actors)
        seed_present(session, clock, now, **actors)
        clock.set(now)
        settle_notifications(session, now)
    return ACCOUNTS


def seed_present(session, clock, now, *, official, mayor, committee, admin):
    """Proposals at every other stage, dated back from ``now``."""
    ladder = settings().ladder
    collection = ladder.collection

    def days_ago(days, hours=0):
        return now - timedelta(days=days, hours=hours)

    def collecting(title, body, category, published, count, author, segments=None):
        return add_proposal(session, title=title, body=body, category=category,
                            published_at=published, closes_at=collection.after(published),
                            agreement_times=spread(count, segments or [(count, published, now)]),
                            author=author)

    def steps_of(proposal, *counts):
        for count in counts:
            reach(session, clock, proposal, Metric.AGREEMENTS, count,
                  agreement_moment(session, proposal, count), since=proposal.published_at)

    # one agreement short of the department step: a visitor's click reaches it
    collecting("공원 산책로에 야간 조명을 늘려주세요",
               "저녁에 공원 산책로를 걷는 주민이 많은데 가로등이 드문드문 있어 어둡고 위험합니다. "
               "산책로 구간마다 밝은 조명을 설치해 주세요.", "safety", days_ago(10), 49,
               ("synthetic-author-2", "가상 시민 (산책하는 주민)"))
    collecting("지하철역 엘리베이터 고장 정보를 미리 알려주세요",
               "휠체어와 유모차를 쓰는 시민은 역에 도착해서야 엘리베이터 고장을 알게 됩니다. "
               "고장과 수리 일정을 앱과 역 입구에서 미리 알려 주세요.", "transport", days_ago(3), 6,
               ("synthetic-author-3", "가상 시민 (유모차 부모)"))
    collecting("어린이집 대기 순번을 한눈에 볼 수 있게 해주세요",
               "여러 어린이집에 대기를 걸어 두면 순번을 하나하나 확인해야 합니다. "
               "한 화면에서 모든 대기 순번과 예상 시기를 볼 수 있게 해 주세요.", "welfare",
               days_ago(27), 12, ("synthetic-author-4", "가상 시민 (맞벌이 부모)"))

    # at the department step, waiting for its answer
    published = days_ago(25)
    bikes = collecting(
        "우리 동네에도 공공자전거 대여소를 늘려주세요",
        "언덕 위 주택가에는 공공자전거 대여소가 없어 지하철역까지 걸어야 합니다. "
        "주택가 가까이에 대여소를 더 놓아 주세요.", "transport", published, 137,
        ("synthetic-author-5", "가상 시민 (통근자)"),
        [(50, published, published + timedelta(days=6)), (137, published + timedelta(days=6), now)])
    steps_of(bikes, 50)

    # answered a few days ago, and one agreement short of the committee step
    published = days_ago(20)
    school = collecting(
        "학교 운동장을 주말에 주민에게 열어주세요",
        "주말에는 학교 운동장이 잠겨 있어 아이들과 주민이 공 찰 곳이 없습니다. "
        "관리 기준을 정해 주말 낮에는 운동장을 열어 주세요.", "education", published, 499,
        ("synthetic-author-8", "가상 시민 (학부모)"),
        [(50, published, published + timedelta(days=2)), (499, published + timedelta(days=2), now)])
    steps_of(school, 50)
    clock.set(days_ago(17))
    assign_department(session, admin, school.id, department="평생교육과")
    clock.set(days_ago(4, 3))
    record_answer(session, synthetic_official("평생교육과", 2), school.id, Step.DEPARTMENT_ANSWER,
                  decision=str(Decision.PARTLY_ACCEPTED),
                  body="학교와 협의해 올해 하반기부터 희망하는 학교 20곳에서 토요일 낮에 운동장을 "
                       "열겠습니다. 안전 관리 인력은 구와 함께 마련하겠습니다.\n\n"
                       "(시연용 답변입니다.)")

    # sent to debate by the committee below the threshold (우수제안); the
    # department answer is still due, for the demo official to write
    published = days_ago(26)
    clinic = collecting(
        IN_DEBATE_TITLE,
        "낮에는 일 때문에 보건소에 갈 수 없습니다. 일주일에 한 번이라도 저녁 9시까지 "
        "진료와 예방접종을 해 주세요.", "health", published, 312,
        ("synthetic-author-9", "가상 시민 (교대 근무자)"),
        [(50, published, published + timedelta(days=3)), (312, published + timedelta(days=3), now)])
    steps_of(clinic, 50)
    clock.set(days_ago(22))
    assign_department(session, admin, clinic.id, department=CASE_DEPARTMENT)
    clock.set(days_ago(9))
    decide_on_proposal(session, committee, clinic.id, decision=str(CommitteeChoice.OPEN_DEBATE),
                       reason="공감은 500개에 못 미치지만 일하는 시민의 건강권에 관한 제안이어서 "
                              "우수제안으로 토론에 올립니다.")
    debate = debate_of_proposal(session, clinic.id)
    clock.set(debate.created_at + timedelta(hours=1))
    edit_debate(session, admin, debate.id,
                background="보건소는 대부분 평일 낮에만 문을 엽니다. 주 1회 야간 진료를 묻습니다.",
                arguments_pro="일하는 시민도 보건소의 예방접종과 검진을 받을 수 있습니다.",
                arguments_con="야간 인력과 비용이 더 듭니다.")
    add_ballots(session, debate, {Stance.PRO: 118, Stance.CON: 17, Stance.OTHER: 8}, {
        Stance.PRO: ("퇴근 뒤에 갈 수 있으면 정말 좋겠습니다.",),
        Stance.CON: ("민간 의원의 야간 진료로 충분하다고 봅니다.",),
        Stance.OTHER: ("구마다 요일을 달리하면 좋겠습니다.",)}, until=now)

    meeting_proposal(session, clock, now, official=official, committee=committee, admin=admin)

    # closed after 30 days below the first step
    published = days_ago(50)
    closes = collection.after(published)
    library = add_proposal(
        session, title="구립도서관 평일 운영시간을 밤 10시까지 늘려주세요",
        body="퇴근 후에는 도서관이 이미 문을 닫아 책을 빌리기 어렵습니다. "
             "평일 운영시간을 밤 10시까지 늘려 주세요.", category="culture",
        published_at=published, closes_at=closes, state=ProposalState.CLOSED, closed_at=closes,
        closed_reason=CloseReason.EXPIRED, author=("synthetic-author-6", "가상 시민 (직장인)"),
        agreement_times=spread(23, [(23, published, closes)]))
    record_event(session, library.id, EventKind.CLOSED, closes, reason=str(CloseReason.EXPIRED))

    published, withdrawn = days_ago(20), days_ago(15)
    cats = add_proposal(
        session, title="아파트 단지 안 길고양이 급식소를 허용해주세요",
        body="길고양이 급식소를 두고 이웃 간 다툼이 잦습니다. 관리 기준을 정해 "
             "단지 안 급식소를 허용해 주세요.", category="environment",
        published_at=published, closes_at=collection.after(published),
        state=ProposalState.WITHDRAWN, closed_at=withdrawn,
        author=("synthetic-author-7", "가상 시민 (캣맘)"),
        agreement_times=spread(4, [(4, published, withdrawn)]))
    record_event(session, cats.id, EventKind.WITHDRAWN, withdrawn, actor_role=Role.CITIZEN)
    session.commit()

    add_city_question(
        session, question=CITY_QUESTION, starts_at=days_ago(5),
        ends_at=settings().debate_period.after(days_ago(5)),
        ballots={Stance.PRO: 7, Stance.CON: 4, Stance.OTHER: 1},
        opinions={Stance.PRO: ("목줄 없이 뛸 곳이 있으면 개도 사람도 편합니다.",),
                  Stance.CON: ("밤에 짖는 소리가 걱정됩니다.",),
                  Stance.OTHER: ("운영 시간을 정하면 좋겠습니다.",)},
        background="반려견과 함께 사는 가구가 늘면서 공원 안 반려견 놀이터를 늘려 달라는 "
                   "요청과, 소음과 안전을 걱정하는 목소리가 함께 있습니다.",
        arguments_pro="반려견이 목줄 없이 뛸 곳이 생기면 산책로의 갈등이 줄어듭니다.",
        arguments_con="놀이터 주변 주민은 소음과 냄새를 걱정합니다.", until=now)


def wifi_programme(starts):
    """The upcoming meeting's running order, on the 2019 meeting's pattern."""
    at = lambda minutes: (starts + timedelta(minutes=minutes)).isoformat()  # noqa: E731
    return [
        {"starts_at": at(-30), "ends_at": at(0), "title": "입장과 자리 안내"},
        {"starts_at": at(0), "ends_at": at(5), "title": "경과 보고 영상",
         "note": "정류장 와이파이 제안과 시민토론의 경과"},
        {"starts_at": at(5), "ends_at": at(20), "title": "서울시 답변",
         "note": "버스 정류장 공공 와이파이 설치 계획 (시연용)"},
        {"starts_at": at(20), "ends_at": at(60), "title": "플로우 토크와 질의응답",
         "note": "스마트폰 실시간 댓글로 참여"},
    ]


def meeting_proposal(session, clock, now, *, official, committee, admin):
    """A proposal that climbed the whole ladder in the last weeks: its debate
    passed the mayor step ten days ago, the mayor's answer is still due, and
    its citizen meeting is a week ahead, open for registration."""
    published = now - timedelta(days=80)
    step1, step2 = published + timedelta(days=4), published + timedelta(days=12)
    wifi = add_proposal(
        session, title=MEETING_PROPOSAL_TITLE,
        body="버스를 기다리는 동안 데이터 요금 걱정 없이 도착 정보와 길 찾기를 볼 수 있게 "
             "모든 버스 정류장에 공공 와이파이를 놓아 주세요.", category="transport",
        published_at=published, closes_at=settings().ladder.collection.after(published),
        author=("synthetic-author-10", "가상 시민 (버스 통학생)"),
        agreement_times=spread(812, [(50, published, step1), (450, step1, step2),
                                     (812, step2, now)]))
    for count in (50, 500):
        reach(session, clock, wifi, Metric.AGREEMENTS, count,
              agreement_moment(session, wifi, count), since=published)
    clock.set(step1 + timedelta(days=1))
    assign_department(session, admin, wifi.id, department="디지털정책과")
    clock.set(step1 + timedelta(days=21))
    record_answer(session, synthetic_official("디지털정책과", 3), wifi.id, Step.DEPARTMENT_ANSWER,
                  decision=str(Decision.UNDER_REVIEW),
                  body="정류장 전원과 통신 설비를 조사하고 있습니다. 공론화 결과를 보고 "
                       "설치 범위를 정하겠습니다.\n\n(시연용 답변입니다.)")
    clock.set(now - timedelta(days=47))
    decide_on_proposal(session, committee, wifi.id, decision=str(CommitteeChoice.OPEN_DEBATE),
                       debate_question=MEETING_DEBATE_QUESTION,
                       reason="공감이 500개를 넘었고 많은 시민의 일상과 관련된 제안입니다.")
    debate = debate_of_proposal(session, wifi.id)
    moments = add_ballots(session, debate, {Stance.PRO: 4210, Stance.CON: 611, Stance.OTHER: 210}, {
        Stance.PRO: ("정류장에서 버스 도착 정보를 보기 편해집니다.",
                     "데이터 요금이 부담되는 학생과 어르신에게 도움이 됩니다."),
        Stance.CON: ("모든 정류장은 비용이 너무 큽니다. 이용이 많은 곳부터 하면 됩니다.",),
        Stance.OTHER: ("보안 대책을 먼저 세워 주세요.",)}, until=now)
    mayor_step = settings().ladder.rule_for(Step.MAYOR_ANSWER).count
    reach(session, clock, wifi, Metric.DEBATE_PARTICIPANTS, mayor_step,
          moments[mayor_step - 1], since=debate.starts_at)

    meeting = meeting_of_proposal(session, wifi.id)
    starts = (now + timedelta(days=7)).astimezone(KST).replace(
        hour=19, minute=0, second=0, microsecond=0)
    clock.set(now - timedelta(days=3))
    edit_meeting(session, official, meeting.id, title=MEETING_TITLE,
                 agenda_question=MEETING_DEBATE_QUESTION, venue="서울시청 다목적홀 (시연용 장소)",
                 audience="토론 참여 시민과 관심 있는 시민 100명 (선착순)",
                 starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=1)).isoformat(),
                 registration_deadline=(starts - timedelta(days=1)).replace(hour=12).isoformat(),
                 capacity=100, online_questions=True, programme=wifi_programme(starts))
    publish_meeting(session, official, meeting.id)
    define_survey(session, official, meeting.id, questions=MEETING_SURVEY)
    for n, moment in enumerate(spread(MEETING_REGISTERED, [
            (MEETING_REGISTERED, now - timedelta(days=3), now)]), start=1):
        clock.set(moment)
        register(session, synthetic("m-wifi", n, f"가상 참가자 {n}"), meeting.id)
    return wifi
