"""The PDF engine against real WeasyPrint, pypdf, pdftotext and a real local HTTP server."""

from __future__ import annotations

import base64
import http.server
import io
import json
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

from runtime.pdfs import render as pdf

FRENCH = "Accusé de réception : œuvre, façade, élève, à Nîmes — dès aujourd’hui"


def png(width: int, height: int, colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html lang=fr><head><meta charset=utf-8>{head}</head><body>{body}</body></html>"


def text_of(document: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=document,
        capture_output=True,
        check=True,
    ).stdout.decode()


def image_sizes(document: bytes) -> list[tuple[int, int]]:
    """(width, height) of every raster image drawn on the pages, inside forms too."""
    sizes: list[tuple[int, int]] = []

    def walk(resources: Any) -> None:
        xobjects = resources.get_object().get("/XObject") if resources else None
        for ref in (xobjects.get_object() if xobjects else {}).values():
            xobject = ref.get_object()
            if xobject["/Subtype"] == "/Image":
                sizes.append((int(xobject["/Width"]), int(xobject["/Height"])))
            elif xobject["/Subtype"] == "/Form":
                walk(xobject.get("/Resources"))

    for sheet in PdfReader(io.BytesIO(document)).pages:
        walk(sheet.get("/Resources"))
    return sizes


def refusals(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "weasyprint")


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    """A theme folder, with a readable PNG, a stylesheet and a symlink outside next to it."""
    folder = tmp_path / "theme" / "assets"
    (folder / "img").mkdir(parents=True)
    (folder / "logo.png").write_bytes(png(7, 5, "red"))
    (folder / "img" / "seal.png").write_bytes(png(6, 4, "green"))
    (folder / "theme.css").write_text('body::after { content: "THEME-OK" }')
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(png(11, 13, "blue"))
    (outside / "leak.css").write_text('body::before { content: "LEAKED" }')
    (folder / "escape.png").symlink_to(outside / "secret.png")
    (folder / "escape.css").symlink_to(outside / "leak.css")
    return folder


def test_renders_a_pdf_whose_french_text_reads_back(assets: Path) -> None:
    document = pdf.render_pdf(page(f"<h1>{FRENCH}</h1>"), assets_dir=assets)
    assert document.startswith(b"%PDF")
    assert FRENCH in " ".join(text_of(document).split())


def test_attachments_round_trip_byte_for_byte(assets: Path) -> None:
    answers = json.dumps({"nom": "Lefèvre", "motif": "œuvre\n"}, ensure_ascii=False).encode()
    photo = bytes(range(256)) * 4
    document = pdf.render_pdf(
        page("<p>Réponses</p>"),
        assets_dir=assets,
        attachments={"answers.json": answers, "photo.bin": photo},
    )
    assert pdf.read_attachments(document) == {"answers.json": answers, "photo.bin": photo}


def test_declares_pdf_a_3b_with_title_and_language(assets: Path) -> None:
    document = pdf.render_pdf(
        page("<p>Bonjour</p>", "<title>Titre HTML</title>"),
        assets_dir=assets,
        attachments={"answers.json": b"{}"},
        title="Récépissé n° 2024-0001",
        lang="fr-FR",
    )
    reader = PdfReader(io.BytesIO(document))
    catalog = reader.root_object
    metadata_stream = catalog["/Metadata"].get_object()
    assert isinstance(metadata_stream, StreamObject)
    xmp = metadata_stream.get_data().decode()
    assert "pdfaid" in xmp
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "Récépissé n° 2024-0001" in xmp
    assert reader.metadata is not None and reader.metadata.title == "Récépissé n° 2024-0001"
    assert catalog["/Lang"] == "fr-FR"
    # PDF/A-3 wants each embedded file listed in /AF with its relationship to the page.
    associated = catalog["/AF"]
    assert isinstance(associated, ArrayObject)
    (filespec,) = [ref.get_object() for ref in associated]
    assert isinstance(filespec, DictionaryObject)
    assert filespec["/AFRelationship"] == "/Data"


def test_title_defaults_to_the_html_title(assets: Path) -> None:
    document = pdf.render_pdf(page("<p>x</p>", "<title>Titre HTML</title>"), assets_dir=assets)
    metadata = PdfReader(io.BytesIO(document)).metadata
    assert metadata is not None and metadata.title == "Titre HTML"


def test_system_files_are_not_loaded(assets: Path, caplog: pytest.LogCaptureFixture) -> None:
    html = page(
        '<img src="file:///etc/passwd"><p>Reçu</p>',
        '<link rel=stylesheet href="../../etc/passwd">'
        "<style>@import url(/etc/hostname); p { color: black }</style>",
    )
    document = pdf.render_pdf(html, assets_dir=assets)
    assert "Reçu" in text_of(document)
    logged = refusals(caplog)
    assert logged.count("ResourceRefused") == 3
    for url in ("file:///etc/passwd", "/etc/passwd", "file:///etc/hostname"):
        assert url in logged


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A real server on 127.0.0.1 that serves a PNG and a stylesheet and notes each path."""
    seen: list[str] = []
    image = png(9, 9, "black")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            css = self.path.endswith(".css")
            body = b'body::after { content: "REMOTE" }' if css else image
            self.send_response(200)
            self.send_header("Content-Type", "text/css" if css else "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_network_is_never_reached(
    assets: Path, http_server: tuple[str, list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    base, seen = http_server
    html = page(
        f'<img src="{base}/x.png"><img src="http://127.0.0.1:9/x.png"><p>Reçu</p>',
        f'<link rel=stylesheet href="{base}/remote.css"><style>@import url("{base}/imported.css");</style>',
    )
    document = pdf.render_pdf(html, assets_dir=assets)
    assert "Reçu" in text_of(document) and "REMOTE" not in text_of(document)
    assert image_sizes(document) == []
    assert refusals(caplog).count("ResourceRefused") == 4
    # The server was there to answer: only this direct request reaches it.
    with urllib.request.urlopen(f"{base}/probe.png") as response:
        assert response.status == 200
    assert seen == ["/probe.png"]


def test_readable_files_outside_the_assets_are_not_loaded(
    assets: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = (assets.parent.parent / "outside" / "secret.png").as_uri()
    html = page(
        f'<img src="{secret}">'
        f'<img src="{secret.replace("file://", "file://localhost")}">'
        '<img src="../../outside/secret.png">'
        '<img src="escape.png">'
        '<img src="ftp://127.0.0.1/secret.png">'
        "<p>Reçu</p>",
        '<link rel=stylesheet href="../../outside/leak.css"><link rel=stylesheet href="escape.css">',
    )
    document = pdf.render_pdf(html, assets_dir=assets)
    assert "LEAKED" not in text_of(document)
    assert image_sizes(document) == []
    # Six, not seven: the relative ../../outside/secret.png is the first URL again, and
    # WeasyPrint asks for each image URL once.
    assert refusals(caplog).count("ResourceRefused") == 6


def test_assets_and_data_uris_are_embedded(assets: Path, caplog: pytest.LogCaptureFixture) -> None:
    data_uri = "data:image/png;base64," + base64.b64encode(png(3, 2, "white")).decode()
    html = page(
        f'<img src="logo.png"><img src="img/seal.png"><img src="{data_uri}"><p>Reçu</p>',
        '<link rel=stylesheet href="theme.css">',
    )
    document = pdf.render_pdf(html, assets_dir=assets)
    assert sorted(image_sizes(document)) == [(3, 2), (6, 4), (7, 5)]
    assert "THEME-OK" in text_of(document)
    assert refusals(caplog) == ""


def test_qr_code_is_a_standalone_svg_data_uri(assets: Path, caplog: pytest.LogCaptureFixture) -> None:
    import segno

    url = "https://mairie.example.fr/suivi/4F7K-92QX-ZT3M"
    uri = pdf.qr_svg_data_uri(url)
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    svg = ElementTree.fromstring(base64.b64decode(uri.removeprefix(prefix), validate=True))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    # A full QR code (never a Micro QR that phones misread) with a 4-module quiet zone
    # around it, dark modules in black.
    size = segno.make_qr(url, error="m").symbol_size(scale=1, border=0)[0]
    assert int(svg.attrib["width"]) == int(svg.attrib["height"]) == (size + 2 * 4) * 4
    strokes = {path.get("stroke") for path in svg.iter("{http://www.w3.org/2000/svg}path")}
    assert "#000" in strokes
    # WeasyPrint draws it without complaint.
    pdf.render_pdf(page(f'<img src="{uri}" style="width: 3cm">'), assets_dir=assets)
    assert refusals(caplog) == ""


def test_every_render_shares_one_font_configuration(assets: Path) -> None:
    html = page(f"<p>{FRENCH}</p>")
    pdf.render_pdf(html, assets_dir=assets)
    shared = pdf._font_config
    assert shared is not None
    for _ in range(30):
        pdf.render_pdf(html, assets_dir=assets)
    assert pdf._font_config is shared

    # And renders use it: WeasyPrint makes a configuration of its own when given none. Checked
    # in a fresh interpreter, where nothing else of the test run can create one meanwhile.
    script = f"""
import sys
from pathlib import Path
from runtime.pdfs import render as pdf
from weasyprint.text.fonts import FontConfiguration
created = []
def note(frame, event, arg):
    if event == "call" and frame.f_code is FontConfiguration.__init__.__code__:
        created.append(1)
html = {html!r}
pdf.render_pdf(html, assets_dir=Path({str(assets)!r}))
sys.setprofile(note)
pdf.render_pdf(html, assets_dir=Path({str(assets)!r}))
sys.setprofile(None)
print(len(created))
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.stdout.strip() == "0"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "{assets}/%2e%2e/%2e%2e/outside/secret.png",  # escapes spelled as %-escapes
        "{assets}/escape.png",  # a symlink leading out
        "{assets}/",  # the folder itself
        "{assets}/missing.png",
        "file://example.org{assets_path}/logo.png",  # a file on another host
    ],
)
def test_asset_paths_stay_inside_the_folder(assets: Path, url: str) -> None:
    url = url.format(assets=assets.as_uri(), assets_path=assets.as_posix())
    with pytest.raises(pdf.ResourceRefused):
        pdf._asset_path(assets.resolve(), url)


def test_asset_paths_accept_escaped_names_inside(assets: Path) -> None:
    (assets / "logo de la mairie.png").write_bytes(png(1, 1, "red"))
    url = (assets / "img" / ".." / "logo de la mairie.png").as_uri()
    assert url.count("%20") == 3
    assert pdf._asset_path(assets.resolve(), url) == assets.resolve() / "logo de la mairie.png"


def test_importing_the_module_loads_no_pdf_library() -> None:
    # Start-up must not pay for WeasyPrint (and Pango), pypdf or segno.
    check = (
        "import sys, runtime.pdfs.render; print(sorted({'weasyprint', 'pypdf', 'segno'} & set(sys.modules)))"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
