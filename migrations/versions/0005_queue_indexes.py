"""inquiries: indexes for the queue at 100,000s of inquiries

ix_inquiries_queue holds every column the queue's tabs and urgency order read, with
status first, so the tab counts and the choice of a page's 51 rows come from one range
of this index (the open inquiries) without reading the table or sorting whole rows.
ix_inquiries_assignee_follow_up serves the "follow-ups due" tab, the one tab that may
hold finished inquiries. Written by hand; the models declare the same indexes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

QUEUE_COLUMNS = [
    'status',
    'clock_running',
    'due_at',
    'assignee_id',
    'request_type',
    'received_at',
    'mission_id',
    'routed_contact_id',
    'id',
]


def upgrade():
    op.create_index('ix_inquiries_queue', 'inquiries', QUEUE_COLUMNS, unique=False)
    op.create_index(
        'ix_inquiries_assignee_follow_up',
        'inquiries',
        ['assignee_id', 'follow_up_due_at'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_inquiries_assignee_follow_up', table_name='inquiries')
    op.drop_index('ix_inquiries_queue', table_name='inquiries')
