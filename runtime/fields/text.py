"""Short text: one line, with optional length limits and a pattern."""

from __future__ import annotations

from runtime.fields.base import Widget


class TextWidget(Widget):
    name = "text"
