"""What every field type provides: a schema check, a parser, extra validation, a display,
and what the rest of Parvis asks of it (palette entry, properties pane, messages, export
cells, statistics).

A field type is one module with one `Widget` subclass and one template
(`templates/fields/<name>.html`); a subclass that sets `name` registers itself
(`runtime.fields.registry`), so adding a field type touches nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeAlias

from runtime.fields import registry
from runtime.i18n import N_

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
    translatable text and values, so a French page shows it in French (`text`). A problem
    found inside a part (a widget's element, a group's question) has its path relative to
    that part, and the caller puts it `under` the part's own path."""

    path: str
    message: str
    template: str = field(default="", compare=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, path: str, template: str, **params: Any) -> Problem:
        return cls(path, template % params if params else template, template, params)

    def under(self, prefix: str) -> Problem:
        return replace(self, path=prefix + self.path)

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


class Refusal(ValueError):
    """A change that cannot be made, with the reason as a sentence in the reader's language."""

    def __init__(self, template: str, **params: Any) -> None:
        self.problem = Problem.of("", template, **params)
        super().__init__(self.problem.message)

    def text(self, lang: str) -> str:
        return self.problem.text(lang)


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


@dataclass(frozen=True)
class PaletteEntry:
    """How the editor's palette offers a field type: its name for people (a msgid, for
    designers who never saw the widget's name) and its place in the list."""

    label: str
    order: int


# Sentences for citizens (msgids) by error code.
Sentences: TypeAlias = Mapping[str, str]
# Turns a nested answer (a group item's) into the text of its export cell.
CellText: TypeAlias = Callable[[Element, Schema, Any], str]


# The controls a properties pane may show (`Widget.pane`).
PANE_CONTROLS = frozenset(
    ("placeholder", "items", "choices", "default", "default_date", "default_choice")
    + ("range", "step", "length", "after", "files")
)


class Widget:
    """A field type. A subclass that sets `name` is registered as one, and must then say how
    the palette offers it; the attributes below say what it does unlike the others."""

    name: ClassVar[str]
    palette: ClassVar[PaletteEntry]
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
    # A repeatable group: its element holds questions of its own (`elements`), asked once per
    # item. A group holds no group.
    holds_questions: ClassVar[bool] = False
    # Its answers are uploaded files (stored apart, referred to by id in the answers).
    holds_files: ClassVar[bool] = False
    # A part of the page that every live refresh sends again while the question is shown
    # (a budget's running total), besides the question itself; None: no such part.
    live_part: ClassVar[str | None] = None
    # The template of a widget kept outside this package; None: `fields/<name>.html` among
    # runtime's templates, where a charter may override it.
    template_file: ClassVar[Path | None] = None

    # The editor's properties pane: the controls it shows besides label, help and
    # requiredness, in order (designer/templates/_editor_properties.html lays each out and
    # designer/editor/properties.py applies it). "placeholder": an example in the empty
    # field; "items": a group's item names and counts; "choices": one a line; "default",
    # "default_date", "default_choice": a default answer typed, picked on a calendar or
    # among the choices; "range": minimum and maximum; "step": step and unit; "length":
    # maximum length and pattern; "after": after another answer of the same type; "files":
    # accepted types, sizes, several files.
    pane: ClassVar[tuple[str, ...]] = ()

    # Its own words for a rule every field has, by error code ("type" on a number: the text
    # typed is not a number).
    messages: ClassVar[Sentences] = {}
    # The rules only this widget checks (its `validate`), by error code: their sentences hold
    # wherever the error shows, in a group's item too.
    rule_messages: ClassVar[Sentences] = {}

    # How the statistics count its answers (runtime/reports/distributions.py): "choice" (one
    # value), "boolean", "scale", "multiple" (a list of values), "statements" (a value per
    # statement), "ranks" (an order); None: not counted (free text, numbers, files...).
    statistics: ClassVar[str | None] = None
    # A number answer stays a number in the export, so that a spreadsheet sums it.
    exports_numbers: ClassVar[bool] = False
    # Set for each class: its display of a text answer is the text itself, so the export
    # copies the text without working out a display.
    answer_is_its_text: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.answer_is_its_text = cls.display is Widget.display and cls.export_value is Widget.export_value
        if "name" not in cls.__dict__:
            return  # shared behaviour (LimitedText, IdentifierWidget), no field type of its own
        if "palette" not in cls.__dict__:
            raise TypeError(f"widget {cls.name!r} needs its own palette entry")
        unknown = set(cls.pane) - PANE_CONTROLS
        if unknown:
            raise TypeError(f"widget {cls.name!r}: no properties pane control {', '.join(sorted(unknown))}")
        registry.register(cls())

    @property
    def template(self) -> str:
        return f"fields/{self.name}.html"

    # -- the definition ------------------------------------------------------------
    def check(self, element: Element, prop: Schema) -> list[Problem]:
        """Why this element cannot use this property schema, each problem at a path relative
        to the element ("" for the element itself, "/choices" for its choices...)."""
        problems = []
        kind = prop.get("type")
        if kind not in self.schema_types:
            wanted = (
                N_("widget %(widget)s needs a property of type %(expected)s, not %(kind)s")
                if len(self.schema_types) == 1
                else N_("widget %(widget)s needs a property of one of the types %(expected)s, not %(kind)s")
            )
            expected = ", ".join(repr(t) for t in self.schema_types)
            problems.append(
                Problem.of("", wanted, widget=repr(self.name), expected=expected, kind=repr(kind))
            )
        if self.default_format and prop.get("format") != self.default_format:
            problems.append(
                Problem.of(
                    "",
                    N_("widget %(widget)s needs the format %(format)s in its property"),
                    widget=repr(self.name),
                    format=repr(self.default_format),
                )
            )
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

    # -- the editor ---------------------------------------------------------------------
    def new_element(self, name: str, lang: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """A question of this type as the designer adds it: its element and property schema."""
        element: dict[str, Any] = {"field": name, "widget": self.name, "label": new_label(lang)}
        return element, self.new_question(element, lang)

    def new_question(self, element: dict[str, Any], lang: str) -> dict[str, Any]:
        """A new question's property schema, with sensible defaults for its type; adds to
        `element` what the type needs (choices, statements...)."""
        return self.default_schema()

    def default_answer(self, raw: str, prop: Schema) -> Any:
        """A default answer typed in the properties pane, as the answer would be stored;
        ValueError (its message a msgid for the designer) when it cannot be one."""
        return raw

    def choices_changed(self, element: dict[str, Any], prop: dict[str, Any]) -> None:
        """After the designer rewrote the choices: what depends on them follows."""

    # -- messages -------------------------------------------------------------------------
    def explain(
        self, error: FieldError, element: Element, params: dict[str, Any], ctx: DisplayContext
    ) -> str:
        """The code whose sentence explains `error` on this widget; may add values to `params`."""
        return error.code

    def message_params(
        self, code: str, params: dict[str, Any], lang: str, labels: Mapping[str, str]
    ) -> dict[str, Any]:
        """The values of one of `rule_messages`, as the sentence writes them."""
        return params

    # -- reports ------------------------------------------------------------------------
    def export_value(
        self, element: Element, prop: Schema, value: Any, ctx: DisplayContext, cell: CellText
    ) -> Display | int | float:
        """The answer in its export column: as the review page reads it, except that numbers
        stay numbers (`exports_numbers`). `cell` gives a nested answer's cell text."""
        if self.exports_numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        return self.display(element, prop, value, ctx)

    def offered(self, element: Element, prop: Schema, ctx: DisplayContext) -> dict[str, str]:
        """The answers the question offers, value -> label, for the statistics: the schema's
        values in the designer's order, then the labelled values the schema no longer has."""
        choices = element.get("choices") or {}
        # The schema's enum is a list, so it keeps the designer's order wherever the definition
        # is stored (PostgreSQL's JSONB does not keep the order of an object's keys).
        enum = choices_of(element, prop)
        values = [*enum, *(value for value in choices if value not in enum)]
        return {str(value): ctx.text(choices.get(value)) or str(value) for value in values}


def new_label(lang: str) -> dict[str, str]:
    return {lang: "Nouvelle question" if lang == "fr" else "New question"}


def choice_label(element: Element, value: Any, ctx: DisplayContext) -> str:
    choices = element.get("choices") or {}
    return ctx.text(choices[value]) if value in choices else str(value)


def choices_of(element: Element, prop: Schema) -> list[str]:
    """The values offered, in the order the designer gave them."""
    enum = prop.get("enum") or (prop.get("items") or {}).get("enum") or []
    return list(enum)


def new_choices(element: dict[str, Any], lang: str) -> list[str]:
    """Two options to start a new choice question from; returns their values."""
    values = ["option-1", "option-2"]
    element["choices"] = {value: {lang: f"Option {n}"} for n, value in enumerate(values, 1)}
    return values


def check_choices(element: Element, values: list[Any]) -> list[Problem]:
    choices = element.get("choices")
    if not values:
        return [Problem.of("", N_('a choice field needs an "enum" of values in its schema'))]
    if choices is None:
        return []
    missing = [v for v in values if v not in choices]
    extra = [k for k in choices if k not in values]
    problems = []
    if missing:
        problems.append(
            Problem.of(
                "/choices", N_("choices has no label for %(values)s"), values=", ".join(map(repr, missing))
            )
        )
    if extra:
        problems.append(
            Problem.of(
                "/choices",
                N_("choices has %(values)s, which the schema's enum does not offer"),
                values=", ".join(map(repr, extra)),
            )
        )
    return problems
