"""Interface languages: Babel catalogues read from `locales/`, and formatting per language.

Catalogues are compiled in memory from the `.po` files at first use, so the repository
holds no generated `.mo` files and a translator only edits `.po`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated when shown, in the reader's language."""
    return message


@cache
def translations(lang: str) -> NullTranslations:
    po_path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def gettext(lang: str, message: str, **params: object) -> str:
    text = translations(lang).gettext(message)
    return text % params if params else text


def negotiate(choice: str | None, accept_language: str | None, default: str) -> str:
    """The citizen's choice first, then their browser's preferences, then the default."""
    if choice in LANGUAGES:
        return choice
    for lang in _accepted(accept_language or ""):
        if lang in LANGUAGES:
            return lang
    return default if default in LANGUAGES else DEFAULT_LANGUAGE


def _accepted(header: str) -> Iterable[str]:
    weighted = []
    for position, part in enumerate(header.split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag.strip().split("-")[0].lower()))
    return [tag for _, _, tag in sorted(weighted)]


@cache
def locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LANGUAGE)


def date_text(value: dt.date | str, lang: str, fmt: str = "long") -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return format_date(value, format=fmt, locale=locale(lang))


def date_in_full(value: dt.date, lang: str) -> str:
    """A day as a letter writes it, with the weekday: "lundi 1er février 2027". French
    writes the first of a month as an ordinal, which Babel's patterns do not."""
    text = format_date(value, format="full", locale=locale(lang))
    if value.day == 1 and locale(lang).language == "fr":
        text = re.sub(r"\b1\b", "1er", text, count=1)
    return text


def datetime_text(value: dt.datetime | str, lang: str, fmt: str = "long") -> str:
    """A moment as people write it: "22 novembre 2026 à 14:05", no seconds, no offset."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    where = locale(lang)
    date_format = "medium" if fmt in ("short", "medium") else "long"
    pattern = str(where.datetime_formats.get(date_format, "{1} {0}"))
    day = format_date(value, format=date_format, locale=where)
    time = format_time(value, format="short", locale=where, tzinfo=value.tzinfo)
    return pattern.replace("{1}", day).replace("{0}", time).replace("'", "")


def number_text(value: float | int | Decimal, lang: str) -> str:
    return format_decimal(value, locale=locale(lang))


def money_text(value: float | int | Decimal, currency: str, lang: str) -> str:
    return format_currency(value, currency, locale=locale(lang), format_type="standard")
