"""Rating on a scale (1 to 5 stars, 0 to 10...), one radio button per step."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import DisplayContext, Element, FormSource, PaletteEntry, Problem, Schema, Widget
from runtime.fields.number import parse_number
from runtime.i18n import N_


class RatingWidget(Widget):
    name = "rating"
    palette = PaletteEntry(N_("Rating"), 170)
    pane = ("range",)
    messages = {"type": N_("Choose a rating.")}
    statistics = "scale"
    exports_numbers = True
    schema_types = ("integer",)
    is_group = True

    def check(self, element: Element, prop: Schema) -> list[Problem]:
        problems = super().check(element, prop)
        low, high = prop.get("minimum"), prop.get("maximum")
        if not isinstance(low, int) or not isinstance(high, int) or not 1 <= high - low <= 10:
            problems.append(
                Problem.of("", N_("a rating needs an integer minimum and maximum at most 10 steps apart"))
            )
        return problems

    def default_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": 1, "maximum": 5}

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        raw = source.get(name)
        return parse_number(raw) if raw and raw.strip() else None

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        return f"{value}\u00a0/\u00a0{prop.get('maximum', '')}"

    def offered(self, element: Element, prop: Schema, ctx: DisplayContext) -> dict[str, str]:
        # The ends named as the citizen saw them: "1 (Not at all satisfied)".
        low, high = int(prop.get("minimum", 1)), int(prop.get("maximum", 5))
        ends = element.get("labels") or {}
        named = {low: ends.get("min"), high: ends.get("max")}
        return {
            str(step): f"{step} ({ctx.text(named[step])})" if named.get(step) else str(step)
            for step in range(low, high + 1)
        }

    @staticmethod
    def steps(prop: Schema) -> list[int]:
        return list(range(int(prop.get("minimum", 1)), int(prop.get("maximum", 5)) + 1))
