"""Matrix: several statements answered on one scale (agree ... disagree)."""

from __future__ import annotations

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
    Problem,
    Schema,
    Widget,
    choice_label,
)
from runtime.i18n import N_


class MatrixWidget(Widget):
    name = "matrix"
    palette = PaletteEntry(N_("Matrix"), 180)
    # One sentence per statement left unanswered, naming it.
    messages = {"required:row": N_("Choose an answer for the statement “%(statement)s”.")}
    statistics = "statements"
    schema_types = ("object",)
    is_group = True

    def check(self, element: Element, prop: Schema) -> list[Problem]:
        problems = super().check(element, prop)
        rows = element.get("rows") or {}
        props = prop.get("properties") or {}
        if not isinstance(rows, dict) or not rows:
            return [*problems, Problem.of("", N_('a matrix needs "rows": the statements to rate'))]
        for key in rows:
            if key not in props:
                problems.append(
                    Problem.of("/rows", N_("row %(row)s has no property in the schema"), row=repr(key))
                )
            elif set(props[key].get("enum") or []) != set(element.get("choices") or {}):
                problems.append(
                    Problem.of(
                        "/rows", N_('row %(row)s must offer exactly the values of "choices"'), row=repr(key)
                    )
                )
        return problems

    def new_question(self, element: dict[str, Any], lang: str) -> dict[str, Any]:
        element["rows"] = {"ligne_1": {lang: "Affirmation 1"}}
        element["choices"] = {"oui": {lang: "Oui"}, "non": {lang: "Non"}}
        return {"type": "object", "properties": {"ligne_1": {"type": "string", "enum": ["oui", "non"]}}}

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

    def explain(
        self, error: FieldError, element: Element, params: dict[str, Any], ctx: DisplayContext
    ) -> str:
        rows = element.get("rows")
        if error.code == "required" and "." in error.path and isinstance(rows, Mapping):
            row = error.path.rsplit(".", 1)[1]
            params["statement"] = ctx.text(rows.get(row, row))
            return "required:row"
        return error.code

    def export_value(
        self, element: Element, prop: Schema, value: Any, ctx: DisplayContext, cell: CellText
    ) -> Display:
        rows = element.get("rows") or {}  # statements in the order the form shows them
        return self.display(
            element, prop, {**{key: value[key] for key in rows if key in value}, **value}, ctx
        )

    def offered(self, element: Element, prop: Schema, ctx: DisplayContext) -> dict[str, str]:
        choices = element.get("choices") or {}
        enum = next((row.get("enum") for row in (prop.get("properties") or {}).values()), None) or []
        values = [*enum, *(value for value in choices if value not in enum)]
        return {str(value): ctx.text(choices.get(value)) or str(value) for value in values}

    def form_value(self, value: Any) -> Any:
        return value or {}
