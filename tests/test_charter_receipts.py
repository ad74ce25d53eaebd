"""Receipts and an edited charter: new receipts take the new charter, issued ones stay as
they were, and the base theme's template overrides and files stay in use."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from tests.conftest import complete
from tests.example_answers import EXAMPLES
from tests.test_charter_editor import REPORT, edit, errors, png
from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parent.parent


async def test_new_receipts_use_the_new_charter_and_issued_ones_stay(
    app: Any, client: httpx.AsyncClient
) -> None:
    before = await complete(client, REPORT, EXAMPLES[REPORT])
    before_link = BeautifulSoup(before.text, "html.parser").find("a", href=re.compile(r"receipt\.pdf$"))[
        "href"
    ]
    issued = await client.get(before_link)
    assert issued.status_code == 200

    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    saved = await edit(
        client, {"color-primary": "#123456"}, logo=("logo.png", png(37, 23, "#123456"), "image/png")
    )
    assert saved.status_code == 303, errors(saved.text)

    after = await complete(client, REPORT, EXAMPLES[REPORT])
    link = BeautifulSoup(after.text, "html.parser").find("a", href=re.compile(r"receipt\.pdf$"))["href"]
    receipt = await client.get(link)
    assert receipt.status_code == 200 and receipt.headers["content-type"] == "application/pdf"
    sizes = [
        (image.image.width, image.image.height)
        for page in PdfReader(io.BytesIO(receipt.content)).pages
        for image in page.images
    ]
    assert (37, 23) in sizes  # the new logo, fetched from the edited charter's folder
    assert (await client.get(before_link)).content == issued.content
    assert all(
        (image.image.width, image.image.height) != (37, 23)
        for page in PdfReader(io.BytesIO(issued.content)).pages
        for image in page.images
    )


async def test_receipts_in_an_edited_charter_keep_the_base_themes_overrides_and_files(
    tmp_path: Path, backend: str
) -> None:
    from app import create_app
    from tests.conftest import make_settings

    themes = tmp_path / "themes"
    shutil.copytree(ROOT / "themes", themes)
    (themes / "beaulac" / "stamp.png").write_bytes(png(41, 19, "#b3261e"))
    # The letterhead of the receipts (and of every issued PDF), overridden by the base theme.
    letterhead = (ROOT / "runtime" / "templates" / "_letterhead_pdf.html").read_text(encoding="utf-8")
    (themes / "beaulac" / "templates" / "_letterhead_pdf.html").write_text(
        letterhead.replace("{% if charter.logo %}", '<img src="stamp.png" alt="">{% if charter.logo %}', 1)
    )
    application = create_app(make_settings(backend, tmp_path / "data", themes_dir=themes))
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://testserver"
        ) as http:
            await signed_in(application, http, "maire@beaulac.example", {"beaulac": "administrator"})
            saved = await edit(
                http, {"color-primary": "#123456"}, logo=("logo.png", png(37, 23), "image/png")
            )
            assert saved.status_code == 303, errors(saved.text)
            page = await complete(http, REPORT, EXAMPLES[REPORT])
            link = BeautifulSoup(page.text, "html.parser").find("a", href=re.compile(r"receipt\.pdf$"))[
                "href"
            ]
            pdf = await http.get(link)
    finally:
        application.state.site.engine.dispose()
    sizes = {
        (image.image.width, image.image.height)
        for page in PdfReader(io.BytesIO(pdf.content)).pages
        for image in page.images
    }
    # The base theme's override, and its file found in the base folder; the edited charter's logo.
    assert {(41, 19), (37, 23)} <= sizes
