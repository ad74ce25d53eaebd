"""Setting the submission's deadline when a transition is taken (`{"deadline_days": 15}`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlmodel import col

from runtime.actions.controls import Control, Summary, days
from runtime.actions.registry import Action, Item, Step
from runtime.i18n import N_
from runtime.models import Submission


class Deadline(Action):
    key = "deadline_days"
    order = 50
    documentation = (
        '`{"deadline_days": 15}` sets the submission\'s deadline that many days after the '
        "transition (agents sort and filter their inbox by it); `0` removes it."
    )
    schema = {"deadline_days": {"type": "integer", "minimum": 0, "maximum": 3650}}
    controls = (Control("deadline_days", "tr-deadline", N_("Set a deadline (days)"), 50, kind="number"),)

    def at_transition(self, step: Step, item: Item, position: int) -> None:
        number = int(item["deadline_days"])
        deadline = step.at + dt.timedelta(days=number) if number else None
        step.connection.execute(
            update(Submission).where(col(Submission.id) == step.submission.id).values(deadline=deadline)
        )

    def from_form(self, values: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
        number = days(
            values.get("deadline_days", ""), N_("The deadline is a number of days, for example 15.")
        )
        return [] if number is None else [{"deadline_days": number}]

    def summary(self, item: Item, lang: str) -> Summary | None:
        return Summary(N_("deadline in %(n)s days"), {"n": item["deadline_days"]})
