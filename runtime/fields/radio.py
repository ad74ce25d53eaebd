"""Single choice among a few options, all visible."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import (
    DisplayContext,
    Element,
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


class RadioWidget(Widget):
    name = "radio"
    palette = PaletteEntry(N_("One choice (buttons)"), 100)
    pane = ("choices", "default_choice")
    statistics = "choice"
    schema_types = ("string",)
    is_group = True

    def new_question(self, element: dict[str, Any], lang: str) -> dict[str, Any]:
        return {"type": "string", "enum": new_choices(element, lang)}

    def default_answer(self, raw: str, prop: Schema) -> Any:
        if raw not in (prop.get("enum") or []):
            raise ValueError(N_("The default answer must be one of the choices."))
        return raw

    def check(self, element: Element, prop: Schema) -> list[Problem]:
        return super().check(element, prop) + check_choices(element, choices_of(element, prop))

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        return choice_label(element, value, ctx)
