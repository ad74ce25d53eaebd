"""Multiple choice: any number of the options."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import (
    DisplayContext,
    Element,
    FormSource,
    PaletteEntry,
    Problem,
    Schema,
    Widget,
    check_choices,
    choice_label,
    choices_of,
    new_choices,
)
from runtime.i18n import N_


class CheckboxesWidget(Widget):
    name = "checkboxes"
    palette = PaletteEntry(N_("Several choices"), 120)
    pane = ("choices",)
    statistics = "multiple"
    schema_types = ("array",)
    is_group = True

    def check(self, element: Element, prop: Schema) -> list[Problem]:
        return super().check(element, prop) + check_choices(element, choices_of(element, prop))

    def default_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": {"type": "string", "enum": []}, "uniqueItems": True}

    def new_question(self, element: dict[str, Any], lang: str) -> dict[str, Any]:
        values = new_choices(element, lang)
        return {"type": "array", "items": {"type": "string", "enum": values}, "uniqueItems": True}

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        values = [value for value in source.getlist(name) if value]
        return list(dict.fromkeys(values)) or None

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        return ", ".join(choice_label(element, item, ctx) for item in value)

    def form_value(self, value: Any) -> Any:
        return value or []
