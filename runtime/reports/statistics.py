"""Figures of a procedure: submissions over time and by status, processing time, and the
distribution of answers to every choice, yes/no, rating, matrix and ranking question.

Counted by the database (GROUP BY, aggregates) rather than by reading submissions in Python,
so the page stays quick with a hundred thousand of them.
"""

from __future__ import annotations

import datetime as dt
import statistics as stats
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select
from sqlmodel import col

from runtime import workflow
from runtime.catalogue import compiled_for
from runtime.db import reading
from runtime.i18n import N_, gettext
from runtime.models import ProcedureVersion, Submission, SubmissionEvent
from runtime.reports.distributions import Distribution, distribution, questions
from runtime.reports.exports import published_versions, status_labels
from runtime.reports.sql import JsonSql
from runtime.submission_filter import SubmissionFilter, conditions
from runtime.wording import wording

WEEKLY_AFTER_DAYS = 120


@dataclass
class StatusCount:
    state: str
    label: str
    count: int
    final: bool


@dataclass
class Processing:
    count: int  # submissions that reached a final status
    median: dt.timedelta | None
    p90: dt.timedelta | None


@dataclass
class Figures:
    total: int
    period: str  # "day" or "week"
    timeline: list[tuple[dt.date, int]]
    statuses: list[StatusCount]
    processing: Processing
    distributions: list[Distribution]


def figures(engine: Engine, selection: SubmissionFilter, lang: str, *, answers_only: bool = False) -> Figures:
    """Every figure of the selected submissions; `answers_only` skips time and status figures."""
    versions = published_versions(engine, selection.procedure_id)
    where = conditions(selection)
    with reading(engine) as session:
        connection = session.connection()
        sql = JsonSql(connection.dialect.name)
        total = connection.execute(select(func.count()).select_from(Submission).where(*where)).scalar_one()
        distributions = [
            distribution(connection, sql, where, question, lang) for question in questions(versions, lang)
        ]
        if answers_only:
            return Figures(total, "day", [], [], Processing(0, None, None), distributions)
        timeline, period = over_time(connection, sql, where, selection)
        statuses = by_status(connection, where, versions, lang)
        processing = processing_time(connection, where, versions)
    return Figures(total, period, timeline, statuses, processing, distributions)


# -- time, status, processing -------------------------------------------------------


def over_time(
    connection: Any, sql: JsonSql, where: list[Any], selection: SubmissionFilter
) -> tuple[list[tuple[dt.date, int]], str]:
    """Submissions per day where the organisation is, or per week (Mondays) over long spans."""
    per_day: dict[dt.date, int] = {}
    bucket = sql.local_day_bucket(Submission.created_at, selection.timezone)
    for key, count in connection.execute(select(bucket, func.count()).where(*where).group_by(bucket)):
        day = sql.bucket_day(key, selection.zone)
        per_day[day] = per_day.get(day, 0) + int(count)
    if not per_day:
        return [], "day"
    first = selection.received_from or min(per_day)
    last = selection.received_to or max(per_day)
    if (last - first).days > WEEKLY_AFTER_DAYS:
        per_week: dict[dt.date, int] = {}
        for day, count in per_day.items():
            monday = day - dt.timedelta(days=day.weekday())
            per_week[monday] = per_week.get(monday, 0) + count
        start = first - dt.timedelta(days=first.weekday())
        return [(week, per_week.get(week, 0)) for week in _days(start, last, 7)], "week"
    return [(day, per_day.get(day, 0)) for day in _days(first, last, 1)], "day"


def _days(first: dt.date, last: dt.date, step: int) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=step)


def by_status(
    connection: Any, where: list[Any], versions: list[ProcedureVersion], lang: str
) -> list[StatusCount]:
    """Counts per current status, in the newest workflow's order; every status shown, even at 0."""
    labels: dict[str, str] = {}
    finals: set[str] = set()
    for version in sorted(versions, key=lambda v: -v.number):
        compiled = compiled_for(version)
        for name, label in status_labels(compiled, lang).items():
            labels.setdefault(name, label)
        finals |= workflow.final_states(compiled.definition)
    counts = {
        state: int(count)
        for state, count in connection.execute(
            select(col(Submission.state), func.count()).where(*where).group_by(col(Submission.state))
        )
    }
    order = [*labels, *(state for state in counts if state not in labels)]
    return [
        StatusCount(state, labels.get(state, state), counts.get(state, 0), state in finals) for state in order
    ]


def processing_time(connection: Any, where: list[Any], versions: list[ProcedureVersion]) -> Processing:
    """From receipt to the first move into a final status (of the submission's own version)."""
    reaching = [
        and_(
            col(Submission.version_id) == version.id,
            col(SubmissionEvent.to_state).in_(sorted(finals)),
        )
        for version in versions
        if (finals := workflow.final_states(version.definition))
    ]
    if not reaching:
        return Processing(0, None, None)
    done = func.min(SubmissionEvent.created_at)
    statement = (
        select(col(Submission.created_at), done)
        .join(SubmissionEvent, col(SubmissionEvent.submission_id) == Submission.id)
        .where(*where, or_(*reaching))
        .group_by(col(Submission.id), col(Submission.created_at))
    )
    seconds = sorted(
        max(0.0, (_aware(end) - _aware(start)).total_seconds())
        for start, end in connection.execution_options(yield_per=5000).execute(statement)
    )
    if not seconds:
        return Processing(0, None, None)
    p90 = stats.quantiles(seconds, n=10, method="inclusive")[8] if len(seconds) > 1 else seconds[0]
    return Processing(len(seconds), dt.timedelta(seconds=stats.median(seconds)), dt.timedelta(seconds=p90))


def _aware(moment: str | dt.datetime) -> dt.datetime:
    if isinstance(moment, str):  # SQLite hands an aggregate's result back as text
        moment = dt.datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# -- the figures as a table (the CSV download) ------------------------------------------


def figure_rows(
    result: Figures, lang: str, answers_only: bool = False, kind: str = "procedure"
) -> Iterator[list[Any]]:
    """Section, question, answer, count, share: every figure the charts show, in the words of
    the procedure's kind (a survey's answers are counted, not processed)."""
    words = wording(kind)

    def text(message: str) -> str:
        return gettext(lang, message)

    if not answers_only:
        yield [text(words.total), "", text(N_("Total")), result.total, ""]
        period = text(N_("Per week (Monday)")) if result.period == "week" else text(N_("Per day"))
        for day, count in result.timeline:
            yield [text(words.over_time), period, day.isoformat(), count, ""]
        for status in result.statuses:
            yield [
                text(N_("Status")),
                "",
                status.label,
                status.count,
                _share(status.count, result.total),
            ]
        processing = result.processing
        for name, value in (
            (
                (N_("Median processing time (days)"), processing.median),
                (N_("90th percentile of processing time (days)"), processing.p90),
            )
            if words.processing_time
            else ()
        ):
            days = round(value.total_seconds() / 86400, 2) if value is not None else ""
            yield [text(N_("Processing")), "", text(name), days, ""]
    for item in result.distributions:
        yield [item.label, "", text(N_("Respondents")), item.respondents, ""]
        for bar in item.bars:
            yield [item.label, "", bar.label, bar.count, round(bar.share, 4)]
        for statement, bars in item.rows:
            for bar in bars:
                yield [item.label, statement, bar.label, bar.count, round(bar.share, 4)]
        for option, mean, per_rank in item.ranks:
            yield [item.label, option, text(N_("Mean rank")), round(mean, 2), ""]
            for rank, count in enumerate(per_rank, 1):
                yield [item.label, option, text(N_("Rank %(n)s")) % {"n": rank}, count, ""]


def figure_header(lang: str) -> list[str]:
    return [
        gettext(lang, N_("Section")),
        gettext(lang, N_("Question")),
        gettext(lang, N_("Answer")),
        gettext(lang, N_("Count")),
        gettext(lang, N_("Share")),
    ]


def _share(count: int, total: int) -> float | str:
    return round(count / total, 4) if total else ""
