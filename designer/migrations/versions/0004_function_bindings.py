"""function bindings

Revision ID: 0004
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('function_binding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('function', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('procedure_id', 'function', 'user_id')
    )
    with op.batch_alter_table('function_binding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_function_binding_procedure_id'), ['procedure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_function_binding_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_table('function_binding')
