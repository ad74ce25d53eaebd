"""SIRET number (14 digits, Luhn checksum), checked by the `fr-siret` format."""

from __future__ import annotations

from runtime.fields.base import PaletteEntry
from runtime.fields.identifier import IdentifierWidget
from runtime.i18n import N_


class SiretWidget(IdentifierWidget):
    name = "siret"
    palette = PaletteEntry(N_("SIRET number"), 220)
    pane = ("placeholder",)
    default_format = "fr-siret"
    input_mode = "numeric"
    shape = "^[0-9]{14}$"
