"""INSEE commune code (5 characters, 2A/2B for Corsica), checked by the `fr-insee` format."""

from __future__ import annotations

from runtime.fields.base import PaletteEntry
from runtime.fields.identifier import IdentifierWidget
from runtime.i18n import N_


class InseeWidget(IdentifierWidget):
    name = "insee"
    palette = PaletteEntry(N_("INSEE commune code"), 240)
    pane = ("placeholder", "default")
    default_format = "fr-insee"
    input_mode = None
