"""an organisation's legal pages: their settings

Revision ID: 0008
Revises: 0007

Organisations already stored get empty settings: their legal pages then show the defaults
drawn from their name and contact until an administrator completes them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    # A plain ALTER TABLE, even on SQLite: a batch operation would copy and drop the table,
    # which the procedures' foreign keys forbid.
    op.add_column('organisation', sa.Column('legal', JSON, nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    op.drop_column('organisation', 'legal')
