"""A submission's history: one event per change, written in the change's own transaction,
and read back oldest first; who makes a change, and why a change may be refused.

`runtime.processing` decides the changes and the workflow actions (`runtime.actions`) add
their own events through `record`; the pages read a submission with its history through
`load`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlmodel import col

from runtime.db import reading
from runtime.i18n import N_
from runtime.models import Attachment, Submission, SubmissionEvent, now


class Refused(Exception):
    """A change that may not happen; `message` is a msgid, with its `values`."""

    def __init__(self, message: str, **values: Any) -> None:
        super().__init__(message % values if values else message)
        self.message = message
        self.values = values


@dataclass(frozen=True)
class Actor:
    """Who makes a change. `held` None holds every function; `id` None is not staff."""

    name: str
    id: int | None = None
    held: frozenset[str] | None = field(default=None)
    kind: str = "staff"  # "staff", "citizen", "api" or "system"


def record(
    connection: Connection,
    submission_id: int,
    kind: str,
    actor: Actor,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str | None = None,
    visible: bool = True,
    data: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Write one event of the submission's history; returns its id."""
    event_id = connection.execute(
        insert(SubmissionEvent)
        .values(
            submission_id=submission_id,
            kind=kind,
            from_state=from_state,
            to_state=to_state,
            comment=comment or None,
            visible=visible,
            actor=actor.name[:200],
            actor_id=actor.id,
            data=dict(data) if data else None,
            created_at=at or now(),
        )
        .returning(col(SubmissionEvent.id))
    ).scalar_one()
    assert event_id is not None  # the primary key the insert has just given
    return int(event_id)


def current(connection: Connection, submission_id: int) -> Submission:
    """The submission as the transaction sees it."""
    row = connection.execute(select(Submission).where(col(Submission.id) == submission_id)).mappings().first()
    if row is None:
        raise Refused(N_("This submission does not exist."))
    return Submission(**row)


def move(connection: Connection, submission: Submission, source: str, target: str, at: dt.datetime) -> None:
    """Change the status only if it is still the one the change was decided on.

    Two agents taking a transition at once: on PostgreSQL the second waits for the first's
    row lock, then finds the status changed and updates nothing; on SQLite writers queue.
    """
    moved = connection.execute(
        update(Submission)
        .where(col(Submission.id) == submission.id, col(Submission.state) == source)
        .values(state=target, updated_at=at)
    ).rowcount
    if moved != 1:
        raise Refused(
            N_("Someone else has just changed this submission's status. Look at it again before deciding.")
        )


def events_of(connection: Connection, submission_id: int) -> list[SubmissionEvent]:
    """The submission's history, oldest first."""
    return [
        SubmissionEvent(**row)
        for row in connection.execute(
            select(SubmissionEvent)
            .where(col(SubmissionEvent.submission_id) == submission_id)
            .order_by(col(SubmissionEvent.created_at), col(SubmissionEvent.id))
        ).mappings()
    ]


def load(engine: Engine, submission_id: int) -> tuple[Submission, list[SubmissionEvent]] | None:
    """A submission with its whole history, oldest first."""
    with reading(engine) as session:
        connection = session.connection()
        row = (
            connection.execute(select(Submission).where(col(Submission.id) == submission_id))
            .mappings()
            .first()
        )
        if row is None:
            return None
        found = events_of(connection, submission_id)
    return Submission(**row), found


def visible_files(engine: Engine, submission_id: int, events: list[SubmissionEvent]) -> list[Attachment]:
    """What the applicant may open: their own files, and documents issued by an event they see."""
    shown = {event.id for event in events if event.visible}
    with reading(engine) as session:
        connection = session.connection()
        rows = [
            Attachment(**row)
            for row in connection.execute(
                select(Attachment)
                .where(col(Attachment.submission_id) == submission_id)
                .order_by(col(Attachment.created_at), col(Attachment.id))
            ).mappings()
        ]
    return [a for a in rows if a.kind != "document" or a.event_id in shown]


def linked(events: Iterable[SubmissionEvent]) -> dict[int, str]:
    """Submission id -> reference of those linked to this one."""
    return {int(e.data["other"]): str(e.data["reference"]) for e in events if e.kind == "linked" and e.data}
