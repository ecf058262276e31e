import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, table_name
from ..proposals.models import Proposal


class Assignment(Base):
    """Which department answers a proposal's department step."""

    __tablename__ = table_name("assignment")

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Proposal.id, ondelete="CASCADE"), nullable=False, unique=True)
    department: Mapped[str] = mapped_column(sa.String(100), nullable=False, index=True)
    assigned_at = mapped_column(UTCDateTime, nullable=False)
    #: "auto" when derived from the category, else the role that assigned it
    assigned_by: Mapped[str] = mapped_column(sa.String(30), nullable=False)


class Answer(Base):
    """The official answer a step calls for: the department's or the mayor's."""

    __tablename__ = table_name("answer")

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Proposal.id, ondelete="CASCADE"), nullable=False)
    step: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    department: Mapped[str | None] = mapped_column(sa.String(100))
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    decision: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    body_markdown: Mapped[str] = mapped_column(sa.Text, nullable=False)
    body_html: Mapped[str] = mapped_column(sa.Text, nullable=False)
    links: Mapped[list] = mapped_column(sa.JSON, default=list)
    video_url: Mapped[str | None] = mapped_column(sa.String(500))
    version: Mapped[int] = mapped_column(nullable=False, default=1)
    created_at = mapped_column(UTCDateTime, nullable=False)
    updated_at = mapped_column(UTCDateTime, nullable=False)
    published_at = mapped_column(UTCDateTime)

    __table_args__ = (sa.UniqueConstraint("proposal_id", "step"),)


class AnswerRevision(Base):
    """Every version of an answer, kept so edits stay visible."""

    __tablename__ = table_name("answer_revision")

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Answer.id, ondelete="CASCADE"), nullable=False)
    version: Mapped[int] = mapped_column(nullable=False)
    decision: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    body_markdown: Mapped[str] = mapped_column(sa.Text, nullable=False)
    links: Mapped[list] = mapped_column(sa.JSON, default=list)
    video_url: Mapped[str | None] = mapped_column(sa.String(500))
    edited_at = mapped_column(UTCDateTime, nullable=False)
    editor_role: Mapped[str] = mapped_column(sa.String(30), nullable=False)

    __table_args__ = (sa.UniqueConstraint("answer_id", "version"),)


class ImplementationUpdate(Base):
    """Progress of the policy after the answer (Democracy Seoul's 실행)."""

    __tablename__ = table_name("implementation_update")

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Proposal.id, ondelete="CASCADE"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False)
    occurred_on = mapped_column(sa.Date, nullable=False)
    created_at = mapped_column(UTCDateTime, nullable=False)
    author_role: Mapped[str] = mapped_column(sa.String(30), nullable=False)
