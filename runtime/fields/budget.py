"""Budget allocation: choose projects whose costs fit a total (participatory budgets)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.fields.base import (
    DisplayContext,
    Element,
    FieldError,
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
from runtime.i18n import N_, money_text


class BudgetWidget(Widget):
    name = "budget"
    live_part = "fields/_budget_total.html"
    palette = PaletteEntry(N_("Budget"), 200)
    pane = ("choices",)
    rule_messages = {
        "budget": N_("Your choices cost %(total)s, more than the budget of %(budget)s. Remove a project.")
    }
    statistics = "multiple"
    schema_types = ("array",)
    is_group = True

    def check(self, element: Element, prop: Schema) -> list[Problem]:
        problems = super().check(element, prop) + check_choices(element, choices_of(element, prop))
        costs = element.get("costs") or {}
        missing = [value for value in choices_of(element, prop) if value not in costs]
        if missing:
            problems.append(
                Problem.of(
                    "/costs", N_("costs has no amount for %(values)s"), values=", ".join(map(repr, missing))
                )
            )
        if not element.get("budget"):
            problems.append(
                Problem.of("", N_('a budget field needs "budget": the total that choices must fit'))
            )
        return problems

    def new_question(self, element: dict[str, Any], lang: str) -> dict[str, Any]:
        values = new_choices(element, lang)
        element.update(costs={value: 1000 for value in values}, budget=1500, currency="EUR")
        return {"type": "array", "items": {"type": "string", "enum": values}, "uniqueItems": True}

    def choices_changed(self, element: dict[str, Any], prop: dict[str, Any]) -> None:
        costs = element.setdefault("costs", {})  # a new project costs 0 until the designer says
        element["costs"] = {value: costs.get(value, 0) for value in element["choices"]}

    def message_params(
        self, code: str, params: dict[str, Any], lang: str, labels: Mapping[str, str]
    ) -> dict[str, Any]:
        currency = params["currency"]
        return {
            **params,
            "total": money_text(params["total"], currency, lang),
            "budget": money_text(params["budget"], currency, lang),
        }

    def export(self, element: Element, prop: Schema) -> dict[str, Any]:
        # A sum JSON Schema cannot state: Parvis's own keyword (docs/definition.md).
        return {
            **prop,
            "parvisBudget": {"total": element["budget"], "costs": dict(element.get("costs") or {})},
        }

    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        values = [value for value in source.getlist(name) if value]
        return list(dict.fromkeys(values)) or None

    def validate(self, element: Element, value: Any, answers: Mapping[str, Any]) -> list[FieldError]:
        if not isinstance(value, list):
            return []
        costs = element.get("costs") or {}
        total = sum(costs.get(item, 0) for item in value if isinstance(item, str))
        if total > element["budget"]:
            currency = element.get("currency", "EUR")
            return [
                FieldError(
                    element["field"],
                    "budget",
                    {"total": total, "budget": element["budget"], "currency": currency},
                )
            ]
        return []

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> str:
        currency = element.get("currency", "EUR")
        costs = element.get("costs") or {}
        return " ; ".join(
            f"{choice_label(element, item, ctx)} ({money_text(costs.get(item, 0), currency, ctx.lang)})"
            for item in value
        )

    def form_value(self, value: Any) -> Any:
        return value or []
