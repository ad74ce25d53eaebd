"""What the workflow editor shows of the actions: the inputs of its "add a transition" form
(the transition's own and every action's, in one order), a line for each use of an action in
the list of transitions, and what the actions warn about in a definition.

`_workflow_editor.html` walks this view (the template global `workflow_editor`);
`designer.editor.workflow_editing` reads the posted form back through the same declarations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runtime.actions import registry
from runtime.actions.controls import Control, EditorWarning
from runtime.i18n import N_

# The transition's own inputs, placed among the actions' by their position.
COMMENT = Control("comment_required", "tr-comment", N_("comment required"), 10)
DELAY = Control(
    "after_days",
    "tr-after",
    N_("Automatic after (days)"),
    55,
    kind="number",
    hint=N_("Leave empty for a step agents take."),
    hint_id="tr-after-hint",
)


@dataclass(frozen=True)
class Said:
    """One use of an action as the list of transitions says it."""

    message: str  # msgid
    values: Mapping[str, Any]
    warning: EditorWarning | None  # the action's warning, when it concerns this use


class WorkflowEditor:
    """The editor's view of the actions for one definition."""

    def __init__(self, definition: Mapping[str, Any]) -> None:
        actions = registry.actions()
        controls = sorted(
            [COMMENT, DELAY, *(control for action in actions for control in action.controls)],
            key=lambda control: control.position,
        )
        self.choices = [control for control in controls if control.is_choice]
        self.fields = [control for control in controls if not control.is_choice]
        self._warnings = {
            action.key: warning for action in actions if (warning := action.warning(definition)) is not None
        }
        lang = str(definition.get("lang", ""))
        uses = [
            item
            for transition in (definition.get("workflow") or {}).get("transitions") or []
            for item in transition.get("actions") or []
        ]
        concerned = {
            registry.of(item).key
            for item in uses
            if (said := self.summary(item, lang)) is not None and said.warning is not None
        }
        # Above the workflow, only while some transition makes a use the warning is about.
        self.banners = [warning for key, warning in self._warnings.items() if key in concerned]

    def summary(self, item: Mapping[str, Any], lang: str) -> Said | None:
        """How one use reads, in `lang` for its texts; None for an unknown one (shown as JSON)."""
        try:
            action = registry.of(item)
        except LookupError:
            return None
        summary = action.summary(item, lang)
        if summary is None:
            return None
        return Said(
            summary.message, summary.values, self._warnings.get(action.key) if summary.warned else None
        )

    def warning_of(self, control: Control) -> EditorWarning | None:
        """The warning shown under a control, if one is about it now."""
        return next((warning for warning in self._warnings.values() if warning.control == control.name), None)
