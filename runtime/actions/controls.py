"""What an action declares for the workflow editor: the inputs of the "add a transition" form,
the line that describes it in a transition, and the warning it may need.

Declared as data, so that one template (`_workflow_editor.html`) walks every action's; texts
are msgids, translated where they are shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Control:
    """One input of the "add a transition" form."""

    name: str  # the posted field
    id: str  # the HTML id
    label: str  # msgid
    # Where it stands among the form's inputs (the action's `order`, or near it).
    position: int
    # "checkbox" (with the other choices), or in the grid of fields: "text", "number",
    # "url" or "textarea".
    kind: str = "checkbox"
    checked: bool = False
    hint: str = ""  # msgid, shown under the label
    hint_id: str = ""  # the hint's HTML id, when it has one
    placeholder: str = ""
    rows: int = 3  # of a textarea

    @property
    def is_choice(self) -> bool:
        return self.kind == "checkbox"

    @property
    def described_by(self) -> str:
        return self.hint_id or f"{self.id}-hint"


@dataclass(frozen=True)
class Summary:
    """How one use of an action reads in the list of transitions: a msgid and its values."""

    message: str
    values: Mapping[str, Any] = field(default_factory=dict)
    # True when the action's editor warning, if it has one now, is about this use of it.
    warned: bool = False


@dataclass(frozen=True)
class EditorWarning:
    """Something the editor points out about an action in a definition (an action that would
    reach nobody): above the workflow, after the uses concerned, and under its control."""

    css_class: str
    text: str  # msgid: the whole sentence
    short: str  # msgid: a few words after each use concerned
    control: str  # name of the control it describes


class ControlRefused(ValueError):
    """A value of the form that cannot make an action; `message` is a msgid with `values`."""

    def __init__(self, message: str, **values: Any) -> None:
        super().__init__(message % values if values else message)
        self.message = message
        self.values = values


def days(raw: str, message: str) -> int | None:
    """A number of days typed in the form (1 to 3650), or None when left empty; `message`
    (a msgid) says what else was expected."""
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) <= 3650:
        raise ControlRefused(message)
    return int(raw)
