"""Short text: one line, with optional length limits and a pattern.

Texts always have a maximum length: a definition that sets none gets a default, and the
designer may raise it up to a cap. An answer's text is laid out on its receipt, and
WeasyPrint takes about a third of a second per thousand characters: without a bound, one
answer of 100,000 characters took half a minute to render.
"""

from __future__ import annotations

from typing import Any, ClassVar

from runtime.fields.base import Element, PaletteEntry, Problem, Schema, Widget
from runtime.i18n import N_


class LimitedText(Widget):
    """A text answer with a maximum length: a default when the definition sets none, a cap
    on what the definition may set (enforced by the definition checker)."""

    default_max_length: ClassVar[int]
    max_length_cap: ClassVar[int]

    def check(self, element: Element, prop: Schema) -> list[Problem]:
        problems = super().check(element, prop)
        limit = prop.get("maxLength")
        if isinstance(limit, int) and limit > self.max_length_cap:
            problems.append(
                Problem.of(
                    "",
                    N_(
                        'widget %(widget)s allows at most "maxLength": %(cap)s, not %(limit)s '
                        "(a longer answer could not be laid out on its receipt)"
                    ),
                    widget=repr(self.name),
                    cap=self.max_length_cap,
                    limit=limit,
                )
            )
        return problems

    def default_schema(self) -> dict[str, Any]:
        return {**super().default_schema(), "maxLength": self.default_max_length}

    def served_schema(self, element: Element, prop: Schema) -> Schema:
        return prop if "maxLength" in prop else {**prop, "maxLength": self.default_max_length}


class TextWidget(LimitedText):
    name = "text"
    palette = PaletteEntry(N_("Short text"), 10)
    pane = ("placeholder", "default", "length")
    default_max_length = 1_000
    max_length_cap = 5_000
