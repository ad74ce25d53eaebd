"""The properties pane: texts, requiredness, limits, choices, formats, files, dates, groups
and the visibility condition of one element, applied to a copy of the definition.

Values arrive as the form's strings; a key that is absent leaves its property alone, so a
pane that does not show a property never erases it. Which controls a question's pane has is
its widget's to say (`Widget.pane`); how a control's values apply is said here, once.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from designer.editor.conditions import set_condition
from designer.editor.operations import (
    Definition,
    EditRefused,
    element_of,
    group_of,
    properties_of,
    set_text,
)
from runtime.fields import widget_for
from runtime.fields.base import Widget
from runtime.fields.file import FORMAT_NAMES
from runtime.fields.text import LimitedText
from runtime.i18n import N_

MAX_FILE_BYTES = 52_428_800  # the meta-schema's limit for max_size
# (form key, schema key, what it is called in a refusal)
LIMITS = (
    ("minimum", "minimum", N_("The minimum")),
    ("maximum", "maximum", N_("The maximum")),
    ("max_length", "maxLength", N_("The maximum length")),
    ("min_items", "minItems", N_("The smallest number")),
    ("max_items", "maxItems", N_("The largest number")),
)
TEXTS = ("label", "help", "placeholder", "item_label", "add_label")
# The controls that set a default answer (typed, picked on a calendar, among the choices).
DEFAULT_CONTROLS = ("default", "default_date", "default_choice")


def set_properties(
    definition: Definition, page: int, index: int, lang: str, values: Mapping[str, str], sub: int = -1
) -> Definition:
    """Apply the properties pane to the element at (page, index[, sub])."""
    result = copy.deepcopy(definition)
    element = element_of(result, page, index, sub)
    if "content" in element:
        set_text(element, "content", lang, values.get("content", ""))
        set_condition(result, page, index, values, lang)
        return result
    prop = properties_of(result, page, index, sub)[element["field"]]
    widget = widget_for(element["widget"])
    pane = widget.pane if widget is not None else ()
    for key in TEXTS:
        if key in values:
            set_text(element, key, lang, values[key])
    if "label" in values and not element.get("label"):
        raise EditRefused(N_("Every question needs a label.")).about(element["field"])
    _set_required(result, page, index, sub, element, values.get("required") == "on")
    _set_limits(prop, values)
    _check_length_cap(element, prop)
    if "pattern" in values:
        _set_pattern(element, prop, lang, values)
    if "choices" in values and "choices" in pane and widget is not None:
        _set_choices(widget, element, prop, lang, values["choices"], result["lang"])
    if "step" in pane:
        _set_number(element, values)
    if "after" in values and "after" in pane:
        if values["after"]:
            element["after"] = values["after"]
        else:
            element.pop("after", None)
    if "file_settings" in values and "files" in pane:
        _set_file(element, prop, values)
    if "default" in values and widget is not None and set(DEFAULT_CONTROLS) & set(pane):
        _set_default(widget, element, prop, values["default"].strip())
    if sub < 0:
        set_condition(result, page, index, values, lang)
    return result


def _set_default(widget: Widget, element: dict[str, Any], prop: dict[str, Any], raw: str) -> None:
    """The schema's `default`, typed as the answer would be."""
    if not raw:
        prop.pop("default", None)
        return
    try:
        prop["default"] = widget.default_answer(raw, prop)
    except ValueError as refused:
        raise EditRefused(str(refused)).about(element["field"]) from None


def _set_required(
    definition: Definition, page: int, index: int, sub: int, element: dict[str, Any], required: bool
) -> None:
    """Top-level questions carry `required` on their element (so that it may depend on a
    condition); the questions of a group use their items' `required` list."""
    owner = definition["schema"] if sub < 0 else group_of(definition, page, index)[1]
    always = owner.setdefault("required", [])
    name = element["field"]
    if name in always:
        always.remove(name)
    element.pop("required", None)
    if required:
        if sub < 0:
            element["required"] = True
        else:
            always.append(name)
    if not always:
        owner.pop("required")


def _number(raw: str, what: str) -> float | int | None:
    raw = raw.strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        raise EditRefused(N_("%(what)s must be a number."), what=what) from None
    return int(number) if number.is_integer() else number


def _check_length_cap(element: Mapping[str, Any], prop: Mapping[str, Any]) -> None:
    widget = widget_for(element["widget"])
    limit = prop.get("maxLength")
    if isinstance(widget, LimitedText) and isinstance(limit, int) and limit > widget.max_length_cap:
        raise EditRefused(
            N_(
                "The maximum length may be at most %(cap)s characters: a longer answer could not be "
                "laid out on its receipt."
            ),
            cap=widget.max_length_cap,
        ).about(element["field"])


def _set_limits(prop: dict[str, Any], values: Mapping[str, str]) -> None:
    for key, schema_key, what in LIMITS:
        if key not in values:
            continue
        number = _number(values[key], what)
        if number is None:
            prop.pop(schema_key, None)
        elif schema_key in ("maxLength", "minItems", "maxItems") and (
            number < 0 or not isinstance(number, int)
        ):
            raise EditRefused(N_("%(what)s must be a whole number, 0 or more."), what=what)
        else:
            prop[schema_key] = number
    for low, high in (("minimum", "maximum"), ("minItems", "maxItems")):
        if low in prop and high in prop and prop[low] > prop[high]:
            raise EditRefused(N_("The minimum is greater than the maximum."))


def _set_number(element: dict[str, Any], values: Mapping[str, str]) -> None:
    if "step" in values:
        step = _number(values["step"], "step")
        if step is None:
            element.pop("step", None)
        elif step <= 0:
            raise EditRefused(N_("The step must be greater than 0."))
        else:
            element["step"] = step
    if "unit" in values:
        if values["unit"].strip():
            element["unit"] = values["unit"].strip()[:20]
        else:
            element.pop("unit", None)


def _set_file(element: dict[str, Any], prop: dict[str, Any], values: Mapping[str, str]) -> None:
    accept = [kind for kind in FORMAT_NAMES if values.get(f"accept:{kind}") == "on"]
    if accept:
        element["accept"] = accept
    else:
        element.pop("accept", None)
    megabytes = _number(values.get("max_size_mb", ""), "size")
    if megabytes is None:
        element.pop("max_size", None)
    elif not 0 < megabytes * 1_000_000 <= MAX_FILE_BYTES:
        raise EditRefused(
            N_("The largest size of a file must be more than 0 and at most %(mb)s MB."),
            mb=MAX_FILE_BYTES // 1_000_000,
        )
    else:
        element["max_size"] = int(megabytes * 1_000_000)
    if values.get("multiple") == "on":
        element["multiple"] = True
    else:
        element.pop("multiple", None)
        prop["maxItems"] = 1
        if prop.get("minItems", 0) > 1:
            prop.pop("minItems")


def _set_pattern(element: dict[str, Any], prop: dict[str, Any], lang: str, values: Mapping[str, str]) -> None:
    pattern = values["pattern"].strip()
    message = values.get("pattern_message", "").strip()
    if pattern:
        if not message and not (element.get("messages") or {}).get("pattern"):
            raise EditRefused(N_("Say in words what format is expected: citizens never see the pattern."))
        prop["pattern"] = pattern
    else:
        prop.pop("pattern", None)
    messages = dict(element.get("messages") or {})
    set_text(messages, "pattern", lang, message if pattern else "")
    if messages:
        element["messages"] = messages
    else:
        element.pop("messages", None)


def _set_choices(
    widget: Widget, element: dict[str, Any], prop: dict[str, Any], lang: str, lines: str, fallback: str
) -> None:
    """One choice a line, `value | label`, or just a label (its value is made from it).

    A choice not yet translated into `lang` is shown in the `fallback` language: given back
    unchanged, it stays untranslated rather than becoming its own translation.
    """
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
        if lang in text or label != text.get(fallback):
            text[lang] = label
        choices[value] = text
    if not choices:
        raise EditRefused(N_("Give at least one choice."))
    element["choices"] = choices
    target = prop["items"] if prop.get("type") == "array" else prop
    target["enum"] = list(choices)
    widget.choices_changed(element, prop)
