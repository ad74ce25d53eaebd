"""The one tree every output walks: the form page, the review, the receipt, the e-mail.

Built from (version, answers, errors, language); templates only lay it out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from runtime.compiler import CompiledVersion, Field, Page
from runtime.fields.base import Display, DisplayContext, FieldError
from runtime.messages import message
from runtime.text import localize, markdown_html

# The name under which a form posts the conditional slots it shows (never a field name:
# those have no hyphen).
SHOWN_SLOT = "parvis-shown"


@dataclass
class Node:
    """One element of a page, ready for its template."""

    name: str  # the input name: "email", "enfants.0.prenom"
    widget: str
    label: str = ""
    help: str = ""
    placeholder: str = ""
    required: bool = False
    value: Any = None  # as the control shows it
    error: str = ""
    element: Mapping[str, Any] = field(default_factory=dict)
    prop: Mapping[str, Any] = field(default_factory=dict)
    choices: list[tuple[str, str]] = field(default_factory=list)
    items: list[list[Node]] = field(default_factory=list)  # repeatable groups
    item_errors: dict[str, str] = field(default_factory=dict)  # sub-part errors (address, matrix)
    content: Markup | None = None
    # Elements with a condition sit in a slot that stays in the page while hidden, so a
    # live refresh can fill or empty it without touching what the citizen is typing.
    slot: str = ""
    shown: bool = True
    autofocus: bool = False  # the question to type in first (a group's item just added)

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-")


@dataclass
class ReviewRow:
    label: str
    display: Display
    field: str


@dataclass
class ReviewSection:
    title: str
    page: int
    rows: list[ReviewRow]


class Renderer:
    """Texts and messages in one language, for one version."""

    def __init__(self, version: CompiledVersion, lang: str):
        self.version = version
        self.lang = lang
        self.ctx = DisplayContext(lang, version.lang)

    def text(self, value: Any) -> str:
        return localize(value, self.lang, self.version.lang)

    def excerpt(self) -> str:
        """A line or two from the description, for lists of procedures."""
        from runtime.text import plain_excerpt

        return plain_excerpt(self.text(self.version.definition.get("description")))

    def page_title(self, page: Page) -> str:
        title = self.text(page.definition.get("title"))
        return title or self.text(self.version.definition["title"])

    def nodes(
        self, page: Page, answers: Mapping[str, Any], errors: Mapping[str, FieldError], focus: str = ""
    ) -> list[Node]:
        """Every element of a page, with values and error sentences; hidden ones as empty slots.

        `focus` names the input that takes the focus when the page opens, if any.
        """
        from runtime.conditions import evaluate

        pruned = self.version.prune(answers)
        result = []
        fields_by_name = {f.name: f for f in page.fields}
        for index, element in enumerate(page.definition["elements"]):
            slot = ""
            if "visible_if" in element:
                slot = "slot-" + element.get("field", f"content-{index}")
            if "field" in element:
                spec = fields_by_name[element["field"]]
                node = self.field_node(
                    spec.element, spec.prop, spec.name, pruned.get(spec.name), errors, spec.required
                )
                node.shown = self.version.visible(spec, pruned)
            else:
                node = Node(name="", widget="content", content=markdown_html(self.text(element["content"])))
                node.shown = evaluate(element.get("visible_if"), pruned)
            node.slot = slot
            if node.shown or slot:
                result.append(node)
        if focus:
            for node, _prefix in _flatten(result, "", self.text):
                node.autofocus = node.name == focus
        return result

    def field_node(
        self,
        element: Mapping[str, Any],
        prop: Mapping[str, Any],
        name: str,
        value: Any,
        errors: Mapping[str, FieldError],
        required: bool,
    ) -> Node:
        from runtime.fields import widget_for

        widget = widget_for(element["widget"])
        assert widget is not None
        node = Node(
            name=name,
            widget=widget.name,
            label=self.text(element["label"]),
            help=self.text(element.get("help")),
            placeholder=self.text(element.get("placeholder")),
            # Nothing answered yet: the designer's default answer, if any, is shown filled in.
            required=required,
            value=widget.form_value(prop.get("default") if value is None else value),
            element=element,
            prop=prop,
            choices=[(key, self.text(label)) for key, label in ordered_choices(element, prop)],
        )
        if name in errors:
            node.error = self.error_text(errors[name], widget.name, element)
        prefix = name + "."
        for path, error in errors.items():
            if path.startswith(prefix) and not widget.holds_questions:
                node.item_errors[path[len(prefix) :]] = self.error_text(error, widget.name, element)
        if widget.holds_questions:
            node.items = self._group_items(element, prop, name, value, errors)
        return node

    def _group_items(
        self,
        element: Mapping[str, Any],
        prop: Mapping[str, Any],
        name: str,
        value: Any,
        errors: Mapping[str, FieldError],
    ) -> list[list[Node]]:
        items = value if isinstance(value, list) and value else [{}] * max(1, prop.get("minItems", 1))
        item_props = (prop.get("items") or {}).get("properties") or {}
        required = set((prop.get("items") or {}).get("required") or [])
        return [
            [
                self.field_node(
                    sub,
                    item_props.get(sub["field"], {}),
                    f"{name}.{index}.{sub['field']}",
                    (item or {}).get(sub["field"]),
                    errors,
                    sub["field"] in required or bool(sub.get("required")),
                )
                for sub in element.get("elements") or []
            ]
            for index, item in enumerate(items)
        ]

    def error_text(self, error: FieldError, widget: str, element: Mapping[str, Any]) -> str:
        labels = {name: self.text(spec.element["label"]) for name, spec in self.version.fields.items()}
        return message(error, widget, element, self.lang, self.version.lang, labels)

    def summary(self, errors: Mapping[str, FieldError], nodes: list[Node]) -> list[tuple[str, str, str]]:
        """(anchor id, label, sentence) for the error summary, in page order.

        A question inside a repeatable group is named with its item ("Enfant 2 – Prénom"):
        the same label appears once per item.
        """
        rows = []
        for node, prefix in _flatten(nodes, "", self.text):
            if not node.shown:
                continue
            label = f"{prefix}{node.label}"
            if node.error:
                rows.append((node.id, label, node.error))
            for part, text in node.item_errors.items():
                rows.append((f"{node.id}-{part.replace('.', '-')}", label, text))
        return rows

    def review(self, answers: Mapping[str, Any]) -> list[ReviewSection]:
        """Every answered question, page by page, as people read it."""
        pruned = self.version.prune(answers)
        sections = []
        for page in self.version.visible_pages(pruned):
            rows = [self.review_row(spec, pruned[spec.name]) for spec in page.fields if spec.name in pruned]
            sections.append(ReviewSection(self.page_title(page), page.index, rows))
        return sections

    def review_row(self, spec: Field, value: Any) -> ReviewRow:
        shown = spec.widget.display(spec.element, spec.prop, value, self.ctx)
        return ReviewRow(self.text(spec.element["label"]), shown, spec.name)


def _flatten(nodes: list[Node], prefix: str, text: Callable[[Any], str]) -> list[tuple[Node, str]]:
    flat = []
    for node in nodes:
        flat.append((node, prefix))
        item_label = text(node.element.get("item_label")) if node.items else ""
        for number, item in enumerate(node.items, 1):
            flat.extend(_flatten(item, f"{prefix}{item_label or node.label} {number} – ", text))
    return flat


def plain_text(display: Any) -> str:
    """An answer as shown on the review page, in one line of plain text (mails, exports)."""
    if isinstance(display, str):
        return display
    return "; ".join(
        f"{label}: {plain_text(value)}" if label else plain_text(value) for label, value in display
    )


def ordered_choices(element: Mapping[str, Any], prop: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(value, label) in the designer's order, which is the schema's `enum` (a list).

    The `choices` object's own key order is not kept by every store (PostgreSQL's JSONB
    sorts keys), so it only decides for values the enum does not list.
    """
    choices = element.get("choices") or {}
    rows = [value for value in (prop.get("properties") or {}).values() if isinstance(value, Mapping)]
    enum = (
        prop.get("enum")
        or (prop.get("items") or {}).get("enum")
        or next((row.get("enum") for row in rows if row.get("enum")), None)
        or []
    )
    ordered = [value for value in enum if value in choices]
    ordered += [value for value in choices if value not in ordered]
    return [(value, choices[value]) for value in ordered]
