"""Receipts: what the law asks, the answers, a QR code, a fingerprint, JSON inside, made once."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from app import create_app
from runtime.pdfs import pool as render_pool
from runtime.pdfs import receipts
from runtime.pdfs.render import read_attachments
from tests.conftest import WAIT_SECONDS, complete, make_settings
from tests.example_answers import EXAMPLES
from tests.test_render_pool import killed, wait_for

pytestmark = pytest.mark.anyio


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


async def receipt_for(client: httpx.AsyncClient, procedure: str) -> tuple[str, bytes, str]:
    page = await complete(client, procedure, EXAMPLES[procedure])
    soup = BeautifulSoup(page.text, "html.parser")
    reference = soup.select_one(".reference").get_text(strip=True)
    link = soup.find("a", href=re.compile(r"receipt\.pdf$"))["href"]
    pdf = await client.get(link)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    return reference, pdf.content, link


async def test_the_receipt_says_what_the_law_asks(client: httpx.AsyncClient) -> None:
    reference, content, _ = await receipt_for(client, "beaulac/occupation-terrasse")
    text = " ".join(pdf_text(content).split())
    assert reference in text
    assert (
        "Hôtel de ville" in text or "Mairie" in text or "02 61 91" in text
    )  # the service and how to reach it
    assert "2016-1411" in text
    assert "60 jours" in text or "60 days" in text  # silence means refusal, and after what delay
    assert "Le Café du Port" in text and "24,5" in text  # the answers, formatted for the language
    assert re.search(r"\b[0-9a-f]{64}\b", text)  # the fingerprint


async def test_the_receipt_embeds_the_answers_and_is_archival(client: httpx.AsyncClient) -> None:
    reference, content, _ = await receipt_for(client, "saint-aubin/inscription-cantine")
    document = json.loads(read_attachments(content)["answers.json"])
    assert document["reference"] == reference
    assert document["answers"]["enfants"][0]["prenom"] == "Léa"
    reader = PdfReader(__import__("io").BytesIO(content))
    metadata = reader.xmp_metadata
    assert metadata is not None and "pdfaid" in reader.trailer["/Root"][
        "/Metadata"
    ].get_object().get_data().decode("utf-8", "ignore")
    first_page = reader.pages[0]
    assert "/XObject" in first_page["/Resources"]  # the logo and the QR code


async def test_the_fingerprint_can_be_verified_publicly(client: httpx.AsyncClient) -> None:
    _, content, _ = await receipt_for(client, "beaulac/signalement-voirie")
    fingerprint = json.loads(read_attachments(content)["answers.json"])["fingerprint"]
    good = await client.get(f"/verify/{fingerprint}")
    assert good.status_code == 200 and "Beaulac" in good.text
    bad = await client.get("/verify/" + "0" * 64)
    assert bad.status_code == 404


async def test_a_receipt_is_rendered_once_and_kept(app: Any, client: httpx.AsyncClient) -> None:
    reference, content, link = await receipt_for(client, "val-dorne/budget-participatif")
    path = app.state.site.settings.data_dir / "receipts" / f"{reference}.pdf"
    assert path.read_bytes() == content
    before = path.stat().st_mtime_ns
    again = await client.get(link)
    assert again.content == content and path.stat().st_mtime_ns == before


async def test_the_receipt_speaks_the_citizens_language(client: httpx.AsyncClient) -> None:
    client.headers["accept-language"] = "en"
    _, content, _ = await receipt_for(client, "val-dorne/demande-composteur")
    text = " ".join(pdf_text(content).split())
    assert "Your answers" in text


def test_the_renderer_stops_when_its_server_is_gone(tmp_path: Path) -> None:
    script = """
import os, sys
from runtime.pdfs import pool as render_pool
pool = render_pool.pool(1, 0)
pool.submit(abs, -1, 60).result(120)
print(pool.pids()[0], flush=True)
os._exit(0)  # the server dies without shutting anything down
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    worker = int(result.stdout.strip())
    deadline = time.monotonic() + WAIT_SECONDS  # a bound for a loaded machine
    while time.monotonic() < deadline and Path(f"/proc/{worker}").exists():
        time.sleep(0.2)
    assert not Path(f"/proc/{worker}").exists()


async def test_a_render_over_its_limit_gives_a_plain_receipt_with_the_answers(
    backend: str, tmp_path: Path
) -> None:
    # No real render is done in a millisecond: every full receipt goes over this limit.
    app = create_app(make_settings(backend, tmp_path, render_timeout=0.001))
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            headers={"accept-language": "fr"},
        ) as client:
            reference, content, link = await receipt_for(client, "beaulac/occupation-terrasse")
        text = " ".join(pdf_text(content).split())
        document = json.loads(read_attachments(content)["answers.json"])
        assert reference in text and document["reference"] == reference
        assert document["fingerprint"] in text and f"/verify/{document['fingerprint']}" in text
        assert "Ville de Beaulac" in text and "forme simplifiée" in text
        assert "60 jours" in text or "60 days" in text  # what the silence of the administration means
        assert document["answers"]["raison_sociale"] == "Le Café du Port"  # the answers, attached
        # Kept like any receipt: the next download is the same file, not another attempt.
        path = app.state.site.settings.data_dir / "receipts" / f"{reference}.pdf"
        assert path.read_bytes() == content
    finally:
        app.state.site.engine.dispose()


async def test_a_slow_document_does_not_hold_up_another_citizens_receipt(
    client: httpx.AsyncClient, tmp_path: Path, app: Any
) -> None:
    release = tmp_path / "release"
    slow = receipts.in_renderer(app.state.site.settings, wait_for, str(release))
    try:
        reference, content, _ = await receipt_for(client, "beaulac/signalement-voirie")
        assert not slow.done()
        text = " ".join(pdf_text(content).split())
        assert reference in text and "forme simplifiée" not in text  # the full receipt
    finally:
        release.touch()
    assert slow.result(120) == "done"


async def test_the_renderer_recovers_after_a_render_is_killed(backend: str, tmp_path: Path) -> None:
    app = create_app(make_settings(backend, tmp_path))
    try:
        with pytest.raises(render_pool.RenderRefused):
            receipts.in_renderer(app.state.site.settings, killed, None).result(120)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            headers={"accept-language": "fr"},
        ) as client:
            reference, content, _ = await receipt_for(client, "val-dorne/demande-composteur")
        text = " ".join(pdf_text(content).split())
        assert reference in text and "Vos réponses" in text and "forme simplifiée" not in text
    finally:
        app.state.site.engine.dispose()
