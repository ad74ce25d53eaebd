"""Distributions of answers: how many chose each option of a question whose widget says its
answers are counted (`Widget.statistics`: choices, yes/no, ratings, matrices, rankings...),
counted by the database (GROUP BY over JSON values).

A question is followed across versions by its key, as long as it keeps the same kind; its
labels and choices are those of the newest version that has it, then the choices only older
versions offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, true
from sqlmodel import col

from runtime.catalogue import compiled_for
from runtime.fields.base import DisplayContext
from runtime.models import ProcedureVersion, Submission
from runtime.reports.sql import JsonSql
from runtime.text import localize

# The kinds of distribution (a widget says which its answers make, `Widget.statistics`):
# one value counted per respondent, a list of values, a value per statement, an order.
SINGLE = ("choice", "boolean", "scale")


@dataclass
class Bar:
    key: str
    label: str
    count: int
    share: float  # of the respondents to the question, 0..1


@dataclass
class Distribution:
    key: str
    label: str
    kind: str
    respondents: int
    bars: list[Bar] = field(default_factory=list)  # choice, boolean, scale, multiple
    rows: list[tuple[str, list[Bar]]] = field(default_factory=list)  # statements: a statement's bars
    ranks: list[tuple[str, float, list[int]]] = field(default_factory=list)  # ranks: label, mean, per rank


# -- questions across versions ----------------------------------------------------------


@dataclass
class Question:
    key: str
    kind: str
    label: str
    element: Mapping[str, Any]  # the newest version's element
    prop: Mapping[str, Any]
    version_ids: list[int]  # versions where the key is this kind of question
    options: dict[str, str]  # value -> label, newest first then older values
    fallback: str = "fr"  # the newest version's language, for its texts


def questions(versions: list[ProcedureVersion], lang: str) -> list[Question]:
    found: dict[str, Question] = {}
    for version in sorted(versions, key=lambda v: -v.number):
        compiled = compiled_for(version)
        for name, spec in compiled.fields.items():
            kind = spec.widget.statistics
            if kind is None or version.id is None:
                continue
            question = found.get(name)
            if question is None:
                question = found[name] = Question(
                    name,
                    kind,
                    localize(spec.element["label"], lang, compiled.lang),
                    spec.element,
                    spec.prop,
                    [],
                    {},
                    compiled.lang,
                )
            elif question.kind != kind:
                continue  # the key now asks something else: older answers are not mixed in
            question.version_ids.append(version.id)
            offered = spec.widget.offered(spec.element, spec.prop, DisplayContext(lang, compiled.lang))
            for value, label in offered.items():
                question.options.setdefault(value, label)
    return list(found.values())


def normalised(kind: str, value: Any) -> str:
    """A JSON value as the database hands it back, as the key of an option."""
    if kind == "boolean":
        return "true" if value in (True, 1, "true") else "false"
    if kind == "scale" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- distributions ------------------------------------------------------------------


def distribution(
    connection: Any, sql: JsonSql, where: list[Any], question: Question, lang: str
) -> Distribution:
    scope = [*where, col(Submission.version_id).in_(question.version_ids)]
    result = Distribution(question.key, question.label, question.kind, 0)
    if question.kind in SINGLE:
        value = sql.scalar(question.key)
        counts = _counts(
            connection.execute(select(value, func.count()).where(*scope, value.is_not(None)).group_by(value)),
            question.kind,
        )
        result.respondents = sum(counts.values())
        result.bars = _bars(question.options, counts, result.respondents)
    elif question.kind == "multiple":
        items = sql.elements(question.key)
        result.respondents = _respondents(connection, sql, scope, question.key, "array")
        counts = _counts(
            connection.execute(
                select(items.c.value, func.count())
                .select_from(Submission)
                .join(items, true())
                .where(*scope, sql.is_type(question.key, "array"))
                .group_by(items.c.value)
            ),
            "multiple",
        )
        result.bars = _bars(question.options, counts, result.respondents)
    elif question.kind == "statements":
        members = sql.members(question.key)
        result.respondents = _respondents(connection, sql, scope, question.key, "object")
        cells: dict[str, dict[str, int]] = {}
        for row, value, count in connection.execute(
            select(members.c.key, members.c.value, func.count())
            .select_from(Submission)
            .join(members, true())
            .where(*scope, sql.is_type(question.key, "object"))
            .group_by(members.c.key, members.c.value)
        ):
            cells.setdefault(str(row), {})[str(value)] = int(count)
        statements = question.element.get("rows") or {}
        for row_key in [*statements, *(key for key in cells if key not in statements)]:
            counts = cells.get(row_key, {})
            label = localize(statements.get(row_key), lang, question.fallback) or row_key
            result.rows.append((label, _bars(question.options, counts, sum(counts.values()))))
    elif question.kind == "ranks":
        items = sql.elements(question.key)
        result.respondents = _respondents(connection, sql, scope, question.key, "array")
        per_option: dict[str, dict[int, int]] = {}
        for value, position, count in connection.execute(
            select(items.c.value, sql.rank(items), func.count())
            .select_from(Submission)
            .join(items, true())
            .where(*scope, sql.is_type(question.key, "array"))
            .group_by(items.c.value, sql.rank(items))
        ):
            per_option.setdefault(str(value), {})[int(position)] = int(count)
        result.ranks = _ranks(question.options, per_option)
    return result


def _counts(rows: Any, kind: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value, count in rows:
        key = normalised(kind, value)
        counts[key] = counts.get(key, 0) + int(count)
    return counts


def _respondents(connection: Any, sql: JsonSql, scope: list[Any], key: str, json_type: str) -> int:
    return int(
        connection.execute(
            select(func.count()).select_from(Submission).where(*scope, sql.is_type(key, json_type))
        ).scalar_one()
    )


def _bars(options: Mapping[str, str], counts: Mapping[str, int], respondents: int) -> list[Bar]:
    """A bar per option, in the designer's order; values no version offers come last."""
    keys = [*options, *(key for key in counts if key not in options)]
    return [
        Bar(
            key,
            options.get(key, key),
            counts.get(key, 0),
            counts.get(key, 0) / respondents if respondents else 0.0,
        )
        for key in keys
    ]


def _ranks(
    options: Mapping[str, str], per_option: Mapping[str, Mapping[int, int]]
) -> list[tuple[str, float, list[int]]]:
    """Each option with its mean rank and how many put it at each rank, best mean first."""
    keys = [*options, *(key for key in per_option if key not in options)]
    size = max([len(keys), *(max(ranks, default=0) for ranks in per_option.values())])
    result = []
    for key in keys:
        ranks = per_option.get(key, {})
        counted = sum(ranks.values())
        mean = sum(rank * count for rank, count in ranks.items()) / counted if counted else 0.0
        result.append((options.get(key, key), mean, [ranks.get(rank, 0) for rank in range(1, size + 1)]))
    return sorted(result, key=lambda entry: (entry[1] == 0, entry[1]))
