"""Whole number."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import PaletteEntry, Schema
from runtime.fields.number import NumberWidget
from runtime.i18n import N_


class IntegerWidget(NumberWidget):
    name = "integer"
    palette = PaletteEntry(N_("Whole number"), 70)
    pane = ("placeholder", "default", "range")
    messages = {"type": N_("Enter a whole number, for example 3.")}
    schema_types = ("integer",)
    input_mode = "numeric"

    def default_answer(self, raw: str, prop: Schema) -> Any:
        try:
            return int(raw)
        except ValueError:
            raise ValueError(N_("The default answer must be a number.")) from None
