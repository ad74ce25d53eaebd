"""Web address."""

from __future__ import annotations

from runtime.fields.base import PaletteEntry, Widget
from runtime.i18n import N_


class UrlWidget(Widget):
    name = "url"
    palette = PaletteEntry(N_("Web address"), 50)
    pane = ("placeholder", "default")
    input_type = "url"
    default_format = "uri"
