"""SIRET number (14 digits, Luhn checksum), checked by the `fr-siret` format."""

from __future__ import annotations

from runtime.fields.identifier import IdentifierWidget


class SiretWidget(IdentifierWidget):
    name = "siret"
    default_format = "fr-siret"
    input_mode = "numeric"
    shape = "^[0-9]{14}$"
