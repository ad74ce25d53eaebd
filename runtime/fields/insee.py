"""INSEE commune code (5 characters, 2A/2B for Corsica), checked by the `fr-insee` format."""

from __future__ import annotations

from runtime.fields.identifier import IdentifierWidget


class InseeWidget(IdentifierWidget):
    name = "insee"
    default_format = "fr-insee"
    input_mode = None
