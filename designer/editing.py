"""Editing a draft definition: each operation takes a definition and returns a new one.

Nothing here saves anything: the editor applies an operation, checks the result with the
same loader as `python app.py check`, and keeps it only if it is valid.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Mapping

from runtime.conditions import OPERATORS
from runtime.fields import WIDGETS, widget_for
from runtime.i18n import N_

Definition = dict[str, Any]
CHOICE_WIDGETS = ("radio", "select", "checkboxes", "ranking", "budget")
BOOLEAN_OPERATORS = ("filled",)


class EditRefused(ValueError):
    """An operation that cannot apply (a page or element that does not exist...)."""


def blank(slug: str, title: str, kind: str, lang: str) -> Definition:
    """A new procedure: one page, no question yet, the default workflow of its kind."""
    return {
        "id": slug, "kind": kind, "lang": lang, "title": {lang: title},
        "schema": {"type": "object", "properties": {}},
        "ui": {"pages": [{"title": {lang: "Page 1" if lang != "fr" else "Page 1"}, "elements": []}]},
        "workflow": default_workflow(kind, lang),
        "settings": {"access": "public", "retention_days": 365},
    }


def default_workflow(kind: str, lang: str) -> dict[str, Any]:
    """démarches-simplifiées's graph for procedures; received → processed for the others."""
    def text(fr: str, en: str) -> dict[str, str]:
        return {"fr": fr, "en": en} if lang in ("fr", "en") else {lang: fr}

    if kind != "procedure":
        return {"initial": "recue", "states": {
            "recue": {"label": text("Reçue", "Received"), "visible": True},
            "traitee": {"label": text("Traitée", "Processed"), "visible": True, "final": True}},
            "transitions": [{"from": "recue", "to": "traitee", "label": text("Traiter", "Process"),
                             "functions": ["instructeur"]}]}
    states = {
        "en-construction": {"label": text("Reçue, en attente d’examen", "Received, awaiting review"), "visible": True},
        "en-instruction": {"label": text("En cours d’examen", "Under review"), "visible": True},
        "acceptee": {"label": text("Acceptée", "Accepted"), "visible": True, "final": True},
        "refusee": {"label": text("Refusée", "Refused"), "visible": True, "final": True},
        "classee-sans-suite": {"label": text("Classée sans suite", "Closed without action"), "visible": True,
                               "final": True},
    }
    transitions = [
        {"from": "en-construction", "to": "en-instruction", "label": text("Passer en instruction", "Start review"),
         "functions": ["instructeur"], "actions": [{"notify": "citizen"}]},
        *({"from": "en-instruction", "to": end, "label": states[end]["label"], "functions": ["instructeur"],
           "comment_required": end != "acceptee", "actions": [{"notify": "citizen"}]}
          for end in ("acceptee", "refusee", "classee-sans-suite")),
    ]
    return {"initial": "en-construction", "states": states, "transitions": transitions}


def _page(definition: Definition, page: int) -> dict[str, Any]:
    pages = definition["ui"]["pages"]
    if not 0 <= page < len(pages):
        raise EditRefused(f"there is no page {page + 1}")
    return pages[page]  # type: ignore[no-any-return]


def _element(definition: Definition, page: int, index: int) -> dict[str, Any]:
    elements = _page(definition, page)["elements"]
    if not 0 <= index < len(elements):
        raise EditRefused(f"there is no element {index + 1} on page {page + 1}")
    return elements[index]  # type: ignore[no-any-return]


def _new_name(definition: Definition, base: str) -> str:
    taken = set(definition["schema"]["properties"])
    base = re.sub(r"[^a-z0-9_]", "_", base.lower()).strip("_")[:50] or "champ"
    if base[0].isdigit():
        base = "champ_" + base
    number = 1
    name = base
    while name in taken:
        number += 1
        name = f"{base}_{number}"
    return name


def add_field(definition: Definition, page: int, widget_name: str, lang: str) -> tuple[Definition, int]:
    """A new question at the end of a page, with sensible defaults for its type."""
    widget = widget_for(widget_name)
    if widget is None or widget_name == "group":
        raise EditRefused(f"unknown field type {widget_name!r}")
    result = copy.deepcopy(definition)
    name = _new_name(result, widget_name)
    prop = widget.default_schema()
    element: dict[str, Any] = {"field": name, "widget": widget_name, "label": {lang: "Nouvelle question" if lang == "fr" else "New question"}}
    if widget_name in CHOICE_WIDGETS:
        values = ["option-1", "option-2"]
        element["choices"] = {value: {lang: f"Option {n}"} for n, value in enumerate(values, 1)}
        if prop["type"] == "array":
            prop = {"type": "array", "items": {"type": "string", "enum": values}, "uniqueItems": True}
            if widget_name == "ranking":
                prop.update(minItems=2, maxItems=2)
        else:
            prop = {"type": "string", "enum": values}
        if widget_name == "budget":
            element.update(costs={value: 1000 for value in values}, budget=1500, currency="EUR")
    if widget_name == "matrix":
        element["rows"] = {"ligne_1": {lang: "Affirmation 1"}}
        element["choices"] = {"oui": {lang: "Oui"}, "non": {lang: "Non"}}
        prop = {"type": "object", "properties": {"ligne_1": {"type": "string", "enum": ["oui", "non"]}}}
    result["schema"]["properties"][name] = prop
    _page(result, page)["elements"].append(element)
    return result, len(_page(result, page)["elements"]) - 1


def add_content(definition: Definition, page: int, lang: str) -> tuple[Definition, int]:
    result = copy.deepcopy(definition)
    elements = _page(result, page)["elements"]
    elements.append({"content": {lang: "Texte d’information." if lang == "fr" else "Information text."}})
    return result, len(elements) - 1


def move(definition: Definition, page: int, index: int, offset: int) -> tuple[Definition, int]:
    """Move an element up (-1) or down (+1) on its page; conditions are checked afterwards."""
    result = copy.deepcopy(definition)
    elements = _page(result, page)["elements"]
    _element(result, page, index)
    target = index + offset
    if not 0 <= target < len(elements):
        return result, index
    elements[index], elements[target] = elements[target], elements[index]
    return result, target


def delete(definition: Definition, page: int, index: int) -> Definition:
    result = copy.deepcopy(definition)
    element = _element(result, page, index)
    _page(result, page)["elements"].pop(index)
    name = element.get("field")
    if name:
        result["schema"]["properties"].pop(name, None)
        required = result["schema"].get("required")
        if required and name in required:
            required.remove(name)
    return result


def duplicate(definition: Definition, page: int, index: int) -> tuple[Definition, int]:
    result = copy.deepcopy(definition)
    element = copy.deepcopy(_element(result, page, index))
    if "field" in element:
        name = _new_name(result, element["field"])
        result["schema"]["properties"][name] = copy.deepcopy(result["schema"]["properties"][element["field"]])
        element["field"] = name
    _page(result, page)["elements"].insert(index + 1, element)
    return result, index + 1


def add_page(definition: Definition, lang: str) -> tuple[Definition, int]:
    result = copy.deepcopy(definition)
    pages = result["ui"]["pages"]
    pages.append({"title": {lang: f"Page {len(pages) + 1}"}, "elements": []})
    return result, len(pages) - 1


def delete_page(definition: Definition, page: int) -> Definition:
    result = copy.deepcopy(definition)
    if len(result["ui"]["pages"]) == 1:
        raise EditRefused("a procedure needs at least one page")
    if _page(result, page)["elements"]:
        raise EditRefused("move or delete the questions of this page first")
    result["ui"]["pages"].pop(page)
    return result


def set_page_title(definition: Definition, page: int, lang: str, title: str) -> Definition:
    result = copy.deepcopy(definition)
    _set_text(_page(result, page), "title", lang, title)
    return result


def _set_text(target: dict[str, Any], key: str, lang: str, value: str) -> None:
    text = dict(target.get(key) or {})
    if value.strip():
        text[lang] = value.strip()
    else:
        text.pop(lang, None)
    if text:
        target[key] = text
    else:
        target.pop(key, None)


def set_properties(definition: Definition, page: int, index: int, lang: str,
                   values: Mapping[str, str]) -> Definition:
    """Apply the properties pane: texts in `lang`, requiredness, limits, choices, condition."""
    result = copy.deepcopy(definition)
    element = _element(result, page, index)
    if "content" in element:
        _set_text(element, "content", lang, values.get("content", ""))
        _set_condition(element, values)
        return result
    prop = result["schema"]["properties"][element["field"]]
    for key in ("label", "help", "placeholder"):
        if key in values:
            _set_text(element, key, lang, values[key])
    required = values.get("required") == "on"
    always = result["schema"].setdefault("required", [])
    if element["field"] in always:
        always.remove(element["field"])
    element.pop("required", None)
    if required:
        element["required"] = True
    if not always:
        result["schema"].pop("required")
    _set_limits(prop, values)
    if "pattern" in values:
        _set_pattern(element, prop, lang, values)
    if "choices" in values and element["widget"] in CHOICE_WIDGETS:
        _set_choices(element, prop, lang, values["choices"])
    _set_condition(element, values)
    return result


def _set_limits(prop: dict[str, Any], values: Mapping[str, str]) -> None:
    for key, schema_key in (("minimum", "minimum"), ("maximum", "maximum"), ("max_length", "maxLength")):
        if key not in values:
            continue
        raw = values[key].strip().replace(",", ".")
        if not raw:
            prop.pop(schema_key, None)
            continue
        try:
            number = float(raw)
        except ValueError:
            raise EditRefused(f"{key.replace('_', ' ')} must be a number") from None
        prop[schema_key] = int(number) if number.is_integer() else number


def _set_pattern(element: dict[str, Any], prop: dict[str, Any], lang: str, values: Mapping[str, str]) -> None:
    pattern = values["pattern"].strip()
    if pattern:
        prop["pattern"] = pattern
    else:
        prop.pop("pattern", None)
    messages = dict(element.get("messages") or {})
    _set_text(messages, "pattern", lang, values.get("pattern_message", "") if pattern else "")
    if messages:
        element["messages"] = messages
    else:
        element.pop("messages", None)


def _set_choices(element: dict[str, Any], prop: dict[str, Any], lang: str, lines: str) -> None:
    """One choice a line, `value | label`, or just a label (its value is made from it)."""
    choices: dict[str, Any] = {}
    old = element.get("choices") or {}
    for line in lines.splitlines():
        if not line.strip():
            continue
        value, _, label = line.partition("|")
        value, label = value.strip(), label.strip()
        if not label:
            label = value
            value = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or f"option-{len(choices) + 1}"
        text = dict(old.get(value) or {})
        text[lang] = label
        choices[value] = text
    if not choices:
        raise EditRefused("give at least one choice")
    element["choices"] = choices
    target = prop["items"] if prop.get("type") == "array" else prop
    target["enum"] = list(choices)
    if element["widget"] == "ranking":
        prop["minItems"] = prop["maxItems"] = len(choices)
    if element["widget"] == "budget":
        costs = element.setdefault("costs", {})
        element["costs"] = {value: costs.get(value, 0) for value in choices}


def _set_condition(element: dict[str, Any], values: Mapping[str, str]) -> None:
    """The condition editor's one rule: show when <field> <operator> <value>."""
    if "condition_field" not in values:
        return
    field, operator, raw = (values.get("condition_field", ""), values.get("condition_operator", ""),
                            values.get("condition_value", ""))
    if not field:
        element.pop("visible_if", None)
        return
    if operator not in OPERATORS:
        raise EditRefused(f"unknown condition {operator!r}")
    value: Any = raw.strip()
    if operator == "filled":
        value = raw.strip().lower() not in ("no", "non", "false", "0")
    elif operator in ("greater_than", "less_than"):
        try:
            value = float(value.replace(",", "."))
        except ValueError:
            raise EditRefused("the condition needs a number to compare with") from None
    elif value in ("true", "false"):
        value = value == "true"
    element["visible_if"] = {"field": field, operator: value}


# What each field type is called in the palette, for people who never saw its name.
WIDGET_LABELS = {
    "text": N_("Short text"), "textarea": N_("Long text"), "email": N_("E-mail"), "phone": N_("Phone"),
    "url": N_("Web address"), "number": N_("Number"), "integer": N_("Whole number"), "date": N_("Date"),
    "datetime": N_("Date and time"), "radio": N_("One choice (buttons)"), "select": N_("One choice (list)"),
    "checkboxes": N_("Several choices"), "yesno": N_("Yes / no"), "consent": N_("Box to tick"),
    "file": N_("File"), "address": N_("Address"), "rating": N_("Rating"), "matrix": N_("Matrix"),
    "ranking": N_("Ranking"), "budget": N_("Budget"), "siret": N_("SIRET number"), "postcode": N_("Postcode"),
    "insee": N_("INSEE commune code"), "iban": N_("IBAN"),
}


def palette() -> list[tuple[str, str]]:
    """Every field type a designer may add, with its name for people (repeatable groups are
    built from JSON for now)."""
    return [(name, WIDGET_LABELS.get(name, name)) for name in WIDGETS if name != "group"]


LEGAL_KEYS = ("controller", "dpo", "purpose", "legal_basis", "recipients", "retention", "rights")


def set_settings(definition: Definition, lang: str, values: Mapping[str, str]) -> Definition:
    """The procedure's own settings: texts, dates, access, retention, legal and receipt texts."""
    result = copy.deepcopy(definition)
    for key in ("title", "description"):
        if key in values:
            _set_text(result, key, lang, values[key])
    prefix = values.get("reference_prefix", "").strip().upper()
    if prefix:
        result["reference_prefix"] = prefix
    settings = dict(result.get("settings") or {})
    if values.get("access") in ("public", "link"):
        settings["access"] = values["access"]
    for key in ("opens_at", "closes_at"):
        if key in values:
            settings[key] = values[key].strip() or None
    if values.get("retention_days", "").strip():
        if not values["retention_days"].strip().isdigit():
            raise EditRefused("the retention period is a number of days")
        settings["retention_days"] = int(values["retention_days"])
    result["settings"] = settings
    legal = dict(result.get("legal") or {})
    for key in LEGAL_KEYS:
        if f"legal_{key}" in values:
            _set_text(legal, key, lang, values[f"legal_{key}"])
    if legal:
        result["legal"] = legal
    else:
        result.pop("legal", None)
    receipt = dict(result.get("receipt") or {})
    for key in ("title", "text", "appeal"):
        if f"receipt_{key}" in values:
            _set_text(receipt, key, lang, values[f"receipt_{key}"])
    means, delay = values.get("silence_means", ""), values.get("silence_delay_days", "").strip()
    if "silence_means" in values:
        if means in ("acceptance", "refusal"):
            if not delay.isdigit():
                raise EditRefused("say after how many days silence means acceptance or refusal")
            receipt["silence"] = {"means": means, "delay_days": int(delay)}
        else:
            receipt.pop("silence", None)
    if receipt:
        result["receipt"] = receipt
    else:
        result.pop("receipt", None)
    return result
