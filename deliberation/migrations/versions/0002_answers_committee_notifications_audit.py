"""answers, committee, notifications, audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 05:28:31.080108
"""
from alembic import op
import sqlalchemy as sa
import deliberation.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


APPEND_ONLY = {
    "sqlite": [
        """CREATE TRIGGER deliberation_audit_entry_no_update BEFORE UPDATE ON deliberation_audit_entry
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        """CREATE TRIGGER deliberation_audit_entry_no_delete BEFORE DELETE ON deliberation_audit_entry
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION deliberation_audit_entry_refuse() RETURNS trigger
           LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
        """CREATE TRIGGER deliberation_audit_entry_append_only
           BEFORE UPDATE OR DELETE ON deliberation_audit_entry
           FOR EACH ROW EXECUTE FUNCTION deliberation_audit_entry_refuse()""",
    ],
}


def upgrade():
    op.create_table('deliberation_audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('actor_roles', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_audit_entry'))
    )
    with op.batch_alter_table('deliberation_audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_audit_entry_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliberation_audit_entry_occurred_at'), ['occurred_at'], unique=False)

    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    op.create_table('deliberation_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=30), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decision', sa.String(length=30), nullable=False),
    sa.Column('body_markdown', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['deliberation_proposal.id'], name=op.f('fk_deliberation_answer_proposal_id_deliberation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_answer')),
    sa.UniqueConstraint('proposal_id', 'step', name=op.f('uq_deliberation_answer_proposal_id_step'))
    )
    op.create_table('deliberation_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('assigned_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('assigned_by', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['deliberation_proposal.id'], name=op.f('fk_deliberation_assignment_proposal_id_deliberation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_assignment')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_deliberation_assignment_proposal_id'))
    )
    with op.batch_alter_table('deliberation_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_assignment_department'), ['department'], unique=False)

    op.create_table('deliberation_committee_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('below_threshold', sa.Boolean(), nullable=False),
    sa.Column('debate_question', sa.String(length=200), nullable=True),
    sa.Column('decided_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['deliberation_proposal.id'], name=op.f('fk_deliberation_committee_decision_proposal_id_deliberation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_committee_decision')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_deliberation_committee_decision_proposal_id'))
    )
    op.create_table('deliberation_implementation_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('author_role', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['deliberation_proposal.id'], name=op.f('fk_deliberation_implementation_update_proposal_id_deliberation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_implementation_update'))
    )
    with op.batch_alter_table('deliberation_implementation_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_implementation_update_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('deliberation_notification_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('fanned_out_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['deliberation_proposal.id'], name=op.f('fk_deliberation_notification_event_proposal_id_deliberation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_notification_event'))
    )
    with op.batch_alter_table('deliberation_notification_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_notification_event_fanned_out_at'), ['fanned_out_at'], unique=False)

    op.create_table('deliberation_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['deliberation_proposal.id'], name=op.f('fk_deliberation_subscription_proposal_id_deliberation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_subscription')),
    sa.UniqueConstraint('proposal_id', 'participant_id', name=op.f('uq_deliberation_subscription_proposal_id_participant_id'))
    )
    with op.batch_alter_table('deliberation_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_subscription_participant_id'), ['participant_id'], unique=False)

    op.create_table('deliberation_answer_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=30), nullable=False),
    sa.Column('body_markdown', sa.Text(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=True),
    sa.Column('edited_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('editor_role', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['deliberation_answer.id'], name=op.f('fk_deliberation_answer_revision_answer_id_deliberation_answer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_answer_revision')),
    sa.UniqueConstraint('answer_id', 'version', name=op.f('uq_deliberation_answer_revision_answer_id_version'))
    )
    op.create_table('deliberation_notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['deliberation_notification_event.id'], name=op.f('fk_deliberation_notification_event_id_deliberation_notification_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_notification')),
    sa.UniqueConstraint('participant_id', 'event_id', name=op.f('uq_deliberation_notification_participant_id_event_id'))
    )
    with op.batch_alter_table('deliberation_notification', schema=None) as batch_op:
        batch_op.create_index('ix_deliberation_notification_inbox', ['participant_id', 'read_at'], unique=False)

    op.create_table('deliberation_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', deliberation.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', deliberation.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['deliberation_notification.id'], name=op.f('fk_deliberation_delivery_notification_id_deliberation_notification'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_delivery')),
    sa.UniqueConstraint('notification_id', 'channel', name=op.f('uq_deliberation_delivery_notification_id_channel'))
    )
    with op.batch_alter_table('deliberation_delivery', schema=None) as batch_op:
        batch_op.create_index('ix_deliberation_delivery_due', ['status', 'next_attempt_at'], unique=False)

    with op.batch_alter_table('deliberation_proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', deliberation.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_deliberation_proposal_merged_into_id_deliberation_proposal'), 'deliberation_proposal', ['merged_into_id'], ['id'])



def downgrade():
    with op.batch_alter_table('deliberation_proposal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deliberation_proposal_merged_into_id_deliberation_proposal'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_at')

    with op.batch_alter_table('deliberation_delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_deliberation_delivery_due')

    op.drop_table('deliberation_delivery')
    with op.batch_alter_table('deliberation_notification', schema=None) as batch_op:
        batch_op.drop_index('ix_deliberation_notification_inbox')

    op.drop_table('deliberation_notification')
    op.drop_table('deliberation_answer_revision')
    with op.batch_alter_table('deliberation_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_subscription_participant_id'))

    op.drop_table('deliberation_subscription')
    with op.batch_alter_table('deliberation_notification_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_notification_event_fanned_out_at'))

    op.drop_table('deliberation_notification_event')
    with op.batch_alter_table('deliberation_implementation_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_implementation_update_proposal_id'))

    op.drop_table('deliberation_implementation_update')
    op.drop_table('deliberation_committee_decision')
    with op.batch_alter_table('deliberation_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_assignment_department'))

    op.drop_table('deliberation_assignment')
    op.drop_table('deliberation_answer')
    with op.batch_alter_table('deliberation_audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_audit_entry_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_deliberation_audit_entry_action'))

    op.drop_table('deliberation_audit_entry')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS deliberation_audit_entry_refuse()")
