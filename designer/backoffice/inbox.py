"""The agents' inbox: which submissions to show, in which order, a page at a time.

Filters arrive as plain values (`Filters`), parsed from a query string by `Filters.parse`,
so that the inbox page, the bulk actions and the exports select exactly the same rows.
Every query is scoped to procedures of organisations the person may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, and_, false, func, or_, select, text, true
from sqlalchemy.sql import Select
from sqlmodel import col

from runtime import workflow
from runtime.db import reading
from runtime.models import Procedure, ProcedureVersion, Submission, now
from runtime.processing import WITHDRAWN
from runtime.search import fold
from runtime.text import is_number

TABS = ("todo", "mine", "all", "closed")
SORTS = {
    "newest": (col(Submission.created_at).desc(), col(Submission.id).desc()),
    "oldest": (col(Submission.created_at).asc(), col(Submission.id).asc()),
    "updated": (col(Submission.updated_at).desc(), col(Submission.id).desc()),
    "deadline": (
        col(Submission.deadline).is_(None),
        col(Submission.deadline).asc(),
        col(Submission.id).asc(),
    ),
}
PAGE_SIZE = 50
MAX_PAGE = 200  # COUNT_LIMIT / PAGE_SIZE: beyond, the agent narrows the filter


@dataclass(frozen=True)
class Filters:
    tab: str = "todo"
    status: str = ""
    assignee: str = ""  # a staff id, "g" and a group id, "none", or "" for anyone
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    text: str = ""
    field: str = ""  # answers[field] == value
    value: str = ""
    overdue: bool = False
    sort: str = "newest"
    page: int = 1

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Filters:
        """From a query string; what cannot be read is ignored rather than refused."""

        def day(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(params.get(name, "")[:10])
            except ValueError:
                return None

        try:
            page = min(max(int(params.get("page", "1")), 1), MAX_PAGE)
        except ValueError:
            page = 1
        return cls(
            tab=params.get("tab", "todo") if params.get("tab") in TABS else "todo",
            status=params.get("status", "")[:63],
            assignee=params.get("assignee", "")[:12],
            received_from=day("from"),
            received_to=day("to"),
            text=params.get("q", "").strip()[:200],
            field=params.get("field", "")[:100],
            value=params.get("value", "")[:200],
            overdue=params.get("overdue") in ("1", "on", "true"),
            sort=params.get("sort", "newest") if params.get("sort") in SORTS else "newest",
            page=page,
        )

    def query_string(self, **changes: Any) -> str:
        """The filters as a query string, with some changed (links to tabs, pages, sorts)."""
        from urllib.parse import urlencode

        values = replace(self, **changes)
        pairs = {
            "tab": values.tab,
            "status": values.status,
            "assignee": values.assignee,
            "from": values.received_from.isoformat() if values.received_from else "",
            "to": values.received_to.isoformat() if values.received_to else "",
            "q": values.text,
            "field": values.field,
            "value": values.value,
            "overdue": "1" if values.overdue else "",
            "sort": values.sort if values.sort != "newest" else "",
            "page": str(values.page) if values.page > 1 else "",
        }
        return urlencode({key: value for key, value in pairs.items() if value})


@dataclass(frozen=True)
class Scope:
    """The procedures an inbox covers, and for each published version its final statuses and
    the others: a status final in one version says nothing of another's rows."""

    procedure_ids: tuple[int, ...]
    finals: Mapping[int, frozenset[str]] = field(default_factory=dict)  # version id -> statuses
    opens: Mapping[int, frozenset[str]] = field(default_factory=dict)  # version id -> statuses
    timezone: str = "Europe/Paris"


def scope(
    engine: Engine,
    organisation_ids: Sequence[int],
    procedure_id: int | None = None,
    timezone: str = "Europe/Paris",
) -> Scope:
    statement = (
        select(col(Procedure.id), col(ProcedureVersion.id), col(ProcedureVersion.definition))
        .join(ProcedureVersion, col(ProcedureVersion.procedure_id) == Procedure.id)
        .where(
            col(Procedure.organisation_id).in_(list(organisation_ids)),
            col(ProcedureVersion.published_at).is_not(None),
        )
    )
    if procedure_id is not None:
        statement = statement.where(col(Procedure.id) == procedure_id)
    procedures: set[int] = set()
    finals: dict[int, frozenset[str]] = {}
    opens: dict[int, frozenset[str]] = {}
    with reading(engine) as session:
        connection = session.connection()
        for found_id, version_id, definition in connection.execute(statement):
            procedures.add(found_id)
            final = workflow.final_states(definition)
            finals[version_id] = frozenset(final)
            opens[version_id] = frozenset(set(workflow.workflow_of(definition).get("states") or {}) - final)
    return Scope(tuple(sorted(procedures)), finals, opens, timezone)


def _closed(where: Scope) -> Any:
    parts = [
        and_(col(Submission.version_id) == version_id, col(Submission.state).in_(sorted(states)))
        for version_id, states in where.finals.items()
        if states
    ]
    return or_(col(Submission.state) == WITHDRAWN, *parts)


def _open(where: Scope) -> Any:
    parts = [
        and_(col(Submission.version_id) == version_id, col(Submission.state).in_(sorted(states)))
        for version_id, states in where.opens.items()
        if states
    ]
    return or_(false(), *parts)


def _day_start(day: dt.date, timezone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), ZoneInfo(timezone)).astimezone(dt.UTC)


def _matches(words: list[str], dialect: str) -> Any:
    """Every word found at the start of a word of the submission's text (SQLite: its FTS5
    index, kept by triggers), or anywhere in it (PostgreSQL)."""
    if dialect == "sqlite":
        usable = [word for word in words if any(c.isalnum() for c in word)]
        if not usable:
            return true()
        phrase = " AND ".join('"' + word.replace('"', '""') + '"*' for word in usable)
        return col(Submission.id).in_(
            select(text("rowid"))
            .select_from(text("submission_fts"))
            .where(text("submission_fts MATCH :search"))
            .params(search=phrase)
        )
    parts = []
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        parts.append(col(Submission.search_text).like(f"%{escaped}%", escape="\\"))
    return and_(*parts)


def conditions(
    where: Scope, filters: Filters, staff_id: int | None, dialect: str = "sqlite", groups: Sequence[int] = ()
) -> list[Any]:
    """The SQL conditions the filters mean; the inbox, its bulk actions and the exports of
    the filtered list all use these."""
    if not where.procedure_ids:
        return [false()]
    found: list[Any] = [col(Submission.procedure_id).in_(where.procedure_ids)]
    if filters.tab == "closed":
        found.append(_closed(where))
    elif filters.tab in ("todo", "mine"):
        found.append(_open(where))
        if filters.tab == "mine":
            # Mine, or my team's.
            found.append(
                or_(
                    col(Submission.assignee_id) == staff_id,
                    col(Submission.assignee_group_id).in_(list(groups)),
                )
            )
    if filters.status:
        found.append(col(Submission.state) == filters.status)
    if filters.assignee == "none":
        found.append(col(Submission.assignee_id).is_(None))
        found.append(col(Submission.assignee_group_id).is_(None))
    elif is_number(filters.assignee):
        found.append(col(Submission.assignee_id) == int(filters.assignee))
    elif filters.assignee.startswith("g") and is_number(filters.assignee[1:]):
        found.append(col(Submission.assignee_group_id) == int(filters.assignee[1:]))
    if filters.received_from:
        found.append(col(Submission.created_at) >= _day_start(filters.received_from, where.timezone))
    if filters.received_to:
        found.append(
            col(Submission.created_at)
            < _day_start(filters.received_to + dt.timedelta(days=1), where.timezone)
        )
    if filters.overdue:
        found.extend([col(Submission.deadline) < now(), _open(where)])
    if filters.text:
        found.append(_matches(fold(filters.text).split()[:8], dialect))
    if filters.field and filters.value:
        found.append(Submission.answers[filters.field].as_string() == filters.value)
    return found


def statement(
    where: Scope, filters: Filters, staff_id: int | None, dialect: str = "sqlite", groups: Sequence[int] = ()
) -> Select[*tuple[Any, ...]]:
    """The rows the filters select, in order (without the page's limits)."""
    return (
        select(Submission)
        .where(*conditions(where, filters, staff_id, dialect, groups))
        .order_by(*SORTS[filters.sort])
    )


# Counting every match of a broad filter would cost more than showing the page: beyond this
# many, the page says "more than" and the agent narrows the filter.
COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class Page:
    rows: list[Submission]
    total: int
    filters: Filters

    @property
    def more(self) -> bool:
        return self.total > COUNT_LIMIT

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, COUNT_LIMIT) // PAGE_SIZE))


def page(
    engine: Engine, where: Scope, filters: Filters, staff_id: int | None, groups: Sequence[int] = ()
) -> Page:
    query = statement(where, filters, staff_id, engine.dialect.name, groups)
    counted = select(func.count()).select_from(query.order_by(None).limit(COUNT_LIMIT + 1).subquery())
    # The page's ids first, sorting narrow rows, then those rows whole: sorting thousands of
    # matches with their answers attached costs several times more.
    ids = query.with_only_columns(col(Submission.id)).limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)
    with reading(engine) as session:
        connection = session.connection()
        total = int(connection.execute(counted).scalar_one())
        chosen = [row[0] for row in connection.execute(ids)]
        # Rows come from the database, already valid: built without validating them again.
        found = (
            {
                row["id"]: Submission.model_construct(**row)
                for row in connection.execute(
                    select(Submission).where(col(Submission.id).in_(chosen))
                ).mappings()
            }
            if chosen
            else {}
        )
    return Page([found[number] for number in chosen if number in found], total, filters)


def selected(engine: Engine, where: Scope, ids: Sequence[int]) -> list[Submission]:
    """The submissions of a bulk selection, only those inside the scope."""
    if not ids or not where.procedure_ids:
        return []
    with reading(engine) as session:
        connection = session.connection()
        return [
            Submission(**row)
            for row in connection.execute(
                select(Submission).where(
                    col(Submission.id).in_(list(ids)[:500]),
                    col(Submission.procedure_id).in_(where.procedure_ids),
                )
            ).mappings()
        ]
