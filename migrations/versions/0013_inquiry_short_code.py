"""inquiries: the short code's hash; code_lookup_throttles: wrong codes per client

A journalist on the phone cannot note down a 43-character status link: each inquiry gets
a short code (its reference and six characters, tracker/inquiries/short_codes.py), kept
only as a hash, indexed for the look-up. The codes of the inquiries already there are
worked out with the application's SECRET_KEY and their hashes written, so every inquiry
has one; outside the application (no SECRET_KEY), they are left without, and the desk
shows no code for them. code_lookup_throttles counts wrong codes per client address
(HMAC), for the lock-out (tracker/inquiries/code_lookup.py).

Plain ALTER TABLE ADD COLUMN, not a batch: rebuilding inquiries on SQLite would drop the
triggers of the search index and the statistics. Written by hand; the models declare the
same column, table and indexes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08

"""
import logging

import sqlalchemy as sa
from alembic import op
from flask import current_app

from tracker.inquiries import short_codes

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

BATCH = 1000
log = logging.getLogger('alembic.runtime.migration')


def upgrade():
    op.add_column('inquiries', sa.Column('short_code_hash', sa.String(length=64), nullable=True))
    op.create_index('ix_inquiries_short_code_hash', 'inquiries', ['short_code_hash'])
    op.create_table(
        'code_lookup_throttles',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_code_lookup_throttles')),
    )
    op.create_index(
        'ix_code_lookup_throttles_last_failed_at', 'code_lookup_throttles', ['last_failed_at']
    )
    give_codes_to_existing_inquiries()


def give_codes_to_existing_inquiries():
    """Every inquiry's code hash, from its reference and SECRET_KEY, a batch at a time."""
    try:
        secret = current_app.config['SECRET_KEY']
    except (RuntimeError, KeyError):
        secret = None
    if not secret:
        log.warning('No SECRET_KEY: the inquiries already stored get no short code.')
        return
    inquiries = sa.table(
        'inquiries', sa.column('id', sa.Integer), sa.column('reference', sa.String),
        sa.column('short_code_hash', sa.String),
    )
    connection = op.get_bind()
    write = (
        sa.update(inquiries)
        .where(inquiries.c.id == sa.bindparam('row_id'))
        .values(short_code_hash=sa.bindparam('code_hash'))
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(inquiries.c.id, inquiries.c.reference)
            .where(inquiries.c.id > last)
            .order_by(inquiries.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        connection.execute(write, [
            {'row_id': row.id,
             'code_hash': short_codes.code_hash(short_codes.code_for(row.reference, secret))}
            for row in rows
        ])
        last = rows[-1].id


def downgrade():
    op.drop_index('ix_code_lookup_throttles_last_failed_at', table_name='code_lookup_throttles')
    op.drop_table('code_lookup_throttles')
    op.drop_index('ix_inquiries_short_code_hash', table_name='inquiries')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite drops a column in place (3.35+); a batch would rebuild the table.
        op.execute('ALTER TABLE inquiries DROP COLUMN short_code_hash')
    else:
        op.drop_column('inquiries', 'short_code_hash')
