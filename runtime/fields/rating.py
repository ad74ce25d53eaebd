"""Rating on a scale (1 to 5 stars, 0 to 10...), one radio button per step."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import DisplayContext, Element, FormSource, Schema, Widget
from runtime.fields.number import parse_number


class RatingWidget(Widget):
    name = "rating"
    schema_types = ("integer",)
    is_group = True

    def check(self, element: Element, prop: Schema) -> list[str]:
        problems = super().check(element, prop)
        low, high = prop.get("minimum"), prop.get("maximum")
        if not isinstance(low, int) or not isinstance(high, int) or not 1 <= high - low <= 10:
            problems.append("a rating needs an integer minimum and maximum at most 10 steps apart")
        return problems

    def default_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": 1, "maximum": 5}

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        raw = source.get(name)
        return parse_number(raw) if raw and raw.strip() else None

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        return f"{value}\u00a0/\u00a0{prop.get('maximum', '')}"

    @staticmethod
    def steps(prop: Schema) -> list[int]:
        return list(range(int(prop.get("minimum", 1)), int(prop.get("maximum", 5)) + 1))
