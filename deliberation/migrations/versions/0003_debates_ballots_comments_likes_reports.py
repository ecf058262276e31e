"""debates, ballots, comments, likes, reports

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 05:33:58.624571
"""
from alembic import op
import sqlalchemy as sa
import deliberation.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deliberation_like',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_like')),
    sa.UniqueConstraint('subject', 'subject_id', 'participant_id', name=op.f('uq_deliberation_like_subject_subject_id_participant_id'))
    )
    op.create_table('deliberation_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_report')),
    sa.UniqueConstraint('subject', 'subject_id', 'participant_id', name=op.f('uq_deliberation_report_subject_subject_id_participant_id'))
    )
    with op.batch_alter_table('deliberation_report', schema=None) as batch_op:
        batch_op.create_index('ix_deliberation_report_open', ['resolved_at', 'subject'], unique=False)

    op.create_table('deliberation_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=64), nullable=False),
    sa.Column('author_name', sa.String(length=100), nullable=False),
    sa.Column('body', sa.String(length=2000), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('like_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('report_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('hidden_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['deliberation_proposal.id'], name=op.f('fk_deliberation_comment_proposal_id_deliberation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_comment'))
    )
    with op.batch_alter_table('deliberation_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_comment_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliberation_comment_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('deliberation_debate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('question', sa.String(length=200), nullable=False),
    sa.Column('background', sa.Text(), nullable=False),
    sa.Column('arguments_pro', sa.Text(), nullable=False),
    sa.Column('arguments_con', sa.Text(), nullable=False),
    sa.Column('starts_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_role', sa.String(length=30), nullable=False),
    sa.Column('participant_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('pro_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('con_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('other_count', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_deliberation_debate_ends_after_start')),
    sa.CheckConstraint('participant_count >= 0 AND pro_count >= 0 AND con_count >= 0 AND other_count >= 0', name=op.f('ck_deliberation_debate_tallies_not_negative')),
    sa.ForeignKeyConstraint(['proposal_id'], ['deliberation_proposal.id'], name=op.f('fk_deliberation_debate_proposal_id_deliberation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_debate')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_deliberation_debate_proposal_id'))
    )
    with op.batch_alter_table('deliberation_debate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_debate_ends_at'), ['ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliberation_debate_starts_at'), ['starts_at'], unique=False)

    op.create_table('deliberation_ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('debate_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=64), nullable=False),
    sa.Column('author_name', sa.String(length=100), nullable=False),
    sa.Column('stance', sa.String(length=10), nullable=True),
    sa.Column('opinion', sa.String(length=1000), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('like_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('report_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('hidden_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['debate_id'], ['deliberation_debate.id'], name=op.f('fk_deliberation_ballot_debate_id_deliberation_debate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_ballot')),
    sa.UniqueConstraint('debate_id', 'participant_id', name=op.f('uq_deliberation_ballot_debate_id_participant_id'))
    )
    with op.batch_alter_table('deliberation_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_ballot_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliberation_ballot_participant_id'), ['participant_id'], unique=False)



def downgrade():
    with op.batch_alter_table('deliberation_ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_ballot_participant_id'))
        batch_op.drop_index(batch_op.f('ix_deliberation_ballot_created_at'))

    op.drop_table('deliberation_ballot')
    with op.batch_alter_table('deliberation_debate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_debate_starts_at'))
        batch_op.drop_index(batch_op.f('ix_deliberation_debate_ends_at'))

    op.drop_table('deliberation_debate')
    with op.batch_alter_table('deliberation_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_comment_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_deliberation_comment_participant_id'))

    op.drop_table('deliberation_comment')
    with op.batch_alter_table('deliberation_report', schema=None) as batch_op:
        batch_op.drop_index('ix_deliberation_report_open')

    op.drop_table('deliberation_report')
    op.drop_table('deliberation_like')
