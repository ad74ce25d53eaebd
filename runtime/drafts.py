"""Drafts: answers kept on the server between pages, reachable by an unguessable link.

Every page a citizen sends writes its draft, so these are plain SQL statements: the write
is one short transaction, however many citizens are typing at once.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, bindparam, insert, select, update

from runtime.db import reading, writing
from runtime.models import Attachment, Draft, now

_DRAFT = Draft.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models
_ATTACHMENT = Attachment.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models
_ATTACHMENT_FIELDS = tuple(column.name for column in _ATTACHMENT.columns)

# Built once: each page a citizen sends runs them, and building a statement costs more than
# running it.
_SELECT = select(*_DRAFT.columns).where(_DRAFT.c.id == bindparam("token"))
_INSERT = insert(_DRAFT)
# A submitted draft is frozen: its answers are the submission's.
_UPDATE = update(_DRAFT).where(_DRAFT.c.id == bindparam("draft"), _DRAFT.c.submission_id.is_(None))
_INSERT_ATTACHMENTS = insert(_ATTACHMENT)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def get_draft(engine: Engine, token: str) -> Draft | None:
    if not token or len(token) > 43:
        return None
    with reading(engine) as session:
        connection = session.connection()
        row = connection.execute(_SELECT, {"token": token}).first()
    # Rows come from the database, already valid: built without validating them again.
    return None if row is None else Draft.model_construct(**row._mapping)


def save_draft(
    engine: Engine,
    draft: Draft,
    answers: Mapping[str, Any],
    page: int,
    attachments: Sequence[Attachment] = (),
    *,
    new: bool = False,
) -> None:
    """Keep a page's answers and files in one write: the first page's also creates the draft."""
    values = {"answers": dict(answers), "page": page, "updated_at": now()}
    rows = [{name: getattr(item, name) for name in _ATTACHMENT_FIELDS} for item in attachments]
    with writing(engine, durable=False) as session:
        connection = session.connection()
        if new:
            connection.execute(
                _INSERT,
                {
                    "id": draft.id,
                    "version_id": draft.version_id,
                    "lang": draft.lang,
                    "created_at": values["updated_at"],
                    **values,
                },
            )
        else:
            connection.execute(_UPDATE, {"draft": draft.id, **values})
        if attachments:
            connection.execute(_INSERT_ATTACHMENTS, rows)


def start_on_behalf(engine: Engine, version_id: int, lang: str, channel: str) -> str:
    """An empty draft that a counter, phone or mail agent fills for a citizen; its token."""
    token = new_token()
    at = now()
    with writing(engine, durable=False) as session:
        connection = session.connection()
        connection.execute(
            _INSERT,
            {
                "id": token,
                "version_id": version_id,
                "lang": lang,
                "channel": channel,
                "answers": {},
                "page": 0,
                "created_at": at,
                "updated_at": at,
            },
        )
    return token
