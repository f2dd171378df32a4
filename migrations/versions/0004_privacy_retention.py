"""privacy: retention per mission, anonymised inquiries, record of privacy runs

Existing missions get the default retention of 24 months (server default), so the
upgrade needs no data step.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa

import tracker.models.types


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('privacy_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('purge', 'export', 'erase', name='privacyrunkind', native_enum=False, length=24), nullable=False),
    sa.Column('at', tracker.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('run_by', sa.String(length=200), nullable=False),
    sa.Column('email_hash', sa.String(length=64), nullable=True),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('inquiry_count', sa.Integer(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_runs'))
    )
    with op.batch_alter_table('privacy_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_runs_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_runs_email_hash'), ['email_hash'], unique=False)

    with op.batch_alter_table('missions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_months', sa.Integer(), server_default='24', nullable=False))

    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', tracker.models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')

    with op.batch_alter_table('missions', schema=None) as batch_op:
        batch_op.drop_column('retention_months')

    with op.batch_alter_table('privacy_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_runs_email_hash'))
        batch_op.drop_index(batch_op.f('ix_privacy_runs_at'))

    op.drop_table('privacy_runs')
