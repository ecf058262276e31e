"""The demo's own accounts: the package never sees these, only the
Participant the demo builds from them."""

import hashlib
import hmac
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from deliberation import Participant, Role
from deliberation.db import UTCDateTime

TOKEN_PREFIX = "demo_"


class DemoBase(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=DemoBase)


def _now():
    return datetime.now(timezone.utc)


class User(UserMixin, db.Model):
    __tablename__ = "demo_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    #: comma-separated deliberation.Role values
    roles: Mapped[str] = mapped_column(sa.String(200), default=str(Role.CITIZEN))
    department: Mapped[str | None] = mapped_column(sa.String(50))
    created_at = mapped_column(UTCDateTime, nullable=False, default=_now)

    def set_password(self, password):
        # tests pick a cheap method through DEMO_PASSWORD_HASH_METHOD; the site keeps werkzeug's
        method = current_app.config.get("DEMO_PASSWORD_HASH_METHOD")
        self.password_hash = (generate_password_hash(password, method=method) if method
                              else generate_password_hash(password))

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def get_id(self):
        """The login session's id: the user's id and a fingerprint of the
        password hash, so setting a new password ends every other session."""
        return f"{self.id}.{self._password_fingerprint()}"

    def _password_fingerprint(self):
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    @classmethod
    def from_session_id(cls, session_id):
        user_id, _, fingerprint = session_id.partition(".")
        if not user_id.isdigit():
            return None
        user = db.session.get(cls, int(user_id))
        if user is None or not hmac.compare_digest(fingerprint, user._password_fingerprint()):
            return None
        return user

    @property
    def role_set(self):
        return frozenset(Role(r.strip()) for r in (self.roles or "").split(",") if r.strip())

    def as_participant(self):
        return Participant(id=str(self.id), roles=self.role_set,
                           display_name=self.display_name, department=self.department)


class ApiToken(db.Model):
    """A bearer token for scripts; only its SHA-256 is stored, the token
    itself is shown once."""

    __tablename__ = "demo_api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"),
                                         nullable=False, index=True)
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    created_at = mapped_column(UTCDateTime, nullable=False, default=_now)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user):
    """Create a token for ``user`` (caller commits); returns the plain token."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_sha256=hash_token(token)))
    return token


def user_for_token(token):
    row = db.session.execute(
        sa.select(ApiToken.user_id).where(ApiToken.token_sha256 == hash_token(token))
    ).first()
    return None if row is None else db.session.get(User, row.user_id)


class OutboxMessage(db.Model):
    """An e-mail the demo would have sent: stored, never sent."""

    __tablename__ = "demo_outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: one message per notification, however often delivery is retried
    notification_id: Mapped[int] = mapped_column(unique=True, nullable=False)
    recipient_id: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    recipient_email: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    subject: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    link: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    created_at = mapped_column(UTCDateTime, nullable=False, default=_now)


class PasswordReset(db.Model):
    """A one-time link to set a new password: only the token's SHA-256 is
    stored; it expires, and using it (or any other of the user's links)
    spends every link of that user."""

    __tablename__ = "demo_password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"),
                                         nullable=False, index=True)
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    created_at = mapped_column(UTCDateTime, nullable=False, default=_now)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime)


NOTICE_TITLE_MAX = 200
NOTICE_BODY_MAX = 20_000


class Notice(db.Model):
    """A notice (공지사항) written by an admin, in Markdown; pinned ones lead."""

    __tablename__ = "demo_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(NOTICE_TITLE_MAX), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    pinned: Mapped[bool] = mapped_column(nullable=False, default=False, server_default=sa.false())
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id, ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=_now)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=_now)

    __table_args__ = (sa.Index("ix_demo_notice_listing", "pinned", "created_at"),)
