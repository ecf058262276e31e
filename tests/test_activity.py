"""My page: a participant's own proposals, agreements, ballots, opinions,
meeting registrations and notifications — through the service, the JSON API
and the page — and never anybody else's."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from deliberation import (
    Debate, InvalidInput, NotAuthenticated, Notification, NotificationEvent, Participant, Role,
)
from deliberation.activity import activity_of
from deliberation.comments import post_comment
from deliberation.debates.operations import cast_ballot
from deliberation.meetings.operations import create_meeting, publish_meeting
from deliberation.meetings.registration import register
from deliberation.proposals.operations import submit_proposal
from deliberation.votes.operations import agree
from tests.conftest import START

KIM, LEE, PARK, ADMIN, COMMITTEE = 1, 2, 3, 4, 6
OFFICIAL = Participant(id="m5", roles={Role.DEPARTMENT_OFFICIAL}, display_name="Official")
API = "/api/v1/me/activity"
PAGE = "/proposals/me"


def member(n, roles=(Role.CITIZEN,)):
    return Participant(id=f"m{n}", roles=frozenset(roles), display_name=f"Member {n}")


def with_session(app, call):
    with app.app_context():
        return call(app.extensions["deliberation"].db.session)


def bearer(n):
    return {"Authorization": f"Bearer member-{n}"}


@pytest.fixture
def members(app):
    with app.app_context():
        app.db.session.add_all([
            app.Member(id=KIM, nickname="Kim"), app.Member(id=LEE, nickname="Lee"),
            app.Member(id=PARK, nickname="Park"),
            app.Member(id=ADMIN, nickname="Admin", roles="citizen,admin"),
            app.Member(id=5, nickname="Official", roles="department_official"),
            app.Member(id=COMMITTEE, nickname="Committee", roles="citizen,agenda_committee")])
        app.db.session.commit()


def _propose(session, who, title, *, publish=True):
    return submit_proposal(session, member(who), title=title, category="transport",
                           body="A body long enough to be a proposal about the city.",
                           publish=publish).id


def _notify(session, who, kind, *, read=False, proposal_id=None):
    event = NotificationEvent(kind=kind, proposal_id=proposal_id, data={}, created_at=START)
    session.add(event)
    session.flush()
    session.add(Notification(event_id=event.id, participant_id=f"m{who}", kind=kind,
                             proposal_id=proposal_id, data={}, created_at=START,
                             read_at=START if read else None))
    session.commit()


@pytest.fixture
def world(app, members):
    """Kim and Lee both active: each agrees, votes, comments and registers."""
    def build(session):
        ids = {"kim_draft": _propose(session, KIM, "Kim's private draft", publish=False),
               "kim_open": _propose(session, KIM, "Kim's bike lanes"),
               "lee_draft": _propose(session, LEE, "Lee's secret draft", publish=False),
               "lee_open": _propose(session, LEE, "Lee's street trees")}
        agree(session, member(KIM), ids["lee_open"])
        agree(session, member(LEE), ids["kim_open"])
        debate = Debate(kind="pro_con", question="Car-free Sundays on the river road?",
                        starts_at=START - timedelta(days=1), ends_at=START + timedelta(days=9),
                        created_at=START, created_by_role="admin")
        session.add(debate)
        session.commit()
        ids["debate"] = debate.id
        cast_ballot(session, member(KIM), debate.id, stance="pro",
                    opinion="Kim says yes to quiet Sundays.")
        cast_ballot(session, member(LEE), debate.id, stance="con",
                    opinion="Lee worries about deliveries.")
        post_comment(session, member(KIM), ids["lee_open"], body="Kim likes more shade.")
        post_comment(session, member(LEE), ids["kim_open"], body="Lee wants wider lanes.")
        meeting = create_meeting(
            session, OFFICIAL, title="Meeting on river roads", venue="City hall",
            starts_at=(START + timedelta(days=20)).isoformat(),
            ends_at=(START + timedelta(days=20, hours=1)).isoformat(),
            registration_deadline=(START + timedelta(days=19)).isoformat(), capacity=1,
            programme=[{"ends_at": (START + timedelta(days=20, hours=1)).isoformat(),
                        "title": "Talk"}])
        publish_meeting(session, OFFICIAL, meeting.id)
        ids["meeting"] = meeting.id
        for who in (LEE, PARK, KIM):  # one seat: Lee sits, Park then Kim wait
            register(session, member(who), meeting.id)
        _notify(session, KIM, "step_reached", proposal_id=ids["kim_open"])
        _notify(session, KIM, "answered", read=True, proposal_id=ids["kim_open"])
        _notify(session, LEE, "closed", proposal_id=ids["lee_open"])
        return ids

    return with_session(app, build)


# -- the service --


def test_activity_shows_every_section_of_ones_own_when_others_are_active_too(app, world):
    mine = with_session(app, lambda s: activity_of(s, member(KIM)))

    assert [p["title"] for p in mine.items["proposals"]] == [
        "Kim's bike lanes", "Kim's private draft"]
    assert {p["state"] for p in mine.items["proposals"]} == {"draft", "collecting"}
    assert [a["title"] for a in mine.items["agreements"]] == ["Lee's street trees"]
    [ballot] = mine.items["ballots"]
    assert (ballot["stance"], ballot["opinion"], ballot["debate_state"]) == (
        "pro", "Kim says yes to quiet Sundays.", "open")
    assert [c["body"] for c in mine.items["comments"]] == ["Kim likes more shade."]
    assert [c["proposal_title"] for c in mine.items["comments"]] == ["Lee's street trees"]
    [registration] = mine.items["registrations"]
    assert registration["status"] == "waitlisted"
    assert registration["waitlist_position"] == 2  # Park waits ahead of Kim
    assert registration["check_in_code"] is None
    assert len(mine.items["notifications"]) == 2 and mine.unread_notifications == 1
    assert mine.totals == {"proposals": 2, "agreements": 1, "ballots": 1, "comments": 1,
                           "registrations": 1, "notifications": 2}


def test_activity_never_shows_another_participants_rows_when_both_are_active(app, world):
    mine = with_session(app, lambda s: activity_of(s, member(KIM)))
    shown = repr(mine.items)

    for theirs in ("Lee's secret draft", "Lee worries about deliveries.",
                   "Lee wants wider lanes.", "closed"):
        assert theirs not in shown


def test_a_confirmed_seat_shows_its_check_in_code_when_the_participant_sits(app, world):
    lee = with_session(app, lambda s: activity_of(s, member(LEE)))

    [registration] = lee.items["registrations"]
    assert registration["status"] == "confirmed" and registration["waitlist_position"] is None
    assert len(registration["check_in_code"]) == 8


def test_activity_pages_one_section_when_asked_for_it(app, world):
    def second_page(session):
        return activity_of(session, member(KIM), sections=("proposals",), page=2, per_page=1)

    page = with_session(app, second_page)

    assert page.sections == ("proposals",) and set(page.items) == {"proposals"}
    assert [p["title"] for p in page.items["proposals"]] == ["Kim's private draft"]
    assert page.totals["proposals"] == 2 and page.pages("proposals") == 2


def test_activity_is_refused_when_nobody_is_logged_in(app, world):
    with pytest.raises(NotAuthenticated):
        with_session(app, lambda s: activity_of(s, None))


@pytest.mark.parametrize("kwargs", [{"sections": ("ballots", "passwords")}, {"sections": ()},
                                    {"page": 0}, {"per_page": 101}])
def test_activity_is_refused_when_the_section_or_page_is_bad(app, members, kwargs):
    with pytest.raises(InvalidInput):
        with_session(app, lambda s: activity_of(s, member(KIM), **kwargs))


def test_activity_costs_the_same_queries_when_the_participant_has_many_rows(app, world):
    def statements_for(who):
        def run(session):
            seen = []
            engine = session.get_bind()

            def count(*args):
                seen.append(1)

            sa.event.listen(engine, "before_cursor_execute", count)
            try:
                activity_of(session, member(who))
            finally:
                sa.event.remove(engine, "before_cursor_execute", count)
            return len(seen)
        return with_session(app, run)

    statements_for(PARK)  # the first read also sweeps expired proposals
    quiet = statements_for(PARK)  # one registration, nothing else

    def busier(session):
        for n in range(6):
            _propose(session, PARK, f"Park's idea number {n}")
            post_comment(session, member(PARK), world["lee_open"], body=f"Park's note {n}")
    with_session(app, busier)

    assert statements_for(PARK) == quiet


# -- the JSON API --


def test_api_answers_401_json_when_not_logged_in(app, world):
    answer = app.test_client().get(API)

    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "not_authenticated"


def test_api_answers_the_callers_activity_when_logged_in(app, world):
    answer = app.test_client().get(API, headers=bearer(KIM))

    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    data = answer.get_json()
    assert [p["title"] for p in data["proposals"]["items"]] == [
        "Kim's bike lanes", "Kim's private draft"]
    assert data["registrations"]["items"][0]["waitlist_position"] == 2
    assert data["unread_notifications"] == 1 and data["notifications"]["total"] == 2
    assert "Lee's secret draft" not in answer.get_data(as_text=True)


def test_api_pages_one_section_when_a_section_is_given(app, world):
    answer = app.test_client().get(API + "?section=proposals&per_page=1&page=2",
                                   headers=bearer(KIM))

    data = answer.get_json()
    assert answer.status_code == 200 and "agreements" not in data
    assert data["proposals"] == {**data["proposals"], "total": 2, "pages": 2}
    assert [p["title"] for p in data["proposals"]["items"]] == ["Kim's private draft"]


@pytest.mark.parametrize("query, field", [("section=passwords", "section"),
                                          ("per_page=0", "per_page"), ("page=-1", "page")])
def test_api_answers_422_with_the_field_when_the_query_is_bad(app, world, query, field):
    answer = app.test_client().get(f"{API}?{query}", headers=bearer(KIM))

    assert answer.status_code == 422
    assert field in answer.get_json()["error"]["fields"]


# -- the page and the nav --


def _login(app, n):
    client = app.test_client()
    assert client.post("/login", data={"member_id": n}).status_code == 200
    return client


def test_my_page_sends_to_the_login_page_when_not_logged_in(app, world):
    answer = app.test_client().get(PAGE)

    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_my_page_shows_ones_own_activity_in_korean_when_logged_in(app, world):
    html = _login(app, KIM).get(PAGE).get_data(as_text=True)

    assert "마이페이지" in html and "대기 2번" in html
    assert "Kim&#39;s private draft" in html and "Kim says yes to quiet Sundays." in html
    assert "Lee&#39;s secret draft" not in html and "Lee wants wider lanes." not in html


def test_my_page_shows_one_section_and_its_pages_when_a_section_is_asked(app, world):
    client = _login(app, KIM)
    with_session(app, lambda s: [_propose(s, KIM, f"Kim's idea {n}") for n in range(10)])

    first = client.get(PAGE + "?section=proposals&lang=en").get_data(as_text=True)
    second = client.get(PAGE + "?section=proposals&page=2").get_data(as_text=True)

    assert "Kim&#39;s idea 9" in first and "Kim&#39;s private draft" not in first
    assert "Kim says yes" not in first  # the other sections stay out of it
    assert "Kim&#39;s private draft" in second and "2 / 2" in second


def test_my_page_ignores_a_bad_query_when_one_is_given(app, world):
    answer = _login(app, KIM).get(PAGE + "?section=passwords&page=x")

    assert answer.status_code == 200


def nav_links(client):
    return client.get(PAGE + "?lang=en").get_data(as_text=True)


def test_nav_reaches_every_officials_page_by_role_when_logged_in(app, world):
    citizen = nav_links(_login(app, KIM))
    admin = nav_links(_login(app, ADMIN))
    committee = nav_links(_login(app, COMMITTEE))
    official = nav_links(_login(app, 5))

    for link in ('href="/proposals/me"', 'href="/proposals/notifications"'):
        assert link in citizen and link in admin
    for link in ("/proposals/answers/due", "/proposals/committee", "/proposals/moderation",
                 "/proposals/admin/stats", "/proposals/admin/audit"):
        assert link in admin and link not in citizen
    assert "/proposals/committee" in committee and "/proposals/admin/stats" not in committee
    assert "/proposals/answers/due" in official and "/proposals/moderation" not in official
    assert 'href="/proposals/meetings/"' in citizen  # check-in sits on each meeting


def test_nav_leaves_out_the_admin_pages_when_the_host_does_not_register_them(make_app):
    app = make_app(DELIBERATION_REGISTER_ADMIN=False)
    with app.app_context():
        app.db.session.add(app.Member(id=ADMIN, nickname="Admin", roles="citizen,admin"))
        app.db.session.commit()

    answer = _login(app, ADMIN).get(PAGE)

    assert answer.status_code == 200
    assert "/proposals/moderation" in answer.get_data(as_text=True)
    assert "/admin/stats" not in answer.get_data(as_text=True)
