"""staff groups and function bindings

Revision ID: 0004
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'name')
    )
    with op.batch_alter_table('staff_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_group_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('staff_group_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['staff_group.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('group_id', 'user_id')
    )
    with op.batch_alter_table('staff_group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_group_member_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_group_member_user_id'), ['user_id'], unique=False)

    op.create_table('function_binding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('function', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['group_id'], ['staff_group.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('procedure_id', 'function', 'user_id', 'group_id')
    )
    with op.batch_alter_table('function_binding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_function_binding_procedure_id'), ['procedure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_function_binding_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_function_binding_group_id'), ['group_id'], unique=False)


def downgrade() -> None:
    op.drop_table('function_binding')
    op.drop_table('staff_group_member')
    op.drop_table('staff_group')
