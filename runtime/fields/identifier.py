"""What the identifier widgets share: typed with spaces, stored without, checked by format."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import Element, FormSource, Schema, Widget
from runtime.identifiers import compact


class IdentifierWidget(Widget):
    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        value = (source.get(name) or "").strip()
        # People group digits with spaces or dots; the stored form has none.
        return compact(value).upper() if value else None
