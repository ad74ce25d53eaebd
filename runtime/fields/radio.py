"""Single choice among a few options, all visible."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import (
    DisplayContext,
    Element,
    Schema,
    Widget,
    check_choices,
    choice_label,
    choices_of,
)


class RadioWidget(Widget):
    name = "radio"
    schema_types = ("string",)
    is_group = True

    def check(self, element: Element, prop: Schema) -> list[str]:
        return super().check(element, prop) + check_choices(element, choices_of(element, prop))

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        return choice_label(element, value, ctx)
