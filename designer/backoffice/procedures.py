"""The organisation's procedures as the back-office shows them: each with the title and
definition of its published version (or of its latest draft), and the labels of its statuses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from runtime import workflow
from runtime.db import reading
from runtime.models import Organisation, Procedure, ProcedureVersion
from runtime.text import localize


@dataclass(frozen=True)
class ProcedureInfo:
    procedure: Procedure
    title: str
    definition: dict[str, Any]  # the published version's (or the latest draft's)


def procedures_of(engine: Engine, organisation: Organisation, lang: str) -> dict[int, ProcedureInfo]:
    with reading(engine) as session:
        rows = session.exec(
            select(Procedure, ProcedureVersion)
            .join(ProcedureVersion, col(ProcedureVersion.procedure_id) == col(Procedure.id))
            .where(col(Procedure.organisation_id) == organisation.id)
            .order_by(col(Procedure.slug), col(ProcedureVersion.number))
        ).all()
    found: dict[int, ProcedureInfo] = {}
    for procedure, version in rows:
        assert procedure.id is not None  # read from the database
        current = found.get(procedure.id)
        if (
            current is None
            or version.id == procedure.published_version_id
            or procedure.published_version_id is None
        ):
            definition = version.definition
            found[procedure.id] = ProcedureInfo(
                procedure, localize(definition["title"], lang, definition["lang"]), definition
            )
    return found


def by_slug(infos: dict[int, ProcedureInfo], slug: str) -> int | None:
    """The id of the procedure `slug` among `infos`."""
    return next((pid for pid, info in infos.items() if info.procedure.slug == slug), None)


def state_labels(infos: dict[int, ProcedureInfo], lang: str) -> dict[tuple[int, str], str]:
    labels: dict[tuple[int, str], str] = {}
    for procedure_id, info in infos.items():
        for name, state in (workflow.workflow_of(info.definition).get("states") or {}).items():
            labels[(procedure_id, name)] = localize(state.get("label"), lang, info.definition["lang"]) or name
    return labels
