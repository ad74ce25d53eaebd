"""Decimal number, typed the French way (12,5) or the English way (12.5)."""

from __future__ import annotations

from typing import Any, ClassVar

from runtime.fields.base import DisplayContext, Element, FormSource, PaletteEntry, Schema, Widget
from runtime.i18n import N_, number_text


def parse_number(raw: str) -> float | int | str:
    """The number typed, or the text itself when it is none (JSON Schema then says so)."""
    text = raw.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return raw.strip()
    if number != number or number in (float("inf"), float("-inf")):
        return raw.strip()
    return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number


class NumberWidget(Widget):
    name = "number"
    palette = PaletteEntry(N_("Number"), 60)
    pane: ClassVar[tuple[str, ...]] = ("placeholder", "default", "range", "step")
    messages = {"type": N_("Enter a number, for example 12.5.")}
    exports_numbers = True
    schema_types: ClassVar[tuple[str, ...]] = ("number", "integer")
    input_mode = "decimal"

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        raw = source.get(name)
        if raw is None or not raw.strip():
            return None
        return parse_number(raw)

    def default_answer(self, raw: str, prop: Schema) -> Any:
        try:
            return float(raw.replace(",", "."))
        except ValueError:
            raise ValueError(N_("The default answer must be a number.")) from None

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        text = number_text(value, ctx.lang)
        unit = element.get("unit")
        return f"{text}\u00a0{unit}" if unit else text
