"""Putting submissions in someone's hands: what a form's "assigned to" value names, and the
assignment itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine

from designer.admin import functions, groups
from runtime import processing
from runtime.text import is_number


@dataclass(frozen=True)
class Assignee:
    person_id: int | None
    group_id: int | None
    name: str  # "" for nobody


def assignee(engine: Engine, organisation_id: int, target: str) -> Assignee | None:
    """Whom `target` names: "" nobody, a number a person who processes the organisation's
    procedures, "g" and a number one of its groups; None for anything else."""
    if not target:
        return Assignee(None, None, "")
    if target.startswith("g") and is_number(target[1:]):
        team = next((t for t in groups.groups_of(engine, organisation_id) if t.id == int(target[1:])), None)
        return Assignee(None, team.id, team.name) if team else None
    if not is_number(target):
        return None
    person = next((p for p in functions.processors(engine, organisation_id) if p.id == int(target)), None)
    return Assignee(person.id, None, person.name) if person else None


def assign(
    engine: Engine,
    organisation_id: int,
    submission_ids: Iterable[int],
    target: str,
    actor: processing.Actor,
) -> int | None:
    """Put the submissions in the hands `target` names; how many changed, or None when
    `target` names nobody who may have them."""
    chosen = assignee(engine, organisation_id, target)
    if chosen is None:
        return None
    return processing.assign(engine, submission_ids, chosen.person_id, chosen.name, actor, chosen.group_id)
