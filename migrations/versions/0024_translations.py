"""translations: mission, event, office and contact texts in Russian and Kazakh

One JSON column per table, {"ru": {"title": "…"}, "kk": {…}}, keyed by the column each
text replaces; English stays in the columns and is shown where a translation is missing
(tracker/missions/texts.py). Existing rows start with none.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-10

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

TABLES = ('missions', 'mission_events', 'offices', 'contacts')


# In place on both databases (SQLite 3.35+ drops columns): a batch copy of missions
# would lose the statistics' trigger on its time zone.
def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column('translations', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))


def downgrade():
    for table in reversed(TABLES):
        op.execute(f'ALTER TABLE {table} DROP COLUMN translations')
