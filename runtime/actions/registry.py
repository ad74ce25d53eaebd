"""The workflow actions: what a transition does, each kind in one module of this package.

A transition's `actions` are objects with one action key each (`{"notify": "citizen"}`,
`{"webhook": "https://…"}`); the key names the action. Every class of this package that
subclasses `Action` and sets a `key` is found on first use: adding an action is adding its
module, which says how it reads in a definition (its schema and further checks), what it
does when the transition is taken (at once, or queued for the worker that runs it), what the
workflow editor shows of it, and its sentence in docs/definition.md.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from sqlalchemy import Connection

from runtime.actions.controls import Control, EditorWarning, Summary
from runtime.actions.outbox import Job, enqueue
from runtime.fields.base import Problem
from runtime.history import Actor
from runtime.models import Submission
from runtime.workflow import Transition

if TYPE_CHECKING:
    from runtime.site import Site

Item = Mapping[str, Any]  # one action of a transition, as the definition writes it


@dataclass(frozen=True)
class Step:
    """A transition being taken, inside its transaction: what its actions act on."""

    connection: Connection
    submission: Submission
    transition: Transition
    event_id: int  # the transition's event
    actor: Actor
    at: dt.datetime
    base_url: str


class Action:
    """One kind of action. A subclass sets the class attributes and overrides what it does."""

    key: ClassVar[str]  # its key in an action object
    # Its place among the actions: in the meta-schema, in the `actions` the editor writes,
    # and (with its controls' positions) in the editor's form.
    order: ClassVar[int] = 100
    documentation: ClassVar[str]  # its entry in docs/definition.md ("Actions"), Markdown
    # JSON Schema of the properties it owns in an action object: its key and its options.
    schema: ClassVar[Mapping[str, Any]]
    controls: ClassVar[tuple[Control, ...]] = ()

    def problems(self, item: Item, states: Mapping[str, Any], path: str) -> Iterator[Problem]:
        """What the meta-schema cannot check in one use of it (a status it names, say)."""
        return iter(())

    def at_transition(self, step: Step, item: Item, position: int) -> None:
        """What it does when the transition is taken, inside the transition's transaction."""
        raise NotImplementedError

    def from_form(self, values: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
        """The action objects the editor's "add a transition" form asks for (most often none
        or one); raises `ControlRefused` for a value that makes no action."""
        return []

    def summary(self, item: Item, lang: str) -> Summary | None:
        """How one use of it reads in the editor's list of transitions; None shows its JSON."""
        return None

    def warning(self, definition: Mapping[str, Any]) -> EditorWarning | None:
        """What the editor should point out about it in this definition, if anything."""
        return None


class QueuedAction(Action):
    """An action the worker carries out once the transition has committed (a mail, a
    document, a call), from the outbox, until it works: `run` raises to be tried again
    later, or raises `runtime.actions.outbox.Skipped` when there is nothing to act on."""

    label: ClassVar[str]  # msgid naming one of its deliveries in a case's history

    def at_transition(self, step: Step, item: Item, position: int) -> None:
        # One outbox row per (event, action): written with the event or not at all.
        assert step.submission.id is not None
        enqueue(
            step.connection,
            step.event_id,
            position,
            self.key,
            {
                "action": dict(item),
                "index": position,
                "submission_id": step.submission.id,
                "base_url": step.base_url,
            },
        )

    async def run(self, site: Site, job: Job) -> None:
        raise NotImplementedError


ActionClass = TypeVar("ActionClass", bound=type[Action])
_lock = threading.Lock()
_found: dict[str, Action] | None = None  # the package's actions, once looked for
_added: dict[str, Action] = {}  # actions registered from elsewhere (a test's)
_version = 0


def _discover() -> dict[str, Action]:
    import runtime.actions as package

    found: dict[str, Action] = {}
    for module_info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Action)
                and value.__module__ == module.__name__
                and "key" in vars(value)
            ):
                if value.key in found:
                    raise RuntimeError(f"two workflow actions have the key {value.key!r}")
                found[value.key] = value()
    return found


def _table() -> dict[str, Action]:
    global _found
    if _found is None:
        with _lock:
            if _found is None:
                _found = _discover()
    return {**_found, **_added} if _added else _found


def actions() -> list[Action]:
    """Every action, in order."""
    return sorted(_table().values(), key=lambda action: (action.order, action.key))


def find(key: str) -> Action | None:
    return _table().get(key)


def of(item: Item) -> Action:
    """The action an action object of a definition is a use of."""
    table = _table()
    for key in item:
        if key in table:
            return table[key]
    raise LookupError(f"no workflow action for {dict(item)!r}")


def queued(kind: str) -> QueuedAction | None:
    """The action whose outbox rows are of this kind, if the worker carries it out."""
    action = _table().get(kind)
    return action if isinstance(action, QueuedAction) else None


def delivery_label(kind: str) -> str:
    """The msgid naming an outbox row of this kind in a case's history (the kind itself when
    nothing runs it)."""
    from runtime.actions.citizen_mails import LABELS  # a module of this package, found last

    action = queued(kind)
    return action.label if action is not None else LABELS.get(kind, kind)


def register(cls: ActionClass) -> ActionClass:
    """Add an action defined outside this package (the package's own are found alone)."""
    global _version
    _table()
    with _lock:
        _added[cls.key] = cls()
        _version += 1
    return cls


def unregister(key: str) -> None:
    global _version
    with _lock:
        _added.pop(key, None)
        _version += 1


def version() -> int:
    """Changes whenever the set of actions does: what depends on it is rebuilt."""
    _table()
    return _version


def action_schema() -> dict[str, Any]:
    """The meta-schema's `action`: exactly one action key, and the options of every action."""
    properties: dict[str, Any] = {}
    for action in actions():
        for name, schema in action.schema.items():
            if properties.setdefault(name, schema) != schema:
                raise RuntimeError(f"two workflow actions describe the option {name!r} differently")
    return {
        "description": "What happens when a transition is taken. Exactly one of the action keys.",
        "type": "object",
        "additionalProperties": False,
        "oneOf": [{"required": [action.key]} for action in actions()],
        "properties": properties,
    }


def problems(item: Item, states: Mapping[str, Any], path: str) -> Iterator[Problem]:
    """What is wrong with one action object beyond its shape (the meta-schema's business)."""
    action = next((a for key, a in _table().items() if key in item), None)
    if action is not None:
        yield from action.problems(item, states, path)
