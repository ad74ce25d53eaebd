"""Date; optionally after another date of the form (an end after its start)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from runtime.fields.base import (
    CellText,
    Display,
    DisplayContext,
    Element,
    FieldError,
    FormSource,
    PaletteEntry,
    Schema,
    Widget,
)
from runtime.i18n import N_, date_text

_FRENCH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(raw: str) -> str:
    """ISO text for what was typed; browsers without a date picker send 14/07/2026."""
    text = raw.strip()
    match = _FRENCH.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return text
    return text


class DateWidget(Widget):
    name = "date"
    palette = PaletteEntry(N_("Date"), 80)
    pane = ("default_date", "after")
    messages = {"type": N_("Enter a valid date, for example 14/07/2026.")}
    rule_messages = {"after": N_("This date must be after the date “%(other)s”.")}
    input_type = "date"
    default_format = "date"

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        raw = source.get(name)
        if raw is None or not raw.strip():
            return None
        return parse_date(raw)

    def validate(self, element: Element, value: Any, answers: Mapping[str, Any]) -> list[FieldError]:
        other = element.get("after")
        start = answers.get(other) if other else None
        if not (isinstance(value, str) and isinstance(start, str)):
            return []
        try:
            if dt.date.fromisoformat(value) > dt.date.fromisoformat(start):
                return []
        except ValueError:
            return []  # the format check reports it
        return [FieldError(element["field"], "after", {"other": other})]

    def message_params(
        self, code: str, params: dict[str, Any], lang: str, labels: Mapping[str, str]
    ) -> dict[str, Any]:
        return {**params, "other": labels.get(params["other"], params["other"])}

    def default_answer(self, raw: str, prop: Schema) -> Any:
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            raise ValueError(N_("The default answer must be a date, for example 2027-01-31.")) from None

    def export_value(
        self, element: Element, prop: Schema, value: Any, ctx: DisplayContext, cell: CellText
    ) -> Display:
        return str(value)  # ISO, so that a spreadsheet sorts it

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        try:
            return date_text(value, ctx.lang)
        except ValueError:
            return str(value)
