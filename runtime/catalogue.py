"""Organisations, procedures and their versions: loading, publishing, finding.

Published versions never change, so what is read of them is kept in memory by version id;
which version is the published one may change, so that answer is only kept for seconds
(several processes may serve the same database).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from runtime.compiler import CompiledVersion
from runtime.db import reading, writing
from runtime.definition import load_definition
from runtime.models import Organisation, Procedure, ProcedureVersion, now

PUBLISHED_TTL = 5.0


@dataclass(frozen=True)
class Published:
    """What a citizen page needs to know of a procedure: plain values, safe to cache."""

    organisation: Organisation
    procedure_id: int
    procedure_slug: str
    version_id: int
    version_number: int
    content_hash: str
    compiled: CompiledVersion


def content_hash(definition: Mapping[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


_COMPILED: dict[tuple[int | None, str], CompiledVersion] = {}


def compiled_for(version: ProcedureVersion) -> CompiledVersion:
    """The compiled form of a version, made once per process (versions never change)."""
    key = (version.id, version.content_hash)
    compiled = _COMPILED.get(key)
    if compiled is None:
        if len(_COMPILED) > 1024:
            _COMPILED.clear()
        compiled = _COMPILED[key] = CompiledVersion(version.definition)
    return compiled


def publish(session: Session, organisation: Organisation, definition: Mapping[str, Any]) -> ProcedureVersion:
    """Freeze `definition` as the next version of its procedure and make it the published one."""
    return save_version(session, organisation, definition, publish=True)


def save_version(
    session: Session,
    organisation: Organisation,
    definition: Mapping[str, Any],
    *,
    publish: bool,
    checked: bool = False,
) -> ProcedureVersion:
    """Keep `definition` as its procedure's draft (one draft at most), or publish it.

    Published versions are never changed: a new text makes a new version, and submissions
    keep pointing at the version they were made with.
    """
    if not checked:  # never keep what the loader refuses (`checked`: the caller just ran it)
        load_definition(json.dumps(definition))
    procedure = session.exec(
        select(Procedure).where(
            col(Procedure.organisation_id) == organisation.id, col(Procedure.slug) == definition["id"]
        )
    ).first()
    if procedure is None:
        assert organisation.id is not None  # a stored organisation
        procedure = Procedure(
            organisation_id=organisation.id,
            slug=definition["id"],
            kind=definition["kind"],
            reference_prefix=definition.get("reference_prefix") or definition["id"][:3].upper(),
        )
        session.add(procedure)
        session.flush()
    assert procedure.id is not None  # read back, or given by the flush above
    latest = session.exec(
        select(ProcedureVersion)
        .where(col(ProcedureVersion.procedure_id) == procedure.id)
        .order_by(col(ProcedureVersion.number).desc())
    ).first()
    digest = content_hash(definition)
    if latest is not None and latest.published_at is None:
        version = latest  # the draft is replaced, not piled up
        version.definition, version.content_hash = dict(definition), digest
    elif latest is not None and latest.content_hash == digest:
        return latest  # the published version already says exactly this
    else:
        version = ProcedureVersion(
            procedure_id=procedure.id,
            number=(latest.number + 1) if latest else 1,
            definition=dict(definition),
            content_hash=digest,
        )
    if publish:
        version.published_at = now()
    session.add(version)
    session.flush()
    if publish:
        procedure.kind = definition["kind"]
        procedure.published_version_id = version.id
        session.add(procedure)
    return version


def load_examples(engine: Engine, examples_dir: Path) -> int:
    """Load example organisations and their procedures; returns how many were new."""
    created = 0
    with writing(engine) as session:
        if session.exec(select(Organisation)).first() is not None:
            return 0
        folders = sorted(p for p in examples_dir.iterdir() if (p / "organisation.json").exists())
        by_slug: dict[str, Organisation] = {}
        # Parents first, so a child can point at its parent's id.
        infos = [json.loads((folder / "organisation.json").read_text(encoding="utf-8")) for folder in folders]
        infos.sort(key=lambda info: info.get("parent") is not None)
        for info in infos:
            parent = by_slug.get(info.get("parent") or "")
            organisation = Organisation(
                slug=info["slug"],
                name=info["name"],
                kind=info.get("kind", "commune"),
                parent_id=parent.id if parent else None,
                theme=info.get("theme", "default"),
                lang=info.get("lang", "fr"),
                timezone=info.get("timezone", "Europe/Paris"),
                contact=info.get("contact", {}),
                legal=info.get("legal", {}),
            )
            session.add(organisation)
            session.flush()
            by_slug[organisation.slug] = organisation
            created += 1
            for path in sorted((examples_dir / info["slug"] / "procedures").glob("*.json")):
                publish(session, organisation, load_definition(path.read_bytes()))
    return created


class PublishedCache:
    """Published procedures by (organisation, procedure) slug, each kept a few seconds."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[float, Published | None]] = {}

    def get(self, org_slug: str, procedure_slug: str) -> Published | None:
        key = (org_slug, procedure_slug)
        entry = self._entries.get(key)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        found = find_published(self._engine, org_slug, procedure_slug)
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + PUBLISHED_TTL, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def find_published(engine: Engine, org_slug: str, procedure_slug: str) -> Published | None:
    with reading(engine) as session:
        row = session.exec(
            select(Organisation, Procedure, ProcedureVersion)
            .join(Procedure, col(Procedure.organisation_id) == Organisation.id)
            .join(ProcedureVersion, col(ProcedureVersion.id) == Procedure.published_version_id)
            .where(col(Organisation.slug) == org_slug, col(Procedure.slug) == procedure_slug)
        ).first()
        if row is None:
            return None
        organisation, procedure, version = row
        assert procedure.id is not None and version.id is not None  # rows read back have ids
        return Published(
            organisation,
            procedure.id,
            procedure.slug,
            version.id,
            version.number,
            version.content_hash,
            compiled_for(version),
        )


def version_by_id(engine: Engine, version_id: int) -> tuple[Organisation, Procedure, ProcedureVersion] | None:
    with reading(engine) as session:
        row = session.exec(
            select(Organisation, Procedure, ProcedureVersion)
            .join(Procedure, col(Procedure.organisation_id) == Organisation.id)
            .join(ProcedureVersion, col(ProcedureVersion.procedure_id) == Procedure.id)
            .where(col(ProcedureVersion.id) == version_id)
        ).first()
        return None if row is None else tuple(row)  # type: ignore[return-value]  # tuple() loses the row's per-position types


def organisation_by_slug(engine: Engine, slug: str) -> Organisation | None:
    with reading(engine) as session:
        return session.exec(select(Organisation).where(col(Organisation.slug) == slug)).first()


def _published_versions(engine: Engine, organisation: Organisation) -> list[ProcedureVersion]:
    """The published version of each of the organisation's procedures, by address."""
    with reading(engine) as session:
        return list(
            session.exec(
                select(ProcedureVersion)
                .join(Procedure, col(Procedure.published_version_id) == ProcedureVersion.id)
                .where(col(Procedure.organisation_id) == organisation.id)
                .order_by(Procedure.slug)
            )
        )


def published_definitions(engine: Engine, organisation: Organisation) -> list[dict[str, Any]]:
    """The definitions of the organisation's published procedures, open or not, by address."""
    rows = _published_versions(engine, organisation)
    return [version.definition for version in rows]


def organisations(engine: Engine) -> list[Organisation]:
    with reading(engine) as session:
        return list(session.exec(select(Organisation).order_by(Organisation.name)))


def open_procedures(engine: Engine, organisation: Organisation) -> list[CompiledVersion]:
    """The organisation's listed procedures (access "public") whose opening dates include today.

    A procedure with access "link" is still open to whoever has its address.
    """
    from runtime.reception import is_open

    rows = _published_versions(engine, organisation)
    result = []
    for version in rows:
        compiled = compiled_for(version)
        settings = compiled.definition.get("settings", {})
        listed = settings.get("access", "public") == "public"
        if listed and is_open(compiled, organisation.timezone):  # the same rule as every step of the form
            result.append(compiled)
    return result
