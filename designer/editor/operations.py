"""Editing a draft definition: each operation takes a definition and returns a new one.

Nothing here saves anything: the editor applies an operation, checks the result with the
same loader as `python app.py check`, and keeps it only if it is valid.

An element is found by its page, its index on the page and, inside a repeatable group, the
index of the sub-question (`sub`, -1 for the element itself).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from typing import Any

from runtime import i18n
from runtime.fields import WIDGETS, in_palette_order, widget_for
from runtime.i18n import N_
from runtime.workflow import RECEIVED

Definition = dict[str, Any]


class EditRefused(ValueError):
    """An operation that cannot apply, with a message for the designer in their language.

    `message` is a msgid with %(name)s placeholders filled from `params`.
    """

    def __init__(self, message: str, **params: Any):
        self.message, self.params = message, params
        # The field of the element the problem is about, to show it next to that element.
        self.concerning: str | None = None
        super().__init__(message % params if params else message)

    def about(self, field: str | None) -> EditRefused:
        self.concerning = field
        return self

    def text(self, lang: str) -> str:
        return i18n.gettext(lang, self.message, **self.params)


def blank(slug: str, title: str, kind: str, lang: str) -> Definition:
    """A new procedure: one page, no question yet, the default workflow of its kind."""
    return {
        "id": slug,
        "kind": kind,
        "lang": lang,
        "title": {lang: title},
        "schema": {"type": "object", "properties": {}},
        "ui": {"pages": [{"title": {lang: "Page 1"}, "elements": []}]},
        "workflow": default_workflow(kind, lang),
        "settings": {"access": "public", "retention_days": 365},
    }


def default_workflow(kind: str, lang: str) -> dict[str, Any]:
    """démarches-simplifiées's graph for procedures; received → processed for the others."""

    def text(fr: str, en: str) -> dict[str, str]:
        return {"fr": fr, "en": en} if lang in ("fr", "en") else {lang: fr}

    if kind != "procedure":
        return {
            "initial": RECEIVED,
            "states": {
                RECEIVED: {"label": text("Reçue", "Received"), "visible": True},
                "traitee": {"label": text("Traitée", "Processed"), "visible": True, "final": True},
            },
            "transitions": [
                {
                    "from": RECEIVED,
                    "to": "traitee",
                    "label": text("Traiter", "Process"),
                    "functions": ["instructeur"],
                }
            ],
        }
    states = {
        "en-construction": {
            "label": text("Reçue, en attente d’examen", "Received, awaiting review"),
            "visible": True,
        },
        "en-instruction": {"label": text("En cours d’examen", "Under review"), "visible": True},
        "acceptee": {"label": text("Acceptée", "Accepted"), "visible": True, "final": True},
        "refusee": {"label": text("Refusée", "Refused"), "visible": True, "final": True},
        "classee-sans-suite": {
            "label": text("Classée sans suite", "Closed without action"),
            "visible": True,
            "final": True,
        },
    }
    transitions = [
        {
            "from": "en-construction",
            "to": "en-instruction",
            "label": text("Passer en instruction", "Start review"),
            "functions": ["instructeur"],
            "actions": [{"notify": "citizen"}],
        },
        *(
            {
                "from": "en-instruction",
                "to": end,
                "label": states[end]["label"],
                "functions": ["instructeur"],
                "comment_required": end != "acceptee",
                "actions": [{"notify": "citizen"}],
            }
            for end in ("acceptee", "refusee", "classee-sans-suite")
        ),
    ]
    return {"initial": "en-construction", "states": states, "transitions": transitions}


# -- finding things ------------------------------------------------------------------
def page_of(definition: Definition, page: int) -> dict[str, Any]:
    pages = definition["ui"]["pages"]
    if not 0 <= page < len(pages):
        raise EditRefused(N_("There is no page %(n)s."), n=page + 1)
    return pages[page]  # type: ignore[no-any-return]  # the definition is JSON: its values are Any


def element_of(definition: Definition, page: int, index: int, sub: int = -1) -> dict[str, Any]:
    elements = siblings(definition, page, index, sub)
    position = index if sub < 0 else sub
    if not 0 <= position < len(elements):
        raise EditRefused(N_("There is no element %(n)s here."), n=position + 1)
    return elements[position]


def group_of(definition: Definition, page: int, index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A repeatable group's element and the schema of its items."""
    element = element_of(definition, page, index)
    if not holds_questions(element):
        raise EditRefused(N_("This element is not a repeatable group."))
    items = definition["schema"]["properties"][element["field"]].setdefault("items", {"type": "object"})
    items.setdefault("properties", {})
    return element, items


def siblings(definition: Definition, page: int, index: int, sub: int) -> list[dict[str, Any]]:
    """The list an element sits in: its page's elements, or its group's."""
    if sub < 0:
        return page_of(definition, page)["elements"]  # type: ignore[no-any-return]  # the definition is JSON: its values are Any
    element, _items = group_of(definition, page, index)
    return element.setdefault("elements", [])  # type: ignore[no-any-return]  # the definition is JSON: its values are Any


def properties_of(definition: Definition, page: int, index: int, sub: int) -> dict[str, Any]:
    """Where the property schemas of an element's siblings live."""
    if sub < 0:
        return definition["schema"]["properties"]  # type: ignore[no-any-return]  # the definition is JSON: its values are Any
    return group_of(definition, page, index)[1]["properties"]  # type: ignore[no-any-return]  # the definition is JSON: its values are Any


def _new_name(taken: set[str], base: str) -> str:
    base = re.sub(r"[^a-z0-9_]", "_", base.lower()).strip("_")[:50] or "champ"
    if base[0].isdigit():
        base = "champ_" + base
    number = 1
    name = base
    while name in taken:
        number += 1
        name = f"{base}_{number}"
    return name


def new_field(widget_name: str, lang: str, taken: set[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new question's element and property schema, with sensible defaults for its type."""
    widget = widget_for(widget_name)
    if widget is None:
        raise EditRefused(N_("Unknown field type %(name)s."), name=widget_name)
    return widget.new_element(_new_name(taken, widget_name), lang)


def holds_questions(element: Mapping[str, Any]) -> bool:
    """Whether an element is a repeatable group, with questions of its own."""
    widget = widget_for(element.get("widget", ""))
    return widget is not None and widget.holds_questions


# -- elements ------------------------------------------------------------------------
def add_field(
    definition: Definition, page: int, widget_name: str, lang: str, group: int = -1
) -> tuple[Definition, int]:
    """A new question at the end of a page, or of the group at index `group` on the page."""
    if group >= 0 and holds_questions({"widget": widget_name}):
        raise EditRefused(N_("A repeatable group cannot hold another group."))
    result = copy.deepcopy(definition)
    properties = properties_of(result, page, group, 0 if group >= 0 else -1)
    element, prop = new_field(widget_name, lang, set(properties))
    properties[element["field"]] = prop
    elements = siblings(result, page, group, 0 if group >= 0 else -1)
    elements.append(element)
    return result, len(elements) - 1


def add_content(definition: Definition, page: int, lang: str) -> tuple[Definition, int]:
    result = copy.deepcopy(definition)
    elements = page_of(result, page)["elements"]
    elements.append({"content": {lang: "Texte d’information." if lang == "fr" else "Information text."}})
    return result, len(elements) - 1


def move(
    definition: Definition, page: int, index: int, offset: int = 0, sub: int = -1, to: int | None = None
) -> tuple[Definition, int]:
    """Move an element up (-1) or down (+1), or to the position `to` (a drop), among its
    siblings; returns its new position. Conditions are checked afterwards by the caller."""
    result = copy.deepcopy(definition)
    elements = siblings(result, page, index, sub)
    position = index if sub < 0 else sub
    element_of(result, page, index, sub)
    target = position + offset if to is None else to
    if not 0 <= target < len(elements):
        return result, position
    elements.insert(target, elements.pop(position))
    return result, target


def move_to_page(definition: Definition, page: int, index: int, target_page: int) -> tuple[Definition, int]:
    """Move an element to the end of another page."""
    result = copy.deepcopy(definition)
    element = element_of(result, page, index)
    destination = page_of(result, target_page)["elements"]
    page_of(result, page)["elements"].pop(index)
    destination.append(element)
    return result, len(destination) - 1


def delete(definition: Definition, page: int, index: int, sub: int = -1) -> Definition:
    result = copy.deepcopy(definition)
    element = element_of(result, page, index, sub)
    elements = siblings(result, page, index, sub)
    if sub >= 0 and len(elements) == 1:
        raise EditRefused(N_("A repeatable group needs at least one question: delete the group instead."))
    elements.pop(index if sub < 0 else sub)
    name = element.get("field")
    if name:
        if sub >= 0:
            items = group_of(result, page, index)[1]
            items["properties"].pop(name, None)
            if name in items.get("required", []):
                items["required"].remove(name)
                if not items["required"]:
                    items.pop("required")
            return result
        result["schema"]["properties"].pop(name, None)
        required = result["schema"].get("required")
        if required and name in required:
            required.remove(name)
            if not required:
                result["schema"].pop("required")
    return result


def duplicate(definition: Definition, page: int, index: int, sub: int = -1) -> tuple[Definition, int]:
    result = copy.deepcopy(definition)
    element = copy.deepcopy(element_of(result, page, index, sub))
    if "field" in element:
        properties = properties_of(result, page, index, sub)
        name = _new_name(set(properties), element["field"])
        properties[name] = copy.deepcopy(properties[element["field"]])
        owner = result["schema"] if sub < 0 else group_of(result, page, index)[1]
        if element["field"] in owner.get("required", []):
            owner["required"].append(name)
        element["field"] = name
    position = (index if sub < 0 else sub) + 1
    siblings(result, page, index, sub).insert(position, element)
    return result, position


# -- pages ---------------------------------------------------------------------------
def add_page(definition: Definition, lang: str) -> tuple[Definition, int]:
    result = copy.deepcopy(definition)
    pages = result["ui"]["pages"]
    pages.append({"title": {lang: f"Page {len(pages) + 1}"}, "elements": []})
    return result, len(pages) - 1


def delete_page(definition: Definition, page: int) -> Definition:
    result = copy.deepcopy(definition)
    if len(result["ui"]["pages"]) == 1:
        raise EditRefused(N_("A procedure needs at least one page."))
    if page_of(result, page)["elements"]:
        raise EditRefused(N_("Move or delete the questions of this page first."))
    result["ui"]["pages"].pop(page)
    return result


def move_page(definition: Definition, page: int, offset: int) -> tuple[Definition, int]:
    result = copy.deepcopy(definition)
    pages = result["ui"]["pages"]
    page_of(result, page)
    target = page + offset
    if not 0 <= target < len(pages):
        return result, page
    pages.insert(target, pages.pop(page))
    return result, target


def set_page_title(definition: Definition, page: int, lang: str, title: str) -> Definition:
    result = copy.deepcopy(definition)
    set_text(page_of(result, page), "title", lang, title)
    return result


def set_text(target: dict[str, Any], key: str, lang: str, value: str) -> None:
    """Set one language of a text; an emptied text loses that language, then the key."""
    text = dict(target.get(key) or {})
    if value.strip():
        text[lang] = value.strip()
    else:
        text.pop(lang, None)
    if text:
        target[key] = text
    else:
        target.pop(key, None)


_set_text = set_text  # the name designer.editor.workflow_editing has always imported


class _Labels(Mapping[str, str]):
    """What each field type is called in the palette, for people who never saw its name (a
    msgid), as the widgets declare it: read when asked, so a widget registered later is in."""

    def __getitem__(self, name: str) -> str:
        return WIDGETS[name].palette.label

    def __iter__(self) -> Iterator[str]:
        return (widget.name for widget in in_palette_order())

    def __len__(self) -> int:
        return len(WIDGETS)


WIDGET_LABELS: Mapping[str, str] = _Labels()


def palette(in_group: bool = False) -> list[tuple[str, str]]:
    """Every field type a designer may add, with its name for people; a group holds no group."""
    return [
        (widget.name, widget.palette.label)
        for widget in in_palette_order()
        if not (in_group and widget.holds_questions)
    ]
