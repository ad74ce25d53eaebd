"""Date and time, typed in the organisation's time zone and stored with its offset."""

from __future__ import annotations

import datetime as dt
from typing import Any

from runtime.fields.base import (
    CellText,
    Display,
    DisplayContext,
    Element,
    FormSource,
    PaletteEntry,
    Schema,
    Widget,
)
from runtime.i18n import N_, datetime_text


class DatetimeWidget(Widget):
    name = "datetime"
    palette = PaletteEntry(N_("Date and time"), 90)
    input_type = "datetime-local"
    default_format = "date-time"

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        raw = source.get(name)
        if raw is None or not raw.strip():
            return None
        text = raw.strip()
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=source.timezone)
        return moment.isoformat(timespec="seconds")

    def export_value(
        self, element: Element, prop: Schema, value: Any, ctx: DisplayContext, cell: CellText
    ) -> Display:
        return str(value)  # ISO, so that a spreadsheet sorts it

    def form_value(self, value: Any) -> Any:
        # datetime-local shows local wall time without an offset.
        if isinstance(value, str) and len(value) >= 16:
            return value[:16]
        return value or ""

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        try:
            return datetime_text(value, ctx.lang, "medium")
        except ValueError:
            return str(value)
