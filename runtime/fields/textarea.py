"""Long text: several lines, with a maximum length shown to the citizen (see `LimitedText`)."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import Element, FormSource, PaletteEntry, Schema
from runtime.fields.text import LimitedText
from runtime.i18n import N_


class TextareaWidget(LimitedText):
    name = "textarea"
    palette = PaletteEntry(N_("Long text"), 20)
    pane = ("placeholder", "default", "length")
    default_max_length = 5_000
    max_length_cap = 20_000

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        raw = source.get(name)
        if raw is None:
            return None
        # Browsers send CRLF; what is stored (and counted against maxLength) is LF.
        value = raw.replace("\r\n", "\n").strip()
        return value or None
