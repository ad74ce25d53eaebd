"""IBAN (ISO 13616 mod-97 checksum), checked by the `iban` format."""

from __future__ import annotations

from runtime.fields.identifier import IdentifierWidget


class IbanWidget(IdentifierWidget):
    name = "iban"
    default_format = "iban"
    input_mode = None
    shape = "^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$"
