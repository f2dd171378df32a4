"""inquiries.finished_at: retention runs from an inquiry's closing, not only the visit's end

An inquiry's personal data is kept until retention_months after the later of the visit's
end and the day the inquiry is closed (tracker/privacy/retention.py). finished_at is when
it last left the open statuses. The inquiries already finished get the best instant
their rows tell: closed_at for the ways out (closed, declined, spam, duplicate,
referred); for an answered one, its last status change (an inquiry answered, reopened
and answered again keeps its first answered_at), else answered_at, else updated_at.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-10

"""
from alembic import op
import sqlalchemy as sa

import tracker.models.types


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

OPEN_STATUSES = "'new', 'assigned', 'in_progress', 'awaiting_sign_off', 'awaiting_journalist'"


def upgrade():
    # A nullable column: SQLite adds it in place (no copy of the table and its triggers).
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finished_at', tracker.models.types.UTCDateTime(timezone=True), nullable=True))
    op.execute(
        f"""UPDATE inquiries SET finished_at = COALESCE(
            closed_at,
            (SELECT max(e.at) FROM inquiry_events e
              WHERE e.inquiry_id = inquiries.id AND e.kind = 'status'),
            answered_at,
            updated_at)
        WHERE status NOT IN ({OPEN_STATUSES})"""
    )


def downgrade():
    # In place on both (SQLite 3.35+): a batch copy of inquiries would trip on search_text,
    # a generated column, and drop the tables' triggers.
    op.execute('ALTER TABLE inquiries DROP COLUMN finished_at')
