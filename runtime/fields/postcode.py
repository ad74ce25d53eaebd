"""French postcode (5 digits), checked by the `fr-postcode` format."""

from __future__ import annotations

from runtime.fields.identifier import IdentifierWidget


class PostcodeWidget(IdentifierWidget):
    name = "postcode"
    default_format = "fr-postcode"
    input_mode = "numeric"
