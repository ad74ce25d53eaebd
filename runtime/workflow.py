"""A version's workflow read as data: its statuses, its transitions and who may take them.

Pure functions over the definition (docs/definition.md, "Workflow"); storing a transition
is `runtime.processing`'s business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Definition = Mapping[str, Any]
# The status of a submission whose definition has no workflow, and the first one of the
# workflow that new surveys and forms get.
RECEIVED = "recue"


@dataclass(frozen=True)
class Transition:
    index: int
    source: str
    target: str
    label: Mapping[str, str]
    functions: tuple[str, ...]
    comment_required: bool
    actions: tuple[Mapping[str, Any], ...] = field(default=())
    # Taken by the worker on its own once a submission has waited this long in `source`.
    after_days: int | None = None

    @property
    def automatic(self) -> bool:
        return self.after_days is not None


def workflow_of(definition: Definition) -> Mapping[str, Any]:
    return definition.get("workflow") or {"initial": RECEIVED, "states": {RECEIVED: {"label": {}}}}


def initial(definition: Definition) -> str:
    """The status a new submission starts in."""
    return str(workflow_of(definition).get("initial", RECEIVED))


def transitions(definition: Definition) -> list[Transition]:
    found = []
    for index, raw in enumerate(workflow_of(definition).get("transitions") or []):
        found.append(
            Transition(
                index=index,
                source=raw["from"],
                target=raw["to"],
                label=raw.get("label") or {},
                functions=tuple(raw.get("functions") or ()),
                comment_required=bool(raw.get("comment_required")),
                actions=tuple(raw.get("actions") or ()),
                after_days=raw.get("after_days"),
            )
        )
    return found


def available(definition: Definition, state: str, held: set[str] | None) -> list[Transition]:
    """The transitions a person holding `held` functions may take from `state`.

    `held` None means every function (an administrator, or an API token granted all).
    Automatic transitions are the worker's: nobody takes them by hand.
    """
    return [
        transition
        for transition in transitions(definition)
        if transition.source == state and not transition.automatic and may_take(transition, held)
    ]


def may_take(transition: Transition, held: set[str] | frozenset[str] | None) -> bool:
    if held is None:
        return True
    return not transition.functions or bool(held.intersection(transition.functions))


def state(definition: Definition, name: str) -> Mapping[str, Any]:
    return (workflow_of(definition).get("states") or {}).get(name) or {}


def is_final(definition: Definition, name: str) -> bool:
    return bool(state(definition, name).get("final"))


def is_visible(definition: Definition, name: str) -> bool:
    return bool(state(definition, name).get("visible", True))


def final_states(definition: Definition) -> set[str]:
    return {
        name for name, value in (workflow_of(definition).get("states") or {}).items() if value.get("final")
    }


def functions(definition: Definition) -> list[str]:
    """Every function named by a transition, in order of first appearance."""
    seen: dict[str, None] = {}
    for transition in transitions(definition):
        for name in transition.functions:
            seen.setdefault(name, None)
    return list(seen)
