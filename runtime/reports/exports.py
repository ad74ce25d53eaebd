"""Submissions as a table: stable columns over every version, answers as people read them.

The columns are the metadata, then one per field of every published version: in the latest
version's form order, then the fields only older versions had. A submission fills its
columns with its own version's labels and choices, so a renamed choice still reads as it did
when the citizen picked it. Values are display text built by the same field-level display
functions as the review page and the PDF, except that numbers stay numbers and dates stay
ISO, so that a spreadsheet can sort and sum them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Row
from sqlmodel import col, select

from runtime.catalogue import compiled_for
from runtime.compiler import CompiledVersion
from runtime.db import reading
from runtime.fields import widget_for
from runtime.fields.base import CellText, Display, DisplayContext
from runtime.i18n import N_, gettext
from runtime.models import ProcedureVersion
from runtime.submission_filter import SubmissionFilter, submissions_in_batches
from runtime.text import localize

# A cell: text, a number, the moment of receipt (local time), or empty.
Cell = str | int | float | dt.datetime | None

METADATA = (
    ("reference", N_("Reference")),
    ("received_at", N_("Received at")),
    ("status", N_("Status")),
    ("channel", N_("Channel")),
    ("version", N_("Version")),
)
MEMO_SIZE = 20_000


@dataclass(frozen=True)
class Column:
    key: str
    header: str


@dataclass(frozen=True)
class VersionView:
    number: int
    compiled: CompiledVersion
    status_labels: Mapping[str, str]


@dataclass
class Layout:
    """The columns of a procedure's export in one language, and the versions that fill them."""

    columns: list[Column]
    field_keys: list[str]
    versions: dict[int, VersionView]
    lang: str
    zone: dt.tzinfo
    separators: tuple[str, str] = field(default=(": ", "; "))
    # Answers to choice questions repeat from one submission to the next: each distinct
    # (version, question, answer) is turned into text once. Bounded, so memory stays flat.
    _memo: dict[tuple[int, str, Any], Cell] = field(default_factory=dict)

    def cells(self, row: Row[Any]) -> list[Cell]:
        view = self.versions.get(row.version_id)
        received = row.created_at.astimezone(self.zone).replace(tzinfo=None)
        status = view.status_labels.get(row.state, row.state) if view else row.state
        cells: list[Cell] = [
            row.reference,
            received,
            status,
            row.channel,
            view.number if view else None,
        ]
        answers = row.answers if isinstance(row.answers, dict) else {}
        ctx = DisplayContext(self.lang, view.compiled.lang if view else self.lang)
        for key in self.field_keys:
            spec = view.compiled.fields.get(key) if view else None
            value = answers.get(key)
            if spec is None or value is None:
                cells.append(None)
            elif type(value) is str and spec.widget.answer_is_its_text:
                cells.append(value)  # free text: shown as typed
            else:
                cells.append(self.memoised(row.version_id, key, spec.element, spec.prop, value, ctx))
        return cells

    def memoised(
        self,
        version_id: int,
        key: str,
        element: Mapping[str, Any],
        prop: Mapping[str, Any],
        value: Any,
        ctx: DisplayContext,
    ) -> Cell:
        memo_key = (version_id, key, frozen(value))
        cell = self._memo.get(memo_key)
        if cell is None:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            cell = self._memo[memo_key] = self.answer_cell(element, prop, value, ctx)
        return cell

    def record(self, row: Row[Any]) -> dict[str, Any]:
        """One submission for the JSON export: metadata and the answers exactly as stored."""
        view = self.versions.get(row.version_id)
        return {
            "reference": row.reference,
            "received_at": row.created_at.astimezone(self.zone).isoformat(),
            "status": row.state,
            "status_label": view.status_labels.get(row.state, row.state) if view else row.state,
            "channel": row.channel,
            "version": view.number if view else None,
            "lang": row.lang,
            "answers": row.answers,
        }

    def answer_cell(
        self, element: Mapping[str, Any], prop: Mapping[str, Any], value: Any, ctx: DisplayContext
    ) -> Cell:
        """The answer as its widget exports it: a number stays a number, anything else is text."""
        widget = widget_for(element.get("widget", ""))
        if widget is None:
            return json.dumps(value, ensure_ascii=False)
        try:
            exported = widget.export_value(element, prop, value, ctx, self.nested_cell(ctx))
            return exported if isinstance(exported, (int, float)) else self.text(exported)
        except (AttributeError, KeyError, TypeError, ValueError):
            # An answer older code stored in another shape: shown as data rather than lost.
            return json.dumps(value, ensure_ascii=False)

    def nested_cell(self, ctx: DisplayContext) -> CellText:
        """A group item's answer, as the text of the group's cell holds it."""
        return lambda element, prop, value: self.plain(self.answer_cell(element, prop, value, ctx))

    def text(self, display: Display) -> str:
        """Nested display rows on one line; parentheses keep a group item's answers together."""
        if isinstance(display, str):
            return display
        colon, semicolon = self.separators
        parts = []
        for label, shown in display:
            parts.append(
                f"{label}{colon}{shown}" if isinstance(shown, str) else f"{label} ({self.text(shown)})"
            )
        return semicolon.join(parts)

    def plain(self, cell: Cell) -> str:
        if isinstance(cell, float) and self.lang == "fr":
            return str(cell).replace(".", ",")
        return "" if cell is None else str(cell)


def frozen(value: Any) -> Any:
    """A JSON value as a dictionary key (cheaper than serialising it)."""
    if isinstance(value, list):
        return tuple(frozen(item) for item in value)
    if isinstance(value, dict):
        return ("{}", *sorted((name, frozen(item)) for name, item in value.items()))
    return value


def published_versions(engine: Engine, procedure_id: int) -> list[ProcedureVersion]:
    """Every version a submission can point at, oldest first."""
    with reading(engine) as session:
        return list(
            session.exec(
                select(ProcedureVersion)
                .where(
                    col(ProcedureVersion.procedure_id) == procedure_id,
                    col(ProcedureVersion.published_at).is_not(None),
                )
                .order_by(col(ProcedureVersion.number))
            )
        )


def status_labels(compiled: CompiledVersion, lang: str) -> dict[str, str]:
    """Each status's label, in the order a submission meets them: the initial status, then
    as the transitions reach them (a list, so the same order wherever the definition is kept)."""
    workflow = compiled.definition.get("workflow") or {}
    states = workflow.get("states") or {}
    met = [
        workflow.get("initial"),
        *(
            name
            for transition in workflow.get("transitions") or []
            for name in (transition.get("from"), transition.get("to"))
        ),
    ]
    order = [*dict.fromkeys(name for name in met if name in states), *sorted(states)]
    return {
        name: localize(states[name].get("label"), lang, compiled.lang) or name
        for name in dict.fromkeys(order)
    }


def layout(versions: list[ProcedureVersion], lang: str, zone: dt.tzinfo, header: str = "labels") -> Layout:
    """The export's columns for `versions` (oldest first), headed by labels or by keys."""
    views = {
        version.id: VersionView(
            version.number, compiled_for(version), status_labels(compiled_for(version), lang)
        )
        for version in versions
        if version.id is not None
    }
    keys: list[str] = []
    labels: dict[str, str] = {}
    for view in sorted(views.values(), key=lambda v: -v.number):  # newest first: its labels win
        for name, spec in view.compiled.fields.items():
            if name not in labels:
                keys.append(name)
                labels[name] = localize(spec.element.get("label"), lang, view.compiled.lang) or name
    metadata = [Column(key, gettext(lang, text)) for key, text in METADATA]
    fields = [Column(key, labels[key]) for key in keys]
    if header == "keys":
        columns = [Column(column.key, column.key) for column in metadata + fields]
    else:
        columns = metadata + unique_headers(fields, {column.header for column in metadata})
    separators = ("\u00a0: ", " ; ") if lang == "fr" else (": ", "; ")
    return Layout(columns, keys, views, lang, zone, separators)


def unique_headers(columns: list[Column], taken: set[str]) -> list[Column]:
    """Labels as headers; a label two fields share (a renamed key) gets its key added."""
    seen: dict[str, int] = {}
    for column in columns:
        seen[column.header] = seen.get(column.header, 0) + 1
    return [
        Column(
            c.key,
            f"{c.header} ({c.key})" if seen[c.header] > 1 or c.header in taken or not c.header else c.header,
        )
        for c in columns
    ]


def rows(engine: Engine, selection: SubmissionFilter, table: Layout) -> Iterator[list[Cell]]:
    """One list of cells per selected submission, read from the database in batches."""
    for batch in submissions_in_batches(engine, selection):
        for row in batch:
            yield table.cells(row)


def records(engine: Engine, selection: SubmissionFilter, table: Layout) -> Iterator[dict[str, Any]]:
    for batch in submissions_in_batches(engine, selection):
        for row in batch:
            yield table.record(row)
