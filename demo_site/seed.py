"""Demo data: accounts for every role, the real infertility-injection case
and a handful of proposals at other stages. Agreements are synthetic rows,
bulk-inserted, and each counter is set to its row count."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import current_app

from deliberation import Agreement, Deliberation, Milestone, Proposal, ProposalState, Role
from deliberation.db import Base
from deliberation.debates.models import Ballot, Debate
from deliberation.debates.states import TALLY_COLUMN, DebateKind, Stance
from deliberation.meetings.operations import create_meeting, publish_meeting
from deliberation.proposals.states import CloseReason
from deliberation.timeline import EventKind, record_event

from .accounts import create_user
from .models import User, db

KST = timezone(timedelta(hours=9))


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
                (Role.CITIZEN, Role.DEPARTMENT_OFFICIAL), "건강증진과"),
    DemoAccount("mayor@demo.example", "mayor-demo", "시장실", (Role.CITIZEN, Role.MAYOR_OFFICE)),
    DemoAccount("committee@demo.example", "committee-demo", "공론화추진위원회",
                (Role.CITIZEN, Role.AGENDA_COMMITTEE)),
    DemoAccount("admin@demo.example", "admin-demo", "관리자", (Role.CITIZEN, Role.ADMIN)),
)

CASE_TITLE = "동네 보건소에서 난임 주사 맞게 해주세요"
CASE_BODY = """난임 시술을 받는 동안에는 정해진 시간에 맞춰 매일 주사를 맞아야 합니다. 직장에 다니면서 멀리 있는 난임 병원까지 날마다 오가기는 너무 어렵습니다.
가까운 동네 보건소에서 난임 주사를 맞을 수 있게 해주세요. 처방은 병원에서 받고, 주사만 보건소에서 맞을 수 있으면 시간과 비용을 크게 줄일 수 있습니다.
(시연용 요약입니다. 실제 제안과 공감 수를 바탕으로 했으며 참여자는 가상입니다.)"""
CASE_PUBLISHED = datetime(2018, 1, 19, 10, 12, tzinfo=KST)
CASE_AGREEMENTS = 5252
#: believable dates for the two steps the case reached on the 2017 ladder
CASE_DEPARTMENT_STEP = datetime(2018, 1, 23, 14, 5, tzinfo=KST)
CASE_COMMITTEE_STEP = datetime(2018, 2, 9, 21, 40, tzinfo=KST)
CASE_LAST_AGREEMENT = datetime(2018, 12, 13, 23, 0, tzinfo=KST)


def _spread(count, segments):
    """``count`` moments, rising through ``segments`` of (rows, start, end)."""
    moments = []
    for rows, start, end in segments:
        rows = min(rows, count - len(moments))
        for i in range(rows):
            moments.append(start + (end - start) * (i + 1) / (rows + 1))
    return moments


def _proposal(session, *, title, body, category, published_at, agreement_times, author,
              state=ProposalState.COLLECTING, closes_at=None, closed_at=None,
              closed_reason=None):
    proposal = Proposal(
        title=title, body=body, category=category, author_id=author[0], author_name=author[1],
        state=str(state), created_at=published_at - timedelta(minutes=20),
        updated_at=closed_at or published_at, published_at=published_at,
        closes_at=closes_at, closed_at=closed_at, closed_reason=closed_reason,
        agreement_count=0)
    session.add(proposal)
    session.flush()
    record_event(session, proposal.id, EventKind.SUBMITTED, proposal.created_at,
                 actor_role=Role.CITIZEN)
    record_event(session, proposal.id, EventKind.PUBLISHED, published_at,
                 actor_role=Role.CITIZEN,
                 **({"closes_at": closes_at.isoformat()} if closes_at else {}))
    rows = [{"proposal_id": proposal.id, "participant_id": f"synthetic-{proposal.id}-{n:05d}",
             "created_at": moment} for n, moment in enumerate(agreement_times, start=1)]
    if rows:
        # one executemany, then the counter set from the rows themselves
        session.execute(sa.insert(Agreement.__table__), rows)
    count = session.execute(sa.select(sa.func.count()).select_from(Agreement.__table__)
                            .where(Agreement.proposal_id == proposal.id)).scalar_one()
    proposal.agreement_count = count
    return proposal


def _milestone(session, proposal, step, count_at, reached_at):
    rule = current_app.extensions["deliberation"].settings.ladder.rule_for(step)
    due = rule.due_at(reached_at) if rule else None
    session.add(Milestone(proposal_id=proposal.id, step=str(step), metric="agreements",
                          count_at=count_at, reached_at=reached_at, answer_due_at=due))
    proposal.stage = str(step)
    record_event(session, proposal.id, EventKind.MILESTONE_REACHED, reached_at,
                 step=str(step), metric="agreements", count=count_at,
                 answer_due_at=None if due is None else due.isoformat())


#: the citizen debate on the case, 2018-12-14 to 2019-01-13
CASE_DEBATE_QUESTION = "보건소에서도 난임 주사를 맞을 수 있다면 어떨까요?"  # the debate's real title
CASE_DEBATE_STARTS = datetime(2018, 12, 14, 0, 0, tzinfo=KST)
CASE_DEBATE_ENDS = datetime(2019, 1, 14, 0, 0, tzinfo=KST)
#: 5,259 ballots, 5,115 of them pro; how the rest split is made up for the demo
CASE_BALLOTS = {Stance.PRO: 5115, Stance.CON: 96, Stance.OTHER: 48}
CITY_QUESTION = "공원 안 반려견 놀이터를 더 늘려야 할까요?"
OPINIONS = {
    Stance.PRO: ("매일 먼 병원에 다니지 않아도 되면 일과 치료를 함께 할 수 있습니다.",
                 "보건소 간호사분들이 충분히 하실 수 있는 일이라고 생각합니다.",
                 "저출생 대책으로 꼭 필요합니다."),
    Stance.CON: ("보건소 인력이 부족해 다른 업무가 밀릴까 걱정됩니다.",),
    Stance.OTHER: ("시범 사업으로 먼저 해 보고 넓히면 좋겠습니다.",),
}


def _debate(session, *, question, starts_at, ends_at, ballots, proposal_id=None,
            opinions=OPINIONS, background="", arguments_pro="", arguments_con="",
            created_by_role="admin"):
    """A debate whose ballots are synthetic rows, bulk-inserted, and whose
    tallies are then set from the rows themselves."""
    debate = Debate(proposal_id=proposal_id, kind=str(DebateKind.PRO_CON), question=question,
                    background=background, arguments_pro=arguments_pro,
                    arguments_con=arguments_con, starts_at=starts_at, ends_at=ends_at,
                    created_at=starts_at - timedelta(days=7), created_by_role=created_by_role)
    session.add(debate)
    session.flush()
    total = sum(ballots.values())
    moments = iter(_spread(total, [(total, starts_at, min(ends_at, current_app.extensions[
        "deliberation"].settings.now()))]))
    rows, n = [], 0
    for stance, count in ballots.items():
        texts = opinions[stance]
        for i in range(count):
            n += 1
            moment = next(moments)
            rows.append({"debate_id": debate.id, "participant_id": f"synthetic-d{debate.id}-{n:05d}",
                         "author_name": f"가상 시민 {n}", "stance": str(stance),
                         "opinion": texts[i % len(texts)], "created_at": moment,
                         "updated_at": moment, "like_count": 0, "report_count": 0})
    if rows:
        session.execute(sa.insert(Ballot.__table__), rows)
    counts = dict(session.execute(sa.select(Ballot.stance, sa.func.count())
                                  .where(Ballot.debate_id == debate.id)
                                  .group_by(Ballot.stance)).all())
    debate.participant_count = sum(counts.values())
    for stance in Stance:
        setattr(debate, TALLY_COLUMN[stance], counts.get(str(stance), 0))
    return debate


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
    settings = app.extensions["deliberation"].settings
    session = db.session
    users = {account.email: create_user(
        account.email, account.password, account.display_name,
        roles=",".join(str(r) for r in account.roles), department=account.department)
        for account in ACCOUNTS}

    case = _proposal(
        session, title=CASE_TITLE, body=CASE_BODY, category="health",
        published_at=CASE_PUBLISHED, author=("synthetic-author-1", "가상 시민 (난임 당사자)"),
        agreement_times=_spread(CASE_AGREEMENTS, [
            (50, CASE_PUBLISHED, CASE_DEPARTMENT_STEP),
            (450, CASE_DEPARTMENT_STEP, CASE_COMMITTEE_STEP),
            (CASE_AGREEMENTS, CASE_COMMITTEE_STEP, CASE_LAST_AGREEMENT)]))
    _milestone(session, case, "department_answer", 50, CASE_DEPARTMENT_STEP)
    _milestone(session, case, "agenda_committee", 500, CASE_COMMITTEE_STEP)
    case.closes_at = None  # Seoul kept answered proposals open
    case_debate = _debate(
        session, proposal_id=case.id, question=CASE_DEBATE_QUESTION,
        starts_at=CASE_DEBATE_STARTS, ends_at=CASE_DEBATE_ENDS, ballots=CASE_BALLOTS,
        created_by_role=str(Role.AGENDA_COMMITTEE),
        background="난임 시술 중에는 날마다 정해진 시간에 주사를 맞아야 합니다. "
                   "처방은 병원에서 받고 주사만 가까운 보건소에서 맞을 수 있게 할지 묻습니다.",
        arguments_pro="직장과 치료를 함께 할 수 있고 오가는 시간과 비용이 줄어듭니다.",
        arguments_con="보건소의 인력과 응급 대응 준비가 먼저 필요합니다.")
    record_event(session, case.id, EventKind.DEBATE_SCHEDULED, case_debate.created_at,
                 actor_role=Role.AGENDA_COMMITTEE, debate_id=case_debate.id,
                 starts_at=CASE_DEBATE_STARTS.isoformat(), ends_at=CASE_DEBATE_ENDS.isoformat())

    now = settings.now()
    collection = settings.ladder.collection

    def days_ago(days, hour=0):
        return now - timedelta(days=days, hours=hour)

    def collecting(title, body, category, published, count, author):
        return _proposal(session, title=title, body=body, category=category,
                         published_at=published, closes_at=collection.after(published),
                         agreement_times=_spread(count, [(count, published, now)]),
                         author=author)

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

    bikes_published = days_ago(25)
    bikes_step = bikes_published + timedelta(days=6)
    bikes = _proposal(
        session, title="우리 동네에도 공공자전거 대여소를 늘려주세요",
        body="언덕 위 주택가에는 공공자전거 대여소가 없어 지하철역까지 걸어야 합니다. "
             "주택가 가까이에 대여소를 더 놓아 주세요.", category="transport",
        published_at=bikes_published, author=("synthetic-author-5", "가상 시민 (통근자)"),
        agreement_times=_spread(137, [(50, bikes_published, bikes_step),
                                      (137, bikes_step, now)]))
    _milestone(session, bikes, "department_answer", 50, bikes_step)

    library_published = days_ago(50)
    library_closes = collection.after(library_published)
    library = _proposal(
        session, title="구립도서관 평일 운영시간을 밤 10시까지 늘려주세요",
        body="퇴근 후에는 도서관이 이미 문을 닫아 책을 빌리기 어렵습니다. "
             "평일 운영시간을 밤 10시까지 늘려 주세요.", category="culture",
        published_at=library_published, closes_at=library_closes,
        state=ProposalState.CLOSED, closed_at=library_closes, closed_reason=CloseReason.EXPIRED,
        author=("synthetic-author-6", "가상 시민 (직장인)"),
        agreement_times=_spread(23, [(23, library_published, library_closes)]))
    record_event(session, library.id, EventKind.CLOSED, library_closes,
                 reason=str(CloseReason.EXPIRED))

    cats_published = days_ago(20)
    cats_withdrawn = days_ago(15)
    cats = _proposal(
        session, title="아파트 단지 안 길고양이 급식소를 허용해주세요",
        body="길고양이 급식소를 두고 이웃 간 다툼이 잦습니다. 관리 기준을 정해 "
             "단지 안 급식소를 허용해 주세요.", category="environment",
        published_at=cats_published, closes_at=collection.after(cats_published),
        state=ProposalState.WITHDRAWN, closed_at=cats_withdrawn,
        author=("synthetic-author-7", "가상 시민 (캣맘)"),
        agreement_times=_spread(4, [(4, cats_published, cats_withdrawn)]))
    record_event(session, cats.id, EventKind.WITHDRAWN, cats_withdrawn, actor_role=Role.CITIZEN)

    _debate(session, question=CITY_QUESTION, starts_at=days_ago(5),
            ends_at=settings.debate_period.after(days_ago(5)),
            ballots={Stance.PRO: 7, Stance.CON: 4, Stance.OTHER: 1},
            opinions={Stance.PRO: ("목줄 없이 뛸 곳이 있으면 개도 사람도 편합니다.",),
                      Stance.CON: ("밤에 짖는 소리가 걱정됩니다.",),
                      Stance.OTHER: ("운영 시간을 정하면 좋겠습니다.",)},
            background="반려견과 함께 사는 가구가 늘면서 공원 안 반려견 놀이터를 늘려 달라는 "
                       "요청과, 소음과 안전을 걱정하는 목소리가 함께 있습니다.",
            arguments_pro="반려견이 목줄 없이 뛸 곳이 생기면 산책로의 갈등이 줄어듭니다.",
            arguments_con="놀이터 주변 주민은 소음과 냄새를 걱정합니다.")

    session.commit()
    _meeting(session, users["official@demo.example"].as_participant(), now)
    return ACCOUNTS


MEETING_TITLE = "시민간담회: 동네 보건소 난임 주사"


def _meeting(session, official, now):
    """An upcoming citizen meeting, published, with the 2019 programme's shape
    and questions open to people watching online."""
    starts = (now + timedelta(days=7)).astimezone(KST).replace(
        hour=19, minute=0, second=0, microsecond=0)
    at = lambda minutes: (starts + timedelta(minutes=minutes)).isoformat()  # noqa: E731
    meeting = create_meeting(
        session, official, title=MEETING_TITLE, agenda_question=CASE_DEBATE_QUESTION,
        venue="시청 다목적홀", audience="난임 당사자와 가족, 관심 있는 시민",
        starts_at=at(0), ends_at=at(60), registration_deadline=at(-60 * 24 * 2),
        capacity=100, online_questions=True, programme=[
            {"ends_at": at(0), "title": "입장"},
            {"starts_at": at(0), "ends_at": at(5), "title": "개회와 경과 보고 영상"},
            {"starts_at": at(5), "ends_at": at(20), "title": "서울시 답변"},
            {"starts_at": at(20), "ends_at": at(40), "title": "패널 토론"},
            {"starts_at": at(40), "ends_at": at(60), "title": "플로어 토크 (질의응답)"}])
    publish_meeting(session, official, meeting.id)
    return meeting
