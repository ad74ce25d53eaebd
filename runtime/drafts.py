"""Drafts: answers kept on the server between pages, reachable by an unguessable link.

Every page a citizen sends writes its draft, so these are plain SQL statements: the write
is one short transaction, however many citizens are typing at once.
"""

from __future__ import annotations

import secrets
from typing import Any, Mapping, Sequence

from sqlalchemy import Engine, insert, select, update

from runtime.db import write_transaction
from runtime.models import Attachment, Draft, now

_DRAFT_COLUMNS = tuple(Draft.__table__.columns)  # type: ignore[attr-defined]
_ATTACHMENT_FIELDS = tuple(column.name for column in Attachment.__table__.columns)  # type: ignore[attr-defined]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def get_draft(engine: Engine, token: str) -> Draft | None:
    if not token or len(token) > 43:
        return None
    with engine.connect() as connection:
        row = connection.execute(select(*_DRAFT_COLUMNS).where(Draft.id == token)).first()
    # Rows come from the database, already valid: built without validating them again.
    return None if row is None else Draft.model_construct(**row._mapping)


def save_draft(engine: Engine, draft: Draft, answers: Mapping[str, Any], page: int,
               attachments: Sequence[Attachment] = (), *, new: bool = False) -> None:
    """Keep a page's answers and files in one write: the first page's also creates the draft."""
    values = {"answers": dict(answers), "page": page, "updated_at": now()}
    with write_transaction(engine, durable=False) as connection:
        if new:
            connection.execute(insert(Draft).values(id=draft.id, version_id=draft.version_id, lang=draft.lang,
                                                    created_at=values["updated_at"], **values))
        else:
            # A submitted draft is frozen: its answers are the submission's.
            connection.execute(update(Draft).where(Draft.id == draft.id, Draft.submission_id.is_(None))
                               .values(**values))
        if attachments:
            connection.execute(insert(Attachment), [
                {name: getattr(item, name) for name in _ATTACHMENT_FIELDS} for item in attachments])
