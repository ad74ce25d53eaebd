"""mails a citizen asks for: outbox rows without an event, and their throttle

Revision ID: 0007
Revises: 0006

A resume link or the list of one's requests is mailed through the outbox like any other
mail, but belongs to no event of a submission; the requests for them are counted an hour
per address (as a digest) and per client, so that nobody can use the site to flood an inbox.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('event_id', existing_type=sa.Integer(), nullable=True)
    op.create_table('access_request',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
                    sa.Column('address_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
                    sa.Column('client', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
                    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('access_request', schema=None) as batch_op:
        batch_op.create_index('ix_access_request_address_digest', ['address_digest'], unique=False)
        batch_op.create_index('ix_access_request_client', ['client'], unique=False)
        batch_op.create_index('ix_access_request_created_at', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_table('access_request')
    op.execute("DELETE FROM outbox WHERE event_id IS NULL")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('event_id', existing_type=sa.Integer(), nullable=False)
