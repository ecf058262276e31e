"""The package plugs into a host that is not ours: an app factory with its
own Flask-SQLAlchemy, its own tables, its own way of saying who is logged in,
its own templates and config."""

import flask_sqlalchemy
import pytest
import sqlalchemy as sa
from flask import Flask, g, request
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy.orm import Mapped, mapped_column

from deliberation import ConfigurationError, Deliberation, Participant
from deliberation.db import Base

BIKE_LANES = {
    "title": "Protected bike lanes on the river road",
    "body": "Cyclists share the river road with fast cars; separate lanes would save lives.",
    "category": "transport",
}
AS_GARDENER = {"Authorization": "Bearer gardener:rose"}


def build_host(database, *, deliberation=None, csrf=True, template_folder=None, **config):
    """A garden club's site, built the factory way: extensions first, apps later."""
    db = SQLAlchemy()

    class Garden(db.Model):
        __tablename__ = "garden"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(50))

    deliberation = deliberation or Deliberation()

    @deliberation.participant_loader
    def gardener():
        # this host knows its people by its own token scheme, no Flask-Login
        return g.get("gardener")

    app = Flask(__name__, template_folder=template_folder)
    app.config.update(SECRET_KEY="garden-secret", SQLALCHEMY_DATABASE_URI=database, **config)
    db.init_app(app)
    if csrf:
        CSRFProtect(app)
    deliberation.init_app(app)

    @app.before_request
    def identify():
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        name = token.removeprefix("gardener:") if token.startswith("gardener:") else None
        g.gardener = Participant(id=f"g-{name}", display_name=name.title()) if name else None

    app.Garden = Garden
    app.db = db
    return app


@pytest.fixture
def hosts(database, clock):
    """Build hosts on the test database with its tables fresh; dispose after."""
    built = []

    def build(**kwargs):
        app = build_host(database, **kwargs)
        Deliberation.set_clock(app, clock)
        with app.app_context():
            app.db.drop_all()
            Base.metadata.drop_all(app.db.engine)
            app.db.create_all()
        Deliberation.create_tables(app)
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            app.db.session.remove()
            for engine in app.db.engines.values():
                engine.dispose()


def table_names(app):
    with app.app_context():
        return set(sa.inspect(app.db.engine).get_table_names())


# -- wiring --


def test_package_uses_the_hosts_sqlalchemy_when_initialised_factory_style(hosts):
    app = hosts()

    state = app.extensions["deliberation"]
    assert state.db is app.db
    assert app.extensions["sqlalchemy"] is app.db
    assert isinstance(state.extension, Deliberation)


def test_no_second_sqlalchemy_is_created_when_the_package_initialises_and_serves(
        hosts, monkeypatch):
    created = []
    original = flask_sqlalchemy.SQLAlchemy.__init__

    def counting(self, *args, **kwargs):
        created.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(flask_sqlalchemy.SQLAlchemy, "__init__", counting)
    app = hosts()
    client = app.test_client()
    client.post("/api/v1/proposals", headers=AS_GARDENER, json={**BIKE_LANES, "publish": True})
    client.get("/proposals/1")

    assert created == [app.db]


def test_host_tables_and_package_tables_live_side_by_side_when_both_are_created(hosts):
    app = hosts()
    answer = app.test_client().post("/api/v1/proposals", headers=AS_GARDENER, json=BIKE_LANES)
    with app.app_context():
        app.db.session.add(app.Garden(name="Roses"))
        app.db.session.commit()
        gardens = app.db.session.scalars(sa.select(app.Garden.name)).all()

    ours = set(Base.metadata.tables)
    assert answer.status_code == 201
    assert gardens == ["Roses"]
    assert {"garden"} | ours <= table_names(app)
    assert {"deliberation_proposal", "deliberation_agreement", "deliberation_milestone",
            "deliberation_timeline_event"} <= ours
    assert all(name.startswith("deliberation_") for name in ours)
    assert not set(app.db.metadatas[None].tables) & set(Base.metadata.tables)


def test_package_asks_the_hosts_loader_who_acts_when_a_request_comes_in(hosts):
    client = hosts().test_client()

    me = client.get("/api/v1/me", headers=AS_GARDENER)
    nobody = client.get("/api/v1/me")

    assert me.get_json()["id"] == "g-rose"
    assert me.get_json()["display_name"] == "Rose"
    assert nobody.status_code == 401


def test_one_extension_keeps_each_apps_settings_when_initialised_on_two_apps(hosts):
    shared = Deliberation()
    parks = hosts(deliberation=shared, DELIBERATION_CATEGORIES=["parks"])
    roads = hosts(deliberation=shared, DELIBERATION_CATEGORIES=["roads"])

    assert parks.extensions["deliberation"].settings.categories == ("parks",)
    assert roads.extensions["deliberation"].settings.categories == ("roads",)
    assert parks.extensions["deliberation"].db is parks.db
    assert roads.extensions["deliberation"].db is roads.db


# -- config --


def test_urls_move_when_the_host_sets_both_prefixes(hosts):
    client = hosts(DELIBERATION_API_PREFIX="/civic/api", DELIBERATION_URL_PREFIX="/ideas"
                   ).test_client()

    assert client.get("/civic/api/ladder").status_code == 200
    assert client.get("/ideas/").status_code == 200
    assert client.get("/api/v1/ladder").status_code == 404
    assert client.get("/proposals/").status_code == 404


def test_categories_follow_the_config_when_the_host_names_its_own(hosts):
    client = hosts(DELIBERATION_CATEGORIES=["parks", "allotments"]).test_client()

    refused = client.post("/api/v1/proposals", headers=AS_GARDENER, json=BIKE_LANES)
    accepted = client.post("/api/v1/proposals", headers=AS_GARDENER,
                           json={**BIKE_LANES, "category": "allotments"})
    form = client.get("/proposals/new", headers=AS_GARDENER).get_data(as_text=True)

    assert refused.status_code == 422
    assert "parks" in refused.get_json()["error"]["fields"]["category"][0]
    assert accepted.status_code == 201
    assert '<option value="allotments"' in form and '<option value="transport"' not in form


def test_ladder_follows_the_config_when_the_host_picks_a_preset(hosts):
    client = hosts(DELIBERATION_LADDER="uk_petitions").test_client()

    ladder = client.get("/api/v1/ladder").get_json()
    proposal = client.post("/api/v1/proposals", headers=AS_GARDENER,
                           json={**BIKE_LANES, "publish": True}).get_json()

    assert ladder["name"] == "uk_petitions"
    assert proposal["progress"]["needed"] == 10_000
    assert proposal["closes_at"].startswith("2026-09-02")  # six months, not thirty days


def test_per_page_follows_the_config_when_the_host_sets_it(hosts):
    client = hosts(DELIBERATION_PER_PAGE=1).test_client()
    for n in range(2):
        client.post("/api/v1/proposals", headers=AS_GARDENER,
                    json={**BIKE_LANES, "title": f"Bike lanes {n} on the river", "publish": True})

    page = client.get("/api/v1/proposals").get_json()

    assert (page["per_page"], page["pages"], len(page["items"])) == (1, 2, 1)


def test_api_is_absent_when_the_host_turns_it_off(hosts):
    app = hosts(DELIBERATION_REGISTER_API=False)

    assert app.test_client().get("/api/v1/ladder").status_code == 404
    assert app.test_client().get("/proposals/").status_code == 200
    assert not [r for r in app.url_map.iter_rules() if r.endpoint.startswith("deliberation_api")]


@pytest.mark.parametrize("config, mentioned", [
    ({"DELIBERATION_CATEGORIES": []}, "DELIBERATION_CATEGORIES"),
    ({"DELIBERATION_CATEGORIES": ["parks", ""]}, "DELIBERATION_CATEGORIES"),
    ({"DELIBERATION_PER_PAGE": 0}, "DELIBERATION_PER_PAGE"),
    ({"DELIBERATION_PER_PAGE": "20"}, "DELIBERATION_PER_PAGE"),
    ({"DELIBERATION_LADDER": "moon_2030"}, "moon_2030"),
    ({"DELIBERATION_LADDER": {"name": "empty", "rules": []}}, "DELIBERATION_LADDER"),
])
def test_init_raises_configuration_error_when_a_setting_is_invalid(database, config, mentioned):
    with pytest.raises(ConfigurationError, match=mentioned):
        build_host(database, **config)


def test_init_raises_configuration_error_when_the_host_has_no_flask_sqlalchemy():
    app = Flask(__name__)

    with pytest.raises(ConfigurationError, match="Flask-SQLAlchemy"):
        Deliberation().init_app(app)
    assert "deliberation" not in app.extensions


# -- templates --


def test_host_template_wins_when_it_overrides_the_list_page(hosts, tmp_path):
    override = tmp_path / "deliberation" / "proposals" / "list.html"
    override.parent.mkdir(parents=True)
    override.write_text("<p>Garden club ideas: {{ page.total }}</p>")
    client = hosts(template_folder=str(tmp_path)).test_client()
    client.post("/api/v1/proposals", headers=AS_GARDENER, json={**BIKE_LANES, "publish": True})

    listing = client.get("/proposals/")
    detail = client.get("/proposals/1")

    assert listing.get_data(as_text=True) == "<p>Garden club ideas: 1</p>"
    assert BIKE_LANES["title"] in detail.get_data(as_text=True)
    assert "Garden club" not in detail.get_data(as_text=True)


def test_pages_extend_the_host_layout_when_the_base_template_is_configured(hosts):
    app = hosts(DELIBERATION_BASE_TEMPLATE="garden/layout.html")
    app.jinja_env.loader = ChoiceLoader([
        DictLoader({"garden/layout.html":
                    "<header>Garden club</header>{% block content %}{% endblock %}"}),
        app.jinja_env.loader])

    page = app.test_client().get("/proposals/").get_data(as_text=True)

    assert page.startswith("<header>Garden club</header>")
    assert 'class="dl"' in page


# -- a host without CSRFProtect --


def test_form_post_without_token_is_a_400_page_when_the_host_has_no_csrf_protect(hosts):
    app = hosts(csrf=False)

    answer = app.test_client().post("/proposals/new", headers=AS_GARDENER, data=BIKE_LANES)

    assert answer.status_code == 400
    assert 'role="alert"' in answer.get_data(as_text=True)
    with app.app_context():
        assert app.db.session.execute(sa.text(
            "SELECT COUNT(*) FROM deliberation_proposal")).scalar_one() == 0


def test_form_post_is_accepted_without_token_when_the_host_disabled_csrf(hosts):
    app = hosts(csrf=False, WTF_CSRF_ENABLED=False)

    answer = app.test_client().post("/proposals/new", headers=AS_GARDENER, data=BIKE_LANES)

    assert answer.status_code == 302
