"""Drafts: answers kept on the server between pages, reachable by an unguessable link."""

from __future__ import annotations

import secrets
from typing import Any, Mapping

from sqlalchemy import Engine
from sqlmodel import Session

from runtime.db import session_scope
from runtime.models import Draft, now


def new_token() -> str:
    return secrets.token_urlsafe(24)


def create_draft(engine: Engine, version_id: int, lang: str) -> Draft:
    with session_scope(engine) as session:
        draft = Draft(id=new_token(), version_id=version_id, answers={}, lang=lang)
        session.add(draft)
    return draft


def get_draft(engine: Engine, token: str) -> Draft | None:
    if not token or len(token) > 43:
        return None
    with Session(engine, expire_on_commit=False) as session:
        return session.get(Draft, token)


def save_draft(engine: Engine, token: str, answers: Mapping[str, Any], page: int) -> None:
    with session_scope(engine) as session:
        draft = session.get(Draft, token)
        if draft is None or draft.submission_id is not None:
            return  # a submitted draft is frozen: its answers are the submission's
        draft.answers = dict(answers)
        draft.page = page
        draft.updated_at = now()
        session.add(draft)
