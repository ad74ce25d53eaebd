"""Jinja environments, one per charter: the charter's templates first, then the defaults.

As in Datasette, `{% extends "default:base.html" %}` reaches the default of a template a
charter overrides, and pages ask for the most specific name first
(`form-signalement-voirie.html`, then `form.html`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    FunctionLoader,
    PrefixLoader,
    StrictUndefined,
    Template,
    pass_context,
)
from jinja2.runtime import Context
from markupsafe import Markup

from runtime import i18n
from runtime.actions.editing import WorkflowEditor
from runtime.actions.registry import delivery_label
from runtime.charter import theme_folders
from runtime.fields import registry
from runtime.fields.file import FORMAT_NAMES, size_text
from runtime.legal import conformity_of
from runtime.render_tree import SHOWN_SLOT
from runtime.text import markdown_html
from runtime.wording import KINDS, wording

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "templates"


@pass_context
def _gettext(context: Context, message: str, **params: Any) -> str:
    text = i18n.translations(context.get("lang", "fr")).gettext(message)
    return text % params if params else text


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int, **params: Any) -> str:
    text = i18n.translations(context.get("lang", "fr")).ngettext(singular, plural, count)
    return text % {"num": count, **params}


@pass_context
def _date(context: Context, value: Any, fmt: str = "long") -> str:
    return i18n.date_text(value, context.get("lang", "fr"), fmt)


@pass_context
def _datetime(context: Context, value: Any, fmt: str = "long") -> str:
    lang = context.get("lang", "fr")
    timezone = context.get("timezone")
    if timezone is not None and getattr(value, "tzinfo", None) is not None:
        value = value.astimezone(timezone)
    return i18n.datetime_text(value, lang, fmt)


@pass_context
def _number(context: Context, value: Any) -> str:
    return i18n.number_text(value, context.get("lang", "fr"))


@pass_context
def _money(context: Context, value: Any, currency: str = "EUR") -> str:
    return i18n.money_text(value, currency, context.get("lang", "fr"))


@pass_context
def _filesize(context: Context, value: int) -> str:
    return size_text(value, context.get("lang", "fr"))


def _formats(mime_types: list[str]) -> str:
    return ", ".join(FORMAT_NAMES.get(kind, kind.split("/")[-1].upper()) for kind in mime_types)


def _is_rows(value: Any) -> bool:
    return isinstance(value, (list, tuple))


@pass_context
def _field_html(context: Context, node: Any) -> Markup:
    """One element of a form, rendered once per (version, language, value, error) and kept.

    A published version never changes, so the HTML of a field with a given value is always
    the same: most fields of most pages (empty, or unchanged since the last visit) are then
    a dictionary look-up instead of a template render.
    """
    cache = cast(FragmentCache, context.environment.globals["fragments"])  # Jinja types globals as objects
    renderer = context["r"]
    oob = context.get("oob", False)
    # A content block has no name: its own text tells it from the page's other blocks.
    key = (
        renderer.version.key,
        renderer.lang,
        oob,
        node.name,
        node.slot,
        node.shown,
        node.error,
        _frozen(node.item_errors),
        _frozen(node.value),
        node.required,
        node.content,
        _focused(node),
    )
    html = cache.get(key)
    if html is None:
        template = context.environment.get_template("_field.html")
        html = Markup(template.render(node=node, r=renderer, lang=renderer.lang, oob=oob))
        cache.put(key, html)
    return html


def _focused(node: Any) -> str:
    """The input that takes the focus in this fragment (a group's item just added), if any."""
    if node.autofocus:
        return str(node.name)
    return next((found for item in node.items for sub in item if (found := _focused(sub))), "")


def _frozen(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str) if value else ""


class FragmentCache:
    """A bounded map of rendered fragments; cleared whole when full (entries are cheap to remake)."""

    def __init__(self, limit: int = 20_000):
        self._limit = limit
        self._entries: dict[Any, Markup] = {}

    def get(self, key: Any) -> Markup | None:
        return self._entries.get(key)

    def put(self, key: Any, html: Markup) -> None:
        if len(self._entries) >= self._limit:
            self._entries.clear()
        self._entries[key] = html


class Templates:
    def __init__(
        self, themes_root: Path | Sequence[Path], extra: list[Path] | None = None, auto_reload: bool = False
    ):
        # One folder of themes, or several searched in order (see runtime.charter.theme_roots).
        self._themes_root = themes_root
        # Folders of the parts built on the runtime (the staff side), searched after it.
        self._extra = list(extra or [])
        self._auto_reload = auto_reload
        self._lock = threading.Lock()
        self._environments: dict[str, Environment] = {}

    def environment(self, theme: str) -> Environment:
        env = self._environments.get(theme)
        if env is None:
            with self._lock:
                env = self._environments.get(theme) or self._build(theme)
                self._environments[theme] = env
        return env

    def forget(self, theme: str) -> None:
        """Drop the environment of a theme no organisation uses any more (and its fragments)."""
        with self._lock:
            self._environments.pop(theme, None)

    def _build(self, theme: str) -> Environment:
        default = FileSystemLoader(DEFAULT_TEMPLATES)
        loaders: list[BaseLoader] = []
        # The theme's overrides, then those of the themes it derives from (an edited charter
        # keeps the overrides of the theme it was made from).
        for folder in theme_folders(self._themes_root, theme) if theme != "default" else ():
            if (folder / "templates").is_dir() and folder.name != "default":
                loaders.append(FileSystemLoader(folder / "templates"))
        loaders.append(default)
        # A field type kept outside runtime/fields brings its own template.
        loaders.append(FunctionLoader(registry.template_source))
        loaders.extend(FileSystemLoader(folder) for folder in self._extra)
        env = Environment(
            loader=ChoiceLoader([PrefixLoader({"default": default}), *loaders]),
            autoescape=True,
            auto_reload=self._auto_reload,
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]  # added by the i18n extension at run time
        env.filters.update(
            date=_date,
            datetime=_datetime,
            number=_number,
            money=_money,
            filesize=_filesize,
            formats=_formats,
            markdown=markdown_html,
        )
        env.tests["rows"] = _is_rows
        env.globals["languages"] = i18n.LANGUAGE_NAMES
        env.globals["field_html"] = _field_html
        env.globals["widget_for"] = registry.widget_for
        env.globals["SHOWN_SLOT"] = SHOWN_SLOT
        env.globals["conformity_of"] = conformity_of
        env.globals["fragments"] = FragmentCache()
        # The workflow actions, for the workflow editor and a case's history (runtime.actions).
        env.globals["workflow_editor"] = WorkflowEditor
        env.globals["delivery_label"] = delivery_label
        # The words of a procedure's kind (runtime.wording): a request, answers, a vote...
        env.globals["wording"] = wording
        env.globals["KINDS"] = KINDS
        return env

    def select(self, theme: str, names: list[str]) -> Template:
        return self.environment(theme).select_template(names)

    def render(self, theme: str, names: str | list[str], /, **context: Any) -> str:
        template = self.select(theme, [names] if isinstance(names, str) else names)
        return template.render(**context)

    def has(self, theme: str, name: str) -> bool:
        try:
            self.environment(theme).get_template(name)
        except Exception:
            return False
        return True


def markup(text: str) -> Markup:
    return Markup(text)
