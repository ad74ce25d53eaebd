"""Turning a plain JSON Schema (as written for react-jsonschema-form or JSON Forms) into a
procedure: one page, a widget per property, and a report of what could not be carried over."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from designer.editor.operations import default_workflow
from runtime.fields.base import Problem
from runtime.i18n import N_

FORMAT_WIDGETS = {"email": "email", "date": "date", "date-time": "datetime", "uri": "url"}
KEPT_KEYWORDS = (
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
)


def is_plain_schema(document: Any) -> bool:
    """A JSON Schema of the data rather than a Parvis definition."""
    return isinstance(document, dict) and "properties" in document and "ui" not in document


def slugify(text: str, limit: int = 60) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:limit] or "demarche"


def _field_name(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    cleaned = re.sub(r"[^a-z0-9_]+", "_", plain).strip("_")[:60] or "champ"
    return cleaned if not cleaned[0].isdigit() else f"champ_{cleaned}"


def from_json_schema(
    schema: Mapping[str, Any], lang: str = "fr", fallback_title: str = "Démarche importée"
) -> tuple[dict[str, Any], list[Problem]]:
    title = str(schema.get("title") or fallback_title)
    report: list[Problem] = []
    properties: dict[str, Any] = {}
    elements: list[dict[str, Any]] = []
    for key in ("if", "then", "else", "dependencies", "dependentSchemas", "allOf", "anyOf", "oneOf"):
        if key in schema:
            report.append(
                Problem.of(
                    f"/{key}",
                    N_(
                        "conditions written in the schema are not imported; "
                        "add them with the condition editor"
                    ),
                )
            )
    for original, prop in (schema.get("properties") or {}).items():
        name = _field_name(original)
        path = f"/properties/{original}"
        if not isinstance(prop, dict):
            report.append(Problem.of(path, N_("not a schema object; skipped")))
            continue
        if name in properties:
            report.append(
                Problem.of(path, N_("its name becomes %(name)s, already taken; skipped"), name=repr(name))
            )
            continue
        converted = _convert(prop, path, report)
        if converted is None:
            continue
        widget, data_schema, choices = converted
        element: dict[str, Any] = {
            "field": name,
            "widget": widget,
            "label": {lang: str(prop.get("title") or original)},
        }
        if prop.get("description"):
            element["help"] = {lang: str(prop["description"])}
        if choices:
            element["choices"] = {value: {lang: label} for value, label in choices.items()}
        if "default" in prop:
            report.append(Problem.of(f"{path}/default", N_("default values are not imported")))
        properties[name] = data_schema
        elements.append(element)
    required = [_field_name(name) for name in schema.get("required") or [] if _field_name(name) in properties]
    if not elements:
        report.append(Problem.of("/properties", N_("no property could be imported")))
    definition = {
        "id": slugify(title),
        "kind": "procedure",
        "lang": lang,
        "title": {lang: title},
        "schema": {
            "type": "object",
            "properties": properties,
            **({"required": required} if required else {}),
        },
        "ui": {"pages": [{"title": {lang: title}, "elements": elements}]},
        "workflow": default_workflow("procedure", lang),
        "settings": {"access": "public", "retention_days": 365},
    }
    if schema.get("description"):
        definition["description"] = {lang: str(schema["description"])}
    return definition, report


def _convert(
    prop: Mapping[str, Any], path: str, report: list[Problem]
) -> tuple[str, dict[str, Any], dict[str, str]] | None:
    kind = prop.get("type")
    kept = {key: prop[key] for key in KEPT_KEYWORDS if key in prop}
    if "$ref" in prop:
        report.append(Problem.of(path, N_("references ($ref) are not imported; skipped")))
        return None
    if kind == "string" and "enum" in prop:
        values = [str(v) for v in prop["enum"]]
        names = prop.get("enumNames") or values
        choices = dict(zip(values, map(str, names), strict=False))
        return ("radio" if len(values) <= 5 else "select"), {"type": "string", "enum": values}, choices
    if kind == "string":
        fmt = prop.get("format")
        if fmt and fmt not in FORMAT_WIDGETS:
            report.append(
                Problem.of(
                    f"{path}/format",
                    N_("format %(format)s is not known; imported as plain text"),
                    format=repr(fmt),
                )
            )
        widget = FORMAT_WIDGETS.get(fmt or "") or (
            "textarea" if int(prop.get("maxLength", 0)) > 200 else "text"
        )
        data = {"type": "string", **kept}
        if widget in FORMAT_WIDGETS.values():
            data["format"] = {"datetime": "date-time", "url": "uri"}.get(widget, widget)
        return widget, data, {}
    if kind in ("integer", "number"):
        return kind, {"type": kind, **kept}, {}
    if kind == "boolean":
        if prop.get("const") is True:
            return "consent", {"type": "boolean", "const": True}, {}
        return "yesno", {"type": "boolean"}, {}
    if kind == "array" and isinstance(prop.get("items"), dict) and "enum" in prop["items"]:
        values = [str(v) for v in prop["items"]["enum"]]
        names = prop["items"].get("enumNames") or values
        data = {"type": "array", "items": {"type": "string", "enum": values}, "uniqueItems": True}
        data.update({key: prop[key] for key in ("minItems", "maxItems") if key in prop})
        return "checkboxes", data, dict(zip(values, map(str, names), strict=False))
    if kind == "object":
        report.append(
            Problem.of(
                path, N_("type %(type)s (nested object) is not imported yet; skipped"), type=repr(kind)
            )
        )
    elif kind == "array":
        report.append(
            Problem.of(path, N_("type %(type)s (list) is not imported yet; skipped"), type=repr(kind))
        )
    else:
        report.append(Problem.of(path, N_("type %(type)s is not supported; skipped"), type=repr(kind)))
    return None
