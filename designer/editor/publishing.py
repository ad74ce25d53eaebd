"""Procedures on the staff side: import a definition as a draft, compare it, publish it.

Every function is given the organisation the staff member acts for, and reads or writes
nothing outside it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from designer.imports.json_schema import from_json_schema, is_plain_schema
from designer.imports.xlsform import from_xlsform
from designer.imports.xlsform_workbook import looks_like_workbook
from runtime.catalogue import content_hash, save_version
from runtime.db import reading, writing
from runtime.definition import load_definition
from runtime.fields.base import Problem
from runtime.i18n import N_
from runtime.models import Organisation, Procedure, ProcedureVersion
from runtime.site import ROOT

EDITING_ROLES = ("administrator", "designer")
ALL_ROLES = ("administrator", "designer", "agent", "reader")
EXAMPLES = ROOT / "examples"


# The identifier in a procedure's address, as the definition's schema has it.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def slug_from_title(title: str) -> str:
    """The address a title suggests: "Inscription à la cantine" → inscription-a-la-cantine."""
    lower = title.lower().replace("œ", "oe").replace("æ", "ae")
    plain = "".join(c for c in unicodedata.normalize("NFKD", lower) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:63].rstrip("-")


def slug_problem(slug: str) -> str | None:
    """What is wrong with an identifier typed for a new procedure's address (to translate)."""
    if not slug:
        return N_("Give a title or an identifier for the address.")
    if not SLUG.fullmatch(slug):
        return N_(
            "The identifier may hold only lower-case letters without accents, digits and hyphens, "
            "at most 63 characters, and begins with a letter or a digit (for example "
            "inscription-a-la-cantine)."
        )
    return None


@dataclass(frozen=True)
class ProcedureState:
    procedure: Procedure
    published: ProcedureVersion | None
    draft: ProcedureVersion | None

    @property
    def latest(self) -> ProcedureVersion | None:
        return self.draft or self.published


@dataclass(frozen=True)
class Change:
    path: str
    kind: str  # "added", "removed" or "changed"
    before: Any
    after: Any


@lru_cache(maxsize=1)
def templates() -> dict[str, dict[str, Any]]:
    """Every example procedure is a template, by its id (read once: they ship with Parvis)."""
    found = {}
    for path in sorted(EXAMPLES.glob("*/procedures/*.json")):
        definition = json.loads(path.read_text(encoding="utf-8"))
        found[definition["id"]] = definition
    return found


def procedure_state(engine: Engine, organisation: Organisation, slug: str) -> ProcedureState | None:
    with reading(engine) as session:
        procedure = session.exec(
            select(Procedure).where(
                col(Procedure.organisation_id) == organisation.id, col(Procedure.slug) == slug
            )
        ).first()
        if procedure is None:
            return None
        versions = session.exec(
            select(ProcedureVersion).where(
                col(ProcedureVersion.procedure_id) == procedure.id,
                (col(ProcedureVersion.id) == procedure.published_version_id)
                | col(ProcedureVersion.published_at).is_(None),
            )
        ).all()
    published = next((v for v in versions if v.id == procedure.published_version_id), None)
    draft = next((v for v in versions if v.published_at is None), None)
    return ProcedureState(procedure, published, draft)


def import_definition(
    engine: Engine, organisation: Organisation, raw: bytes
) -> tuple[ProcedureVersion, list[Problem]]:
    """Keep an uploaded definition as its procedure's draft; DefinitionError lists what is wrong.

    A plain JSON Schema of the data is turned into a one-page procedure first, and an XLSForm
    spreadsheet (told by its content, not its name) into a procedure; what either had that
    a procedure cannot carry is returned as a report.
    """
    report: list[Problem] = []
    if looks_like_workbook(raw):
        definition, report = from_xlsform(raw, organisation.lang)
        with writing(engine) as session:
            return save_version(
                session, organisation, load_definition(json.dumps(definition)), publish=False
            ), report
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        document = None  # the loader below says what is wrong, and where
    if is_plain_schema(document):
        definition, report = from_json_schema(document, organisation.lang)
        definition = load_definition(json.dumps(definition))
    else:
        definition = load_definition(raw)
    with writing(engine) as session:
        return save_version(session, organisation, definition, publish=False), report


def save_draft(
    engine: Engine, organisation: Organisation, definition: dict[str, Any], checked: bool = False
) -> ProcedureVersion:
    """Keep an edited definition as the draft; `checked` when the editor has just run the loader.

    Not flushed to disk at each change (SQLite's NORMAL, in WAL mode): a power cut may lose
    the last edits of a draft, never the database; publishing a version is flushed.
    """
    with writing(engine, durable=False) as session:
        return save_version(session, organisation, definition, publish=False, checked=checked)


def save_edit(
    engine: Engine, organisation: Organisation, definition: dict[str, Any], revision: str
) -> ProcedureVersion | None:
    """Keep an editor's change (already checked by the loader) as the draft, only if the
    procedure is still at `revision`, the content hash the editor was opened on; None when
    someone saved or published meanwhile, and nothing is written.

    Two saves on the same revision may run at the same moment: the check is part of the
    write itself (compare and set in the UPDATE's WHERE, or the unique version number of a
    new draft), so exactly one of them wins on SQLite and PostgreSQL alike.
    """
    digest = content_hash(definition)
    with writing(engine, durable=False) as session:
        latest = session.exec(
            select(ProcedureVersion)
            .join(Procedure, col(Procedure.id) == ProcedureVersion.procedure_id)
            .where(col(Procedure.organisation_id) == organisation.id, col(Procedure.slug) == definition["id"])
            .order_by(col(ProcedureVersion.number).desc())
        ).first()
        if latest is None or latest.content_hash != revision:
            return None
        if latest.published_at is None:
            written = session.execute(
                update(ProcedureVersion)
                .where(
                    col(ProcedureVersion.id) == latest.id,
                    col(ProcedureVersion.content_hash) == revision,
                    col(ProcedureVersion.published_at).is_(None),
                )
                .values(definition=dict(definition), content_hash=digest)
            )
            if written.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
                return None
            session.refresh(latest)
            return latest
        if digest == revision:
            return latest  # the published version already says exactly this
        draft = ProcedureVersion(
            procedure_id=latest.procedure_id,
            number=latest.number + 1,
            definition=dict(definition),
            content_hash=digest,
        )
        try:
            with session.begin_nested():
                session.add(draft)
        except IntegrityError:  # another save made this draft first
            return None
        return draft


def publish_draft(engine: Engine, organisation: Organisation, slug: str) -> ProcedureVersion | None:
    state = procedure_state(engine, organisation, slug)
    if state is None or state.draft is None:
        return None
    with writing(engine) as session:
        return save_version(session, organisation, state.draft.definition, publish=True)


def differences(before: Any, after: Any, path: str = "") -> list[Change]:
    """What a draft changes in the published version, path by path (texts, fields, workflow)."""
    return list(_walk(before, after, path))


def _walk(before: Any, after: Any, path: str) -> Iterator[Change]:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            child = f"{path}/{key}"
            if key not in after:
                yield Change(child, "removed", before[key], None)
            elif key not in before:
                yield Change(child, "added", None, after[key])
            else:
                yield from _walk(before[key], after[key], child)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (old, new) in enumerate(zip(before, after, strict=False)):
            yield from _walk(old, new, f"{path}/{index}")
    elif before != after:
        yield Change(path or "/", "changed", before, after)


def shown(value: Any) -> str:
    """A changed value as a reviewer reads it: short, JSON when it is not text."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 160 else text[:157] + "…"
