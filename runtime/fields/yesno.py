"""Yes or no."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import DisplayContext, Element, FormSource, Schema, Widget
from runtime.i18n import gettext


class YesnoWidget(Widget):
    name = "yesno"
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

    def form_value(self, value: Any) -> Any:
        return {True: "true", False: "false"}.get(value, "")
