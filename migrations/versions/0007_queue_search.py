"""inquiries: indexes for the queue's text search

ix_inquiries_search holds the queue index's columns, the other filters' columns and the
searched ones (reference, journalist name and outlet, subject, with the sensitive flag
that hides a name), so /queue?q= picks a page and counts the open tabs from a range of
this index instead of the inquiries' wide rows (long messages). ix_inquiries_text holds
the searched columns alone, first, for the one count over every row (matches in all
statuses, for the "Closed" tab): a scan of it reads a fraction of the table's pages.
Written by hand; the model declares the same indexes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

SEARCH_COLUMNS = [
    'status',
    'clock_running',
    'due_at',
    'assignee_id',
    'request_type',
    'received_at',
    'mission_id',
    'routed_contact_id',
    'phase_at_receipt',
    'media_type',
    'sensitive',
    'reference',
    'name',
    'outlet',
    'subject',
    'id',
]

TEXT_COLUMNS = ['reference', 'subject', 'name', 'outlet', 'sensitive', 'assignee_id']


def upgrade():
    op.create_index('ix_inquiries_search', 'inquiries', SEARCH_COLUMNS, unique=False)
    op.create_index('ix_inquiries_text', 'inquiries', TEXT_COLUMNS, unique=False)


def downgrade():
    op.drop_index('ix_inquiries_text', table_name='inquiries')
    op.drop_index('ix_inquiries_search', table_name='inquiries')
