"""inquiries: indexes for the statistics at 100,000s of inquiries

ix_inquiries_stats holds every column the statistics' tallies and response times read,
with the grouped columns first (phase at receipt, assignee, routed contact, request type,
media type), so SQLite counts and gathers each group while walking the index instead of
reading the wide rows and sorting the period's inquiries for every figure.
ix_inquiries_outlet_received does the same for the top outlets. Written by hand; the
models declare the same indexes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
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
    op.create_index('ix_inquiries_stats', 'inquiries', STATS_COLUMNS, unique=False)
    op.create_index(
        'ix_inquiries_outlet_received',
        'inquiries',
        ['outlet', 'received_at', 'mission_id'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_inquiries_outlet_received', table_name='inquiries')
    op.drop_index('ix_inquiries_stats', table_name='inquiries')
