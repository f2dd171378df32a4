"""offices: the offices contacts sit in, with optional working hours and a duty phone

Contacts keep naming their office (contacts.office), now an office's name. Every office
already named, by a contact or as a mission's home office, gets a row; a home office
takes its mission's home_timezone (the missions table says it), the others no zone. No
office gets hours: nobody has said when it works, so none is ever said to be closed
until an admin or a mission file sets them.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-10

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    offices = op.create_table('offices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('days', sa.JSON(), nullable=False),
    sa.Column('opens_at', sa.Time(), nullable=True),
    sa.Column('closes_at', sa.Time(), nullable=True),
    sa.Column('duty_phone', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offices')),
    sa.UniqueConstraint('name', name=op.f('uq_offices_name'))
    )
    connection = op.get_bind()
    zones = dict(connection.execute(sa.text(
        'SELECT home_office, min(home_timezone) FROM missions GROUP BY home_office'
    )).all())
    named = connection.execute(sa.text(
        'SELECT DISTINCT office FROM contacts WHERE office IS NOT NULL'
    )).scalars().all()
    names = sorted(set(named) | set(zones))
    if names:
        op.bulk_insert(offices, [{'name': name, 'timezone': zones.get(name), 'days': []} for name in names])


def downgrade():
    op.drop_table('offices')
