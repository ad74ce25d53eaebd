"""One submission as an agent works on it: everything its page shows, read in one place.

Plain values in, plain values out; the routes decide who may see and do what.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import col

from designer.admin import functions
from runtime import duplicates, processing, workflow
from runtime.actions import outbox
from runtime.db import reading
from runtime.models import Attachment, Outbox, Submission, SubmissionEvent


@dataclass(frozen=True)
class Case:
    submission: Submission
    events: list[SubmissionEvent]
    attachments: list[Attachment]
    deliveries: dict[int, list[Outbox]]  # event id -> its queued actions
    transitions: list[workflow.Transition]  # those this person may take now
    processors: list[functions.Processor]
    open_request: SubmissionEvent | None
    duplicates: list[Submission]  # probable, not yet linked
    linked: dict[int, str]  # id -> reference of linked submissions

    def event_files(self, event_id: int | None) -> list[Attachment]:
        return [a for a in self.attachments if a.event_id == event_id and a.kind != "answer"]

    @property
    def assignee(self) -> functions.Processor | None:
        return next((p for p in self.processors if p.id == self.submission.assignee_id), None)


def attachments(engine: Engine, submission_id: int) -> list[Attachment]:
    with reading(engine) as session:
        connection = session.connection()
        return [
            Attachment(**row)
            for row in connection.execute(
                select(Attachment)
                .where(col(Attachment.submission_id) == submission_id)
                .order_by(col(Attachment.created_at), col(Attachment.id))
            ).mappings()
        ]


def case(
    engine: Engine,
    submission_id: int,
    procedure_ids: tuple[int, ...],
    organisation_id: int,
    definition_for: Any,
    held: frozenset[str],
) -> Case | None:
    """The submission if it belongs to one of `procedure_ids`; None otherwise, whatever it is."""
    loaded = processing.load(engine, submission_id)
    if loaded is None or loaded[0].procedure_id not in procedure_ids:
        return None
    submission, events = loaded
    definition = definition_for(submission.version_id)
    links = processing.linked(events)
    return Case(
        submission=submission,
        events=events,
        attachments=attachments(engine, submission_id),
        deliveries=outbox.for_events(engine, [e.id for e in events if e.id is not None]),
        transitions=workflow.available(definition, submission.state, set(held)),
        processors=functions.processors(engine, organisation_id),
        open_request=processing.open_complement(events),
        duplicates=[d for d in duplicates.probable(engine, definition, submission) if d.id not in links],
        linked=links,
    )


def attachment(engine: Engine, attachment_id: str, submission_id: int) -> Attachment | None:
    with reading(engine) as session:
        connection = session.connection()
        row = (
            connection.execute(
                select(Attachment).where(
                    col(Attachment.id) == attachment_id, col(Attachment.submission_id) == submission_id
                )
            )
            .mappings()
            .first()
        )
    return Attachment(**row) if row else None
