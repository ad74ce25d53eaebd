"""File upload, one or several; the answers keep a pointer to each stored file.

The bytes are checked and stored by `runtime.uploads` before the page is parsed; here a
file already attached stays unless the citizen ticks "remove", and new ones are added.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.fields.base import (
    CellText,
    Display,
    DisplayContext,
    Element,
    FormSource,
    PaletteEntry,
    Schema,
    Widget,
)
from runtime.i18n import N_, number_text
from runtime.uploads import DEFAULT_ACCEPT

FILE_SCHEMA = {
    "type": "object",
    "required": ["id", "name", "type", "size"],
    "properties": {
        "id": {"type": "string", "maxLength": 64},
        "name": {"type": "string", "maxLength": 255},
        "type": {"type": "string", "maxLength": 100},
        "size": {"type": "integer", "minimum": 0},
    },
}
DEFAULT_MAX_SIZE = 10 * 1024 * 1024
# File types as people know them: PDF, JPEG, not application/pdf.
FORMAT_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "image/heic": "HEIC",
    "text/plain": "TXT",
    "text/csv": "CSV",
}


class FileWidget(Widget):
    name = "file"
    holds_files = True
    palette = PaletteEntry(N_("File"), 150)
    pane = ("files",)
    messages = {
        "maxItems": N_("Attach at most %(limit)s files."),
        "minItems": N_("Attach at least %(limit)s files."),
    }
    # Checked as the bytes arrive (runtime.uploads) and when the API receives files.
    rule_messages = {
        "upload:too_large": N_("The file “%(name)s” is too large: at most %(limit)s."),
        "upload:type": N_("The file “%(name)s” is not in an accepted format (%(allowed)s)."),
        "upload:empty": N_("The file “%(name)s” is empty."),
        "api:file": N_(
            "A file question takes a list of files, each with name (its file name) and content (its "
            "bytes in base64)."
        ),
    }
    schema_types = ("array",)
    input_type = "file"

    def default_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": FILE_SCHEMA, "maxItems": 1}

    def export(self, element: Element, prop: Schema) -> dict[str, Any]:
        schema = dict(prop)
        items = dict(schema.get("items") or FILE_SCHEMA)
        properties = dict(items.get("properties") or {})
        properties["type"] = {
            **properties.get("type", {}),
            "enum": list(element.get("accept") or DEFAULT_ACCEPT),
        }
        if "max_size" in element:  # otherwise the site's limit, which is no part of the procedure
            properties["size"] = {**properties.get("size", {}), "maximum": element["max_size"]}
        schema["items"] = {**items, "properties": properties, "additionalProperties": False}
        if not element.get("multiple"):
            schema["maxItems"] = min(schema.get("maxItems", 1), 1)
        return schema

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        previous = source.previous(name) or []
        removed = set(source.getlist(f"{name}.remove"))
        kept = [item for item in previous if isinstance(item, dict) and item.get("id") not in removed]
        files = kept + source.uploaded(name)
        if not element.get("multiple"):
            files = files[-1:]  # a new file replaces the one before
        return files or None

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        return ", ".join(f"{item['name']} ({size_text(item['size'], ctx.lang)})" for item in value)

    def message_params(
        self, code: str, params: dict[str, Any], lang: str, labels: Mapping[str, str]
    ) -> dict[str, Any]:
        if code == "upload:too_large":
            return {**params, "limit": size_text(params["limit"], lang)}
        if code == "upload:type":
            return {
                **params,
                "allowed": ", ".join(FORMAT_NAMES.get(kind, kind) for kind in params["allowed"]),
            }
        return params

    def export_value(
        self, element: Element, prop: Schema, value: Any, ctx: DisplayContext, cell: CellText
    ) -> Display:
        return ", ".join(str(item.get("name", "")) for item in value)  # the names, not the sizes

    def form_value(self, value: Any) -> Any:
        return value or []


def size_text(size: int, lang: str) -> str:
    """A size in decimal units (5 000 000 bytes is "5 Mo"), as designers write limits."""
    units = ("o", "ko", "Mo") if lang == "fr" else ("B", "kB", "MB")
    if size < 1000:
        return f"{size}\u00a0{units[0]}"
    if size < 1_000_000:
        return f"{number_text(round(size / 1000), lang)}\u00a0{units[1]}"
    return f"{number_text(round(size / 1_000_000, 1), lang)}\u00a0{units[2]}"
