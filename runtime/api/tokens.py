"""API tokens: made by an organisation's administrators, shown once, kept as a digest."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy import Engine, insert, select, update
from sqlmodel import col

from runtime.db import reading, writing
from runtime.models import ApiToken, now

PREFIX = "pvs_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(engine: Engine, organisation_id: int, name: str, functions: Sequence[str] | None) -> str:
    """A new token; the only time its text exists outside the caller's hands is this return."""
    token = PREFIX + secrets.token_urlsafe(32)
    with writing(engine) as session:
        connection = session.connection()
        connection.execute(
            insert(ApiToken).values(
                organisation_id=organisation_id,
                name=name.strip()[:200] or "API",
                digest=digest(token),
                functions=list(functions) if functions is not None else None,
                created_at=now(),
            )
        )
    return token


def verify(engine: Engine, token: str) -> ApiToken | None:
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    with reading(engine) as session:
        connection = session.connection()
        row = (
            connection.execute(
                select(ApiToken).where(
                    col(ApiToken.digest) == digest(token), col(ApiToken.revoked_at).is_(None)
                )
            )
            .mappings()
            .first()
        )
    return ApiToken(**row) if row else None


def of_organisation(engine: Engine, organisation_id: int) -> list[ApiToken]:
    with reading(engine) as session:
        connection = session.connection()
        return [
            ApiToken(**row)
            for row in connection.execute(
                select(ApiToken)
                .where(col(ApiToken.organisation_id) == organisation_id)
                .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
            ).mappings()
        ]


def revoke(engine: Engine, organisation_id: int, token_id: int) -> bool:
    with writing(engine) as session:
        connection = session.connection()
        return bool(
            connection.execute(
                update(ApiToken)
                .where(
                    col(ApiToken.id) == token_id,
                    col(ApiToken.organisation_id) == organisation_id,
                    col(ApiToken.revoked_at).is_(None),
                )
                .values(revoked_at=now())
            ).rowcount
        )
