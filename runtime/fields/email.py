"""E-mail address."""

from __future__ import annotations

from runtime.fields.base import Widget


class EmailWidget(Widget):
    name = "email"
    input_type = "email"
    default_format = "email"
