"""Reading an XLSForm's columns: plain cells, multilingual texts (`label::Français (fr)`),
the choice lists and the settings. Cells of the wrong kind are reported at their place."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from designer.imports.xlsform_workbook import Row, Sheet, cell_text, kind_of
from runtime.fields.base import Problem
from runtime.i18n import N_

MAX_TEXT = 2000
LANGUAGE_NAMES = {
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "english": "en",
    "anglais": "en",
    "german": "de",
    "deutsch": "de",
    "spanish": "es",
    "español": "es",
    "italian": "it",
    "italiano": "it",
    "portuguese": "pt",
    "dutch": "nl",
    "arabic": "ar",
}
_CODE = re.compile(r"\(\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)?\s*\)\s*$")
_BARE_CODE = re.compile(r"^([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)?$")


class RowSkipped(Exception):
    """The row cannot be imported; the problem says why, at its cell."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.message)


def at_row(ref: str, row: Row, template: str, /, **params: Any) -> Problem:
    """A problem of a row, said as the spreadsheet shows it: "row 12: ..."."""
    return Problem.of(
        ref, N_("row %(row)s: %(problem)s"), row=row.number, problem=Problem.of("", template, **params)
    )


def language_code(name: str) -> str | None:
    """`Français (fr)`, `fr`, `fr-FR` or `French` -> "fr"; None when no code can be told."""
    text = name.strip()
    match = _CODE.search(text) or _BARE_CODE.match(text)
    if match:
        return match.group(1).lower()
    return LANGUAGE_NAMES.get(text.lower())


def base_name(header: str) -> str:
    """The column a header is, whatever its language: `Label::English (en)` -> "label"."""
    return header.split("::", 1)[0].strip().lower().replace(" ", "_")


@dataclass
class Columns:
    """One sheet's columns as XLSForm reads them, and the problems found in its cells."""

    sheet: Sheet
    lang: str
    report: list[Problem]
    languages: dict[str, str | None] = field(default_factory=dict)  # header -> language

    def __post_init__(self) -> None:
        for header in self.sheet.headers:
            if "::" not in header or header in self.languages:
                continue
            code = language_code(header.split("::", 1)[1])
            self.languages[header] = code
            if code is None:
                column = header.split("::", 1)[0]
                self.report.append(
                    Problem.of(
                        f"{self.sheet.name}!{self.sheet.letters[header]}1",
                        N_(
                            "the column %(header)s names no language code; write it as "
                            "%(column)s::Name (xx); the column was not read"
                        ),
                        header=repr(header),
                        column=column,
                    )
                )

    def note(self, row: Row, column: str, template: str, /, **params: Any) -> None:
        """Report something about a row, at its cell in `column`."""
        self.report.append(at_row(self.ref(row, column), row, template, **params))

    def skip(self, row: Row, column: str, template: str, /, **params: Any) -> RowSkipped:
        return RowSkipped(at_row(self.ref(row, column), row, template, **params))

    def headers_of(self, base: str) -> list[str]:
        return [h for h in self.sheet.letters if base_name(h) == base]

    def ref(self, row: Row, base: str) -> str:
        """The cell of `row` in the column `base` (its first column when translated)."""
        headers = [base] if base in self.sheet.letters else self.headers_of(base)
        return row.ref(headers[0] if headers else "")

    def plain(self, row: Row, base: str, needed: bool = False) -> str | None:
        """The text of a one-language column; a cell of another kind is reported (and the
        row skipped when the column is `needed`)."""
        for header in self.headers_of(base):
            if "::" in header or header not in row.values:
                continue
            value = row.values[header]
            text = cell_text(value)
            if text is None:
                template = (
                    N_("the %(column)s cell holds %(kind)s where text is expected; the row was not imported")
                    if needed
                    else N_("the %(column)s cell holds %(kind)s where text is expected; ignored")
                )
                problem = at_row(row.ref(header), row, template, column=base, kind=kind_of(value))
                if needed:
                    raise RowSkipped(problem)
                self.report.append(problem)
                return None
            return text or None
        return None

    def raw(self, row: Row, base: str) -> Any:
        for header in self.headers_of(base):
            if "::" not in header and header in row.values:
                return row.values[header]
        return None

    def texts(self, row: Row, base: str) -> dict[str, str]:
        """A `{lang: text}` map from the plain column (the default language) and the `::` ones."""
        found: dict[str, str] = {}
        for header in self.headers_of(base):
            code = self.languages.get(header) if "::" in header else self.lang
            if code is None or header not in row.values or code in found:
                continue
            value = row.values[header]
            text = cell_text(value)
            if text is None:
                self.note(
                    row,
                    header,
                    N_("the %(column)s cell holds %(kind)s where text is expected; ignored"),
                    column=header,
                    kind=kind_of(value),
                )
                continue
            if len(text) > MAX_TEXT:
                self.note(
                    row,
                    header,
                    N_("the text is longer than %(limit)s characters; it was cut"),
                    limit=MAX_TEXT,
                )
                text = text[:MAX_TEXT]
            if text:
                found[code] = text
        return found

    def in_lang(self, row: Row, base: str, texts: dict[str, str], fallback: str | None) -> dict[str, str]:
        """`texts` with a text in the form's language: another language's, or `fallback`."""
        if not texts or self.lang in texts:
            return texts if texts or fallback is None else {self.lang: fallback}
        other, text = next(iter(texts.items()))
        self.note(
            row,
            base,
            N_("no %(column)s in %(lang)s; the %(other)s text is used"),
            column=base,
            lang=repr(self.lang),
            other=repr(other),
        )
        return {self.lang: text, **texts}


def form_language(survey: Sheet, settings: Mapping[str, str], fallback: str, report: list[Problem]) -> str:
    """The definition's language: `default_language` if set, else the plain label's (the
    organisation's), else the first language of the label columns."""
    setting = settings.get("default_language")
    if setting:
        code = language_code(setting)
        if code:
            return code
        report.append(
            Problem.of(
                "settings",
                N_(
                    "default_language %(setting)s names no language code; "
                    "write it as Name (xx); %(fallback)s is used"
                ),
                setting=repr(setting),
                fallback=repr(fallback),
            )
        )
    codes = [
        language_code(header.split("::", 1)[1])
        for header in survey.headers
        if base_name(header) == "label" and "::" in header
    ]
    plain = any(base_name(h) == "label" and "::" not in h for h in survey.headers)
    known = [code for code in codes if code]
    return fallback if plain or fallback in known or not known else known[0]


def read_settings(sheet: Sheet | None, report: list[Problem]) -> dict[str, str]:
    """The settings row: form_title, form_id, default_language; others reported as unused."""
    if sheet is None or not sheet.rows:
        return {}
    row = sheet.rows[0]
    found = {}
    for header, value in row.values.items():
        key = base_name(header)
        text = cell_text(value)
        if text is None:
            report.append(
                Problem.of(
                    row.ref(header),
                    N_("the setting %(header)s holds %(kind)s where text is expected; ignored"),
                    header=repr(header),
                    kind=kind_of(value),
                )
            )
        elif key in ("form_title", "form_id", "default_language"):
            found[key] = text[:200]
        elif key != "version":  # a file revision: Parvis numbers its own versions
            report.append(
                Problem.of(
                    row.ref(header),
                    N_("the setting %(header)s is not used by Parvis; ignored"),
                    header=repr(header),
                )
            )
    return found


@dataclass
class ChoiceList:
    row: int
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # value -> text, in order


def read_choices(sheet: Sheet | None, lang: str, report: list[Problem]) -> dict[str, ChoiceList]:
    if sheet is None:
        return {}
    columns = Columns(sheet, lang, report)
    lists: dict[str, ChoiceList] = {}
    for row in sheet.rows:
        try:
            list_name = columns.plain(row, "list_name", needed=True)
            value = columns.plain(row, "name", needed=True)
        except RowSkipped as skipped:
            report.append(skipped.problem)
            continue
        if not list_name or not value:
            if list_name or value:
                missing = "name" if list_name else "list_name"
                columns.note(
                    row, missing, N_("the choice has no %(column)s; it was not imported"), column=missing
                )
            continue
        choices = lists.setdefault(list_name, ChoiceList(row.number))
        if value in choices.labels:
            columns.note(
                row,
                "name",
                N_("the list %(list)s already has the choice %(value)s; this one was not imported"),
                list=repr(list_name),
                value=repr(value),
            )
            continue
        texts = columns.texts(row, "label")
        if not texts:
            columns.note(
                row, "name", N_("the choice %(value)s has no label; its name is shown"), value=repr(value)
            )
        choices.labels[value] = columns.in_lang(row, "label", texts, value)
    return lists
