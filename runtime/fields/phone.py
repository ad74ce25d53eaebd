"""Phone number, French or international."""

from __future__ import annotations

from runtime.fields.base import Widget


class PhoneWidget(Widget):
    name = "phone"
    input_type = "tel"
    default_format = "phone"
