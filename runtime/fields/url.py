"""Web address."""

from __future__ import annotations

from runtime.fields.base import Widget


class UrlWidget(Widget):
    name = "url"
    input_type = "url"
    default_format = "uri"
