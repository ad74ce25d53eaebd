"""Single choice in a drop-down list, for long lists."""

from __future__ import annotations

from runtime.fields.base import PaletteEntry
from runtime.fields.radio import RadioWidget
from runtime.i18n import N_


class SelectWidget(RadioWidget):
    name = "select"
    palette = PaletteEntry(N_("One choice (list)"), 110)
    is_group = False
