"""The charter editor's form: an organisation's charter as values a form edits, and checked.

The rules are those of runtime/charter.py (the schema and the contrast check); this module
only turns the charter into form values and back, phrases what is wrong for the person
editing, and describes the theme.json the values make (for the live preview and for
designer/admin/charter_store.py, which saves it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from designer.admin.charter_fonts import FONTS, FontChoice
from designer.admin.charter_logo import LogoRefused, NewLogo, check_logo, logo_from_data_uri
from runtime.charter import SCHEMA_PATH, Charter, charter_from_data, contrast_failures
from runtime.i18n import N_, gettext

COLOURS: tuple[tuple[str, str, str], ...] = (
    # (schema key, label, what it colours)
    ("primary", N_("Main colour"), N_("Header, buttons and links.")),
    ("primary_text", N_("Text on the main colour"), N_("Button labels and the header’s text.")),
    ("background", N_("Page background"), N_("Behind everything.")),
    ("surface", N_("Cards and forms"), N_("Form panels, cards and the footer.")),
    ("text", N_("Text"), N_("Questions and answers.")),
    ("muted_text", N_("Secondary text"), N_("Hints under the questions.")),
    ("border", N_("Borders"), N_("Lines around cards and panels (decorative).")),
    ("error", N_("Errors"), N_("Messages about an answer to correct.")),
    ("success", N_("Confirmations"), N_("The message after sending.")),
    ("focus", N_("Keyboard focus"), N_("The outline around what the keyboard reaches.")),
)
COLOUR_LABELS = {key: label for key, label, _hint in COLOURS}


CURRENT_FONT = {"body": "current-body", "heading": "current-heading"}
MAX_RADIUS_PX = 40
_SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
_FOOTER = _SCHEMA["properties"]["footer"]
MAX_LINKS: int = _FOOTER["properties"]["links"]["maxItems"]
MAX_TEXT: int = _SCHEMA["$defs"]["text"]["additionalProperties"]["maxLength"]
MAX_ALT: int = _SCHEMA["properties"]["logo_alt"]["maxLength"]
# The schema's own rule for a link's address, so that the form and the file agree.
LINK_URL = re.compile(_FOOTER["properties"]["links"]["items"]["properties"]["url"]["pattern"])
COLOUR = re.compile(r"#[0-9a-f]{6}")


@dataclass
class LinkValues:
    label_fr: str = ""
    label_en: str = ""
    url: str = ""


@dataclass
class CharterValues:
    """What the form shows and posts."""

    colors: dict[str, str]
    font_body: str  # a FontChoice key, or CURRENT_FONT's
    font_heading: str
    radius: str  # pixels, as typed
    footer_text_fr: str
    footer_text_en: str
    links: list[LinkValues]
    logo: str | None  # the current charter's logo, kept unless replaced or removed
    logo_alt: str
    remove_logo: bool = False
    new_logo: NewLogo | None = None


@dataclass
class Problems:
    """Messages for the person editing, by form field (`color-text`, `link-2`, `logo`...)."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def summary(self) -> list[tuple[str, str]]:
        return [(name, message) for name, messages in self.by_field.items() for message in messages]


# -- reading ----------------------------------------------------------------------------


def font_choices(charter: Charter) -> list[FontChoice]:
    """The fonts offered; the charter's own is kept as a choice when it is none of them."""
    choices = list(FONTS)
    known = {choice.stack for choice in FONTS}
    for role, label in (("body", N_("Current text font")), ("heading", N_("Current heading font"))):
        stack = charter.fonts[role]
        if stack not in known:
            choices.append(FontChoice(CURRENT_FONT[role], label, stack))
            known.add(stack)
    return choices


def _font_key(charter: Charter, stack: str) -> str:
    return next(choice.key for choice in font_choices(charter) if choice.stack == stack)


def _font_stack(charter: Charter, key: str) -> str | None:
    return next((choice.stack for choice in font_choices(charter) if choice.key == key), None)


def editable(charter: Charter, organisation_name: str) -> CharterValues:
    """The organisation's current charter as the form shows it."""
    radius = charter.radius
    if radius.endswith("em"):  # rem or em: the form counts pixels
        radius = str(round(float(radius.rstrip("rem")) * 16))
    return CharterValues(
        colors=dict(charter.colors),
        font_body=_font_key(charter, charter.fonts["body"]),
        font_heading=_font_key(charter, charter.fonts["heading"]),
        radius=radius.removesuffix("px"),
        footer_text_fr=charter.footer.text.get("fr", ""),
        footer_text_en=charter.footer.text.get("en", ""),
        links=[
            LinkValues(link.label.get("fr", ""), link.label.get("en", ""), link.url)
            for link in charter.footer.links
        ],
        logo=charter.logo,
        logo_alt=charter.logo_alt or organisation_name,
    )


def read_form(
    form: Mapping[str, str],
    upload: tuple[str, bytes] | None,
    charter: Charter,
    organisation_name: str,
    lang: str,
) -> tuple[CharterValues, Problems]:
    """The values a form posted, and what is wrong with them, field by field.

    `upload` is a newly chosen logo file (name, bytes). A logo checked at an earlier preview
    comes back as the `logo_pending` field, so that a page shown again loses nothing.
    """
    problems = Problems()
    current = editable(charter, organisation_name)
    colors = {}
    for key, label, _hint in COLOURS:
        value = form.get(f"color-{key}", current.colors[key]).strip().lower()
        if not COLOUR.fullmatch(value):
            problems.add(
                f"color-{key}",
                gettext(
                    lang,
                    N_("%(colour)s: write the colour as #rrggbb, for example #1d4ed8."),
                    colour=gettext(lang, label),
                ),
            )
        colors[key] = value
    fonts = {}
    for role in ("body", "heading"):
        key = form.get(f"font_{role}", getattr(current, f"font_{role}"))
        if _font_stack(charter, key) is None:
            problems.add(f"font_{role}", gettext(lang, N_("Choose a font from the list.")))
            key = getattr(current, f"font_{role}")
        fonts[role] = key
    radius = form.get("radius", current.radius).strip()
    if not _valid_radius(radius):
        problems.add(
            "radius",
            gettext(lang, N_("Write a whole number of pixels from 0 to %(max)s."), max=MAX_RADIUS_PX),
        )
    footer_fr, footer_en = form.get("footer_text_fr", "").strip(), form.get("footer_text_en", "").strip()
    if not footer_fr:
        problems.add("footer_text_fr", gettext(lang, N_("Write the footer’s text in French.")))
    for name, text in (("footer_text_fr", footer_fr), ("footer_text_en", footer_en)):
        if len(text) > MAX_TEXT:
            problems.add(name, gettext(lang, N_("At most %(max)s characters."), max=MAX_TEXT))
    links = _read_links(form, problems, lang)
    logo_alt = form.get("logo_alt", "").strip()
    if len(logo_alt) > MAX_ALT:
        problems.add("logo_alt", gettext(lang, N_("At most %(max)s characters."), max=MAX_ALT))
    values = CharterValues(
        colors,
        fonts["body"],
        fonts["heading"],
        radius,
        footer_fr,
        footer_en,
        links,
        logo=charter.logo,
        logo_alt=logo_alt or organisation_name,
        remove_logo=form.get("remove_logo") == "on",
    )
    try:
        if upload is not None and upload[1]:
            values.new_logo = check_logo(upload[0], upload[1], lang)
        elif form.get("logo_pending"):
            values.new_logo = logo_from_data_uri(form["logo_pending"], lang)
    except LogoRefused as refused:
        problems.add("logo", str(refused))
    for name, message in contrast_problems(colors, lang):
        problems.add(name, message)
    return values, problems


def _valid_radius(text: str) -> bool:
    return re.fullmatch(r"[0-9]{1,3}", text) is not None and int(text) <= MAX_RADIUS_PX


def _read_links(form: Mapping[str, str], problems: Problems, lang: str) -> list[LinkValues]:
    links = []
    for index in range(MAX_LINKS):
        link = LinkValues(
            *(form.get(f"link-{index}-{part}", "").strip() for part in ("label_fr", "label_en", "url"))
        )
        if not (link.label_fr or link.label_en or link.url):
            continue  # an empty row
        name, number = f"link-{index}", index + 1
        if not link.label_fr:
            problems.add(name, gettext(lang, N_("Link %(n)s: write its label in French."), n=number))
        if max(len(link.label_fr), len(link.label_en)) > MAX_TEXT:
            problems.add(
                name,
                gettext(
                    lang, N_("Link %(n)s: a label has at most %(max)s characters."), n=number, max=MAX_TEXT
                ),
            )
        if not link.url:
            problems.add(name, gettext(lang, N_("Link %(n)s: write its address."), n=number))
        elif not LINK_URL.fullmatch(link.url):
            problems.add(
                name,
                gettext(
                    lang,
                    N_(
                        "Link %(n)s: write an address starting with https://, http:// or "
                        "mailto:, a page of this site starting with a single /, or a page of "
                        "the organisation such as mentions-legales; without spaces or quotes."
                    ),
                    n=number,
                ),
            )
        links.append(link)
    return links


def contrast_problems(colors: Mapping[str, str], lang: str) -> list[tuple[str, str]]:
    """(field, message) for each pair failing WCAG AA, next to the colour of the text."""
    return [
        (
            f"color-{failure.rule.foreground}",
            gettext(
                lang,
                N_(
                    "%(fg_name)s %(fg)s on %(bg_name)s %(bg)s: the contrast is %(ratio)s:1, WCAG AA asks "
                    "for at least %(minimum)s:1."
                ),
                fg_name=gettext(lang, COLOUR_LABELS[failure.rule.foreground]),
                fg=failure.foreground,
                bg_name=gettext(lang, COLOUR_LABELS[failure.rule.background]).lower(),
                bg=failure.background,
                ratio=failure.ratio_text.replace(".", "," if lang == "fr" else "."),
                minimum=f"{failure.rule.minimum:g}".replace(".", "," if lang == "fr" else "."),
            ),
        )
        for failure in contrast_failures(colors)
    ]


# -- the theme the values describe ----------------------------------------------------------


def theme_data(
    values: CharterValues, charter: Charter, organisation_name: str, logo: str | None
) -> dict[str, Any]:
    """The theme.json of `values`, deriving from the theme `charter` is or derives from."""
    footer_text = {
        "fr": values.footer_text_fr,
        **({"en": values.footer_text_en} if values.footer_text_en else {}),
    }
    links = [
        {"label": {"fr": link.label_fr, **({"en": link.label_en} if link.label_en else {})}, "url": link.url}
        for link in values.links
    ]
    data: dict[str, Any] = {
        "name": charter.name,
        "base": charter.base or charter.folder.name,
        "colors": dict(values.colors),
        "fonts": {
            "body": _font_stack(charter, values.font_body),
            "heading": _font_stack(charter, values.font_heading),
        },
        "logo": logo,
        "radius": f"{values.radius}px",
        "footer": {"text": footer_text, "links": links},
    }
    if logo and values.logo_alt and values.logo_alt != organisation_name:
        data["logo_alt"] = values.logo_alt
    return data


def preview_charter(values: CharterValues, charter: Charter, organisation_name: str) -> Charter:
    """The charter as the form's values would make it, never saved, for the live preview.

    Values the form refused fall back to the current charter's, so the preview stays usable
    while something is being corrected.
    """
    current = editable(charter, organisation_name)
    safe = CharterValues(
        colors={
            key: value if COLOUR.fullmatch(value) else current.colors[key]
            for key, value in values.colors.items()
        },
        font_body=values.font_body,
        font_heading=values.font_heading,
        radius=values.radius if _valid_radius(values.radius) else current.radius,
        footer_text_fr=values.footer_text_fr or current.footer_text_fr,
        footer_text_en=values.footer_text_en,
        links=[link for link in values.links if link.label_fr and LINK_URL.fullmatch(link.url)],
        logo=values.logo,
        logo_alt=values.logo_alt,
    )
    logo = None if values.remove_logo else charter.logo
    data = theme_data(safe, charter, organisation_name, logo)
    return charter_from_data(data, charter.folder, charter.bases)
