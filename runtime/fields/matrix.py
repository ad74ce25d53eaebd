"""Matrix: several statements answered on one scale (agree ... disagree)."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import DisplayContext, Element, FormSource, Schema, Widget, choice_label


class MatrixWidget(Widget):
    name = "matrix"
    schema_types = ("object",)
    is_group = True

    def check(self, element: Element, prop: Schema) -> list[str]:
        problems = super().check(element, prop)
        rows = element.get("rows") or {}
        props = prop.get("properties") or {}
        if not isinstance(rows, dict) or not rows:
            return problems + ['a matrix needs "rows": the statements to rate']
        for key in rows:
            if key not in props:
                problems.append(f"row {key!r} has no property in the schema")
            elif set(props[key].get("enum") or []) != set(element.get("choices") or {}):
                problems.append(f'row {key!r} must offer exactly the values of "choices"')
        return problems

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        answers = {}
        for row in element.get("rows") or {}:
            raw = source.get(f"{name}.{row}")
            if raw:
                answers[row] = raw
        return answers or None

    def display(
        self, element: Element, prop: Schema, value: Any, ctx: DisplayContext
    ) -> list[tuple[str, Any]]:
        rows = element.get("rows") or {}
        return [
            (ctx.text(rows.get(key, key)), choice_label(element, answer, ctx))
            for key, answer in value.items()
        ]

    def form_value(self, value: Any) -> Any:
        return value or {}
