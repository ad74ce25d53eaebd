"""A field type kept outside runtime/fields, for tests/test_widget_registry.py: a day of the
week, picked in a list. This module and `weekday_widget.html` are all it takes.

Loaded by the test only (not a test module), so that it is registered only while it runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from runtime.fields.base import (
    CellText,
    Display,
    DisplayContext,
    Element,
    FieldError,
    PaletteEntry,
    Schema,
    Widget,
    choice_label,
)

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class WeekdayWidget(Widget):
    name = "weekday"
    palette = PaletteEntry("Day of the week", 1000)
    pane = ("placeholder", "default_choice")
    messages = {"enum": "Choose a day from Monday to Sunday."}
    rule_messages = {"weekday:closed": "The town hall is closed on %(day)s."}
    statistics = "choice"
    template_file = Path(__file__).with_suffix(".html")

    def default_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(DAYS)}

    def new_question(self, element: dict[str, Any], lang: str) -> dict[str, Any]:
        element["choices"] = {day: {lang: day.capitalize()} for day in DAYS}
        return self.default_schema()

    def default_answer(self, raw: str, prop: Schema) -> Any:
        if raw not in DAYS:
            raise ValueError("The default answer must be a day of the week.")
        return raw

    def validate(self, element: Element, value: Any, answers: Mapping[str, Any]) -> list[FieldError]:
        if value == "sunday":
            return [FieldError(element["field"], "weekday:closed", {"day": value})]
        return []

    def message_params(
        self, code: str, params: dict[str, Any], lang: str, labels: Mapping[str, str]
    ) -> dict[str, Any]:
        return {**params, "day": params["day"].capitalize()}

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        return choice_label(element, value, ctx)

    def export_value(
        self, element: Element, prop: Schema, value: Any, ctx: DisplayContext, cell: CellText
    ) -> Display | int | float:
        return DAYS.index(value) + 1  # the day's number, so that a spreadsheet sorts the week
