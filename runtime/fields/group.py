"""Repeatable group: the same questions once per item (one entry per child...).

Without scripts, "add" and "remove" are submit buttons: the page comes back with one item
more or less and every answer kept.
"""

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
)
from runtime.i18n import N_

MAX_ITEMS = 50


class ItemSource:
    """The form as one item of the group sees it: names prefixed by the item's."""

    def __init__(self, source: FormSource, prefix: str, previous: Mapping[str, Any]):
        self._source, self._prefix, self._previous = source, prefix, previous
        self.timezone = source.timezone

    def get(self, name: str) -> str | None:
        return self._source.get(name)

    def getlist(self, name: str) -> list[str]:
        return self._source.getlist(name)

    def uploaded(self, name: str) -> list[dict[str, Any]]:
        return self._source.uploaded(name)

    def previous(self, name: str) -> Any:
        return self._previous.get(name.rsplit(".", 1)[-1])


class GroupWidget(Widget):
    name = "group"
    palette = PaletteEntry(N_("Repeated questions (group)"), 210)
    pane = ("items",)
    messages = {"minItems": N_("Add at least %(limit)s."), "maxItems": N_("At most %(limit)s can be added.")}
    schema_types = ("array",)
    is_group = True
    holds_questions = True

    def check(self, element: Element, prop: Schema) -> list[Problem]:
        from runtime.fields import widget_for

        problems = super().check(element, prop)
        items = prop.get("items") or {}
        item_props = items.get("properties") or {}
        if items.get("type") != "object":
            return [*problems, Problem.of("", N_('a group needs "items" of type object'))]
        seen = set()
        for index, sub in enumerate(element.get("elements") or []):
            name = sub["field"]
            seen.add(name)
            path = f"/elements/{index}"
            if name not in item_props:
                problems.append(
                    Problem.of(
                        f"{path}/field", N_("%(name)s is not a property of the items"), name=repr(name)
                    )
                )
                continue
            widget = widget_for(sub.get("widget", ""))
            if widget is None or widget.holds_questions:
                problems.append(
                    Problem.of(
                        f"{path}/widget",
                        N_("widget %(widget)s cannot be used in a group"),
                        widget=repr(sub.get("widget")),
                    )
                )
                continue
            problems.extend(problem.under(path) for problem in widget.check(sub, item_props[name]))
            if "visible_if" in sub:
                problems.append(
                    Problem.of(f"{path}/visible_if", N_("conditions inside a group are not supported yet"))
                )
        for name in item_props:
            if name not in seen:
                problems.append(
                    Problem.of("/elements", N_("the item property %(name)s has no element"), name=repr(name))
                )
        return problems

    def new_question(self, element: dict[str, Any], lang: str) -> dict[str, Any]:
        from runtime.fields import widget_for

        # A group is never empty: it starts with one short text, renamed or replaced at will.
        text = widget_for("text")
        assert text is not None
        first, first_prop = text.new_element(text.name, lang)
        element.update(
            item_label={lang: "Élément" if lang == "fr" else "Item"},
            add_label={lang: "Ajouter" if lang == "fr" else "Add"},
            elements=[first],
        )
        return {
            "type": "array",
            "minItems": 1,
            "maxItems": 10,
            "items": {
                "type": "object",
                "properties": {first["field"]: first_prop},
                "additionalProperties": False,
            },
        }

    def export(self, element: Element, prop: Schema) -> dict[str, Any]:
        from runtime.fields import widget_for

        schema = dict(prop)
        items = dict(schema.get("items") or {})
        item_props = dict(items.get("properties") or {})
        required = list(items.get("required") or [])
        after: dict[str, str] = {}
        for sub in element.get("elements") or []:
            name, widget = sub["field"], widget_for(sub["widget"])
            if widget is not None and name in item_props:
                item_props[name] = widget.export(sub, item_props[name])
            if sub.get("required") and name not in required:
                required.append(name)
            if sub.get("after"):
                after[name] = sub["after"]
        items.update(properties=item_props, additionalProperties=False)
        if required:
            items["required"] = required
        if after:
            items["parvisAfter"] = after
        schema["items"] = items
        return schema

    def served_schema(self, element: Element, prop: Schema) -> Schema:
        from runtime.fields import widget_for

        items = prop.get("items") or {}
        item_props = dict(items.get("properties") or {})
        for sub in element.get("elements") or []:
            widget = widget_for(sub.get("widget", ""))
            if widget is not None and sub.get("field") in item_props:
                item_props[sub["field"]] = widget.served_schema(sub, item_props[sub["field"]])
        return {**prop, "items": {**items, "properties": item_props}} if item_props else prop

    def item_count(self, source: FormSource, name: str) -> int:
        raw = source.get(f"{name}.count") or "0"
        return min(int(raw), MAX_ITEMS) if raw.isdigit() else 0

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        from runtime.fields import widget_for

        item_props = (prop.get("items") or {}).get("properties") or {}
        previous = source.previous(name) or []
        items = []
        for index in range(self.item_count(source, name)):
            prefix = f"{name}.{index}"
            before = previous[index] if index < len(previous) and isinstance(previous[index], dict) else {}
            item_source = ItemSource(source, prefix, before)
            item = {}
            for sub in element.get("elements") or []:
                widget = widget_for(sub["widget"])
                assert widget is not None
                value = widget.parse(
                    item_source, f"{prefix}.{sub['field']}", sub, item_props.get(sub["field"], {})
                )
                if value is not None:
                    item[sub["field"]] = value
            items.append(item)
        return items or None

    def validate(self, element: Element, value: Any, answers: Mapping[str, Any]) -> list[FieldError]:
        from runtime.fields import widget_for

        errors: list[FieldError] = []
        if not isinstance(value, list):
            return errors
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                continue
            for sub in element.get("elements") or []:
                widget = widget_for(sub["widget"])
                if widget is None or sub["field"] not in item:
                    continue
                for error in widget.validate(sub, item[sub["field"]], item):
                    errors.append(
                        FieldError(f"{element['field']}.{index}.{error.path}", error.code, error.params)
                    )
        return errors

    def display(
        self, element: Element, prop: Schema, value: Any, ctx: DisplayContext
    ) -> list[tuple[str, Any]]:
        from runtime.fields import widget_for

        item_props = (prop.get("items") or {}).get("properties") or {}
        label = ctx.text(element.get("item_label")) or ctx.text(element.get("label"))
        rows = []
        for index, item in enumerate(value, 1):
            lines = []
            for sub in element.get("elements") or []:
                if sub["field"] in item:
                    widget = widget_for(sub["widget"])
                    assert widget is not None
                    shown = widget.display(sub, item_props.get(sub["field"], {}), item[sub["field"]], ctx)
                    lines.append((ctx.text(sub["label"]), shown))
            rows.append((f"{label} {index}", lines))
        return rows

    def export_value(
        self, element: Element, prop: Schema, value: Any, ctx: DisplayContext, cell: CellText
    ) -> Display:
        """Items as "Child 1 (Name: Léa; Born: 2019-03-12)": numbers and dates kept raw."""
        item_props = (prop.get("items") or {}).get("properties") or {}
        label = ctx.text(element.get("item_label")) or ctx.text(element.get("label"))
        items = []
        for number, item in enumerate(value, 1):
            lines: list[tuple[str, Display]] = []
            for sub in element.get("elements") or []:
                if isinstance(item, dict) and item.get(sub["field"]) is not None:
                    shown = cell(sub, item_props.get(sub["field"], {}), item[sub["field"]])
                    lines.append((ctx.text(sub.get("label")), shown))
            items.append((f"{label} {number}", lines))
        return items

    def form_value(self, value: Any) -> Any:
        return value or []
