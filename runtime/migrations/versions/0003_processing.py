"""processing: assignment, deadlines, search text, event data, documents, outbox

Revision ID: 0003
Revises: 0001

The runtime's chain continues from its own previous revision; the staff side's chain
(0002, ...) branches off 0001 beside it, and `migrate` upgrades every head.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE submission_fts USING fts5(search_text, content='submission', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER submission_fts_insert AFTER INSERT ON submission BEGIN "
    "INSERT INTO submission_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER submission_fts_delete AFTER DELETE ON submission BEGIN "
    "INSERT INTO submission_fts(submission_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER submission_fts_update AFTER UPDATE OF search_text ON submission BEGIN "
    "INSERT INTO submission_fts(submission_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO submission_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
)


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('webhook_secret', sqlmodel.sql.sqltypes.AutoString(length=100),
                                      nullable=True))

    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assignee_group_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('deadline', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('search_text', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=False, server_default=''))
        batch_op.create_index('ix_submission_assignee_id', ['assignee_id'], unique=False)
        batch_op.create_index('ix_submission_assignee_group_id', ['assignee_group_id'], unique=False)
        batch_op.create_index('ix_submission_deadline', ['deadline'], unique=False)
        # The inbox lists one procedure's submissions, newest first, often of one status.
        batch_op.create_index('ix_submission_procedure_created', ['procedure_id', 'created_at', 'id'])
        batch_op.create_index('ix_submission_procedure_state_created',
                              ['procedure_id', 'state', 'created_at', 'id'])

    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16),
                                      nullable=False, server_default='web'))

    with op.batch_alter_table('submission_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('data', JSON, nullable=True))

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16),
                                      nullable=False, server_default='answer'))
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_attachment_event_id', 'submission_event', ['event_id'], ['id'])
        batch_op.create_index('ix_attachment_event_id', ['event_id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('action_index', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('payload', JSON, nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('claimed_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['submission_event.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'action_index')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_event_id', ['event_id'], unique=False)
        batch_op.create_index('ix_outbox_status', ['status'], unique=False)
        batch_op.create_index('ix_outbox_next_attempt_at', ['next_attempt_at'], unique=False)


    if op.get_bind().dialect.name == "postgresql":
        # JSONB sorts object keys; a definition's key order is what citizens see.
        op.execute("ALTER TABLE procedure_version ALTER COLUMN definition TYPE json USING definition::text::json")

    _fill_search_text()
    if op.get_bind().dialect.name == "sqlite":
        # The inbox's search: a full-text index of each submission's search text, kept up to
        # date by triggers (PostgreSQL searches the column itself).
        for statement in SQLITE_SEARCH:
            op.execute(statement)
        op.execute("INSERT INTO submission_fts(submission_fts) VALUES ('rebuild')")

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('functions', JSON, nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('digest')
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index('ix_api_token_organisation_id', ['organisation_id'], unique=False)


def _fill_search_text() -> None:
    """Submissions received before this revision become searchable too."""
    from runtime.search import search_text

    submissions = sa.table("submission", sa.column("id", sa.Integer), sa.column("reference", sa.String),
                           sa.column("answers", JSON), sa.column("search_text", sa.String))
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(sa.select(submissions.c.id, submissions.c.reference, submissions.c.answers)
                                  .where(submissions.c.id > last).order_by(submissions.c.id).limit(500)).all()
        if not rows:
            return
        for row in rows:
            connection.execute(submissions.update().where(submissions.c.id == row.id)
                               .values(search_text=search_text(row.reference, row.answers or {})))
        last = rows[-1].id


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE procedure_version ALTER COLUMN definition TYPE jsonb USING definition::jsonb")
    if op.get_bind().dialect.name == "sqlite":
        for name in ("submission_fts_insert", "submission_fts_delete", "submission_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS submission_fts")
    op.drop_table('api_token')
    op.drop_table('outbox')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index('ix_attachment_event_id')
        batch_op.drop_constraint('fk_attachment_event_id', type_='foreignkey')
        batch_op.drop_column('event_id')
        batch_op.drop_column('kind')
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_column('channel')
    with op.batch_alter_table('submission_event', schema=None) as batch_op:
        batch_op.drop_column('data')
        batch_op.drop_column('actor_id')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_procedure_state_created')
        batch_op.drop_index('ix_submission_procedure_created')
        batch_op.drop_index('ix_submission_deadline')
        batch_op.drop_index('ix_submission_assignee_group_id')
        batch_op.drop_index('ix_submission_assignee_id')
        batch_op.drop_column('assignee_group_id')
        batch_op.drop_column('search_text')
        batch_op.drop_column('deadline')
        batch_op.drop_column('assignee_id')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('webhook_secret')
