"""French postcode (5 digits), checked by the `fr-postcode` format."""

from __future__ import annotations

from runtime.fields.base import PaletteEntry
from runtime.fields.identifier import IdentifierWidget
from runtime.i18n import N_


class PostcodeWidget(IdentifierWidget):
    name = "postcode"
    palette = PaletteEntry(N_("Postcode"), 230)
    pane = ("placeholder", "default")
    default_format = "fr-postcode"
    input_mode = "numeric"
