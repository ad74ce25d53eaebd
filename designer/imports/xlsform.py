"""Importing an XLSForm (the ODK / KoboToolbox spreadsheet format) as a procedure.

The subset Parvis carries: text, integer, decimal, select_one, select_multiple, date,
dateTime, note, image, file and acknowledge questions, groups (a top-level group is a page)
and repeats (a repeatable group), with labels and hints in several languages, `required`,
a `relevant` condition and a `constraint` of the forms `xlsform_expressions` understands.
Every row that cannot be carried over is reported at its cell (survey!A12, as the
spreadsheet shows it) and the rest still imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from designer.editor.operations import default_workflow
from designer.imports.json_schema import slugify
from designer.imports.xlsform_expressions import Question, Unsupported, relevant_condition
from designer.imports.xlsform_questions import (
    field_name,
    messages_of,
    question_type,
    required_of,
    unsupported_columns,
    widget_of,
)
from designer.imports.xlsform_sheets import (
    ChoiceList,
    Columns,
    RowSkipped,
    base_name,
    form_language,
    read_choices,
    read_settings,
)
from designer.imports.xlsform_workbook import Row, read_workbook
from runtime.definition import DefinitionError
from runtime.fields.base import Problem
from runtime.i18n import N_

MAX_PAGE_ELEMENTS = 200
MAX_REPEAT_ELEMENTS = 50
STRUCTURE = ("begin_group", "end_group", "begin_repeat", "end_repeat")


def from_xlsform(
    raw: bytes, lang: str, fallback_title: str = "Démarche importée"
) -> tuple[dict[str, Any], list[Problem]]:
    """A definition from an .xlsx XLSForm, and what could not be carried over; a file that
    cannot be read at all (or holds formulas) raises DefinitionError."""
    sheets = read_workbook(raw)
    survey = sheets.get("survey")
    if survey is None:
        raise DefinitionError(
            [
                Problem.of(
                    "", N_('the workbook has no sheet named "survey", where an XLSForm lists its questions')
                )
            ]
        )
    if not any(base_name(header) == "type" for header in survey.headers):
        raise DefinitionError(
            [Problem.of("survey!1", N_('the first row of the survey sheet has no "type" column'))]
        )
    report: list[Problem] = []
    settings = read_settings(sheets.get("settings"), report)
    lang = form_language(survey, settings, lang, report)
    choices = read_choices(sheets.get("choices"), lang, report)
    form = _Form(Columns(survey, lang, report), choices)
    for row in survey.rows:
        form.add(row)
    form.finish()
    if not form.properties:
        raise DefinitionError(
            [*report, Problem.of("survey", N_("no question of the survey sheet could be imported"))]
        )
    title = settings.get("form_title") or fallback_title
    definition = {
        "id": slugify(settings.get("form_id") or title),
        "kind": "procedure",
        "lang": lang,
        "title": {lang: title},
        "schema": {"type": "object", "properties": form.properties},
        "ui": {"pages": [page for page in form.pages if page["elements"]]},
        "workflow": default_workflow("procedure", lang),
        "settings": {"access": "public", "retention_days": 365},
    }
    return definition, report


@dataclass
class _Frame:
    """An open group or repeat, until its end row."""

    kind: str  # "page", "group", "repeat", or "skip" (a repeat not imported)
    row: int
    ref: str  # the cell of its type, for the report
    name: str = ""  # a repeat's XLSForm name
    condition: dict[str, Any] | None = None
    element: dict[str, Any] = field(default_factory=dict)
    prop: dict[str, Any] = field(default_factory=dict)


class _Form:
    """The survey's rows, one after the other, nested into pages, groups and repeats."""

    def __init__(self, columns: Columns, choices: dict[str, ChoiceList]):
        self.columns, self.choices = columns, choices
        self.pages: list[dict[str, Any]] = []
        self.page: dict[str, Any] | None = None
        self.stack: list[_Frame] = []
        self.properties: dict[str, Any] = {}
        self.known: dict[str, Question] = {}  # XLSForm name -> a field a condition may read
        self.inner: set[str] = set()  # XLSForm names of questions inside repeats
        self.used: dict[str, int] = {}  # field name -> its row
        self.rows_of: dict[str, int] = {}  # XLSForm name -> its row, to explain a condition
        for row in columns.sheet.rows:
            name = columns.raw(row, "name")
            if isinstance(name, str):
                self.rows_of.setdefault(name.strip(), row.number)
        self.row = 0

    def add(self, row: Row) -> None:
        self.row = row.number
        try:
            kind, parts = question_type(self.columns, row)
            if kind in STRUCTURE:
                getattr(self, f"_{kind}")(row)
            elif not (self.stack and self.stack[-1].kind == "skip"):
                self._question(row, kind, parts)
        except RowSkipped as skipped:
            self.columns.report.append(skipped.problem)

    def finish(self) -> None:
        while self.stack:
            frame = self.stack.pop()
            template = (
                N_("row %(row)s: begin repeat has no end repeat; it ends with the sheet")
                if frame.kind in ("repeat", "skip")
                else N_("row %(row)s: begin group has no end group; it ends with the sheet")
            )
            self.columns.report.append(Problem.of(frame.ref, template, row=frame.row))
            self._close(frame)

    # -- questions and notes --------------------------------------------------------------
    def _question(self, row: Row, kind: str, parts: list[str]) -> None:
        columns = self.columns
        if kind == "note":
            return self._note(row)
        widget, prop, extra = widget_of(columns, row, kind, parts, self.choices)
        repeat = self._repeat()
        if repeat is not None and len(repeat.element["elements"]) >= MAX_REPEAT_ELEMENTS:
            raise columns.skip(
                row,
                "type",
                N_("a repeat holds at most %(limit)s questions; the row was not imported"),
                limit=MAX_REPEAT_ELEMENTS,
            )
        original, name = field_name(columns, row, self.used)
        label = columns.texts(row, "label")
        if not label:
            columns.note(
                row, "label", N_("the question %(name)s has no label; its name is shown"), name=repr(original)
            )
        element: dict[str, Any] = {
            "field": name,
            "widget": widget,
            "label": columns.in_lang(row, "label", label, original),
            **extra,
        }
        hint = columns.texts(row, "hint")
        if hint:
            element["help"] = columns.in_lang(row, "hint", hint, None)
        required = required_of(columns, row)
        messages = messages_of(columns, row, widget, prop, required)
        if messages:
            element["messages"] = messages
        unsupported_columns(columns, row)
        if repeat is None:
            if required:
                element["required"] = True
            self._place(element, prop, self._relevant(row))
            offered = prop.get("enum") or (prop.get("items") or {}).get("enum") or ()
            self.known[original] = Question(name, widget, tuple(offered))
            return None
        if columns.plain(row, "relevant"):
            columns.note(
                row,
                "relevant",
                N_("conditions inside a repeat are not imported; the question is always shown"),
            )
        items = repeat.prop["items"]
        if required:
            items.setdefault("required", []).append(name)
        items["properties"][name] = prop
        repeat.element["elements"].append(element)
        self.inner.add(original)
        return None

    def _note(self, row: Row) -> None:
        texts = self.columns.texts(row, "label")
        if not texts:
            raise self.columns.skip(row, "label", N_("the note has no label; the row was not imported"))
        if self._repeat() is not None:
            raise self.columns.skip(
                row, "type", N_("notes inside a repeat are not supported; the row was not imported")
            )
        content = self.columns.in_lang(row, "label", texts, None)
        for lang, hint in self.columns.texts(row, "hint").items():
            content[lang] = f"{content.get(lang, '')}\n\n{hint}".strip()
        unsupported_columns(self.columns, row)
        self._place({"content": content}, None, self._relevant(row))

    # -- conditions -----------------------------------------------------------------------
    def _relevant(self, row: Row) -> dict[str, Any] | None:
        expression = self.columns.plain(row, "relevant")
        if not expression:
            return None
        try:
            return relevant_condition(expression, self._resolve)
        except Unsupported as why:
            self.columns.note(
                row,
                "relevant",
                N_("the condition %(expression)s is not imported (%(why)s); it is always shown"),
                expression=repr(expression[:80]),
                why=why.problem,
            )
            return None

    def _resolve(self, original: str) -> Question:
        if original in self.known:
            return self.known[original]
        if original in self.inner:
            raise Unsupported(N_("${%(name)s} is inside a repeat"), name=original)
        row = self.rows_of.get(original)
        if row is None:
            raise Unsupported(N_("there is no question named %(name)s"), name=repr(original))
        if row == self.row:
            raise Unsupported(N_("it depends on the question itself"))
        if row > self.row:
            raise Unsupported(
                N_("${%(name)s} comes later (row %(row)s); a condition may only depend on earlier answers"),
                name=original,
                row=row,
            )
        raise Unsupported(N_("${%(name)s} (row %(row)s) was not imported"), name=original, row=row)

    # -- groups, repeats, pages -----------------------------------------------------------
    def _begin_group(self, row: Row) -> None:
        ref = self.columns.ref(row, "type")
        if self.stack and self.stack[-1].kind == "skip":
            self.stack.append(_Frame("skip", row.number, ref))
            return
        unsupported_columns(self.columns, row)
        label = self.columns.texts(row, "label")
        title = self.columns.in_lang(row, "label", label, None) if label else None
        if self._repeat() is not None:
            if self.columns.plain(row, "relevant"):
                self.columns.note(
                    row,
                    "relevant",
                    N_("conditions inside a repeat are not imported; its questions are always shown"),
                )
            self.stack.append(_Frame("group", row.number, ref))
            return
        condition = self._relevant(row)
        if not self.stack:  # a top-level group is a page
            self.page = {}
            name = (self.columns.plain(row, "name") or "").lower()
            slug = re.sub(r"[^a-z0-9-]+", "-", name).strip("-")[:50]
            if slug and slug not in {page.get("id") for page in self.pages}:
                self.page["id"] = slug
            if title:
                self.page["title"] = title
            if condition:
                self.page["visible_if"] = condition
            self.page["elements"] = []
            self.pages.append(self.page)
            self.stack.append(_Frame("page", row.number, ref))
            return
        self.stack.append(_Frame("group", row.number, ref, condition=condition))
        if title:  # a group inside a page: its questions join the page under its label
            self._place({"content": title}, None, None)

    def _begin_repeat(self, row: Row) -> None:
        ref = self.columns.ref(row, "type")
        if self.stack and self.stack[-1].kind == "skip":
            self.stack.append(_Frame("skip", row.number, ref))
            return
        if self._repeat() is not None:
            self.stack.append(_Frame("skip", row.number, ref))
            raise self.columns.skip(
                row,
                "type",
                N_(
                    "a repeat inside a repeat is not supported; it "
                    "was not imported, nor the questions it holds"
                ),
            )
        try:
            original, name = field_name(self.columns, row, self.used)
        except RowSkipped as skipped:
            self.stack.append(_Frame("skip", row.number, ref))
            raise RowSkipped(
                Problem.of(
                    skipped.problem.path,
                    N_("%(problem)s, nor the questions of the repeat"),
                    problem=skipped.problem,
                )
            ) from None
        unsupported_columns(self.columns, row)
        label = self.columns.in_lang(row, "label", self.columns.texts(row, "label"), original)
        element: dict[str, Any] = {
            "field": name,
            "widget": "group",
            "label": label,
            "item_label": label,
            "elements": [],
        }
        hint = self.columns.texts(row, "hint")
        if hint:
            element["help"] = self.columns.in_lang(row, "hint", hint, None)
        prop: dict[str, Any] = {
            "type": "array",
            "items": {"type": "object", "properties": {}, "additionalProperties": False},
        }
        if required_of(self.columns, row):
            prop["minItems"] = 1
        self.stack.append(_Frame("repeat", row.number, ref, original, self._relevant(row), element, prop))

    def _end_group(self, row: Row) -> None:
        self._end(row, "group")

    def _end_repeat(self, row: Row) -> None:
        self._end(row, "repeat")

    def _end(self, row: Row, expected: str) -> None:
        if not self.stack:
            raise self.columns.skip(
                row,
                "type",
                N_("end repeat without a begin repeat; ignored")
                if expected == "repeat"
                else N_("end group without a begin group; ignored"),
            )
        frame = self.stack[-1]
        if frame.kind != "skip" and (frame.kind == "repeat") != (expected == "repeat"):
            template = (
                N_("end group where end repeat was expected (the repeat begins on row %(other)s); ignored")
                if frame.kind == "repeat"
                else N_(
                    "end repeat where end group was expected (the group begins on row %(other)s); ignored"
                )
            )
            raise self.columns.skip(row, "type", template, other=frame.row)
        self._close(self.stack.pop())

    def _close(self, frame: _Frame) -> None:
        if frame.kind == "page":
            self.page = None  # questions after the group go on a page of their own
        if frame.kind != "repeat":
            return
        if not frame.element["elements"]:
            self.columns.report.append(
                Problem.of(
                    frame.ref,
                    N_(
                        "row %(row)s: the repeat holds no "
                        "question that could be imported; it "
                        "was not imported"
                    ),
                    row=frame.row,
                )
            )
            return
        self._place(frame.element, frame.prop, frame.condition)
        self.known[frame.name] = Question(frame.element["field"], "group")

    def _repeat(self) -> _Frame | None:
        return next((frame for frame in reversed(self.stack) if frame.kind == "repeat"), None)

    def _place(
        self, element: dict[str, Any], prop: dict[str, Any] | None, condition: dict[str, Any] | None
    ) -> None:
        """Put an element on the current page, under the conditions of the groups it is in."""
        parts = [frame.condition for frame in self.stack if frame.kind == "group" and frame.condition]
        parts += [condition] if condition else []
        if parts:
            element["visible_if"] = parts[0] if len(parts) == 1 else {"all": parts}
        if self.page is None or len(self.page["elements"]) >= MAX_PAGE_ELEMENTS:
            follows = self.page or {}  # a page too long goes on under the same title
            self.page = {**{k: follows[k] for k in ("title", "visible_if") if k in follows}, "elements": []}
            self.pages.append(self.page)
        self.page["elements"].append(element)
        if prop is not None:
            self.properties[element["field"]] = prop
