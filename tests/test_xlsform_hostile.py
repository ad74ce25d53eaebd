"""Hostile spreadsheets given to the XLSForm import: refused with a clear message, nothing
kept, and formulas never evaluated."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx
import pytest

from designer.imports.xlsform import from_xlsform
from runtime.definition import DefinitionError
from tests.test_procedures import signed_in
from tests.test_xlsform import import_spreadsheet, remarks, workbook

pytestmark = pytest.mark.anyio


def bomb() -> bytes:
    """A small archive that would unpack to 30 MB: an .xlsx's parts, and a part full of zeros."""
    buffer = io.BytesIO()
    real_content = workbook([["type", "name", "label"], ["text", "a", "A"]])
    with (
        zipfile.ZipFile(io.BytesIO(real_content)) as real,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for part in real.infolist():
            archive.writestr(part, real.read(part))
        with archive.open("xl/media/zeros.bin", "w") as zeros:
            for _ in range(30):
                zeros.write(bytes(1_000_000))
    return buffer.getvalue()


def with_part(content: bytes, name: str, change: Any) -> bytes:
    """The same .xlsx with one part rewritten."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as real,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for part in real.infolist():
            data = real.read(part)
            out.writestr(part, change(data) if part.filename == name else data)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "bonjour")
    return buffer.getvalue()


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;">]>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"&lol2;</workbook>"
)


SIMPLE = workbook(
    [
        ["type", "name", "label", "relevant"],
        ["text", "a", "A"],
        ["text", "b", '=CONCATENATE("B", "!")', "=A1"],
    ]
)


HOSTILE = [
    ("not a zip", b"PK\x03\x04 this is not an archive at all", "not a readable Excel workbook"),
    ("a zip of something else", plain_zip(), "ZIP archive but not an Excel workbook"),
    ("an old .xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Excel 97-2003 (.xls)"),
    ("too large", b"PK\x03\x04" + bytes(2_100_000), "larger than 2000000 bytes"),
    ("a zip bomb", bomb(), "unpacks to"),
    ("entities", with_part(SIMPLE, "xl/workbook.xml", lambda data: LAUGHS), "declares a document type"),
    ("formulas", SIMPLE, "survey!C3"),
    (
        "too many rows",
        workbook([["type", "name", "label"]] + [["text", f"q{i}", "Q"] for i in range(2001)]),
        "more than 2000 rows",
    ),
    (
        "no survey sheet",
        workbook([["type", "name"], ["text", "a"]], title="Questions"),
        'no sheet named "survey"',
    ),
    ("no type column", workbook([["kind", "name"], ["text", "a"]]), 'no "type" column'),
    (
        "nothing importable",
        workbook([["type", "name"], ["calculate", "x"], ["start", "debut"]]),
        "no question of the survey sheet could be imported",
    ),
]


async def test_hostile_spreadsheets_are_refused_with_a_clear_message(
    app: Any, client: httpx.AsyncClient
) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    client.headers["accept-language"] = "en"  # the remarks are compared with their English words
    for what, content, words in HOSTILE:
        refused = await import_spreadsheet(client, content)
        assert refused.status_code == 422, what
        problems = remarks(refused)
        assert any(words in problem for problem in problems), (what, problems)
    formulas = remarks(await import_spreadsheet(client, SIMPLE))
    assert any("survey!C3" in p and "row 3, column C" in p and "CONCATENATE" in p for p in formulas)
    assert any("survey!D3" in p and "=A1" in p for p in formulas)
    # The name says spreadsheet, the bytes say JSON: the bytes decide.
    assert (await import_spreadsheet(client, b"{not json", "form.xlsx")).status_code == 422
    staff = await client.get("/staff")
    assert "version 1" in staff.text
    assert "/p/demarche-importee/" not in staff.text  # nothing was kept


def test_formulas_are_never_evaluated_even_with_a_cached_value() -> None:
    content = with_part(
        SIMPLE, "xl/worksheets/sheet1.xml", lambda data: data.replace(b"</f>", b"</f><v>ignored</v>")
    )
    with pytest.raises(DefinitionError) as refused:
        from_xlsform(content, "fr")
    assert {problem.path for problem in refused.value.problems} == {"survey!C3", "survey!D3"}
