"""The implicit decision an acknowledgement of receipt announces.

Article R112-5 of the code des relations entre le public et l'administration asks the
acknowledgement of an application to state "la date à laquelle, à défaut d'une décision
expresse, celle-ci sera réputée acceptée ou rejetée": a date, not only a delay, so the
citizen need not count. The definition gives the delay in days (`receipt.silence`); this
module turns it into that date, once, for the full receipt and the plain one alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from runtime import i18n
from runtime.i18n import N_
from runtime.wording import wording

DEEMED = {
    "acceptance": N_(
        "Without an answer from the administration by %(date)s (%(days)s days counted from the day after its receipt), your request will be deemed accepted."
    ),
    "refusal": N_(
        "Without an answer from the administration by %(date)s (%(days)s days counted from the day after its receipt), your request will be deemed refused."
    ),
}


@dataclass(frozen=True)
class ImplicitDecision:
    means: str  # "acceptance" or "refusal"
    delay_days: int
    on: dt.date  # the last day of the delay: without an answer, the decision is born there


def decision_date(received_at: dt.datetime, delay_days: int, timezone: str | dt.tzinfo) -> dt.date:
    """The last day of a delay of `delay_days` days running from the day after receipt.

    The day of receipt is the organisation's: a request sent at 00:30 in Paris on
    1 February was received on 1 February, though it is still 31 January in UTC. That day
    does not count (a delay in days starts the next day), so the last day is the day of
    receipt plus the delay, whatever the lengths of the months between. A last day on a
    Sunday or a public holiday is not moved.
    """
    if received_at.tzinfo is None:  # the database hands moments back in UTC, some without offset
        received_at = received_at.replace(tzinfo=dt.UTC)
    zone = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
    return received_at.astimezone(zone).date() + dt.timedelta(days=delay_days)


def implicit_decision(
    definition: Mapping[str, Any], received_at: dt.datetime, timezone: str | dt.tzinfo
) -> ImplicitDecision | None:
    """What silence will mean, and from when, for an application whose definition says so;
    None for surveys, consultations and votes, which no silence turns into a decision."""
    silence = (definition.get("receipt") or {}).get("silence")
    if not silence or not wording(definition).is_application:
        return None
    days = int(silence["delay_days"])
    return ImplicitDecision(silence["means"], days, decision_date(received_at, days, timezone))


def decision_sentence(decision: ImplicitDecision, lang: str) -> str:
    """The receipt's sentence, with the date in full ("lundi 1er mars 2027")."""
    message = DEEMED.get(decision.means, DEEMED["refusal"])
    return i18n.gettext(lang, message, date=i18n.date_in_full(decision.on, lang), days=decision.delay_days)
