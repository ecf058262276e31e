"""a citizen meeting can be cancelled, with a public reason

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 08:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
import deliberation.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deliberation_meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', deliberation.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('deliberation_meeting', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_at')
