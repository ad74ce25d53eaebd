"""The date silence becomes a decision: counted from the day after receipt, in the
organisation's time zone, across month ends and leap years; only for applications."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from runtime.implicit_decision import ImplicitDecision, decision_date, decision_sentence, implicit_decision

UTC = dt.UTC
PARIS = "Europe/Paris"


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        # The day of receipt does not count: one day after a Monday is the Tuesday.
        (dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), 1, dt.date(2027, 3, 2)),
        # Across the end of a short February, and of a leap one.
        (dt.datetime(2027, 1, 31, 9, 0, tzinfo=UTC), 30, dt.date(2027, 3, 2)),
        (dt.datetime(2028, 1, 31, 9, 0, tzinfo=UTC), 30, dt.date(2028, 3, 1)),
        # Two months' worth of days from the last day of a 31-day month.
        (dt.datetime(2026, 12, 31, 10, 0, tzinfo=UTC), 60, dt.date(2027, 3, 1)),
        # Across the end of a year.
        (dt.datetime(2026, 12, 20, 10, 0, tzinfo=UTC), 15, dt.date(2027, 1, 4)),
    ],
)
def test_the_delay_runs_from_the_day_after_receipt(
    received: dt.datetime, days: int, expected: dt.date
) -> None:
    assert decision_date(received, days, PARIS) == expected


def test_the_day_of_receipt_is_the_organisations() -> None:
    # 23:30 UTC on 31 January is 00:30 on 1 February in Paris (winter, UTC+1).
    late = dt.datetime(2027, 1, 31, 23, 30, tzinfo=UTC)
    assert decision_date(late, 60, PARIS) == dt.date(2027, 4, 2)
    assert decision_date(late, 60, "UTC") == dt.date(2027, 4, 1)
    # 22:30 UTC on 30 June is 00:30 on 1 July in Paris (summer time, UTC+2), but 23:30 on
    # 30 June in Lagos (UTC+1).
    summer = dt.datetime(2027, 6, 30, 22, 30, tzinfo=UTC)
    assert decision_date(summer, 2, PARIS) == dt.date(2027, 7, 3)
    assert decision_date(summer, 2, "Africa/Lagos") == dt.date(2027, 7, 2)
    # La Réunion is UTC+4: 21:00 UTC on 31 May is 01:00 on 1 June there.
    assert decision_date(dt.datetime(2027, 5, 31, 21, 0, tzinfo=UTC), 1, "Indian/Reunion") == dt.date(
        2027, 6, 2
    )


def test_a_moment_without_offset_is_read_as_utc() -> None:
    # SQLite hands moments back without their offset; they were stored in UTC.
    assert decision_date(dt.datetime(2027, 1, 31, 23, 30), 1, PARIS) == dt.date(2027, 2, 2)


def definition(kind: str, silence: dict[str, Any] | None) -> dict[str, Any]:
    receipt: dict[str, Any] = {"title": {"fr": "Accusé"}}
    if silence is not None:
        receipt["silence"] = silence
    return {"kind": kind, "receipt": receipt}


def test_only_an_application_with_a_silence_rule_has_an_implicit_decision() -> None:
    received = dt.datetime(2027, 1, 31, 10, 0, tzinfo=UTC)
    silence = {"means": "acceptance", "delay_days": 30}
    assert implicit_decision(definition("procedure", silence), received, PARIS) == ImplicitDecision(
        "acceptance", 30, dt.date(2027, 3, 2)
    )
    assert implicit_decision(definition("procedure", None), received, PARIS) is None
    for kind in ("survey", "consultation", "vote"):
        assert implicit_decision(definition(kind, silence), received, PARIS) is None


def test_the_sentence_gives_the_date_in_full() -> None:
    accepted = ImplicitDecision("acceptance", 30, dt.date(2027, 3, 2))
    french = decision_sentence(accepted, "fr")
    assert "mardi 2 mars 2027" in french and "30" in french
    english = decision_sentence(accepted, "en")
    assert english == (
        "Without an answer from the administration by Tuesday, March 2, 2027 (30 days counted "
        "from the day after its receipt), your request will be deemed accepted."
    )
    refused = decision_sentence(ImplicitDecision("refusal", 60, dt.date(2027, 3, 1)), "en")
    assert refused.endswith("deemed refused.") and "Monday, March 1, 2027" in refused
    assert "lundi 1er mars 2027" in decision_sentence(
        ImplicitDecision("refusal", 60, dt.date(2027, 3, 1)), "fr"
    )
