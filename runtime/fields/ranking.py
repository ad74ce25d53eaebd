"""Ranking: the citizen orders the options, by giving each a rank (works without scripts)."""

from __future__ import annotations

from typing import Any

from runtime.fields.base import (
    DisplayContext,
    Element,
    FormSource,
    PaletteEntry,
    Problem,
    Schema,
    Widget,
    check_choices,
    choice_label,
    choices_of,
    new_choices,
)
from runtime.i18n import N_


class RankingWidget(Widget):
    name = "ranking"
    palette = PaletteEntry(N_("Ranking"), 190)
    pane = ("choices",)
    messages = {"type": N_("Give each option a different rank."), "minItems": N_("Rank every option.")}
    statistics = "ranks"
    schema_types = ("array",)
    is_group = True

    def check(self, element: Element, prop: Schema) -> list[Problem]:
        problems = super().check(element, prop) + check_choices(element, choices_of(element, prop))
        if not prop.get("uniqueItems"):
            problems.append(Problem.of("", N_('a ranking needs "uniqueItems": true in its schema')))
        return problems

    def new_question(self, element: dict[str, Any], lang: str) -> dict[str, Any]:
        values = new_choices(element, lang)
        prop = {"type": "array", "items": {"type": "string", "enum": values}, "uniqueItems": True}
        return {**prop, "minItems": len(values), "maxItems": len(values)}

    def choices_changed(self, element: dict[str, Any], prop: dict[str, Any]) -> None:
        prop["minItems"] = prop["maxItems"] = len(element["choices"])  # every option ranked

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        ranks: dict[str, int] = {}
        for option in choices_of(element, prop):
            raw = source.get(f"{name}.{option}")
            if raw and raw.isdigit():
                ranks[option] = int(raw)
        if not ranks:
            return None
        if len(set(ranks.values())) != len(ranks):
            return {"ranks": ranks}  # not a list: reported as "each rank once"
        return sorted(ranks, key=ranks.__getitem__)

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        return " ; ".join(f"{rank}. {choice_label(element, item, ctx)}" for rank, item in enumerate(value, 1))

    def form_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return {option: rank for rank, option in enumerate(value, 1)}
        if isinstance(value, dict):
            return value.get("ranks", {})
        return {}
