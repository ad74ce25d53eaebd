"""Whole number."""

from __future__ import annotations

from runtime.fields.number import NumberWidget


class IntegerWidget(NumberWidget):
    name = "integer"
    schema_types = ("integer",)
    input_mode = "numeric"
