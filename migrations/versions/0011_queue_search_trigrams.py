"""PostgreSQL: a GIN trigram index on inquiries.search_text (pg_trgm)

The queue's text search on PostgreSQL tested ILIKE on every inquiry for its total; with
the trigram index, ILIKE finds the matching rows from the index (see
tracker/models/search_index.py). The pg_trgm extension is added to the database if it
lacks it and the migration may; otherwise the index is left out, with a warning, and search keeps
reading every row. SQLite is unchanged (its index came with 0010).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28

"""

from alembic import op

from tracker.models import search_index

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    search_index.create_postgresql(op.get_bind())


def downgrade():
    # The extension stays: other things in the database may use it.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {search_index.TRIGRAM_INDEX}")
