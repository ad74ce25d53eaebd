"""Drafts: answers kept on the server between pages, reachable by an unguessable link."""

from __future__ import annotations

import secrets
from typing import Any, Mapping, Sequence

from sqlalchemy import Engine
from sqlmodel import Session

from runtime.db import session_scope
from runtime.models import Attachment, Draft, now


def new_token() -> str:
    return secrets.token_urlsafe(24)


def get_draft(engine: Engine, token: str) -> Draft | None:
    if not token or len(token) > 43:
        return None
    with Session(engine, expire_on_commit=False) as session:
        return session.get(Draft, token)


def save_draft(engine: Engine, draft: Draft, answers: Mapping[str, Any], page: int,
               attachments: Sequence[Attachment] = (), *, new: bool = False) -> None:
    """Keep a page's answers and files in one write: the first page's also creates the draft."""
    with session_scope(engine, durable=False) as session:
        if new:
            stored = Draft(id=draft.id, version_id=draft.version_id, lang=draft.lang, answers={})
            session.add(stored)
            session.flush()  # the draft first: its files point at it
        else:
            found = session.get(Draft, draft.id)
            if found is None or found.submission_id is not None:
                return  # a submitted draft is frozen: its answers are the submission's
            stored = found
        stored.answers = dict(answers)
        stored.page = page
        stored.updated_at = now()
        session.add(stored)
        session.add_all(attachments)
