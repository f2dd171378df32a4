"""statistics: the day rollup, its triggers, and the raw-row indexes it replaces

stats_days marks each (scope, day) with a version that triggers on inquiries (and on a
mission's time zone) bump; stats_day_tallies and stats_day_durations hold each day's
counts and times to first response, counted when a report needs a changed day;
stats_scope_outlets holds each scope's outlet totals. The days of the inquiries already
there are marked as never counted: the first report counts them. The statistics no
longer read the inquiries' rows in bulk, so ix_inquiries_stats and
ix_inquiries_outlet_received go (each index costs every insert). Written by hand; the
models declare the same tables, and tracker.models.stats the same triggers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28

"""
import sqlalchemy as sa
from alembic import op

from tracker.models.stats import drop_statements, trigger_statements

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

STATS_COLUMNS = [
    'phase_at_receipt',
    'assignee_id',
    'routed_contact_id',
    'request_type',
    'media_type',
    'received_at',
    'mission_id',
    'deadline',
    'first_response_at',
]


def upgrade():
    op.create_table(
        'stats_days',
        sa.Column('scope_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('cached_version', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('scope_id', 'day', name=op.f('pk_stats_days')),
    )
    op.create_table(
        'stats_day_tallies',
        sa.Column('scope_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('dimension', sa.String(length=16), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.Column('received', sa.Integer(), nullable=False),
        sa.Column('with_deadline', sa.Integer(), nullable=False),
        sa.Column('met', sa.Integer(), nullable=False),
    )
    op.create_index(
        'ix_stats_day_tallies_sums',
        'stats_day_tallies',
        ['scope_id', 'dimension', 'value', 'day', 'received', 'with_deadline', 'met'],
        unique=False,
    )
    op.create_index('ix_stats_day_tallies_day', 'stats_day_tallies', ['day', 'scope_id'])
    op.create_table(
        'stats_day_durations',
        sa.Column('scope_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('phase', sa.String(length=24), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('durations', sa.LargeBinary(), nullable=False),
    )
    op.create_index('ix_stats_day_durations_day', 'stats_day_durations', ['scope_id', 'day'])
    op.create_table(
        'stats_scope_outlets',
        sa.Column('scope_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('outlet', sa.String(length=200), nullable=False),
        sa.Column('received', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('scope_id', 'outlet', name=op.f('pk_stats_scope_outlets')),
    )
    dialect = op.get_bind().dialect.name
    for statement in trigger_statements(dialect):
        op.execute(statement)
    op.drop_index('ix_inquiries_outlet_received', table_name='inquiries')
    op.drop_index('ix_inquiries_stats', table_name='inquiries')


def downgrade():
    op.create_index('ix_inquiries_stats', 'inquiries', STATS_COLUMNS, unique=False)
    op.create_index(
        'ix_inquiries_outlet_received',
        'inquiries',
        ['outlet', 'received_at', 'mission_id'],
        unique=False,
    )
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table('stats_scope_outlets')
    op.drop_index('ix_stats_day_durations_day', table_name='stats_day_durations')
    op.drop_table('stats_day_durations')
    op.drop_index('ix_stats_day_tallies_day', table_name='stats_day_tallies')
    op.drop_index('ix_stats_day_tallies_sums', table_name='stats_day_tallies')
    op.drop_table('stats_day_tallies')
    op.drop_table('stats_days')
