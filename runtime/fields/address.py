"""Postal address: street, postcode and city, grouped in one fieldset."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import DisplayContext, Element, FormSource, PaletteEntry, Problem, Schema, Widget
from runtime.i18n import N_

PARTS = ("street", "postcode", "city")


class AddressWidget(Widget):
    name = "address"
    palette = PaletteEntry(N_("Address"), 160)
    schema_types = ("object",)
    is_group = True

    def check(self, element: Element, prop: Schema) -> list[Problem]:
        problems = super().check(element, prop)
        missing = [part for part in PARTS if part not in (prop.get("properties") or {})]
        if missing:
            problems.append(
                Problem.of(
                    "", N_("an address needs the properties %(names)s"), names=", ".join(map(repr, missing))
                )
            )
        return problems

    def default_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "street": {"type": "string", "maxLength": 200},
                "postcode": {"type": "string", "format": "fr-postcode"},
                "city": {"type": "string", "maxLength": 100},
            },
            "required": list(PARTS),
        }

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        parts = {part: (source.get(f"{name}.{part}") or "").strip() for part in PARTS}
        if not any(parts.values()):
            return None
        # An empty part is absent, so "required" names it instead of a blank string passing.
        return {part: text for part, text in parts.items() if text}

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        town = " ".join(value.get(part, "") for part in ("postcode", "city")).strip()
        return ", ".join(piece for piece in (value.get("street", ""), town) if piece)

    def form_value(self, value: Any) -> Any:
        return value or {}
