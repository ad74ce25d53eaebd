"""Reading an uploaded .xlsx safely: its sheets as rows of plain values, never a formula.

The file comes from outside, so it is checked as a ZIP archive before the spreadsheet
library sees it: how much it unpacks to, how many parts it has, no XML document type
declaration (entity tricks). Formulas are refused, never evaluated: the values an XLSForm
holds are typed by people, and a formula's cached result is whatever the last program to
save the file wrote there.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from runtime.definition import MAX_BYTES, DefinitionError
from runtime.fields.base import Problem
from runtime.i18n import N_

MAX_UNPACKED_BYTES = 20_000_000
MAX_PARTS = 500
MAX_ROWS = 2000
MAX_COLUMNS = 60
MAX_LISTED = 20
READ_SHEETS = ("survey", "choices", "settings")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Row:
    """One line of a sheet: its number as the spreadsheet shows it, and its non-empty cells."""

    sheet: str
    number: int
    values: Mapping[str, Any]  # header -> value
    letters: Mapping[str, str]  # header -> column letter, shared by the sheet's rows

    def ref(self, header: str) -> str:
        """Where a cell is, as a spreadsheet's name box takes it: survey!C12."""
        return f"{self.sheet}!{self.letters.get(header, 'A')}{self.number}"


@dataclass(frozen=True)
class Sheet:
    name: str
    headers: tuple[str, ...]
    letters: Mapping[str, str]
    rows: tuple[Row, ...]


def looks_like_workbook(raw: bytes) -> bool:
    """A ZIP archive (an .xlsx, or something pretending) or an old binary Office file."""
    return raw[:4] in (b"PK\x03\x04", b"PK\x05\x06") or raw[:8] == _OLE2


def read_workbook(raw: bytes) -> dict[str, Sheet]:
    """The survey, choices and settings sheets (by lower-case name), or DefinitionError."""
    if raw[:8] == _OLE2:
        raise _refused(
            N_(
                "this is an Excel 97-2003 (.xls) file or a password-protected workbook; "
                "save it as an Excel workbook (.xlsx) without a password"
            )
        )
    if len(raw) > MAX_BYTES:
        raise _refused(N_("the file is larger than %(limit)s bytes"), limit=MAX_BYTES)
    _check_archive(raw)
    import openpyxl  # only staff importing a spreadsheet pay for it

    try:
        with warnings.catch_warnings():
            # Unsupported extensions (data validation, conditional formats) only warn.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
            try:
                sheets: dict[str, Sheet] = {}
                formulas: list[Problem] = []
                for worksheet in book.worksheets:
                    name = str(worksheet.title).strip().lower()
                    if name in READ_SHEETS and name not in sheets:
                        sheets[name], found = _read_sheet(name, worksheet)
                        formulas.extend(found)
            finally:
                book.close()
    except DefinitionError:
        raise
    except Exception as error:  # noqa: BLE001 - a hostile file may break the parser anywhere
        raise _refused(
            N_(
                "the spreadsheet cannot be read (%(error)s); "
                "open it and save it again as an Excel workbook (.xlsx)"
            ),
            error=type(error).__name__,
        ) from None
    if formulas:
        shown = formulas[:MAX_LISTED]
        if len(formulas) > MAX_LISTED:
            shown.append(Problem.of("", N_("and %(num)s more formulas"), num=len(formulas) - MAX_LISTED))
        raise DefinitionError(shown)
    return sheets


def _refused(template: str, **params: Any) -> DefinitionError:
    return DefinitionError([Problem.of("", template, **params)])


def _check_archive(raw: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refused(N_("the file is not a readable Excel workbook (.xlsx)")) from None
    with archive:
        parts = archive.infolist()
        names = {part.filename for part in parts}
        if "xl/workbook.xml" not in names:
            if "mimetype" in names:
                raise _refused(
                    N_(
                        "the file is a ZIP archive but not an Excel workbook (.xlsx) (an "
                        "OpenDocument spreadsheet: save it as .xlsx)"
                    )
                )
            raise _refused(N_("the file is a ZIP archive but not an Excel workbook (.xlsx)"))
        if len(parts) > MAX_PARTS:
            raise _refused(
                N_("the workbook has %(num)s parts; at most %(limit)s are accepted"),
                num=len(parts),
                limit=MAX_PARTS,
            )
        unpacked = sum(part.file_size for part in parts)
        if unpacked > MAX_UNPACKED_BYTES:
            raise _refused(
                N_("the workbook unpacks to %(size)s bytes; at most %(limit)s are accepted"),
                size=unpacked,
                limit=MAX_UNPACKED_BYTES,
            )
        for part in parts:
            if part.flag_bits & 0x1:
                raise _refused(N_("the workbook is encrypted; save it without a password"))
            try:
                # Reading is bounded by the declared sizes just checked, and checks the CRC.
                data = archive.read(part)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError):
                raise _refused(
                    N_("the part %(part)s of the workbook is damaged"), part=repr(part.filename)
                ) from None
            # Any part: the relationships, not the name, say which parts are XML.
            if b"<!doctype" in data.lower():
                raise _refused(
                    N_(
                        "the part %(part)s declares a document type, which a spreadsheet "
                        "never needs; it was not read"
                    ),
                    part=repr(part.filename),
                )


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_sheet(name: str, worksheet: Any) -> tuple[Sheet, list[Problem]]:
    """The sheet's rows by header, and a problem for every formula found in it."""
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    formulas: list[Problem] = []

    def formula(cell: Any, letter: str, number: int) -> bool:
        value = cell.value
        kinds = (ArrayFormula, DataTableFormula)
        if getattr(cell, "data_type", None) != "f" and not isinstance(value, kinds):
            return False
        text = str(value.text if isinstance(value, ArrayFormula) else value)
        shown = text if len(text) <= 60 else text[:57] + "…"
        formulas.append(
            Problem.of(
                f"{name}!{letter}{number}",
                N_(
                    "row %(row)s, column %(column)s holds a formula (%(formula)s); "
                    "formulas are not evaluated: type the value itself"
                ),
                row=number,
                column=letter,
                formula=shown,
            )
        )
        return True

    rows = worksheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS)
    headers: list[str] = []
    letters: dict[str, str] = {}
    for index, cell in enumerate(next(rows, ()), 1):
        value = getattr(cell, "value", None)
        is_text = isinstance(value, str) and not formula(cell, column_letter(index), 1)
        text = cast(str, value).strip() if is_text else ""
        headers.append(text)
        if text and text not in letters:  # a repeated header: its first column is the one read
            letters[text] = column_letter(index)
    found: list[Row] = []
    for number, cells in enumerate(rows, 2):
        values: dict[str, Any] = {}
        formulas_before = len(formulas)
        for index, cell in enumerate(cells, 1):
            value = getattr(cell, "value", None)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            letter = column_letter(index)
            if formula(cell, letter, number):
                continue
            header = headers[index - 1] if index <= len(headers) else ""
            if header and letters.get(header) == letter:
                values[header] = value
        if number > MAX_ROWS and (values or len(formulas) > formulas_before):
            raise _refused(
                N_("the sheet %(sheet)s has more than %(limit)s rows; at most %(limit)s are read"),
                sheet=repr(name),
                limit=MAX_ROWS,
            )
        if values:
            found.append(Row(name, number, values, letters))
    return Sheet(name, tuple(headers), letters, tuple(found)), formulas


def cell_text(value: Any) -> str | None:
    """A cell read as text: numbers as typed (3, not 3.0); None for dates, booleans, errors."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def kind_of(value: Any) -> Problem:
    """What a cell holds, in words, for a message saying it is not what was expected."""
    if isinstance(value, bool):
        return Problem.of("", N_("a TRUE/FALSE value"))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return Problem.of("", N_("a date or time"))
    if isinstance(value, dt.timedelta):
        return Problem.of("", N_("a duration"))
    if isinstance(value, (int, float)):
        return Problem.of("", N_("a number"))
    return Problem.of("", N_("a value of another kind"))
