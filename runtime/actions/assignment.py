"""Putting the submission in someone's hands when a transition is taken
(`{"assign": "actor"}`, or `"nobody"` to leave it unassigned)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlmodel import col

from runtime import history
from runtime.actions.controls import Control, Summary
from runtime.actions.registry import Action, Item, Step
from runtime.i18n import N_
from runtime.models import Submission


class Assign(Action):
    key = "assign"
    order = 40
    documentation = (
        '`{"assign": "actor"}` puts the submission in the hands of whoever takes the transition '
        "(nobody's when it is taken through the API or automatically: it is left as it was); "
        '`{"assign": "nobody"}` takes it out of anyone\'s.'
    )
    schema = {
        "assign": {
            "description": "'actor': the person taking the transition; 'nobody': unassign.",
            "enum": ["actor", "nobody"],
        }
    }
    controls = (Control("assign_actor", "tr-assign", N_("assign to whoever takes it"), 40),)

    def at_transition(self, step: Step, item: Item, position: int) -> None:
        if item["assign"] == "actor" and step.actor.id is None:
            return  # taken through the API or by the worker: nobody to put in charge
        assert step.submission.id is not None
        assignee = step.actor.id if item["assign"] == "actor" else None
        step.connection.execute(
            update(Submission)
            .where(col(Submission.id) == step.submission.id)
            .values(assignee_id=assignee, assignee_group_id=None)
        )
        history.record(
            step.connection,
            step.submission.id,
            "assigned",
            step.actor,
            visible=False,
            at=step.at,
            data={"assignee_id": assignee, "assignee": step.actor.name if assignee else ""},
        )

    def from_form(self, values: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
        return [{"assign": "actor"}] if values.get("assign_actor") == "on" else []

    def summary(self, item: Item, lang: str) -> Summary | None:
        return Summary(N_("assign to whoever takes it")) if item.get("assign") == "actor" else None
