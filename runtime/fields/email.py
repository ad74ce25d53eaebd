"""E-mail address."""

from __future__ import annotations

from runtime.fields.base import PaletteEntry, Widget
from runtime.i18n import N_


class EmailWidget(Widget):
    name = "email"
    palette = PaletteEntry(N_("E-mail"), 30)
    pane = ("placeholder", "default")
    input_type = "email"
    default_format = "email"
