"""A logo uploaded for a charter: checked by its content, small, and never SVG.

An SVG file can carry scripts and links to other sites, and a logo is served to every
citizen from the site's own address: only bitmap images (PNG, JPEG, WebP) are taken, and
only if the image really opens.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass

from runtime.fields.file import size_text
from runtime.i18n import N_, gettext
from runtime.uploads import safe_name, sniff

MAX_LOGO_BYTES = 500_000
MAX_LOGO_SIDE = 4096  # pixels
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
_DATA_URI = re.compile(r"data:(image/(?:png|jpeg|webp));base64,([A-Za-z0-9+/=]+)")


class LogoRefused(ValueError):
    """Why a logo file was not taken, as a sentence for the person who chose it."""


@dataclass(frozen=True)
class NewLogo:
    data: bytes
    mime: str

    @property
    def extension(self) -> str:
        return LOGO_TYPES[self.mime]

    def data_uri(self) -> str:
        """The image inline, for the preview and to carry it over when the page is shown again."""
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


def check_logo(filename: str, data: bytes, lang: str) -> NewLogo:
    """The logo in `data` if it can be used; raises LogoRefused saying why not."""
    name = safe_name(filename or "logo")
    if len(data) > MAX_LOGO_BYTES:
        raise LogoRefused(
            gettext(
                lang,
                N_("%(name)s weighs %(size)s; a logo may weigh at most %(limit)s."),
                name=name,
                size=size_text(len(data), lang),
                limit=size_text(MAX_LOGO_BYTES, lang),
            )
        )
    mime = sniff(data)
    if _looks_like_svg(name, data):
        raise LogoRefused(
            gettext(
                lang,
                N_(
                    "%(name)s is an SVG image: SVG logos are refused because an SVG file "
                    "can carry scripts. Save the logo as PNG, JPEG or WebP."
                ),
                name=name,
            )
        )
    if mime not in LOGO_TYPES:
        raise LogoRefused(
            gettext(
                lang,
                N_("%(name)s is not a PNG, JPEG or WebP image (its content was checked, not its name)."),
                name=name,
            )
        )
    width, height = _dimensions(data, name, lang)
    if max(width, height) > MAX_LOGO_SIDE:
        raise LogoRefused(
            gettext(
                lang,
                N_(
                    "%(name)s measures %(width)s × %(height)s pixels; a logo may measure at "
                    "most %(max)s pixels on each side."
                ),
                name=name,
                width=width,
                height=height,
                max=MAX_LOGO_SIDE,
            )
        )
    return NewLogo(data, mime)


def logo_from_data_uri(uri: str, lang: str) -> NewLogo:
    """A logo carried over in the page as a data: URI, checked again as if just uploaded."""
    match = _DATA_URI.fullmatch(uri.strip())
    try:
        data = base64.b64decode(match.group(2), validate=True) if match else b""
    except binascii.Error:
        data = b""
    if not data:
        raise LogoRefused(gettext(lang, N_("The logo chosen earlier was lost; choose the file again.")))
    return check_logo("logo", data, lang)


def _looks_like_svg(name: str, data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (
        name.lower().endswith((".svg", ".svgz"))
        or head.startswith(b"<svg")
        or (head.startswith(b"<?xml") and b"<svg" in head)
    )


def _dimensions(data: bytes, name: str, lang: str) -> tuple[int, int]:
    # Pillow comes with WeasyPrint; imported here only, as start-up does not need it.
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            size = image.size
            image.verify()  # reads the whole file: a truncated or damaged image fails here
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise LogoRefused(
            gettext(lang, N_("%(name)s could not be opened as an image: the file may be damaged."), name=name)
        ) from None
    return size
