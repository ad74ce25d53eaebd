"""What every field type provides: a schema check, a parser, extra validation, a display.

A field type is one module with one `Widget` subclass and one template
(`templates/fields/<name>.html`); the registry in `__init__` collects them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeAlias

Element = Mapping[str, Any]
Schema = Mapping[str, Any]
# What a reviewer reads: a text, or labelled rows (matrix lines, group items...).
Display: TypeAlias = str | Sequence[tuple[str, "Display"]]


class FormSource(Protocol):
    """The submitted page, as the widgets see it (see `runtime.answers`)."""

    timezone: dt.tzinfo

    def get(self, name: str) -> str | None: ...

    def getlist(self, name: str) -> list[str]: ...

    def uploaded(self, name: str) -> list[dict[str, Any]]: ...

    def previous(self, name: str) -> Any: ...


@dataclass(frozen=True)
class Problem:
    """A defect of a definition, at a JSON path, in a sentence for its author.

    `message` is the English sentence; a problem made by `Problem.of` also keeps its
    translatable text and values, so a French page shows it in French (`text`)."""

    path: str
    message: str
    template: str = field(default="", compare=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, path: str, template: str, **params: Any) -> Problem:
        return cls(path, template % params if params else template, template, params)

    def text(self, lang: str) -> str:
        from runtime.i18n import gettext

        # A value may itself be a sentence (the reason a row was skipped): in the same language.
        params = {
            key: value.text(lang) if isinstance(value, Problem) else value
            for key, value in self.params.items()
        }
        return gettext(lang, self.template, **params) if self.template else self.message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class FieldError:
    """A citizen's answer that cannot be accepted: where, and which rule it broke."""

    path: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DisplayContext:
    lang: str
    fallback: str

    def text(self, value: Any) -> str:
        from runtime.text import localize

        return localize(value, self.lang, self.fallback)


class Widget:
    name: ClassVar[str]
    schema_types: ClassVar[tuple[str, ...]] = ("string",)
    # The HTML input type, for the widgets that are one <input>.
    input_type: ClassVar[str] = "text"
    input_mode: ClassVar[str | None] = None
    # Widgets made of several controls are a <fieldset> with a <legend>.
    is_group: ClassVar[bool] = False
    default_format: ClassVar[str | None] = None
    # The stored shape of identifier widgets (spaces removed, capitals), as a pattern: the
    # export states it, since the format alone would accept what the form never stores.
    shape: ClassVar[str | None] = None

    @property
    def template(self) -> str:
        return f"fields/{self.name}.html"

    # -- the definition ------------------------------------------------------------
    def check(self, element: Element, prop: Schema) -> list[str]:
        """Sentences saying why this element cannot use this property schema."""
        problems = []
        kind = prop.get("type")
        if kind not in self.schema_types:
            expected = " or ".join(f'"{t}"' for t in self.schema_types)
            problems.append(f'widget "{self.name}" needs a property of type {expected}, not {kind!r}')
        if self.default_format and prop.get("format") != self.default_format:
            problems.append(f'widget "{self.name}" needs "format": "{self.default_format}"')
        return problems

    def export(self, element: Element, prop: Schema) -> dict[str, Any]:
        """The property schema as exported: the definition's, with the rules this widget
        enforces written in, so a validator of the export refuses what Parvis refuses."""
        schema = dict(prop)
        if self.default_format == schema.get("format") and self.shape and "pattern" not in schema:
            schema["pattern"] = self.shape
        return schema

    def default_schema(self) -> dict[str, Any]:
        """The property schema a designer gets when adding this widget."""
        schema: dict[str, Any] = {"type": self.schema_types[0]}
        if self.default_format:
            schema["format"] = self.default_format
        return schema

    def served_schema(self, element: Element, prop: Schema) -> Schema:
        """The property schema that applies: the definition's, with this widget's defaults
        for what it leaves out (a text's maximum length). Forms, validation and the exported
        schema all read this one."""
        return prop

    # -- the answers ----------------------------------------------------------------
    def parse(self, source: FormSource, name: str, element: Element, prop: Schema) -> Any:
        """The value typed on the page; None when left empty (absent from the answers)."""
        raw = source.get(name)
        if raw is None:
            return None
        value = raw.strip()
        return value or None

    def validate(self, element: Element, value: Any, answers: Mapping[str, Any]) -> list[FieldError]:
        """Rules that JSON Schema cannot say (checksums, sums, order of dates)."""
        return []

    def display(self, element: Element, prop: Schema, value: Any, ctx: DisplayContext) -> Display:
        return str(value)

    def form_value(self, value: Any) -> Any:
        """The value as the template puts it back into the control."""
        return "" if value is None else value


def choice_label(element: Element, value: Any, ctx: DisplayContext) -> str:
    choices = element.get("choices") or {}
    return ctx.text(choices[value]) if value in choices else str(value)


def choices_of(element: Element, prop: Schema) -> list[str]:
    """The values offered, in the order the designer gave them."""
    enum = prop.get("enum") or (prop.get("items") or {}).get("enum") or []
    return list(enum)


def check_choices(element: Element, values: list[Any]) -> list[str]:
    choices = element.get("choices")
    if not values:
        return ['a choice field needs an "enum" of values in its schema']
    if choices is None:
        return []
    missing = [v for v in values if v not in choices]
    extra = [k for k in choices if k not in values]
    problems = []
    if missing:
        problems.append(f"choices has no label for {', '.join(map(str, missing))}")
    if extra:
        problems.append(f"choices has {', '.join(extra)}, which the schema's enum does not offer")
    return problems
