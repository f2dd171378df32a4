"""missions.published: a new mission is a draft until an admin publishes it

A draft is not listed on the public index, its pages, calendar and contacts answer 404 to
the public (staff see them), and it takes no inquiries and no part in handover. The
missions already there were public before drafts existed, so they are published.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-10

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


# In place on both databases (SQLite 3.35+ drops columns): a batch copy of missions
# would lose the statistics' trigger on its time zone.
def upgrade():
    op.add_column('missions', sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(sa.text('UPDATE missions SET published = :yes').bindparams(yes=True))


def downgrade():
    op.execute('ALTER TABLE missions DROP COLUMN published')
