"""Submitting: one transaction that numbers, stores and records a submission, exactly once.

The draft's id is the idempotency key: a double click, a replayed post or two racing
requests all end on the one submission the first of them created.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col
from sqlmodel import select as select_model

from runtime.db import reading, writing
from runtime.models import (
    Attachment,
    Draft,
    ReferenceCounter,
    Submission,
    SubmissionEvent,
    now,
)
from runtime.search import answers_text, with_reference


@dataclass(frozen=True)
class Follow:
    """A submission as its follow-up page shows it."""

    submission: Submission
    events: list[SubmissionEvent]


def fingerprint(
    reference: str, version_hash: str, answers: Mapping[str, Any], created_at: dt.datetime
) -> str:
    """A digest of what was received, printed on the receipt and checkable on a public page."""
    canonical = json.dumps(
        {
            "reference": reference,
            "version": version_hash,
            "answers": answers,
            "received": created_at.isoformat(),
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


_COUNTER = ReferenceCounter.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models
_SUBMISSION = Submission.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models
_EVENT = SubmissionEvent.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models
_DRAFT = Draft.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models
_ATTACHMENT = Attachment.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models


def _counter_upsert(dialect_insert: Any) -> Any:
    return (
        dialect_insert(_COUNTER)
        .values(prefix=bindparam("prefix"), year=bindparam("year"), last=1)
        .on_conflict_do_update(index_elements=["prefix", "year"], set_={"last": _COUNTER.c.last + 1})
        .returning(_COUNTER.c.last)
    )


class AlreadyAnswered(Exception):
    """This address already sent an answer to a procedure that takes one per person."""


# The statements of a submission, built once: each execution then only binds its values
# (building and hashing a statement per request cost more than running it).
_NEXT_NUMBER = {"postgresql": _counter_upsert(pg_insert), "sqlite": _counter_upsert(sqlite_insert)}
_INSERT_SUBMISSION = insert(_SUBMISSION).returning(_SUBMISSION.c.id)
_INSERT_EVENT = insert(_EVENT).returning(_EVENT.c.id)
_LINK_DRAFT = (
    update(_DRAFT).where(_DRAFT.c.id == bindparam("draft")).values(submission_id=bindparam("submission"))
)
_LINK_ATTACHMENTS = (
    update(_ATTACHMENT)
    .where(
        _ATTACHMENT.c.draft_id == bindparam("draft"), _ATTACHMENT.c.id.in_(bindparam("kept", expanding=True))
    )
    .values(submission_id=bindparam("submission"))
)
_INSERT_ATTACHMENTS = insert(_ATTACHMENT)
_ATTACHMENT_FIELDS = tuple(column.name for column in _ATTACHMENT.columns)
_BY_DRAFT = select(*_SUBMISSION.columns).where(_SUBMISSION.c.draft_id == bindparam("draft"))


def _next_number(connection: Any, prefix: str, year: int) -> int:
    dialect = (
        connection.dialect.name if hasattr(connection, "dialect") else connection.get_bind().dialect.name
    )
    statement = _NEXT_NUMBER["postgresql" if dialect == "postgresql" else "sqlite"]
    return int(connection.execute(statement, {"prefix": prefix, "year": year}).scalar_one())


def submit(
    engine: Engine,
    draft: Draft,
    answers: Mapping[str, Any],
    *,
    procedure_id: int,
    prefix: str,
    version_hash: str,
    initial_state: str,
    channel: str = "web",
    person: str | None = None,
    files: Sequence[Attachment] = (),
    also: Callable[[Connection, int, int], None] | None = None,
) -> Submission:
    """Store the draft's answers as a submission, or return the one it already became.

    `also(connection, event_id, submission_id)` writes in the same transaction what must
    exist if and only if the submission does (the acknowledgement's mail in the outbox).

    `files` are attachments received with the answers (the API's), saved with the submission.
    `person` is the applicant's key when the procedure takes one answer per person: a second
    submission with the same key raises AlreadyAnswered (the database's unique index decides).

    Everything is prepared before the write lock is taken, with statements built once: this
    is the hottest write of the product, and the lock is held only for the statements.
    """
    created = now()
    # The row, with the defaults of any column not named here. Every value is made here, so
    # the model is built without validation (ten times cheaper).
    row = Submission.model_construct(
        procedure_id=procedure_id,
        version_id=draft.version_id,
        reference="",
        state=initial_state,
        answers=dict(answers),
        lang=draft.lang,
        channel=channel,
        follow_token=secrets.token_urlsafe(24),
        draft_id=draft.id,
        fingerprint="",
        created_at=created,
        updated_at=created,
        person_key=person,
    ).model_dump(exclude={"id"})
    event = {"kind": "submitted", "to_state": initial_state, "visible": True, "created_at": created}
    kept = attachment_ids(answers)
    folded = answers_text(answers)  # worked out before the write lock, not inside it
    next_number = _NEXT_NUMBER["postgresql" if engine.dialect.name == "postgresql" else "sqlite"]
    try:
        with writing(engine) as session:
            connection = session.connection()
            # The counter's upsert comes first: on SQLite it takes the write lock before any
            # read, so two racing submits queue up instead of failing with "locked".
            number = connection.execute(next_number, {"prefix": prefix, "year": created.year}).scalar_one()
            reference = f"{prefix}-{created.year}-{number:06d}"
            row["reference"] = reference
            row["fingerprint"] = fingerprint(reference, version_hash, answers, created)
            row["search_text"] = with_reference(reference, folded)
            # draft_id is unique: a draft submitted twice fails here, and the first one wins.
            submission_id = connection.execute(_INSERT_SUBMISSION, row).scalar_one()
            event_id = connection.execute(
                _INSERT_EVENT, {**event, "submission_id": submission_id}
            ).scalar_one()
            connection.execute(_LINK_DRAFT, {"draft": draft.id, "submission": submission_id})
            if files:
                connection.execute(
                    _INSERT_ATTACHMENTS,
                    [
                        {
                            **{name: getattr(item, name) for name in _ATTACHMENT_FIELDS},
                            "submission_id": submission_id,
                        }
                        for item in files
                    ],
                )
            if kept:
                connection.execute(
                    _LINK_ATTACHMENTS, {"draft": draft.id, "kept": kept, "submission": submission_id}
                )
            if also is not None:
                also(connection, event_id, submission_id)
    except IntegrityError:
        # Another request submitted the same draft first: theirs is the submission.
        found = submission_for_draft(engine, draft.id)
        if found is not None:
            return found
        if person is not None:
            raise AlreadyAnswered() from None
        raise
    return Submission.model_construct(id=submission_id, **row)


def attachment_ids(answers: Any) -> list[str]:
    """Ids of every file the answers point at, however deep (files inside a group)."""
    found: list[str] = []
    if isinstance(answers, dict):
        if {"id", "name", "size", "type"} <= answers.keys() and isinstance(answers["id"], str):
            found.append(answers["id"])
        for value in answers.values():
            found.extend(attachment_ids(value))
    elif isinstance(answers, list):
        for value in answers:
            found.extend(attachment_ids(value))
    return found


def submission_for_draft(engine: Engine, draft_id: str) -> Submission | None:
    with reading(engine) as session:
        connection = session.connection()
        row = connection.execute(_BY_DRAFT, {"draft": draft_id}).first()
    # A full object (not model_construct): it may be pickled for the receipt's worker.
    return None if row is None else Submission(**row._mapping)


def follow(engine: Engine, token: str) -> Follow | None:
    if not token or len(token) > 43:
        return None
    with reading(engine) as session:
        submission = session.exec(
            select_model(Submission).where(col(Submission.follow_token) == token)
        ).first()
        if submission is None:
            return None
        events = list(
            session.exec(
                select_model(SubmissionEvent)
                .where(col(SubmissionEvent.submission_id) == submission.id)
                .order_by(col(SubmissionEvent.created_at), col(SubmissionEvent.id))
            )
        )
        return Follow(submission, events)


def by_fingerprint(engine: Engine, digest: str) -> Submission | None:
    with reading(engine) as session:
        return session.exec(select_model(Submission).where(col(Submission.fingerprint) == digest)).first()
