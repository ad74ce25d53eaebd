"""What one XLSForm question row becomes: a widget, its property schema and element keys,
its name, requiredness and constraint. Where it sits (page, group, repeat) is `xlsform`'s."""

from __future__ import annotations

import re
from typing import Any

from designer.imports.xlsform_expressions import Unsupported, constraint_keywords
from designer.imports.xlsform_sheets import ChoiceList, Columns, base_name
from designer.imports.xlsform_workbook import Row
from runtime.fields.file import FILE_SCHEMA
from runtime.i18n import N_

COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "appearance",
    "default",
}
FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic"]
MAX_CHOICES = 200
YES = {"yes", "true", "true()", "1"}
NO = {"no", "false", "false()", "0", ""}
_FILE = {"type": "array", "items": FILE_SCHEMA, "maxItems": 1}
SIMPLE: dict[str, tuple[str, dict[str, Any]]] = {  # XLSForm type -> widget and property schema
    "text": ("text", {"type": "string"}),
    "string": ("text", {"type": "string"}),
    "integer": ("integer", {"type": "integer"}),
    "int": ("integer", {"type": "integer"}),
    "decimal": ("number", {"type": "number"}),
    "date": ("date", {"type": "string", "format": "date"}),
    "datetime": ("datetime", {"type": "string", "format": "date-time"}),
    "acknowledge": ("consent", {"type": "boolean", "const": True}),
    "image": ("file", _FILE),
    "file": ("file", _FILE),
}
Translated = tuple[str, dict[str, Any], dict[str, Any]]


def question_type(columns: Columns, row: Row) -> tuple[str, list[str]]:
    """`select_one motif` -> ("select_one", ["motif"]); `begin group` -> ("begin_group", [])."""
    text = columns.plain(row, "type", needed=True)
    if not text:
        raise columns.skip(row, "type", N_("the row has no type; it was not imported"))
    parts = text.split()
    if parts[0].lower() in ("begin", "end") and len(parts) > 1:
        return f"{parts[0]}_{parts[1]}".lower(), parts[2:]
    return parts[0].lower(), parts[1:]


def widget_of(
    columns: Columns, row: Row, kind: str, parts: list[str], choices: dict[str, ChoiceList]
) -> Translated:
    """The widget, property schema and extra element keys of a question of type `kind`."""
    appearances = set((columns.plain(row, "appearance") or "").lower().split())
    understood: set[str] = set()
    extra: dict[str, Any] = {}
    if kind in SIMPLE:
        widget, schema = SIMPLE[kind]
        prop = dict(schema)
        if widget == "text" and "multiline" in appearances:
            widget, understood = "textarea", {"multiline"}
        if kind == "image":
            extra["accept"] = IMAGE_TYPES
    elif kind in ("select_one", "select_multiple"):
        values = _choices(columns, row, kind, parts, choices, extra)
        understood = {"minimal"}
        if kind == "select_one":
            widget = "select" if "minimal" in appearances else "radio"
            prop = {"type": "string", "enum": values}
        else:
            widget = "checkboxes"
            prop = {"type": "array", "items": {"type": "string", "enum": values}, "uniqueItems": True}
    else:
        raise columns.skip(
            row, "type", N_("the type %(type)s is not supported; the row was not imported"), type=repr(kind)
        )
    for appearance in sorted(appearances - understood):
        columns.note(
            row,
            "appearance",
            N_("the appearance %(appearance)s is not supported; ignored"),
            appearance=repr(appearance),
        )
    return widget, prop, extra


def _choices(
    columns: Columns,
    row: Row,
    kind: str,
    parts: list[str],
    choices: dict[str, ChoiceList],
    extra: dict[str, Any],
) -> list[str]:
    if not parts:
        raise columns.skip(
            row,
            "type",
            N_("%(type)s needs the name of a choice list, as %(type)s list_name; the row was not imported"),
            type=kind,
        )
    found = choices.get(parts[0])
    if found is None:
        raise columns.skip(
            row,
            "type",
            N_("the choice list %(list)s is not in the choices sheet; the row was not imported"),
            list=repr(parts[0]),
        )
    if len(found.labels) > MAX_CHOICES:
        raise columns.skip(
            row,
            "type",
            N_("the choice list %(list)s has more than %(limit)s choices; the row was not imported"),
            list=repr(parts[0]),
            limit=MAX_CHOICES,
        )
    for option in parts[1:]:
        columns.note(
            row,
            "type",
            N_('%(option)s is not supported (no free "other" answer); ignored'),
            option=repr(option),
        )
    extra["choices"] = dict(found.labels)
    return list(found.labels)


def field_name(columns: Columns, row: Row, used: dict[str, int]) -> tuple[str, str]:
    """The XLSForm name and the field name, kept in `used`; the row is skipped without one."""
    original = columns.plain(row, "name", needed=True)
    if not original:
        raise columns.skip(row, "name", N_("the question has no name; the row was not imported"))
    name = original
    if not FIELD_NAME.match(name):
        name = original.lower().replace("-", "_").replace(".", "_")
    if not FIELD_NAME.match(name):
        raise columns.skip(
            row,
            "name",
            N_(
                "%(name)s is not a valid name (letters, digits and _, "
                "starting with a letter); the row was not imported"
            ),
            name=repr(original),
        )
    if name in used:
        raise columns.skip(
            row,
            "name",
            N_("the name %(name)s is already used on row %(other)s; the row was not imported"),
            name=repr(original),
            other=used[name],
        )
    if name != original:
        columns.note(
            row,
            "name",
            N_("the name %(name)s becomes %(field)s (field names are lower-case)"),
            name=repr(original),
            field=repr(name),
        )
    used[name] = row.number
    return original, name


def required_of(columns: Columns, row: Row) -> bool:
    value = columns.raw(row, "required")
    text = str(value).strip().lower() if value is not None else ""
    if isinstance(value, bool) or text in YES | NO:
        return value is True or text in YES
    columns.note(
        row,
        "required",
        N_("required %(value)s is not yes or no (a condition?); the question is imported as optional"),
        value=repr(str(value)[:60]),
    )
    return False


def messages_of(
    columns: Columns, row: Row, widget: str, prop: dict[str, Any], required: bool
) -> dict[str, Any]:
    """The element's own error messages; the constraint's keywords go into `prop`."""
    messages = {}
    required_message = columns.texts(row, "required_message")
    if required and required_message:
        messages["required"] = columns.in_lang(row, "required_message", required_message, None)
    expression = columns.plain(row, "constraint")
    if not expression:
        return messages
    try:
        keywords = constraint_keywords(expression, widget)
    except Unsupported as why:
        columns.note(
            row,
            "constraint",
            N_("the constraint %(expression)s is not imported: %(why)s"),
            expression=repr(expression[:80]),
            why=why.problem,
        )
        return messages
    prop.update(keywords)
    text = columns.texts(row, "constraint_message")
    if text:
        shown = columns.in_lang(row, "constraint_message", text, None)
        messages.update({keyword: shown for keyword in keywords})
    return messages


def unsupported_columns(columns: Columns, row: Row) -> None:
    for header in row.values:
        base = base_name(header)
        if base == "default":
            columns.note(row, header, N_("default values are not imported; ignored"))
        elif base not in COLUMNS:
            columns.note(
                row, header, N_("the column %(header)s is not supported; ignored"), header=repr(header)
            )
