"""Asking the applicant for a complement (`{"ask": "complement"}`): the transition's event
holds the request, open until the applicant answers on the follow-up page
(`runtime.processing.answer_complement`), which brings the submission back to the agents."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import update
from sqlmodel import col

from runtime.actions.controls import Control, Summary
from runtime.actions.registry import Action, Item, Step
from runtime.fields.base import Problem
from runtime.i18n import N_
from runtime.models import SubmissionEvent


class AskComplement(Action):
    key = "ask"
    order = 30
    documentation = (
        '`{"ask": "complement"}` asks the applicant for more information, answered on the '
        "follow-up page (files included); the answer brings the submission back to `return_to` "
        "(a status; by default the one the transition left)."
    )
    schema = {"ask": {"const": "complement"}, "return_to": {"$ref": "#/$defs/slug"}}
    controls = (Control("ask_complement", "tr-ask", N_("ask the citizen for a complement"), 30),)

    def problems(self, item: Item, states: Mapping[str, Any], path: str) -> Iterator[Problem]:
        if "return_to" in item and item["return_to"] not in states:
            yield Problem.of(
                f"{path}/return_to",
                N_("status %(state)s is not one of the statuses"),
                state=repr(item["return_to"]),
            )

    def at_transition(self, step: Step, item: Item, position: int) -> None:
        # The request stays open until the applicant answers on the follow-up page.
        step.connection.execute(
            update(SubmissionEvent)
            .where(col(SubmissionEvent.id) == step.event_id)
            .values(
                data={
                    "transition": step.transition.index,
                    "complement": {"return_to": item.get("return_to") or step.transition.source},
                }
            )
        )

    def from_form(self, values: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
        return [{"ask": "complement"}] if values.get("ask_complement") == "on" else []

    def summary(self, item: Item, lang: str) -> Summary | None:
        return Summary(N_("ask the citizen for a complement")) if item.get("ask") == "complement" else None
