"""citizen meetings: registration, programme, live Q&A, survey

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 06:23:16.698875
"""
from alembic import op
import sqlalchemy as sa
import deliberation.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deliberation_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('agenda_question', sa.String(length=300), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('audience', sa.String(length=300), nullable=False),
    sa.Column('starts_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ends_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('registration_deadline', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('online_questions', sa.Boolean(), nullable=False),
    sa.Column('registration_seq', sa.Integer(), server_default='0', nullable=False),
    sa.Column('confirmed_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('waitlist_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('qna_version', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_deliberation_meeting_capacity_positive')),
    sa.CheckConstraint('confirmed_count >= 0 AND confirmed_count <= capacity', name=op.f('ck_deliberation_meeting_seats_within_capacity')),
    sa.ForeignKeyConstraint(['proposal_id'], ['deliberation_proposal.id'], name=op.f('fk_deliberation_meeting_proposal_id_deliberation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_meeting')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_deliberation_meeting_proposal_id'))
    )
    op.create_table('deliberation_live_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=64), nullable=False),
    sa.Column('author_name', sa.String(length=100), nullable=False),
    sa.Column('body', sa.String(length=300), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('upvote_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('hidden_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('pinned_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['deliberation_meeting.id'], name=op.f('fk_deliberation_live_question_meeting_id_deliberation_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_live_question'))
    )
    with op.batch_alter_table('deliberation_live_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_live_question_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index('ix_deliberation_live_question_rate', ['participant_id', 'created_at'], unique=False)

    op.create_table('deliberation_programme_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('starts_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ends_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['deliberation_meeting.id'], name=op.f('fk_deliberation_programme_item_meeting_id_deliberation_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_programme_item'))
    )
    with op.batch_alter_table('deliberation_programme_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_programme_item_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('deliberation_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('check_in_code', sa.String(length=12), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('checked_in_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['deliberation_meeting.id'], name=op.f('fk_deliberation_registration_meeting_id_deliberation_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_registration')),
    sa.UniqueConstraint('check_in_code', name=op.f('uq_deliberation_registration_check_in_code')),
    sa.UniqueConstraint('meeting_id', 'participant_id', name=op.f('uq_deliberation_registration_meeting_id_participant_id'))
    )
    with op.batch_alter_table('deliberation_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_registration_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index('ix_deliberation_registration_queue', ['meeting_id', 'status', 'seq'], unique=False)

    op.create_table('deliberation_survey_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('prompt', sa.String(length=300), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['deliberation_meeting.id'], name=op.f('fk_deliberation_survey_question_meeting_id_deliberation_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_survey_question'))
    )
    with op.batch_alter_table('deliberation_survey_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_survey_question_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('deliberation_survey_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=64), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['deliberation_meeting.id'], name=op.f('fk_deliberation_survey_response_meeting_id_deliberation_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_survey_response')),
    sa.UniqueConstraint('meeting_id', 'participant_id', name=op.f('uq_deliberation_survey_response_meeting_id_participant_id'))
    )
    op.create_table('deliberation_live_question_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['deliberation_live_question.id'], name=op.f('fk_deliberation_live_question_vote_question_id_deliberation_live_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_live_question_vote')),
    sa.UniqueConstraint('question_id', 'participant_id', name=op.f('uq_deliberation_live_question_vote_question_id_participant_id'))
    )
    with op.batch_alter_table('deliberation_notification', schema=None) as batch_op:
        batch_op.alter_column('proposal_id',
               existing_type=sa.INTEGER(),
               nullable=True)

    with op.batch_alter_table('deliberation_notification_event', schema=None) as batch_op:
        batch_op.alter_column('proposal_id',
               existing_type=sa.INTEGER(),
               nullable=True)



def downgrade():
    with op.batch_alter_table('deliberation_notification_event', schema=None) as batch_op:
        batch_op.alter_column('proposal_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    with op.batch_alter_table('deliberation_notification', schema=None) as batch_op:
        batch_op.alter_column('proposal_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    op.drop_table('deliberation_live_question_vote')
    op.drop_table('deliberation_survey_response')
    with op.batch_alter_table('deliberation_survey_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_survey_question_meeting_id'))

    op.drop_table('deliberation_survey_question')
    with op.batch_alter_table('deliberation_registration', schema=None) as batch_op:
        batch_op.drop_index('ix_deliberation_registration_queue')
        batch_op.drop_index(batch_op.f('ix_deliberation_registration_participant_id'))

    op.drop_table('deliberation_registration')
    with op.batch_alter_table('deliberation_programme_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_programme_item_meeting_id'))

    op.drop_table('deliberation_programme_item')
    with op.batch_alter_table('deliberation_live_question', schema=None) as batch_op:
        batch_op.drop_index('ix_deliberation_live_question_rate')
        batch_op.drop_index(batch_op.f('ix_deliberation_live_question_meeting_id'))

    op.drop_table('deliberation_live_question')
    op.drop_table('deliberation_meeting')
