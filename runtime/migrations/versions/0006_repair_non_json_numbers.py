"""answers stored with NaN or Infinity made valid JSON

Revision ID: 0006
Revises: 0005

Before the API refused them, NaN and Infinity could reach SQLite's JSON columns (PostgreSQL's
JSON types never took them). Such a row broke every page, export and statistic that read it:
each one is rewritten with null in place of the value, which is what a reader now makes of it.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# (table, key, JSON column) of every JSON column a citizen's or a client's values reach.
COLUMNS = (
    ("submission", "id", "answers"),
    ("draft", "id", "answers"),
    ("submission_event", "id", "data"),
    ("outbox", "id", "payload"),
)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        repair(connection)


def repair(connection: Any) -> int:
    """Rewrite the rows SQLite does not read as JSON; the number of rows rewritten."""
    repaired = 0
    for table, key, column in COLUMNS:
        rows = connection.execute(
            sa.text(f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL AND json_valid({column}) = 0")
        ).all()
        for row_key, stored in rows:
            try:
                value = json.loads(stored, parse_constant=lambda _constant: None)
            except ValueError:
                continue  # not JSON in any dialect: left for a person to look at, not guessed
            connection.execute(
                sa.text(f"UPDATE {table} SET {column} = :value WHERE {key} = :key"),
                {"value": json.dumps(value, ensure_ascii=False), "key": row_key},
            )
            repaired += 1
    return repaired


def downgrade() -> None:
    pass  # the values were not JSON: there is nothing to put back
