"""Single choice in a drop-down list, for long lists."""

from __future__ import annotations

from runtime.fields.radio import RadioWidget


class SelectWidget(RadioWidget):
    name = "select"
    is_group = False
