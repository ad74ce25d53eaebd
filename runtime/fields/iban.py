"""IBAN (ISO 13616 mod-97 checksum), checked by the `iban` format."""

from __future__ import annotations

from runtime.fields.base import PaletteEntry
from runtime.fields.identifier import IdentifierWidget
from runtime.i18n import N_


class IbanWidget(IdentifierWidget):
    name = "iban"
    palette = PaletteEntry(N_("IBAN"), 250)
    pane = ("placeholder",)
    default_format = "iban"
    input_mode = None
    shape = "^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$"
