"""A minimal host site that is not the demo: its own db, its own Member model,
its own Flask-Login, a header-based login for scripts and a form login for
browser-like tests. It proves the package plugs into a site that is not ours."""

import sqlalchemy as sa
from flask import Flask, request
from flask_login import LoginManager, UserMixin, current_user, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from deliberation import Deliberation, Participant, Role


def create_host_app(database_uri, **config):
    class HostBase(DeclarativeBase):
        pass

    db = SQLAlchemy(model_class=HostBase)

    class Member(UserMixin, db.Model):
        __tablename__ = "member"
        id: Mapped[int] = mapped_column(primary_key=True)
        nickname: Mapped[str] = mapped_column(sa.String(50))
        roles: Mapped[str] = mapped_column(sa.String(200), default="citizen")
        department: Mapped[str | None] = mapped_column(sa.String(50))

    app = Flask(__name__)
    app.config.update(SECRET_KEY="host-secret", SQLALCHEMY_DATABASE_URI=database_uri,
                      **config)
    db.init_app(app)
    csrf = CSRFProtect(app)
    login = LoginManager(app)
    login.login_view = "login"

    @login.user_loader
    def load_member(member_id):
        return db.session.get(Member, int(member_id))

    @login.request_loader
    def load_from_header(req):
        # the host's own scheme for scripts: "Authorization: Bearer member-<id>"
        auth = req.headers.get("Authorization", "")
        if auth.startswith("Bearer member-"):
            return db.session.get(Member, int(auth.removeprefix("Bearer member-")))
        return None

    deliberation = Deliberation(app, db=db)

    @deliberation.participant_loader
    def participant():
        if not current_user.is_authenticated:
            return None
        return Participant(id=f"m{current_user.id}", display_name=current_user.nickname,
                           roles=frozenset(current_user.roles.split(",")),
                           department=current_user.department)

    @app.get("/")
    def home():
        return "host home"

    @app.route("/login", methods=["GET", "POST"])
    @csrf.exempt
    def login():
        # a test stand-in for the host's real login: no password, by member id
        if request.method == "POST":
            member = db.session.get(Member, int(request.form["member_id"]))
            if member is None:
                return "no such member", 404
            login_user(member)
            return "logged in"
        return "host login page"

    @app.get("/csrf-token")
    def csrf_token():
        return {"csrf_token": generate_csrf()}

    app.Member = Member
    app.db = db
    return app
