"""File formats of an export, each a generator of byte chunks fed by a generator of rows.

Nothing holds the whole table: CSV and JSON are written as rows arrive, XLSX row by row into
a temporary file (xlsxwriter's constant-memory mode) that is then sent in chunks. Text that
a spreadsheet would run as a formula (= + - @, tab, carriage return first) gets a leading
quote, in CSV and in XLSX, where text is also always written as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from runtime.reports.exports import Cell

CHUNK_BYTES = 64 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CELL = 32_767


class ExcelFrench(csv.Dialect):
    """What a French-language spreadsheet opens as columns: semicolons (the comma is the
    decimal separator there), CRLF, and a byte-order mark so UTF-8 is recognised."""

    delimiter = ";"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


class Rfc4180(csv.Dialect):
    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


DIALECTS: dict[str, type[csv.Dialect]] = {"excel-fr": ExcelFrench, "rfc4180": Rfc4180}


def neutralised(text: str) -> str:
    """Text a spreadsheet shows as typed, never evaluates (CWE-1236)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(cell: Cell, decimal_comma: bool) -> str:
    if type(cell) is str:  # the usual case first
        return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return str(cell).lower()
    if isinstance(cell, (int, float)):
        text = repr(cell) if isinstance(cell, float) else str(cell)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(cell, dt.datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    return neutralised(str(cell))


def csv_chunks(header: list[str], rows: Iterable[list[Cell]], dialect: str = "excel-fr") -> Iterator[bytes]:
    french = dialect == "excel-fr"
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=DIALECTS[dialect])
    if french:
        buffer.write("\ufeff")
    writer.writerow([neutralised(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(cell, french) for cell in row])
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_chunks(header: list[str], rows: Iterable[list[Cell]], sheet: str = "Export") -> Iterator[bytes]:
    """An XLSX workbook, one sheet; written to a private temporary file, then sent in chunks.

    The file is unlinked as soon as it is complete: only the open descriptor holds it, so an
    interrupted download leaves nothing on disk.
    """
    import xlsxwriter

    handle, path = tempfile.mkstemp(prefix="parvis-export-", suffix=".xlsx")
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(
            path,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        bold = workbook.add_format({"bold": True})
        moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        worksheet = workbook.add_worksheet(sheet_name(sheet))
        worksheet.freeze_panes(1, 0)
        worksheet.set_column(0, 0, 18)
        worksheet.set_column(1, 1, 20)
        worksheet.set_column(2, max(2, len(header) - 1), 24)
        for index, name in enumerate(header):
            worksheet.write_string(0, index, neutralised(name)[:XLSX_MAX_CELL], bold)
        for number, row in enumerate(rows, 1):
            for index, cell in enumerate(row):
                if cell is None:
                    continue
                if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                    worksheet.write_number(number, index, cell)
                elif isinstance(cell, dt.datetime):
                    worksheet.write_datetime(number, index, cell, moment)
                else:
                    worksheet.write_string(number, index, neutralised(str(cell))[:XLSX_MAX_CELL])
        workbook.close()
        stream = open(path, "rb")  # noqa: SIM115 -- closed by the loop below
    finally:
        os.unlink(path)
    with stream:
        while chunk := stream.read(CHUNK_BYTES):
            yield chunk


def sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("-" if char in "[]:*?/\\" else char for char in name).strip("'")
    return cleaned[:31] or "Export"


def json_chunks(records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """A JSON array written as records arrive, one object per line."""
    buffer = io.StringIO()
    buffer.write("[")
    first = True
    for record in records:
        buffer.write("\n" if first else ",\n")
        first = False
        buffer.write(json.dumps(record, ensure_ascii=False, default=str))
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    buffer.write("\n]\n")
    yield buffer.getvalue().encode("utf-8")
