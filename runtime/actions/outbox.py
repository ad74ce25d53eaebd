"""The outbox: actions to carry out once their event has committed, retried until they work.

A row is written in the transaction of its event, unique per (event, action), so an action
is queued once or not at all. Workers claim rows for a lease (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, the write lock on SQLite), so two workers never run the same row at once; a
row whose worker died is claimed again when its lease ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlmodel import col

from runtime.db import reading, writing
from runtime.models import Outbox, now

# After this many failed attempts a row is set aside as failed (and shown to staff).
MAX_ATTEMPTS = 8
LEASE = dt.timedelta(minutes=5)


# Why an action was not carried out (kept in `last_error` of a "skipped" row, shown to staff).
NO_ADDRESS = "no-address"


class Skipped(Exception):
    """An action with nothing to act on (a mail with no address): recorded, never retried."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Unworkable(Exception):
    """An action that can never be carried out (an address that will never be called, a kind
    nothing runs): set aside as failed at once, since retrying would not help."""


@dataclass(frozen=True)
class Job:
    id: int
    event_id: int | None  # None for a mail a citizen asked for, outside any submission's history
    kind: str
    payload: Mapping[str, Any]
    attempts: int


def enqueue(
    connection: Connection, event_id: int | None, action_index: int, kind: str, payload: Mapping[str, Any]
) -> None:
    connection.execute(
        insert(Outbox).values(
            event_id=event_id,
            action_index=action_index,
            kind=kind,
            payload=dict(payload),
            status="pending",
            attempts=0,
            next_attempt_at=now(),
            created_at=now(),
        )
    )


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min... capped at 6 hours: a mail server down for a night is caught up."""
    return min(dt.timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


def claim(engine: Engine, limit: int = 20, at: dt.datetime | None = None) -> list[Job]:
    """Rows due now, leased to the caller."""
    moment = at or now()
    due = (
        select(col(Outbox.id))
        .where(
            col(Outbox.status) == "pending",
            col(Outbox.next_attempt_at) <= moment,
            (col(Outbox.claimed_until).is_(None)) | (col(Outbox.claimed_until) < moment),
        )
        .order_by(col(Outbox.id))
        .limit(limit)
    )
    if engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    with writing(engine, durable=False) as session:
        connection = session.connection()
        # A row claimed this often without an answer kills its worker (out of memory, say):
        # it is set aside instead of being claimed for ever.
        connection.execute(
            update(Outbox)
            .where(
                col(Outbox.status) == "pending",
                col(Outbox.attempts) >= MAX_ATTEMPTS,
                col(Outbox.claimed_until).is_not(None),
                col(Outbox.claimed_until) < moment,
            )
            .values(
                status="failed",
                claimed_until=None,
                last_error="the worker stopped while carrying it out, too many times",
            )
        )
        rows = connection.execute(
            update(Outbox)
            .where(col(Outbox.id).in_(due.scalar_subquery()))
            .values(claimed_until=moment + LEASE, attempts=Outbox.attempts + 1)
            .returning(
                col(Outbox.id),
                col(Outbox.event_id),
                col(Outbox.kind),
                col(Outbox.payload),
                col(Outbox.attempts),
            )
        ).all()
    return sorted((Job(*row) for row in rows), key=lambda job: job.id)


def done(engine: Engine, job: Job, *, forget: bool = False) -> None:
    """Carried out; `forget` empties the payload of a job that held personal data it no
    longer needs (the address a citizen typed to receive a link)."""
    values: dict[str, Any] = {"status": "done", "done_at": now(), "claimed_until": None, "last_error": None}
    if forget:
        values["payload"] = {}
    with writing(engine, durable=False) as session:
        session.connection().execute(update(Outbox).where(col(Outbox.id) == job.id).values(**values))


def skipped(engine: Engine, job: Job, reason: str) -> None:
    """Not carried out, for a reason that no retry would change; the history says which."""
    with writing(engine, durable=False) as session:
        connection = session.connection()
        connection.execute(
            update(Outbox)
            .where(col(Outbox.id) == job.id)
            .values(status="skipped", done_at=now(), claimed_until=None, last_error=reason)
        )


def failed(engine: Engine, job: Job, error: str) -> None:
    """Try again later, or give up after MAX_ATTEMPTS; the error is kept for staff to read."""
    gave_up = job.attempts >= MAX_ATTEMPTS
    with writing(engine, durable=False) as session:
        connection = session.connection()
        connection.execute(
            update(Outbox)
            .where(col(Outbox.id) == job.id)
            .values(
                status="failed" if gave_up else "pending",
                claimed_until=None,
                last_error=error[:2000],
                next_attempt_at=now() + backoff(job.attempts),
            )
        )


def for_events(engine: Engine, event_ids: list[int]) -> dict[int, list[Outbox]]:
    """The outbox rows of some events, for the history that agents read."""
    if not event_ids:
        return {}
    found: dict[int, list[Outbox]] = {}
    with reading(engine) as session:
        connection = session.connection()
        for row in connection.execute(
            select(Outbox).where(col(Outbox.event_id).in_(event_ids)).order_by(col(Outbox.id))
        ).mappings():
            found.setdefault(row["event_id"], []).append(Outbox(**row))
    return found
