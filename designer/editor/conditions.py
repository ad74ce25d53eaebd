"""The condition editor: "show when <question> <is / is not / contains...> <value>", rows
combined with all or any, written as the `visible_if` that runtime/conditions.py evaluates.

A condition may only look at questions that come before its element; the checks here say
so in the designer's words (with the questions' labels) before the loader would.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from designer.editor.operations import Definition, EditRefused, element_of
from runtime import i18n
from runtime.conditions import fields_of
from runtime.i18n import N_

MAX_ROWS = 10
# The editor's operators, in the order offered; "empty" is written `"filled": false`.
OPERATORS = (
    ("equals", N_("is")),
    ("not_equals", N_("is not")),
    ("contains", N_("contains")),
    ("filled", N_("is filled in")),
    ("empty", N_("is empty")),
    ("greater_than", N_("is greater than")),
    ("less_than", N_("is less than")),
)
QUOTES = {"fr": "«\u00a0{}\u00a0»"}


@dataclass
class Question:
    """A question a condition may look at, as the editor offers it."""

    name: str
    label: str
    widget: str
    prop: Mapping[str, Any]
    choices: list[tuple[str, str]] = field(default_factory=list)

    @property
    def several(self) -> bool:
        return self.prop.get("type") == "array" and bool((self.prop.get("items") or {}).get("enum"))

    @property
    def numeric(self) -> bool:
        return self.prop.get("type") in ("number", "integer")

    @property
    def operators(self) -> list[str]:
        """The comparisons that make sense for this question."""
        if self.several:
            return ["contains", "filled", "empty"]
        if self.prop.get("type") in ("object", "array"):
            return ["filled", "empty"]
        if self.numeric:
            return ["equals", "not_equals", "greater_than", "less_than", "filled", "empty"]
        return ["equals", "not_equals", "filled", "empty"]


@dataclass
class Row:
    field: str = ""
    operator: str = "equals"
    value: str = ""


def _text(value: Mapping[str, str] | None, lang: str, fallback: str) -> str:
    value = value or {}
    return value.get(lang) or value.get(fallback) or next(iter(value.values()), "")


def question(definition: Definition, element: Mapping[str, Any], lang: str) -> Question:
    fallback = definition["lang"]
    prop = definition["schema"]["properties"].get(element["field"], {})
    choices = [
        (value, _text(label, lang, fallback)) for value, label in (element.get("choices") or {}).items()
    ]
    if prop.get("type") == "boolean":
        labels = element.get("labels") or {}
        yes, no = ("Oui", "Non") if lang == "fr" else ("Yes", "No")
        choices = [
            ("true", _text(labels.get("true"), lang, fallback) or yes),
            ("false", _text(labels.get("false"), lang, fallback) or no),
        ]
    return Question(
        element["field"],
        _text(element.get("label"), lang, fallback),
        element.get("widget", ""),
        prop,
        choices,
    )


def questions_before(definition: Definition, page: int, index: int, lang: str) -> list[Question]:
    """The questions before an element (index -1: before the page), in form order."""
    found = []
    for page_index, each in enumerate(definition["ui"]["pages"][: page + 1]):
        for position, element in enumerate(each["elements"]):
            if page_index == page and (index < 0 or position >= index):
                break
            if "field" in element:
                found.append(question(definition, element, lang))
    return found


def all_questions(definition: Definition, lang: str) -> dict[str, Question]:
    return {
        element["field"]: question(definition, element, lang)
        for page in definition["ui"]["pages"]
        for element in page["elements"]
        if "field" in element
    }


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rows_of(condition: Mapping[str, Any] | None) -> tuple[str, list[Row]] | None:
    """The editor's rows for a condition, or None when it is more than rows can say."""
    if not condition:
        return "all", []
    join = "any" if "any" in condition else "all"
    parts = condition.get(join) if join in condition else [condition]
    rows = []
    for part in parts or []:
        if "field" not in part:
            return None
        operator = next(key for key in part if key != "field")
        value = part[operator]
        if operator == "filled":
            rows.append(Row(part["field"], "filled" if value else "empty"))
        else:
            rows.append(Row(part["field"], operator, _shown(value)))
    return join, rows


def rows_from_form(values: Mapping[str, str]) -> tuple[str, list[Row]]:
    join = "any" if values.get("condition_join") == "any" else "all"
    rows = []
    removed = values.get("condition_remove", "")
    for number in range(MAX_ROWS):
        name = values.get(f"condition_field_{number}")
        if name is None or str(number) == removed:
            continue
        rows.append(
            Row(
                name.strip(),
                values.get(f"condition_operator_{number}", "equals"),
                values.get(f"condition_value_{number}", "").strip(),
            )
        )
    return join, rows


def _value(asked: Question, operator: str, raw: str) -> Any:
    if not raw:
        raise EditRefused(N_("Give the value to compare “%(field)s” with."), field=asked.label)
    if asked.choices:
        for value, label in asked.choices:
            if raw == value or raw.casefold() == label.casefold():
                return value == "true" if asked.prop.get("type") == "boolean" else value
        raise EditRefused(
            N_("“%(value)s” is not one of the answers offered by “%(field)s”."), value=raw, field=asked.label
        )
    if asked.numeric:
        try:
            number = float(raw.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
        except ValueError:
            raise EditRefused(
                N_("“%(field)s” is a number: compare it with a number, not “%(value)s”."),
                field=asked.label,
                value=raw,
            ) from None
        return int(number) if number.is_integer() else number
    return raw


def _part(row: Row, asked: Question) -> dict[str, Any]:
    operator = row.operator
    if operator not in dict(OPERATORS):
        raise EditRefused(N_("Unknown comparison %(name)s."), name=operator)
    if operator in ("filled", "empty"):
        return {"field": row.field, "filled": operator == "filled"}
    kind = asked.prop.get("type")
    if operator == "contains" and not asked.several:
        raise EditRefused(
            N_("“contains” is for questions with several answers; use “is” for “%(field)s”."),
            field=asked.label,
        )
    if operator in ("equals", "not_equals") and asked.several:
        raise EditRefused(N_("“%(field)s” may have several answers: use “contains”."), field=asked.label)
    if operator in ("equals", "not_equals") and kind in ("object", "array"):
        raise EditRefused(N_("“%(field)s” can only be checked as filled in or empty."), field=asked.label)
    if operator in ("greater_than", "less_than") and not asked.numeric:
        raise EditRefused(
            N_("Only numbers can be greater or less: “%(field)s” is not a number."), field=asked.label
        )
    return {"field": row.field, operator: _value(asked, operator, row.value)}


def condition_from_rows(
    join: str, rows: list[Row], earlier: list[Question], everyone: dict[str, Question], own: str | None
) -> dict[str, Any] | None:
    """The `visible_if` the rows say, refusing questions that are not before the element."""
    before = {asked.name: asked for asked in earlier}
    parts = []
    for row in rows:
        if not row.field:
            continue
        if row.field == own:
            raise EditRefused(N_("An element cannot be shown depending on its own answer."))
        if row.field not in everyone:
            raise EditRefused(N_("The question %(field)s does not exist (any more)."), field=row.field)
        if row.field not in before:
            raise EditRefused(
                N_(
                    "“%(field)s” comes later in the form: a condition may only depend on "
                    "questions asked before."
                ),
                field=everyone[row.field].label,
            )
        parts.append(_part(row, before[row.field]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {join: parts}


def set_condition(
    definition: Definition, page: int, index: int, values: Mapping[str, str], lang: str
) -> None:
    """Apply the condition rows of the properties form to an element of `definition`."""
    if "condition_join" not in values:
        return
    element = element_of(definition, page, index)
    join, rows = rows_from_form(values)
    condition = condition_from_rows(
        join,
        rows,
        questions_before(definition, page, index, lang),
        all_questions(definition, lang),
        element.get("field"),
    )
    if condition is None:
        element.pop("visible_if", None)
    else:
        element["visible_if"] = condition


def _references(definition: Definition) -> Iterator[tuple[str | None, Mapping[str, Any], list[str]]]:
    """(the element's field or None, the element or page, the names it looks at) in form order,
    each preceded by the names asked before it."""
    for page in definition["ui"]["pages"]:
        yield None, page, list(fields_of(page.get("visible_if")))
        for element in page["elements"]:
            names = list(fields_of(element.get("visible_if")))
            if element.get("after"):
                names.append(element["after"])
            yield element.get("field"), element, names


def order_problem(changed: Definition, before: Definition, lang: str) -> EditRefused | None:
    """Why `changed` puts a question after one that depends on it, or drops one that others
    need; None when every condition still looks back. Labels are read from `before`."""
    labels = {name: asked.label for name, asked in all_questions(before, lang).items()}
    present = {
        element["field"]
        for page in changed["ui"]["pages"]
        for element in page["elements"]
        if "field" in element
    }
    seen: set[str] = set()
    for own, holder, names in _references(changed):
        label = (
            labels.get(own or "", "")
            or _text(holder.get("title") or holder.get("content"), lang, changed["lang"])[:60]
        )
        for name in names:
            if name not in present:
                return EditRefused(
                    N_(
                        "“%(field)s” is used by “%(element)s” (its condition or its order of "
                        "dates): change that first."
                    ),
                    field=labels.get(name, name),
                    element=label,
                ).about(own)
            if name not in seen:
                return EditRefused(
                    N_("“%(element)s” depends on “%(field)s” and cannot come before it."),
                    field=labels.get(name, name),
                    element=label,
                ).about(own)
        if own:
            seen.add(own)
    return None


def describe(condition: Mapping[str, Any] | None, questions: Mapping[str, Question], lang: str) -> str:
    """A condition in words, with labels: "Type is Other and Covered is Yes"."""
    if not condition:
        return ""
    for join, word in (("all", N_("and")), ("any", N_("or"))):
        if join in condition:
            glue = f" {i18n.gettext(lang, word)} "
            return glue.join(describe(part, questions, lang) for part in condition[join])
    if "not" in condition:
        return f"{i18n.gettext(lang, N_('not'))} ({describe(condition['not'], questions, lang)})"
    asked = questions.get(condition["field"])
    label = (QUOTES.get(lang, "“{}”").format(asked.label)) if asked else condition["field"]
    operator = next(key for key in condition if key != "field")
    if operator == "filled":
        operator = "filled" if condition["filled"] else "empty"
        return f"{label} {i18n.gettext(lang, dict(OPERATORS)[operator])}"
    value = _shown(condition[operator])
    shown = dict(asked.choices).get(value, value) if asked else value
    if isinstance(condition[operator], (int, float)) and not isinstance(condition[operator], bool):
        shown = i18n.number_text(condition[operator], lang)
    return f"{label} {i18n.gettext(lang, dict(OPERATORS)[operator])} {shown}"
