"""Staff-written texts: one string per language, and the Markdown some of them carry."""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

Text = Mapping[str, str]

# Raw HTML in Markdown is turned off: staff write text, not markup. nh3 then removes
# anything the Markdown renderer produced that a page should not carry.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


def localize(text: Text | str | None, lang: str, fallback: str) -> str:
    """The text in `lang`, else in the definition's own language, else any."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get(fallback) or next(iter(text.values()), "")


@lru_cache(maxsize=1024)
def plain_excerpt(source: str, limit: int = 180) -> str:
    """The first paragraph of a Markdown text, without markup, cut at a word."""
    first = html.unescape(nh3.clean(_markdown.render(source.strip().split("\n\n", 1)[0]), tags=set())).strip()
    first = " ".join(first.split())
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def markdown_links(source: str) -> list[str]:
    """The addresses of the links a Markdown text makes, as the page would write them."""
    return [
        str(child.attrGet("href") or "")
        for token in _markdown.parse(source)
        for child in token.children or ()
        if child.type == "link_open"
    ]


@lru_cache(maxsize=4096)
def markdown_html(source: str) -> Markup:
    html = _markdown.render(source)
    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    return Markup(cleaned)


def is_number(value: str) -> bool:
    """Plain ASCII digits, as a form's identifiers are: str.isdigit() also accepts "²", which
    int() refuses."""
    return 0 < len(value) <= 18 and value.isascii() and value.isdigit()
