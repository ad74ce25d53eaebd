"""Bulk transitions: one step of the workflow taken on every selected submission it fits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from designer.accounts import Staff
from designer.admin import functions
from designer.backoffice import inbox
from designer.backoffice.procedures import by_slug, procedures_of
from runtime import processing, workflow
from runtime.models import Organisation, Submission

if TYPE_CHECKING:
    from runtime.site import VersionInfo


@dataclass(frozen=True)
class Selection:
    procedure_id: int
    definition: dict[str, Any]  # the procedure's current one: its transitions are what is offered
    rows: list[Submission]  # the selected submissions, only those of the procedure


def selection(
    engine: Engine, organisation: Organisation, slug: str, ids: Sequence[int], lang: str
) -> Selection | None:
    """The submissions chosen in the procedure's inbox; None if the organisation has no such procedure."""
    assert organisation.id is not None
    infos = procedures_of(engine, organisation, lang)
    procedure_id = by_slug(infos, slug)
    if procedure_id is None:
        return None
    where = inbox.scope(engine, [organisation.id], procedure_id)
    return Selection(procedure_id, infos[procedure_id].definition, inbox.selected(engine, where, ids))


def take_transition(
    engine: Engine,
    staff: Staff,
    organisation_id: int,
    chosen: Selection,
    index: int,
    comment: str,
    version_of: Callable[[int], VersionInfo | None],
    base_url: str,
) -> tuple[int, int]:
    """Take the transition `index` of the current definition on every selected submission
    where this person may take it: (how many were moved, how many were left as they were)."""
    offered = workflow.transitions(chosen.definition)
    wanted = offered[index] if index < len(offered) else None
    actor = processing.Actor(staff.user.name, staff.user.id)
    taken, refused = 0, 0
    held_by_version: dict[int, frozenset[str]] = {}
    for row in chosen.rows:
        info = version_of(row.version_id)
        if info is None or row.id is None:
            continue
        definition = info.compiled.definition
        if row.version_id not in held_by_version:  # one reading per version, not per row
            held_by_version[row.version_id] = functions.held(
                engine, staff, organisation_id, chosen.procedure_id, definition
            )
        held = held_by_version[row.version_id]
        # Versions may number their transitions differently: match by statuses, not index.
        match = next(
            (
                t
                for t in workflow.available(definition, row.state, set(held))
                if wanted and (t.source, t.target) == (wanted.source, wanted.target)
            ),
            None,
        )
        if match is None:
            refused += 1
            continue
        try:
            processing.take_transition(
                engine, row.id, definition, match.index, actor, comment, base_url=base_url
            )
            taken += 1
        except processing.Refused:
            refused += 1
    return taken, refused
