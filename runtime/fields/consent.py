"""A box to tick to agree (a declaration, the conditions of a service)."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import DisplayContext, Element, FormSource, PaletteEntry, Schema, Widget
from runtime.i18n import N_, gettext


class ConsentWidget(Widget):
    name = "consent"
    palette = PaletteEntry(N_("Box to tick"), 140)
    messages = {"const": N_("Tick this box to continue."), "required": N_("Tick this box to continue.")}
    schema_types = ("boolean",)

    def default_schema(self) -> dict[str, Any]:
        return {"type": "boolean", "const": True}

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        raw = (source.get(name) or "").strip()
        if raw == "true":
            return True
        return None if not raw else raw

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        return gettext(ctx.lang, "Yes") if value is True else gettext(ctx.lang, "No")
