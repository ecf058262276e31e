"""proposals, agreements, milestones, timeline

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 05:07:34.779280
"""
from alembic import op
import sqlalchemy as sa
import deliberation.db


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deliberation_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=50), nullable=False),
    sa.Column('author_id', sa.String(length=64), nullable=False),
    sa.Column('author_name', sa.String(length=100), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=30), nullable=True),
    sa.Column('agreement_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closes_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_reason', sa.String(length=20), nullable=True),
    sa.CheckConstraint('agreement_count >= 0', name=op.f('ck_deliberation_proposal_agreement_count_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_proposal'))
    )
    with op.batch_alter_table('deliberation_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_proposal_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliberation_proposal_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliberation_proposal_closes_at'), ['closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliberation_proposal_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliberation_proposal_stage'), ['stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliberation_proposal_state'), ['state'], unique=False)

    op.create_table('deliberation_agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['deliberation_proposal.id'], name=op.f('fk_deliberation_agreement_proposal_id_deliberation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_agreement')),
    sa.UniqueConstraint('proposal_id', 'participant_id', name=op.f('uq_deliberation_agreement_proposal_id_participant_id'))
    )
    with op.batch_alter_table('deliberation_agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_agreement_participant_id'), ['participant_id'], unique=False)

    op.create_table('deliberation_milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=30), nullable=False),
    sa.Column('metric', sa.String(length=30), nullable=False),
    sa.Column('count_at', sa.Integer(), nullable=False),
    sa.Column('reached_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answer_due_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['deliberation_proposal.id'], name=op.f('fk_deliberation_milestone_proposal_id_deliberation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_milestone')),
    sa.UniqueConstraint('proposal_id', 'step', name=op.f('uq_deliberation_milestone_proposal_id_step'))
    )
    op.create_table('deliberation_timeline_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('occurred_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_role', sa.String(length=30), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['deliberation_proposal.id'], name=op.f('fk_deliberation_timeline_event_proposal_id_deliberation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_timeline_event'))
    )
    with op.batch_alter_table('deliberation_timeline_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_timeline_event_proposal_id'), ['proposal_id'], unique=False)



def downgrade():
    with op.batch_alter_table('deliberation_timeline_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_timeline_event_proposal_id'))

    op.drop_table('deliberation_timeline_event')
    op.drop_table('deliberation_milestone')
    with op.batch_alter_table('deliberation_agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_agreement_participant_id'))

    op.drop_table('deliberation_agreement')
    with op.batch_alter_table('deliberation_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_proposal_state'))
        batch_op.drop_index(batch_op.f('ix_deliberation_proposal_stage'))
        batch_op.drop_index(batch_op.f('ix_deliberation_proposal_published_at'))
        batch_op.drop_index(batch_op.f('ix_deliberation_proposal_closes_at'))
        batch_op.drop_index(batch_op.f('ix_deliberation_proposal_category'))
        batch_op.drop_index(batch_op.f('ix_deliberation_proposal_author_id'))

    op.drop_table('deliberation_proposal')
