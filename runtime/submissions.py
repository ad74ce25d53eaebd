"""Submitting: one transaction that numbers, stores and records a submission, exactly once.

The draft's id is the idempotency key: a double click, a replayed post or two racing
requests all end on the one submission the first of them created.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import Engine, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from sqlmodel import select as select_model

from runtime.db import write_transaction
from runtime.models import (
    Attachment, Draft, ReferenceCounter, Submission, SubmissionEvent, now,
)


@dataclass(frozen=True)
class Follow:
    """A submission as its follow-up page shows it."""

    submission: Submission
    events: list[SubmissionEvent]


def fingerprint(reference: str, version_hash: str, answers: Mapping[str, Any], created_at: dt.datetime) -> str:
    """A digest of what was received, printed on the receipt and checkable on a public page."""
    canonical = json.dumps({"reference": reference, "version": version_hash, "answers": answers,
                            "received": created_at.isoformat()}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _next_number(connection: Any, procedure_id: int, year: int) -> int:
    dialect = connection.dialect.name if hasattr(connection, "dialect") else connection.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ReferenceCounter).values(procedure_id=procedure_id, year=year, last=1)
    statement = statement.on_conflict_do_update(
        index_elements=["procedure_id", "year"], set_={"last": ReferenceCounter.last + 1}
    ).returning(ReferenceCounter.last)
    return int(connection.execute(statement).scalar_one())


def submit(engine: Engine, draft: Draft, answers: Mapping[str, Any], *, procedure_id: int, prefix: str,
           version_hash: str, initial_state: str, channel: str = "web") -> Submission:
    """Store the draft's answers as a submission, or return the one it already became.

    Plain SQL statements rather than ORM objects, and everything prepared before the write
    lock is taken: this is the hottest write of the product, and the lock is held only for
    the statements themselves.
    """
    created = now()
    submission = Submission(
        procedure_id=procedure_id, version_id=draft.version_id, reference="", state=initial_state,
        answers=dict(answers), lang=draft.lang, channel=channel, follow_token=secrets.token_urlsafe(24),
        draft_id=draft.id, fingerprint="", created_at=created, updated_at=created)
    kept = _attachment_ids(answers)
    try:
        with write_transaction(engine) as connection:
            # The counter's upsert comes first: on SQLite it takes the write lock before any
            # read, so two racing submits queue up instead of failing with "locked".
            number = _next_number(connection, procedure_id, created.year)
            submission.reference = f"{prefix}-{created.year}-{number:06d}"
            submission.fingerprint = fingerprint(submission.reference, version_hash, answers, created)
            # draft_id is unique: a draft submitted twice fails here, and the first one wins.
            submission.id = connection.execute(insert(Submission).values(**submission.model_dump(exclude={"id"}))
                                               .returning(Submission.id)).scalar_one()
            connection.execute(insert(SubmissionEvent).values(
                submission_id=submission.id, kind="submitted", to_state=initial_state, visible=True,
                created_at=created))
            connection.execute(update(Draft).where(Draft.id == draft.id).values(submission_id=submission.id))
            if kept:
                connection.execute(update(Attachment).where(Attachment.draft_id == draft.id,
                                                            Attachment.id.in_(kept))
                                   .values(submission_id=submission.id))
        return submission
    except IntegrityError:
        # Another request submitted the same draft first: theirs is the submission.
        found = submission_for_draft(engine, draft.id)
        if found is None:
            raise
        return found


def _attachment_ids(answers: Any) -> list[str]:
    """Ids of every file the answers point at, however deep (files inside a group)."""
    found: list[str] = []
    if isinstance(answers, dict):
        if {"id", "name", "size", "type"} <= answers.keys() and isinstance(answers["id"], str):
            found.append(answers["id"])
        for value in answers.values():
            found.extend(_attachment_ids(value))
    elif isinstance(answers, list):
        for value in answers:
            found.extend(_attachment_ids(value))
    return found


def submission_for_draft(engine: Engine, draft_id: str) -> Submission | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.exec(select_model(Submission).where(Submission.draft_id == draft_id)).first()


def follow(engine: Engine, token: str) -> Follow | None:
    if not token or len(token) > 43:
        return None
    with Session(engine, expire_on_commit=False) as session:
        submission = session.exec(select_model(Submission).where(Submission.follow_token == token)).first()
        if submission is None:
            return None
        events = list(session.exec(select_model(SubmissionEvent)
                                   .where(SubmissionEvent.submission_id == submission.id)
                                   .order_by(SubmissionEvent.created_at, SubmissionEvent.id)))
        return Follow(submission, events)


def by_fingerprint(engine: Engine, digest: str) -> Submission | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.exec(select_model(Submission).where(Submission.fingerprint == digest)).first()
