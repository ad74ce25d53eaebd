"""Relative links in themes and definitions, and whether the site answers them.

A link without a scheme is resolved as a browser would: a theme's footer link against the
organisation's address (/{org}/), a link in a definition's text against the procedure's
(/{org}/{procedure}). What it leads to must be an address the site answers: an
organisation's home, legal page or procedure, or one of the site's fixed addresses. Which
organisations and procedures exist is read from folders laid out as examples/ is; `python
app.py check` reports the links that lead nowhere, naming the file and the link.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from runtime.charter import Charter
from runtime.legal import PAGES
from runtime.text import markdown_links

STATIC = Path(__file__).resolve().parent / "static"
# First segments the site answers itself, whatever the organisations.
SITE_PATHS = frozenset({"static", "charters", "staff", "lang", "api", "verify"})
# What a procedure's address has below it that a text may link to.
BELOW_PROCEDURE = frozenset({"resultats", "resultats.csv"})
# Stands for "the organisation using this theme": no organisation may be called so.
ANY_ORGANISATION = "*"


@dataclass(frozen=True)
class Known:
    """The organisations whose links are followed, each with its procedures' addresses."""

    organisations: Mapping[str, frozenset[str]]

    @classmethod
    def from_folders(cls, folders: Iterable[Path]) -> Known:
        """Organisations of folders laid out as examples/: <slug>/organisation.json and
        <slug>/procedures/*.json."""
        found: dict[str, set[str]] = {}
        for folder in folders:
            for info in sorted(folder.glob("*/organisation.json")):
                slug = _read(info).get("slug") or info.parent.name
                procedures = found.setdefault(str(slug), set())
                for path in sorted((info.parent / "procedures").glob("*.json")):
                    procedures.add(str(_read(path).get("id") or path.stem))
        return cls({slug: frozenset(ids) for slug, ids in found.items()})

    def procedures(self, organisation: str) -> frozenset[str]:
        if organisation == ANY_ORGANISATION:  # a theme: any organisation's procedures may be its
            return frozenset().union(*self.organisations.values())
        return self.organisations.get(organisation, frozenset())


def organisation_of(definition: Path) -> str | None:
    """The slug of the organisation whose folder holds the definition file, if it is in one."""
    info = definition.resolve().parent.parent / "organisation.json"
    return str(_read(info).get("slug") or info.parent.name) if info.is_file() else None


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_relative(url: str) -> bool:
    """A link to this site written without its scheme and host, and not to the page itself."""
    parts = urlsplit(url.strip())
    return not parts.scheme and not parts.netloc and bool(parts.path)


def leads_somewhere(url: str, base: str, known: Known, procedures: Iterable[str] = ()) -> bool:
    """Whether the relative `url`, read on the page at `base`, leads to an address the site
    answers. `procedures` are more procedures of the base's organisation (the one being checked)."""
    path = urlsplit(urljoin(base, url.strip())).path
    segments = [unquote(segment) for segment in path.strip("/").split("/")] if path.strip("/") else []
    if not segments:
        return True  # the list of organisations
    first, rest = segments[0], segments[1:]
    if first == "static":
        file = (STATIC / "/".join(rest)).resolve()
        return file.is_relative_to(STATIC) and file.is_file()
    if first in SITE_PATHS:
        return True
    if first != ANY_ORGANISATION and first not in known.organisations:
        return False
    if not rest:
        return True  # the organisation's home
    ids = known.procedures(first) | set(procedures)
    if len(rest) == 1:
        return rest[0] in PAGES or rest[0] in ids
    return len(rest) == 2 and rest[0] in ids and rest[1] in BELOW_PROCEDURE


def charter_dead_links(charter: Charter, known: Known) -> list[str]:
    """A sentence for each relative footer link of `charter` that leads nowhere."""
    base = f"/{ANY_ORGANISATION}/"
    return [
        f"$.footer.links[{index}].url: the link {link.url!r} leads to no page "
        f"({urljoin(base, link.url).replace(ANY_ORGANISATION, '{org}', 1)})."
        for index, link in enumerate(charter.footer.links)
        if is_relative(link.url) and not leads_somewhere(link.url, base, known)
    ]


def definition_dead_links(definition: Mapping[str, Any], organisation: str | None, known: Known) -> list[str]:
    """A sentence for each relative link in the texts of `definition` that leads nowhere.

    `organisation` is the slug of the organisation the definition belongs to, if known.
    """
    procedure = str(definition.get("id", ""))
    base = f"/{organisation or ANY_ORGANISATION}/{procedure}"
    return [
        f"{pointer}: the link {url!r} leads to no page."
        for pointer, text in _texts(definition, "")
        for url in markdown_links(text)
        if is_relative(url) and not leads_somewhere(url, base, known, (procedure,))
    ]


def _texts(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """Every string of a definition with its JSON pointer: texts may hold Markdown anywhere."""
    if isinstance(value, str):
        if "](" in value or "]:" in value:  # no link otherwise: spares parsing every label
            yield pointer or "/", value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{pointer}/{index}")
