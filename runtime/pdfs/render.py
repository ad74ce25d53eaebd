"""PDF rendering for receipts and documents: WeasyPrint behind a closed door.

`render_pdf` turns HTML into an archival PDF (PDF/A-3b) that carries its attachments, such
as the answers as JSON, so a machine can read the receipt back with `read_attachments`.
The HTML may load only data: URIs and files inside the theme's assets folder: nothing from
the network or the rest of the disk. `qr_svg_data_uri` draws the follow-up link's QR code. `plain_pdf` writes a page of plain
lines without WeasyPrint, for when a full render was refused.

WeasyPrint, pypdf and segno are imported inside the functions: start-up must not pay for
them (importing WeasyPrint alone takes 0.3 to 0.7 s here and loads Pango).
"""

from __future__ import annotations

import base64
import functools
import mimetypes
import threading
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_VARIANT = "pdf/a-3b"  # PDF/A-3 is the archival level that allows embedded files.

_font_config: FontConfiguration | None = None
# One lock for creating the shared font configuration and for rendering with it: the
# configuration holds a Pango font map and caches that renders mutate, and WeasyPrint does
# not promise they survive two threads at once. Rendering is mostly Python under the GIL,
# so serialising it costs little.
_render_lock = threading.Lock()


class ResourceRefused(ValueError):
    """A document asked for a URL outside its assets folder.

    WeasyPrint catches it, logs the URL and renders the document without that resource.
    """


def render_pdf(
    html: str,
    *,
    assets_dir: Path | Sequence[Path],
    attachments: dict[str, bytes] | None = None,
    title: str = "",
    lang: str = "fr",
) -> bytes:
    """Render `html` to PDF/A-3b bytes, embedding each attachment under its name.

    Relative URLs resolve inside `assets_dir` (`<img src="logo.svg">`); given several folders
    (an edited charter, then the theme it derives from), they resolve in the first, and a file
    missing there is looked for at the same place in the next ones. `title` falls back
    to the HTML's `<title>`; `lang` is the document language declared in the PDF (the HTML's
    own `lang` attribute still drives hyphenation and text shaping).
    """
    import weasyprint

    folders = [assets_dir] if isinstance(assets_dir, Path) else list(assets_dir)
    assets = tuple(folder.resolve() for folder in folders)
    fetcher = _assets_fetcher_class()(assets)
    options: dict[str, Any] = {
        "pdf_variant": PDF_VARIANT,
        "attachments": [
            weasyprint.Attachment(
                string=content,
                name=name,
                url_fetcher=fetcher,
                # "Data": the file holds the data the page presents (ISO 19005-3).
                relationship="Data",
            )
            for name, content in (attachments or {}).items()
        ],
    }
    with _render_lock:
        font_config = _shared_font_config()
        # The trailing slash makes assets_dir the folder relative URLs resolve in.
        document = weasyprint.HTML(
            string=html, base_url=assets[0].as_uri() + "/", url_fetcher=fetcher
        ).render(font_config=font_config, **options)
        document.metadata.title = title or document.metadata.title
        document.metadata.lang = lang
        pdf: bytes = document.write_pdf(finisher=_list_associated_files_once, **options)
    return pdf


# A4 in points, its margins, and the standard font every PDF reader has (no file to embed).
_PAGE_WIDTH, _PAGE_HEIGHT, _MARGIN, _LEADING = 595, 842, 56, 14
_LINE_CHARACTERS = 95  # at 10 pt Helvetica, what fits between the margins


def plain_pdf(
    lines: Sequence[tuple[str, int]],
    *,
    attachments: dict[str, bytes] | None = None,
    title: str = "",
    lang: str = "fr",
) -> bytes:
    """A PDF of plain lines (text, size in points), with attached files; no layout engine.

    Made in milliseconds whatever the answers: it is what is issued when a full render was
    refused. The standard Helvetica font reads Windows-1252, which covers French; another
    character shows as "?" (the attached files keep the exact text).
    """
    import textwrap

    import pydyf
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    document = pydyf.PDF()
    font = pydyf.Dictionary(
        {"Type": "/Font", "Subtype": "/Type1", "BaseFont": "/Helvetica", "Encoding": "/WinAnsiEncoding"}
    )
    document.add_object(font)
    pages: list[pydyf.Stream] = []
    stream: pydyf.Stream | None = None
    y = 0.0
    for text, size in lines:
        width = int(_LINE_CHARACTERS * 10 / size)
        for piece in textwrap.wrap(text, width, break_long_words=True) or [""]:
            if stream is None or y < _MARGIN:
                stream = pydyf.Stream()
                pages.append(stream)
                y = _PAGE_HEIGHT - _MARGIN
            y -= size * _LEADING / 10
            stream.begin_text()
            stream.set_font_size("F1", size)
            stream.set_text_matrix(1, 0, 0, 1, _MARGIN, y)
            stream.stream.append(b"(" + _pdf_string(piece) + b") Tj")
            stream.end_text()
        y -= size * 0.4
    for content in pages or [pydyf.Stream()]:
        document.add_object(content)
        page = pydyf.Dictionary(
            {
                "Type": "/Page",
                "Parent": document.pages.reference,
                "MediaBox": pydyf.Array([0, 0, _PAGE_WIDTH, _PAGE_HEIGHT]),
                "Contents": content.reference,
                "Resources": pydyf.Dictionary({"Font": pydyf.Dictionary({"F1": font.reference})}),
            }
        )
        document.add_page(page)
    output = BytesIO()
    document.write(output)
    writer = PdfWriter(clone_from=BytesIO(output.getvalue()))
    for name, data in (attachments or {}).items():
        writer.add_attachment(name, data)
    writer.add_metadata({"/Title": title})
    writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    result = BytesIO()
    writer.write(result)
    return result.getvalue()


def _pdf_string(text: str) -> bytes:
    encoded = text.encode("cp1252", errors="replace")
    return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def read_attachments(pdf: bytes) -> dict[str, bytes]:
    """The files embedded in `pdf`, by name."""
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    # pypdf lists a name once per file spec carrying it; names are unique in our PDFs.
    return {name: contents[0] for name, contents in reader.attachments.items()}


def qr_svg_data_uri(url: str) -> str:
    """A data: URI of the QR code of `url`, as SVG, for an `<img>` in a receipt."""
    import segno

    # make_qr, not make: segno would pick a Micro QR for short content, which many phone
    # readers cannot decode. Error level M survives a crease or a stain on paper; segno
    # raises it further when that costs no extra size. The 4-module white quiet zone is what
    # the standard asks for and keeps the code readable on a tinted background.
    code = segno.make_qr(url, error="m")
    svg = BytesIO()
    code.save(svg, kind="svg", xmldecl=False, scale=4, border=4, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode("ascii")


def _list_associated_files_once(document: Any, pdf: Any) -> None:
    # WeasyPrint 70 lists each PDF/A-3 associated file twice in the catalogue's /AF
    # (Kozea/WeasyPrint#2917); an archival file should name each once.
    if "AF" in pdf.catalog:
        pdf.catalog["AF"][:] = list(dict.fromkeys(pdf.catalog["AF"]))


def _shared_font_config() -> FontConfiguration:
    # One configuration for the process: a fresh one per render leaks ~0.26 MB and redoes
    # the Fontconfig set-up each time (renders are ~30% slower). @font-face fonts are kept
    # in it by their descriptors, so a theme's fonts are loaded once.
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


@functools.cache
def _assets_fetcher_class() -> type[URLFetcher]:
    # WeasyPrint 70 takes a URLFetcher instance (its fetch() wrapper reads the class's
    # private attributes), and subclassing needs the import that start-up must not pay for:
    # the class is made on the first render.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetsFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
        """Serves data: URIs and the files inside its folders; refuses everything else."""

        def __init__(self, assets: Path | tuple[Path, ...]) -> None:
            # Only urllib's data: handler is ever reached through super().fetch().
            super().__init__(allowed_protocols=("data",), allow_redirects=False)
            self._assets = assets

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                response: URLFetcherResponse = super().fetch(url, headers)
                return response
            if scheme == "file":
                path = _asset_path(self._assets, url)
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                # Read the file already checked rather than reopening the URL, so the
                # check and the read see the same file.
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
            raise ResourceRefused(f"only data: and assets are served, not {url!r}")

    return AssetsFetcher


def _asset_path(assets: Path | tuple[Path, ...], url: str) -> Path:
    """The file a file: URL names, if it lies inside `assets` once symlinks are resolved.

    With several folders, a URL into the first that names a missing file is looked for at the
    same place in the next ones (relative URLs all resolve in the first).
    """
    folders = (assets,) if isinstance(assets, Path) else assets
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ResourceRefused(f"file URL on another host: {url!r}")
    named = Path(url2pathname(parts.path))  # url2pathname unquotes
    candidates = [named]
    if named.is_relative_to(folders[0]):
        candidates += [folder / named.relative_to(folders[0]) for folder in folders[1:]]
    for candidate in candidates:
        try:
            path = candidate.resolve(strict=True)
        except (OSError, RuntimeError):  # missing file, symlink loop
            continue
        if not any(path.is_relative_to(folder) for folder in folders) or not path.is_file():
            raise ResourceRefused(f"outside the assets folder: {url!r}")
        return path
    raise ResourceRefused(f"no such asset: {url!r}")
