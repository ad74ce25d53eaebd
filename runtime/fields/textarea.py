"""Long text: several lines, usually with a maximum length shown to the citizen."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import Element, FormSource, Schema, Widget


class TextareaWidget(Widget):
    name = "textarea"

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        raw = source.get(name)
        if raw is None:
            return None
        # Browsers send CRLF; what is stored (and counted against maxLength) is LF.
        value = raw.replace("\r\n", "\n").strip()
        return value or None
