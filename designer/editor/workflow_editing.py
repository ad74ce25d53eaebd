"""Editing a procedure's workflow: statuses, transitions between them, and what to check.

A workflow is data in the definition (see docs/definition.md); these functions return a new
definition, checked by the loader like every other change. What a transition does is read
from the form by each action (`runtime.actions`), in the registry's order.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from designer.editor.operations import Definition, EditRefused
from designer.editor.operations import set_text as _set_text
from runtime.actions import registry
from runtime.actions.controls import ControlRefused, days
from runtime.actions.editing import COMMENT, DELAY
from runtime.i18n import N_


def _workflow(definition: Definition) -> dict[str, Any]:
    workflow = definition.get("workflow")
    if not isinstance(workflow, dict) or not workflow:
        raise EditRefused(N_("This procedure has no workflow yet."))
    return workflow


def add_status(definition: Definition, lang: str, label: str) -> Definition:
    result = copy.deepcopy(definition)
    workflow = _workflow(result)
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_label.lower()).strip("-")[:50] or "statut"
    base, number = slug, 1
    while slug in workflow["states"]:
        number += 1
        slug = f"{base}-{number}"
    workflow["states"][slug] = {"label": {lang: label.strip() or slug}, "visible": True}
    return result


def set_status(definition: Definition, status: str, lang: str, values: Mapping[str, str]) -> Definition:
    result = copy.deepcopy(definition)
    state = _workflow(result)["states"].get(status)
    if state is None:
        raise EditRefused(N_("There is no status %(name)s."), name=status)
    _set_text(state, "label", lang, values.get("label", ""))
    state["visible"] = values.get("visible") == "on"
    if values.get("final") == "on":
        state["final"] = True
    else:
        state.pop("final", None)
    if values.get("initial") == "on":
        _workflow(result)["initial"] = status
    return result


def delete_status(definition: Definition, status: str) -> Definition:
    result = copy.deepcopy(definition)
    workflow = _workflow(result)
    if status == workflow["initial"]:
        raise EditRefused(N_("The first status cannot be deleted: make another one the first."))
    workflow["states"].pop(status, None)
    workflow["transitions"] = [
        t for t in workflow.get("transitions", []) if status not in (t["from"], t["to"])
    ]
    return result


def add_transition(definition: Definition, lang: str, values: Mapping[str, str]) -> Definition:
    result = copy.deepcopy(definition)
    workflow = _workflow(result)
    source, target = values.get("from", ""), values.get("to", "")
    if source not in workflow["states"] or target not in workflow["states"]:
        raise EditRefused(N_("Choose the status before and the status after."))
    transition: dict[str, Any] = {
        "from": source,
        "to": target,
        "label": {
            lang: values.get("label", "").strip() or workflow["states"][target]["label"].get(lang, target)
        },
    }
    functions = [part.strip() for part in values.get("functions", "").split(",") if part.strip()]
    transition["functions"] = functions or ["instructeur"]
    if values.get(COMMENT.name) == "on":
        transition["comment_required"] = True
    try:
        actions = [made for action in registry.actions() for made in action.from_form(values, lang)]
        after = days(values.get(DELAY.name, ""), N_("The delay is a number of days, for example 30."))
    except ControlRefused as refused:
        raise EditRefused(refused.message, **refused.values) from None
    if after is not None:
        # Taken by the worker once the delay has passed: no function takes it by hand.
        transition["after_days"] = after
        transition.pop("functions", None)
    if actions:
        transition["actions"] = actions
    workflow.setdefault("transitions", []).append(transition)
    return result


def delete_transition(definition: Definition, index: int) -> Definition:
    result = copy.deepcopy(definition)
    transitions = _workflow(result).get("transitions", [])
    if not 0 <= index < len(transitions):
        raise EditRefused(N_("There is no transition %(n)s."), n=index + 1)
    transitions.pop(index)
    return result


def warnings(definition: Definition) -> list[tuple[str, str]]:
    """(status, what is wrong): statuses no transition reaches, and dead ends that are not final."""
    workflow = definition.get("workflow") or {}
    states = workflow.get("states") or {}
    transitions = workflow.get("transitions") or []
    reached = {workflow.get("initial")}
    frontier = [workflow.get("initial")]
    while frontier:
        current = frontier.pop()
        for transition in transitions:
            if transition["from"] == current and transition["to"] not in reached:
                reached.add(transition["to"])
                frontier.append(transition["to"])
    found = []
    for status, state in states.items():
        if status not in reached:
            found.append((status, "unreachable"))
        elif not state.get("final") and not any(t["from"] == status for t in transitions):
            found.append((status, "dead_end"))
    return found
