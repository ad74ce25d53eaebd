"""A definition made ready to serve: fields in order, the exported schema, its validator.

A published version never changes, so this is done once per version and kept
(`compiled_for`); every page, review, PDF and API call reads the same object.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from runtime import conditions
from runtime.fields import widget_for
from runtime.fields.base import Widget
from runtime.formats import validator_for

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Rules JSON Schema cannot state (a date after another, a budget's total), as keywords of
# Parvis's own vocabulary, documented in docs/definition.md. Declared as not required
# (false): a validator that does not know it still checks everything else.
PARVIS_VOCABULARY = "https://parvis.fr/vocab/2026/answer-rules"
VOCABULARIES = {
    **{
        f"https://json-schema.org/draft/2020-12/vocab/{name}": True
        for name in (
            "core",
            "applicator",
            "unevaluated",
            "validation",
            "meta-data",
            "format-annotation",
            "content",
        )
    },
    PARVIS_VOCABULARY: False,
}


@dataclass(frozen=True)
class Field:
    name: str
    element: Mapping[str, Any]
    prop: Mapping[str, Any]
    widget: Widget
    page: int
    # The page's condition and the element's, together: when false the field is hidden.
    condition: Mapping[str, Any] | None
    required: bool


@dataclass(frozen=True)
class Page:
    index: int
    definition: Mapping[str, Any]
    fields: tuple[Field, ...]

    @property
    def condition(self) -> Mapping[str, Any] | None:
        return self.definition.get("visible_if")


class CompiledVersion:
    def __init__(self, definition: Mapping[str, Any]):
        self.definition = definition
        self.lang: str = definition["lang"]
        # Identifies this content in caches shared by all versions (rendered fragments).
        self.key = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:16]
        schema = definition["schema"]
        always = set(schema.get("required", []))
        pages = []
        fields: dict[str, Field] = {}
        for index, page in enumerate(definition["ui"]["pages"]):
            page_fields = []
            for element in page["elements"]:
                if "field" not in element:
                    continue
                name = element["field"]
                widget = widget_for(element["widget"])
                assert widget is not None, "definitions are checked before they are compiled"
                parts = [c for c in (page.get("visible_if"), element.get("visible_if")) if c]
                condition = parts[0] if len(parts) == 1 else ({"all": parts} if parts else None)
                prop = widget.served_schema(element, schema["properties"][name])
                field = Field(
                    name,
                    element,
                    prop,
                    widget,
                    index,
                    condition,
                    name in always or bool(element.get("required")),
                )
                fields[name] = field
                page_fields.append(field)
            pages.append(Page(index, page, tuple(page_fields)))
        self.pages: tuple[Page, ...] = tuple(pages)
        self.fields = fields

    @cached_property
    def schema(self) -> dict[str, Any]:
        """The data contract as any JSON Schema validator reads it (the export)."""
        schema = copy.deepcopy(dict(self.definition["schema"]))
        properties = schema["properties"]
        after: dict[str, str] = {}
        for name, field in self.fields.items():
            properties[name] = copy.deepcopy(field.widget.export(field.element, field.prop))
            if field.element.get("after"):
                after[name] = field.element["after"]
        required = [name for name, field in self.fields.items() if field.required and field.condition is None]
        rules = []
        for name, field in self.fields.items():
            if field.condition is None:
                continue
            shown = conditions.to_schema(field.condition)
            absent = {"not": {"required": [name]}}
            if field.required:
                rules.append({"if": shown, "then": {"required": [name]}, "else": absent})
            else:
                rules.append({"if": {"not": shown}, "then": absent})
        schema = {
            "$schema": JSON_SCHEMA_DIALECT,
            "$vocabulary": VOCABULARIES,
            **schema,
            "additionalProperties": False,
        }
        if after:
            schema["parvisAfter"] = after
        if required:
            schema["required"] = required
        else:
            schema.pop("required", None)
        if rules:
            schema["allOf"] = [*schema.get("allOf", []), *rules]
        return schema

    @cached_property
    def validator(self) -> Any:
        return validator_for(self.schema)

    def visible(self, field: Field, answers: Mapping[str, Any]) -> bool:
        return conditions.evaluate(field.condition, answers)

    def page_visible(self, page: Page, answers: Mapping[str, Any]) -> bool:
        return conditions.evaluate(page.condition, answers)

    def prune(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Hidden means absent: keep only answers to fields shown given earlier answers.

        Conditions look only at earlier fields, so one pass in form order settles every
        field, including those whose condition depends on a field itself hidden.
        """
        kept: dict[str, Any] = {}
        for name, field in self.fields.items():
            if name in answers and conditions.evaluate(field.condition, kept):
                kept[name] = answers[name]
        return kept

    def visible_pages(self, answers: Mapping[str, Any]) -> list[Page]:
        return [page for page in self.pages if self.page_visible(page, answers)]
