"""Demo data: accounts for every role, the real infertility-injection case
and a handful of proposals at other stages. Agreements are synthetic rows,
bulk-inserted, and each counter is set to its row count."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import current_app

from deliberation import Agreement, Deliberation, Milestone, Proposal, ProposalState, Role
from deliberation.db import Base
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
    for account in ACCOUNTS:
        create_user(account.email, account.password, account.display_name,
                    roles=",".join(str(r) for r in account.roles), department=account.department)

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

    session.commit()
    return ACCOUNTS
