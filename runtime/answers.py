"""From a posted page to answers: parse each visible field, drop what is hidden.

The same parsing serves the "next" button, the live refresh of conditions and the final
check, so a page can never be judged two different ways.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from runtime.compiler import CompiledVersion, Page
from runtime.fields.group import MAX_ITEMS

MAX_TEXT = 100_000


def normal_text(value: str) -> str:
    """A text as stored: Unicode NFC (é one character, whatever the keyboard sent), without
    NUL, which no one types and PostgreSQL cannot keep in JSON."""
    return unicodedata.normalize("NFC", value.replace("\x00", ""))


class PostedForm:
    """A posted form seen through `FormSource`: text values, stored uploads, prior answers."""

    def __init__(
        self,
        form: Any,
        uploaded: Mapping[str, list[dict[str, Any]]],
        previous: Mapping[str, Any],
        timezone: str,
    ):
        self._form = form
        self._uploaded = uploaded
        self._previous = previous
        self.timezone: dt.tzinfo = ZoneInfo(timezone)

    def get(self, name: str) -> str | None:
        value = self._form.get(name)
        # Files come through `uploaded`; a text longer than any form allows is cut here
        # and then refused by maxLength, never stored whole.
        return normal_text(value[:MAX_TEXT]) if isinstance(value, str) else None

    def getlist(self, name: str) -> list[str]:
        return [
            normal_text(value[:MAX_TEXT]) for value in self._form.getlist(name) if isinstance(value, str)
        ][:500]

    def uploaded(self, name: str) -> list[dict[str, Any]]:
        return list(self._uploaded.get(name, []))

    def previous(self, name: str) -> Any:
        node: Any = self._previous
        for part in name.split("."):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict):
                node = node.get(part)
            else:
                return None
        return node


def parse_page(
    version: CompiledVersion, page: Page, source: PostedForm, answers: Mapping[str, Any]
) -> dict[str, Any]:
    """The answers with this page's fields replaced by what was posted, hidden ones dropped."""
    updated = {
        name: value
        for name, value in answers.items()
        if name in version.fields and version.fields[name].page != page.index
    }
    for field in page.fields:
        # Earlier fields of the same page count: conditions are evaluated as the citizen types.
        if not version.visible(field, version.prune(updated)):
            continue
        value = field.widget.parse(source, field.name, field.element, field.prop)
        if value is not None:
            updated[field.name] = value
    return version.prune(updated)


def apply_group_action(version: CompiledVersion, answers: dict[str, Any], action: str) -> bool:
    """Add or remove an item of a repeatable group ("add:enfants", "remove:enfants:1")."""
    parts = action.split(":")
    field = version.fields.get(parts[1]) if len(parts) > 1 else None
    if field is None or not field.widget.holds_questions:
        return False
    items = list(answers.get(field.name) or [])
    if parts[0] == "add" and len(items) < min(MAX_ITEMS, field.prop.get("maxItems", MAX_ITEMS)):
        items.append({})
    elif parts[0] == "remove" and len(parts) == 3 and parts[2].isdigit() and int(parts[2]) < len(items):
        items.pop(int(parts[2]))
    else:
        return False
    if items:
        answers[field.name] = items
    else:
        answers.pop(field.name, None)
    return True
