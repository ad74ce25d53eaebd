"""Graphic charters: a theme folder's `theme.json`, checked, and its files.

A charter is data: colours, fonts, logo, corner radius and footer, validated by
`schemas/theme.schema.json`, then refused if a colour pair used for text or focus fails
WCAG AA. The same charter styles the forms, the staff preview and the PDF receipts.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from types import MappingProxyType
from typing import Any, NamedTuple, TypeGuard, cast

import referencing
from jsonschema import Draft202012Validator, ValidationError

logger = logging.getLogger("parvis")
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "theme.schema.json"
# A theme's name is a folder name and a URL segment (/charters/<name>/...).
THEME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")
# How many themes a charter may derive from in a row (an edited charter -> its base).
MAX_BASES = 3


class CharterError(Exception):
    """A theme that cannot be used; `problems` lists every reason, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class FooterLink:
    label: Mapping[str, str]  # {lang: text}
    url: str

    def href(self, organisation: str | None) -> str | None:
        """Where the link leads from a page of `organisation` (its slug).

        A relative address names one of the organisation's pages, so that one theme serves
        each organisation using it: "mentions-legales" leads to /beaulac/mentions-legales.
        A page of no organisation (the list of organisations, staff pages) has nowhere to
        lead it, and leaves it out (None).
        """
        if self.url.startswith("/") or ":" in self.url:
            return self.url
        return f"/{organisation}/{self.url}" if organisation else None


@dataclass(frozen=True)
class Footer:
    text: Mapping[str, str]  # {lang: text}
    links: tuple[FooterLink, ...]

    def links_for(self, organisation: str | None) -> list[tuple[Mapping[str, str], str]]:
        """(label, address) of the links shown on a page of `organisation` (see FooterLink.href)."""
        found = [(link.label, link.href(organisation)) for link in self.links]
        return [(label, href) for label, href in found if href is not None]


@dataclass(frozen=True)
class Charter:
    name: str
    folder: Path
    colors: Mapping[str, str]  # schema key (e.g. "muted_text") -> "#rrggbb"
    fonts: Mapping[str, str]  # "body" / "heading" -> CSS font stack
    logo: str | None  # file name inside `folder`
    radius: str  # CSS length
    footer: Footer
    logo_alt: str | None = None  # the logo's text alternative, when it says more than the name
    base: str | None = None  # the theme this one derives from (an edited charter's original)
    bases: tuple[Path, ...] = ()  # folders searched after `folder`: the base theme's, nearest first

    @property
    def templates_dir(self) -> Path:
        """Jinja overrides, searched before the default templates; may not exist."""
        return self.folder / "templates"

    @property
    def folders(self) -> tuple[Path, ...]:
        """Where the charter's files are looked for, in order: its own folder, then its bases'."""
        return (self.folder, *self.bases)

    def css_variables(self, selector: str = ":root") -> str:
        """A `:root{...}` block of custom properties, inlined in pages and PDFs.

        `selector` scopes them to part of a page instead (the staff's live preview).

        Values are safe to inline in a <style> element because the schema restricts
        colours, font stacks and the radius to characters that cannot close a rule.
        """
        declarations = [f"--parvis-{key.replace('_', '-')}:{value}" for key, value in self.colors.items()]
        declarations += [f"--parvis-font-{key}:{value}" for key, value in self.fonts.items()]
        declarations.append(f"--parvis-radius:{self.radius}")
        return selector + "{" + ";".join(declarations) + "}"

    def asset_path(self, name: str) -> Path | None:
        """The file `name` inside the theme folder (or its bases'), or None if it is not there.

        This is what serves logos to browsers and to the PDF renderer's URL fetcher, so
        a name must never reach the rest of the disk: no absolute path, no `..`, no
        hidden file, and no symlink resolving outside the folder.
        """
        if not name or "\x00" in name or "\\" in name:
            return None
        if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute():
            return None
        parts = PurePosixPath(name).parts
        if any(part == ".." or part.startswith(".") for part in parts):
            return None
        for folder in self.folders:
            root = folder.resolve()
            candidate = (root / name).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None


class _ContrastRule(NamedTuple):
    foreground: str
    background: str
    description: str  # "{fg}" and "{bg}" are replaced by the colours
    minimum: float


# WCAG 2.1 AA: 4.5:1 for normal text (1.4.3), 3:1 for user interface components such as
# the focus outline (1.4.11). Beyond the obvious text/background pair, muted text and
# errors also appear inside form cards, and confirmation messages are text too.
CONTRAST_RULES: tuple[_ContrastRule, ...] = (
    _ContrastRule("text", "background", "Text colour {fg} on background {bg}", 4.5),
    _ContrastRule("text", "surface", "Text colour {fg} on surface (cards) {bg}", 4.5),
    _ContrastRule("muted_text", "background", "Muted text colour {fg} on background {bg}", 4.5),
    _ContrastRule("muted_text", "surface", "Muted text colour {fg} on surface (cards) {bg}", 4.5),
    _ContrastRule("primary_text", "primary", "Text-on-primary colour {fg} on primary (buttons) {bg}", 4.5),
    _ContrastRule("primary", "background", "Primary colour (links) {fg} on background {bg}", 4.5),
    _ContrastRule("error", "background", "Error colour {fg} on background {bg}", 4.5),
    _ContrastRule("error", "surface", "Error colour {fg} on surface (cards) {bg}", 4.5),
    _ContrastRule("success", "background", "Success colour {fg} on background {bg}", 4.5),
    _ContrastRule("focus", "background", "Focus colour {fg} on background {bg}", 3.0),
)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio between two "#rrggbb" colours, from 1 to 21."""
    lighter, darker = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _relative_luminance(colour: str) -> float:
    # https://www.w3.org/TR/WCAG21/#dfn-relative-luminance (sRGB; 0.04045 is the sRGB
    # standard's threshold, identical to WCAG's 0.03928 for 8-bit channels).
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def load_charter(folder: Path, roots: Path | Sequence[Path] = ()) -> Charter:
    """Read, validate and contrast-check `folder/theme.json`; raise CharterError if unfit.

    `roots` are the folders holding themes, where the charter's `base` is looked for.
    """
    path = folder / "theme.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CharterError([f"{path} was not found."]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CharterError([f"{path} could not be read: {exc}."]) from None
    except json.JSONDecodeError as exc:
        raise CharterError(
            [f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."]
        ) from None

    problems = theme_problems(data)
    if problems:
        raise CharterError(problems)
    bases = theme_folders(roots, data["base"])[:MAX_BASES] if data.get("base") else ()
    charter = charter_from_data(data, folder, bases)
    if charter.logo is not None and charter.asset_path(charter.logo) is None:
        raise CharterError([f"$.logo: the file {charter.logo!r} is not in {charter.folder}."])
    return charter


def theme_problems(data: Any) -> list[str]:
    """Everything that keeps `data` (a parsed theme.json) from being a charter: schema, contrast."""
    return _schema_problems(data) + _contrast_problems(data)


def charter_from_data(data: Mapping[str, Any], folder: Path, bases: Sequence[Path] = ()) -> Charter:
    """The charter `data` describes, already checked by `theme_problems`, its files in `folder`."""
    footer = data["footer"]
    return Charter(
        name=data["name"],
        folder=folder.resolve(),
        colors=MappingProxyType({key: value.lower() for key, value in data["colors"].items()}),
        fonts=MappingProxyType(dict(data["fonts"])),
        logo=data["logo"],
        radius=data["radius"],
        footer=Footer(
            text=MappingProxyType(dict(footer["text"])),
            links=tuple(
                FooterLink(label=MappingProxyType(dict(link["label"])), url=link["url"])
                for link in footer["links"]
            ),
        ),
        logo_alt=data.get("logo_alt"),
        base=data.get("base"),
        bases=tuple(path.resolve() for path in bases),
    )


@functools.cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # An empty registry: the schema's $refs are internal, so nothing is ever fetched.
    return Draft202012Validator(schema, registry=referencing.Registry())


def _schema_problems(data: Any) -> list[str]:
    errors = sorted(_validator().iter_errors(data), key=lambda e: (e.json_path, e.message))
    problems: list[str] = []
    for error in errors:
        problem = _describe(error)
        if problem not in problems:
            problems.append(problem)
    return problems


def _describe(error: ValidationError) -> str:
    # Name the exact key for a missing or unexpected property, so the message points at
    # the line to write or delete rather than at its parent object. (iter_errors fills
    # every field of an error: the stubs' Unset is for errors built by hand, hence the casts.)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [key for key in cast(list[str], error.validator_value) if key not in error.instance]
        return "; ".join(f"{_child(error.json_path, key)}: this key is required." for key in missing)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = cast(Mapping[str, Any], error.schema).get("properties", {})
        unknown = sorted(key for key in error.instance if key not in allowed)
        return "; ".join(f"{_child(error.json_path, key)}: unknown key." for key in unknown)
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if error.validator == "pattern" and description:
        return f"{error.json_path}: {error.instance!r} is not {description}."
    return f"{error.json_path}: {error.message}."


def _child(json_path: str, key: str) -> str:
    return f"{json_path}.{key}" if key.isidentifier() else f"{json_path}[{key!r}]"


class ContrastFailure(NamedTuple):
    rule: _ContrastRule
    foreground: str  # "#rrggbb", lower case
    background: str
    ratio: float

    @property
    def ratio_text(self) -> str:
        return _format_ratio(self.ratio, self.rule.minimum)


def contrast_failures(colors: Mapping[str, Any]) -> list[ContrastFailure]:
    """The pairs of `colors` (schema key -> colour) that fail WCAG AA, in CONTRAST_RULES order.

    Checked for every pair whose two colours are well-formed, even when others are not, so
    that one round of fixes can address everything.
    """
    failures = []
    for rule in CONTRAST_RULES:
        fg, bg = colors.get(rule.foreground), colors.get(rule.background)
        if not (_is_colour(fg) and _is_colour(bg)):
            continue
        fg, bg = fg.lower(), bg.lower()
        ratio = contrast_ratio(fg, bg)
        if ratio < rule.minimum:
            failures.append(ContrastFailure(rule, fg, bg, ratio))
    return failures


def _contrast_problems(data: Any) -> list[str]:
    colors = data.get("colors") if isinstance(data, dict) else None
    if not isinstance(colors, dict):
        return []
    return [
        f"{failure.rule.description.format(fg=failure.foreground, bg=failure.background)} has a "
        f"contrast of {failure.ratio_text}:1; WCAG AA asks for at least {failure.rule.minimum:g}:1."
        for failure in contrast_failures(colors)
    ]


def _is_colour(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", value) is not None


def _format_ratio(ratio: float, minimum: float) -> str:
    # Round to two decimals, but never display a failing ratio as reaching the minimum
    # (4.4999 must not read "4.50:1; ... at least 4.5:1").
    shown = f"{ratio:.2f}"
    if float(shown) >= minimum:
        shown = f"{math.floor(ratio * 100) / 100:.2f}"
    return shown


def theme_roots(themes_dir: Path, data_dir: Path) -> tuple[Path, ...]:
    """Where themes are looked for, in order: the shipped ones, then those staff edited.

    Shipped themes come first so that nothing written at run time can stand in for them.
    """
    return (themes_dir, data_dir / "themes")


def _roots(roots: Path | Sequence[Path]) -> tuple[Path, ...]:
    return (roots,) if isinstance(roots, Path) else tuple(roots)


def find_theme(roots: Path | Sequence[Path], theme: str) -> Path | None:
    """The folder of the theme named `theme` in the first root that has it, or None."""
    if not THEME_NAME.fullmatch(theme) or ".." in theme:
        return None
    for root in _roots(roots):
        if (root / theme / "theme.json").is_file():
            return root / theme
    return None


def theme_folders(roots: Path | Sequence[Path], theme: str) -> tuple[Path, ...]:
    """The folders of `theme` and of the themes it derives from, nearest first.

    Template overrides and assets are searched in this order, so that an edited charter
    keeps the overrides and files of the theme it was made from.
    """
    folders: list[Path] = []
    name: str | None = theme
    while name and len(folders) <= MAX_BASES:
        folder = find_theme(roots, name)
        if folder is None or folder in folders:
            break
        folders.append(folder)
        try:
            data = json.loads((folder / "theme.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            break
        name = data.get("base") if isinstance(data, dict) and isinstance(data.get("base"), str) else None
    return tuple(folders)


def charter_for(roots: Path | Sequence[Path], theme: str) -> Charter:
    """The charter an organisation's pages use: its own, or the default one if it is refused.

    A refused charter never reaches citizens; its problems go to the log for the staff.
    `roots` are the folders holding themes (see `theme_roots`); the default is in the first.
    """
    default = _roots(roots)[0] / "default"
    folder = find_theme(roots, theme)
    try:
        return load_charter(folder or default, roots)
    except CharterError as error:
        logger.error("charter %s refused:\n  %s", theme, "\n  ".join(error.problems))
        return load_charter(default, roots)
