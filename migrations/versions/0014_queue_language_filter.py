"""inquiries: the journalist's language in ix_inquiries_search, for the queue's filter

The queue filters by the journalist's language (the answer's). ix_inquiries_search holds
every column the other filters read (phase, media type, …), so that a filtered page and
its counts come from the index alone, not the wide rows; without language in it, the
filter read the open rows and counted every inquiry from the table. The index is made
again with language after media_type. Written by hand; the model declares the same index.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

BEFORE = [
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
AFTER = [*BEFORE[:10], 'language', *BEFORE[10:]]


def upgrade():
    op.drop_index('ix_inquiries_search', table_name='inquiries')
    op.create_index('ix_inquiries_search', 'inquiries', AFTER, unique=False)


def downgrade():
    op.drop_index('ix_inquiries_search', table_name='inquiries')
    op.create_index('ix_inquiries_search', 'inquiries', BEFORE, unique=False)
