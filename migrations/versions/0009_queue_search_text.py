"""inquiries: the searched columns as one generated column, indexed; a narrow count index

search_text joins reference, subject, journalist name and outlet with line breaks, so the
queue's text search over every row (the "Closed" count) tests one LIKE per row, reading
ix_inquiries_match, instead of four over ix_inquiries_text, which goes. PostgreSQL stores
the column; SQLite's ALTER TABLE can add only a VIRTUAL generated column (a STORED one
would mean rebuilding the table, and losing its triggers), whose value the index keeps.
ix_inquiries_sensitive, one small column, is the narrowest index: SQLite's COUNT(*) of
every inquiry (the queue's "Closed" count on every page) walks it instead of a wider
one. Written by hand; the model declares the same column and indexes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# As tracker.models.inquiries.SEARCH_TEXT at this revision.
SEARCH_TEXT = "reference || '\n' || subject || '\n' || name || '\n' || outlet"
TEXT_COLUMNS = ['reference', 'subject', 'name', 'outlet', 'sensitive', 'assignee_id']


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            f'ALTER TABLE inquiries ADD COLUMN search_text TEXT '
            f'GENERATED ALWAYS AS ({SEARCH_TEXT}) VIRTUAL'
        )
    else:
        op.add_column(
            'inquiries',
            sa.Column('search_text', sa.Text(), sa.Computed(SEARCH_TEXT, persisted=True)),
        )
    op.create_index(
        'ix_inquiries_match', 'inquiries', ['search_text', 'sensitive', 'assignee_id']
    )
    op.drop_index('ix_inquiries_text', table_name='inquiries')
    op.create_index('ix_inquiries_sensitive', 'inquiries', ['sensitive'])


def downgrade():
    op.drop_index('ix_inquiries_sensitive', table_name='inquiries')
    op.create_index('ix_inquiries_text', 'inquiries', TEXT_COLUMNS, unique=False)
    op.drop_index('ix_inquiries_match', table_name='inquiries')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE inquiries DROP COLUMN search_text')
    else:
        op.drop_column('inquiries', 'search_text')
