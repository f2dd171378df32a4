"""login_throttles: counted per (address, client) pair, and per address an hour at a time

Failed logins used to be counted per email address alone, so anyone could block an
officer's login by failing six times at their address. Rows are now kept per (address,
client address) pair, plus one per address for the ceiling over all clients, which counts
an hour at a time from ``counting_since`` (see tracker/accounts/login_throttle.py).

The rows of the old rule are dropped: they hold at most a day of failures, and forgetting
them lifts any block that stands at the upgrade.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

"""

from alembic import op
import sqlalchemy as sa

import tracker.models.types


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(sa.text("DELETE FROM login_throttles"))
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "counting_since",
                tracker.models.types.UTCDateTime(timezone=True),
                nullable=False,
            )
        )


def downgrade():
    # The pair rows mean nothing to the old rule.
    op.execute(sa.text("DELETE FROM login_throttles"))
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_column("counting_since")
