"""Which submissions: a filter as plain values, the SQL conditions it means, and batched reading.

Exports, statistics and the agents' lists all read submissions through these functions, so
that "received from 1 March, status accepted" selects the same rows everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, Engine, Row, select
from sqlmodel import col

from runtime.db import reading
from runtime.i18n import N_, gettext
from runtime.models import Submission

BATCH_SIZE = 500
DAY_LABELS = {"from": N_("Received from"), "to": N_("Received until")}
# What exports and statistics read of a submission: never the follow-up token.
COLUMNS = (
    col(Submission.id),
    col(Submission.version_id),
    col(Submission.reference),
    col(Submission.state),
    col(Submission.answers),
    col(Submission.lang),
    col(Submission.channel),
    col(Submission.created_at),
)


@dataclass(frozen=True)
class SubmissionFilter:
    """The submissions of one procedure, narrowed by status and day of receipt.

    Days are calendar days in `timezone` (the organisation's), both ends included.
    """

    procedure_id: int
    states: tuple[str, ...] = ()
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    timezone: str = "Europe/Paris"
    # More conditions from a caller with filters of its own (the agents' inbox: tab, search,
    # assignee...), so that an export of the filtered list has exactly the list's rows.
    extra: tuple[Any, ...] = ()

    @property
    def zone(self) -> dt.tzinfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return dt.UTC


class FilterError(ValueError):
    """Query values that do not make a filter; `problems` says each one in a sentence."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def day_start(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """Midnight of `day` where the organisation is, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def conditions(selection: SubmissionFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [col(Submission.procedure_id) == selection.procedure_id]
    if selection.states:
        where.append(col(Submission.state).in_(selection.states))
    if selection.received_from is not None:
        where.append(col(Submission.created_at) >= day_start(selection.received_from, selection.zone))
    if selection.received_to is not None:
        end = day_start(selection.received_to + dt.timedelta(days=1), selection.zone)
        where.append(col(Submission.created_at) < end)
    where.extend(selection.extra)
    return where


def submissions_in_batches(
    engine: Engine, selection: SubmissionFilter, batch_size: int = BATCH_SIZE
) -> Iterator[Sequence[Row[Any]]]:
    """The selected submissions in order of receipt, `batch_size` rows at a time.

    Keyset pagination on the id: each batch is one short query in its own connection, so a
    long export holds no transaction open and memory stays flat whatever the number of rows.
    """
    where = conditions(selection)
    last_id = 0
    while True:
        statement = (
            select(*COLUMNS)
            .where(*where, col(Submission.id) > last_id)
            .order_by(col(Submission.id))
            .limit(batch_size)
        )
        with reading(engine) as session:
            connection = session.connection()
            rows = connection.execute(statement).all()
        if rows:
            yield rows
        if len(rows) < batch_size:
            return
        last_id = rows[-1].id


def filter_from_query(
    params: Mapping[str, Sequence[str]],
    procedure_id: int,
    timezone: str,
    known_states: Sequence[str],
    lang: str,
) -> SubmissionFilter:
    """A filter from query values (`status` repeated, `from`, `to` as YYYY-MM-DD).

    Raises FilterError naming every value that cannot be used, in `lang`.
    """
    problems = []
    states = tuple(dict.fromkeys(value for value in params.get("status", []) if value))
    for state in states:
        if state not in known_states:
            problems.append(
                gettext(lang, "Status: “%(value)s” is not a status of this procedure.", value=state[:80])
            )
    days: dict[str, dt.date | None] = {}
    for name in ("from", "to"):
        raw = next((value for value in reversed(params.get(name, [])) if value), "")
        days[name] = None
        if raw:
            try:
                days[name] = dt.date.fromisoformat(raw.strip())
            except ValueError:
                problems.append(
                    gettext(
                        lang,
                        "%(field)s: “%(value)s” is not a date; write it as 2026-03-31.",
                        field=gettext(lang, DAY_LABELS[name]),
                        value=raw[:40],
                    )
                )
    start, end = days["from"], days["to"]
    if start and end and start > end:
        problems.append(
            gettext(
                lang,
                "The first day (%(start)s) comes after the last day (%(end)s).",
                start=start,
                end=end,
            )
        )
    if problems:
        raise FilterError(problems)
    return SubmissionFilter(procedure_id, states, start, end, timezone)


def query_values(selection: SubmissionFilter) -> list[tuple[str, str]]:
    """The filter as query values again, for links that keep it (exports, other formats)."""
    values = [("status", state) for state in selection.states]
    if selection.received_from:
        values.append(("from", selection.received_from.isoformat()))
    if selection.received_to:
        values.append(("to", selection.received_to.isoformat()))
    return values
