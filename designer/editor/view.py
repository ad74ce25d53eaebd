"""What the editor's form posts mean, and what its page shows: the operation a post asks
for, the selected element, the condition rows, and each problem placed next to the element
that caused it. Plain values in, plain values out: the HTTP side is designer/web/editor.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from designer.editor import conditions as editing_conditions
from designer.editor import operations, workflow_editing
from designer.editor import properties as editing_properties
from designer.editor import settings as editing_settings
from designer.editor.operations import Definition, EditRefused
from runtime.fields.base import Problem
from runtime.i18n import N_


@dataclass(frozen=True)
class Selection:
    """The page shown and the element selected on it (-1: none); `sub` is a question of the
    selected repeatable group (-1: the group itself)."""

    page: int = 0
    element: int = -1
    sub: int = -1

    def query(self) -> str:
        return f"page={self.page}&element={self.element}" + (f"&sub={self.sub}" if self.sub >= 0 else "")


def number(value: Any, default: int = 0) -> int:
    return int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else default


def selection_from(values: Mapping[str, Any]) -> Selection:
    return Selection(
        number(values.get("page")), number(values.get("element"), -1), number(values.get("sub"), -1)
    )


def clamp(definition: Definition, selection: Selection) -> Selection:
    """The selection made valid for this definition (an element deleted meanwhile...)."""
    pages = definition["ui"]["pages"]
    page = min(max(selection.page, 0), len(pages) - 1)
    elements = pages[page]["elements"]
    element = selection.element if 0 <= selection.element < len(elements) else -1
    sub = -1
    if element >= 0 and operations.holds_questions(elements[element]):
        sub = selection.sub if 0 <= selection.sub < len(elements[element].get("elements", [])) else -1
    return Selection(page, element, sub)


# -- operations ----------------------------------------------------------------------
ORDER_CHANGING = ("up", "down", "move", "delete", "to_page", "page_up", "page_down")


def apply(
    definition: Definition, values: Mapping[str, str], selection: Selection, lang: str
) -> tuple[Definition, Selection]:
    """The definition after the operation a post asks for, and what to select next."""
    changed, after = _apply(definition, values, selection, lang)
    if values.get("op", "") in ORDER_CHANGING:
        problem = editing_conditions.order_problem(changed, definition, lang)
        if problem is not None:
            raise problem
    return changed, after


def _apply(
    definition: Definition, values: Mapping[str, str], at: Selection, lang: str
) -> tuple[Definition, Selection]:
    page, element, sub = at.page, at.element, at.sub
    operation = values.get("op", "")
    if operation == "add":
        widget, group = values.get("widget", ""), number(values.get("group"), -1)
        if widget == "content":
            changed, index = operations.add_content(definition, page, lang)
            return changed, Selection(page, index)
        changed, index = operations.add_field(definition, page, widget, lang, group)
        return changed, Selection(page, group, index) if group >= 0 else Selection(page, index)
    if operation in ("up", "down", "move"):
        offset = {"up": -1, "down": 1}.get(operation, 0)
        to = number(values.get("to"), -1) if operation == "move" else None
        if to is not None and to < 0:
            raise EditRefused(N_("Say where to move the element."))
        changed, index = operations.move(definition, page, element, offset, sub, to)
        return changed, Selection(page, element, index) if sub >= 0 else Selection(page, index)
    if operation == "to_page":
        target = number(values.get("target_page"), -1)
        changed, index = operations.move_to_page(definition, page, element, target)
        return changed, Selection(target, index)
    if operation == "duplicate":
        changed, index = operations.duplicate(definition, page, element, sub)
        return changed, Selection(page, element, index) if sub >= 0 else Selection(page, index)
    if operation == "delete":
        return operations.delete(definition, page, element, sub), Selection(page, element if sub >= 0 else -1)
    if operation == "add_page":
        changed, index = operations.add_page(definition, lang)
        return changed, Selection(index)
    if operation == "delete_page":
        return operations.delete_page(definition, page), Selection(max(0, page - 1))
    if operation in ("page_up", "page_down"):
        changed, index = operations.move_page(definition, page, -1 if operation == "page_up" else 1)
        return changed, Selection(index)
    if operation == "page_title":
        return operations.set_page_title(definition, page, lang, values.get("title", "")), at
    if operation in ("properties", "condition_clear") or operation.startswith("condition_remove_"):
        if operation.startswith("condition_remove_"):
            values = {**values, "condition_remove": operation.removeprefix("condition_remove_")}
        if operation == "condition_clear":
            values = {**values, "condition_join": "all"}
        return editing_properties.set_properties(definition, page, element, lang, values, sub), at
    if operation == "settings":
        return editing_settings.set_settings(definition, lang, values), at
    return _apply_workflow(definition, values, at, lang, operation)


def _apply_workflow(
    definition: Definition, values: Mapping[str, str], at: Selection, lang: str, operation: str
) -> tuple[Definition, Selection]:
    if operation == "status_add":
        return workflow_editing.add_status(definition, lang, values.get("label", "")), at
    if operation == "status_set":
        return workflow_editing.set_status(definition, values.get("status", ""), lang, values), at
    if operation == "status_delete":
        return workflow_editing.delete_status(definition, values.get("status", "")), at
    if operation == "transition_add":
        return workflow_editing.add_transition(definition, lang, values), at
    if operation == "transition_delete":
        return workflow_editing.delete_transition(definition, number(values.get("transition"), -1)), at
    raise EditRefused(N_("Unknown operation %(name)s."), name=operation)


def about_element(operation: str) -> bool:
    """Whether a refusal of this operation is about the selected element."""
    return operation in ("properties", *ORDER_CHANGING, "duplicate") or operation.startswith("condition_")


# -- problems next to their element --------------------------------------------------
_ELEMENT_PATH = re.compile(r"^/ui/pages/(\d+)/elements/(\d+)(?:/elements/(\d+))?")


def key(page: int, element: int, sub: int = -1) -> str:
    return f"{page}-{element}-{sub}"


def positions(definition: Definition) -> dict[str, str]:
    """Each field's place in the form, as `key()` writes it."""
    found = {}
    for page_index, page in enumerate(definition["ui"]["pages"]):
        for index, element in enumerate(page["elements"]):
            if "field" in element:
                found[element["field"]] = key(page_index, index)
            for sub, inner in enumerate(element.get("elements") or []):
                found[f"{element.get('field')}/{inner['field']}"] = key(page_index, index, sub)
    return found


def _field_at(definition: Definition, path: str) -> str | None:
    match = _ELEMENT_PATH.match(path)
    if not match:
        return None
    page, index, sub = (int(part) if part else -1 for part in match.groups())
    try:
        element = definition["ui"]["pages"][page]["elements"][index]
        if sub >= 0:
            return f"{element['field']}/{element['elements'][sub]['field']}"
        return element.get("field")  # type: ignore[no-any-return]  # the definition is JSON: its values are Any
    except (IndexError, KeyError, TypeError):
        return None


def place_problems(
    problems: list[Problem],
    concerning: list[str | None],
    changed: Definition | None,
    shown: Definition,
    selection: Selection,
    lang: str,
) -> dict[str, list[str]]:
    """Messages in `lang` by the key of the element shown that caused them; the selected
    element's key for those about an element that the refused change created or cannot be found."""
    where = positions(shown)
    selected = key(selection.page, selection.element, selection.sub) if selection.element >= 0 else ""
    placed: dict[str, list[str]] = {}
    for problem, name in zip(problems, concerning, strict=True):
        if name == "":
            target = selected
        else:
            field = name or (_field_at(changed, problem.path) if changed is not None else None)
            target = where.get(field or "") or (selected if problem.path.startswith("/ui/") else "")
        if target:
            placed.setdefault(target, []).append(problem.text(lang))
    return placed


# -- the properties pane ---------------------------------------------------------------
def condition_context(
    definition: Definition, selection: Selection, lang: str, posted: Mapping[str, str] | None
) -> dict[str, Any]:
    """The condition editor's questions and rows for the selected element."""
    questions = editing_conditions.questions_before(definition, selection.page, selection.element, lang)
    if posted is not None and "condition_join" in posted:
        rows: tuple[str, list[editing_conditions.Row]] | None = editing_conditions.rows_from_form(posted)
    else:
        element = definition["ui"]["pages"][selection.page]["elements"][selection.element]
        rows = editing_conditions.rows_of(element.get("visible_if"))
    if rows is None:
        return {"questions": questions, "combined": True, "join": "all", "rows": []}
    join, listed = rows
    listed = [row for row in listed if row.field]
    if len(listed) < editing_conditions.MAX_ROWS:
        listed.append(editing_conditions.Row())
    return {
        "questions": {asked.name: asked for asked in questions},
        "combined": False,
        "join": join,
        "rows": listed,
        "operators": editing_conditions.OPERATORS,
    }


def dates_before(
    definition: Definition, selection: Selection, lang: str
) -> list[editing_conditions.Question]:
    """The questions the selected one may have to come after (its pane's "after" control):
    those before it of the same type, the dates before a date."""
    element = definition["ui"]["pages"][selection.page]["elements"][selection.element]
    return [
        asked
        for asked in editing_conditions.questions_before(definition, selection.page, selection.element, lang)
        if asked.widget == element.get("widget")
    ]


@dataclass(frozen=True)
class Row:
    """One element as the pages pane lists it, its texts worked out once in Python: the list
    is the editor's biggest part, and a template macro per element costs more than the rest."""

    index: int
    key: str
    name: str  # the label, or the start of an information text
    kind: str  # the widget's name for people, with "required"; "" for a text
    condition: str  # "Shown when ..." in words, or ""
    problems: list[str]


def element_rows(
    definition: Definition, page: int, lang: str, describe: Any, kind_of: Any, placed: Mapping[str, list[str]]
) -> list[Row]:
    """`kind_of(element, required)` names a question's type; `describe(condition)` says a
    condition in words."""
    fallback = definition["lang"]
    required = set(definition["schema"].get("required", []))

    def text(value: Mapping[str, str] | None) -> str:
        value = value or {}
        return value.get(lang) or value.get(fallback, "")

    rows = []
    for index, element in enumerate(definition["ui"]["pages"][page]["elements"]):
        where = key(page, index)
        if "field" in element:
            name = text(element.get("label"))
            kind = kind_of(element, bool(element.get("required")) or element["field"] in required)
        else:
            name, kind = text(element.get("content"))[:80], ""
        condition = describe(element["visible_if"]) if element.get("visible_if") else ""
        rows.append(Row(index, where, name, kind, condition, list(placed.get(where, []))))
    return rows
