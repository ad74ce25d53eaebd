"""Probable duplicates: another submission of the same procedure, received within the
procedure's window, with the same answers to every field of one of its groups (the same
person, or the same place and category). Answers are compared as people would: case,
accents and spacing aside."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import col

from runtime.db import reading
from runtime.models import Submission
from runtime.search import fold

DEFAULT_WINDOW_DAYS = 30
MAX_CANDIDATES = 2000


def _key(value: Any) -> str:
    if isinstance(value, (dict, list)):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return " ".join(fold(str(value)).split())


def _signatures(groups: list[list[str]], answers: Mapping[str, Any]) -> set[tuple[int, tuple[str, ...]]]:
    found = set()
    for number, fields in enumerate(groups):
        if all(answers.get(name) not in (None, "", [], {}) for name in fields):
            found.add((number, tuple(_key(answers[name]) for name in fields)))
    return found


def probable(engine: Engine, definition: Mapping[str, Any], submission: Submission) -> list[Submission]:
    """Other submissions this one probably repeats, newest first."""
    rule = (definition.get("settings") or {}).get("duplicates")
    if not rule:
        return []
    groups = [list(group) for group in rule["fields"]]
    mine = _signatures(groups, submission.answers)
    if not mine:
        return []
    window = dt.timedelta(days=int(rule.get("window_days") or DEFAULT_WINDOW_DAYS))
    created = submission.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    with reading(engine) as session:
        connection = session.connection()
        rows = connection.execute(
            select(Submission)
            .where(
                col(Submission.procedure_id) == submission.procedure_id,
                col(Submission.id) != submission.id,
                col(Submission.created_at) >= created - window,
                col(Submission.created_at) <= created + window,
            )
            .order_by(col(Submission.created_at).desc())
            .limit(MAX_CANDIDATES)
        ).mappings()
        return [
            Submission.model_construct(**row) for row in rows if _signatures(groups, row["answers"]) & mine
        ]
