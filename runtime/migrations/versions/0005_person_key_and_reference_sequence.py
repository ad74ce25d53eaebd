"""one answer per person held by a unique key; references numbered per prefix

Revision ID: 0005
Revises: 0003

Submissions already stored get their person key when their procedure takes one answer per
person (the first one of each address keeps it: an earlier race may have let two in).
Reference numbers continue from the highest given to each prefix and year.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None

PERSON_HELD = "person_key IS NOT NULL AND state != '_withdrawn'"


def upgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_key', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True))
    op.create_table('reference_sequence',
                    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
                    sa.Column('year', sa.Integer(), nullable=False),
                    sa.Column('last', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('prefix', 'year'))
    connection = op.get_bind()
    _fill_sequences(connection)
    _fill_person_keys(connection)
    op.drop_table('reference_counter')
    op.create_index('ux_submission_person', 'submission', ['procedure_id', 'person_key'], unique=True,
                    sqlite_where=sa.text(PERSON_HELD), postgresql_where=sa.text(PERSON_HELD))


def _fill_sequences(connection: Any) -> None:
    last: dict[tuple[str, int], int] = {}
    for (reference,) in connection.execute(sa.text("SELECT reference FROM submission")):
        prefix, _, rest = reference.rpartition("-")
        prefix, _, year = prefix.rpartition("-")
        if prefix and year.isdigit() and rest.isdigit():
            key = (prefix, int(year))
            last[key] = max(last.get(key, 0), int(rest))
    for (prefix, year), number in last.items():
        connection.execute(sa.text("INSERT INTO reference_sequence (prefix, year, last) VALUES (:p, :y, :n)"),
                           {"p": prefix, "y": year, "n": number})


def _email_field(definition: dict[str, Any]) -> str | None:
    properties = (definition.get("schema") or {}).get("properties") or {}
    for page in (definition.get("ui") or {}).get("pages") or []:
        for element in page.get("elements") or []:
            name = element.get("field")
            if name and (element.get("widget") == "email" or (properties.get(name) or {}).get("format") == "email"):
                return str(name)
    return None


def _fill_person_keys(connection: Any) -> None:
    fields: dict[int, str] = {}
    for version_id, definition in connection.execute(sa.text("SELECT id, definition FROM procedure_version")):
        if isinstance(definition, str):
            definition = json.loads(definition)
        name = _email_field(definition) if (definition.get("settings") or {}).get("one_answer_per_person") else None
        if name:
            fields[version_id] = name
    if not fields:
        return
    seen: set[tuple[int, str]] = set()
    rows = connection.execute(sa.text("SELECT id, procedure_id, version_id, answers FROM submission "
                                      "WHERE state != '_withdrawn' ORDER BY id"))
    for submission_id, procedure_id, version_id, answers in list(rows):
        if version_id not in fields:
            continue
        if isinstance(answers, str):
            answers = json.loads(answers)
        value = answers.get(fields[version_id])
        if not isinstance(value, str) or "@" not in value:
            continue
        key = (procedure_id, value.strip().lower())
        if key in seen:
            continue
        seen.add(key)
        connection.execute(sa.text("UPDATE submission SET person_key = :k WHERE id = :i"),
                           {"k": key[1], "i": submission_id})


def downgrade() -> None:
    op.drop_index('ux_submission_person', table_name='submission')
    op.create_table('reference_counter',
                    sa.Column('procedure_id', sa.Integer(), nullable=False),
                    sa.Column('year', sa.Integer(), nullable=False),
                    sa.Column('last', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id']),
                    sa.PrimaryKeyConstraint('procedure_id', 'year'))
    op.drop_table('reference_sequence')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_column('person_key')
