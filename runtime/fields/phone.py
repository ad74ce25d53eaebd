"""Phone number, French or international."""

from __future__ import annotations

from runtime.fields.base import PaletteEntry, Widget
from runtime.i18n import N_


class PhoneWidget(Widget):
    name = "phone"
    palette = PaletteEntry(N_("Phone"), 40)
    pane = ("placeholder", "default")
    input_type = "tel"
    default_format = "phone"
