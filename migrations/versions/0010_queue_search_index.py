"""SQLite: the queue's text search index (FTS5, trigram), kept in step by triggers

A search counted its matches in all by one LIKE on each inquiry's search_text; the index
counts them from trigrams instead (see tracker/models/search_index.py). It is filled here with
the inquiries already there. PostgreSQL is unchanged.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28

"""

from alembic import op

from tracker.models import search_index

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    search_index.create_sqlite(op.get_bind())


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in search_index.SQLITE_DROP:
            op.execute(statement)
