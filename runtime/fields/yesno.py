"""Yes or no."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import DisplayContext, Element, FormSource, PaletteEntry, Schema, Widget
from runtime.i18n import N_, gettext


class YesnoWidget(Widget):
    name = "yesno"
    palette = PaletteEntry(N_("Yes / no"), 130)
    messages = {"type": N_("Answer yes or no.")}
    statistics = "boolean"
    schema_types = ("boolean",)
    is_group = True

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        raw = (source.get(name) or "").strip()
        if raw == "true":
            return True
        if raw == "false":
            return False
        return None if not raw else raw

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        labels = element.get("labels") or {}
        key = "true" if value else "false"
        if key in labels:
            return ctx.text(labels[key])
        return gettext(ctx.lang, "Yes") if value else gettext(ctx.lang, "No")

    def offered(self, element: Element, prop: Schema, ctx: DisplayContext) -> dict[str, str]:
        labels = element.get("labels") or {}
        return {
            key: ctx.text(labels[key])
            if key in labels
            else (gettext(ctx.lang, "Yes") if key == "true" else gettext(ctx.lang, "No"))
            for key in ("true", "false")
        }

    def form_value(self, value: Any) -> Any:
        return {True: "true", False: "false"}.get(value, "")
