"""Visibility conditions: the one evaluator, and its translation into JSON Schema.

A condition is data: `{"field": "x", "equals": v}`, `not_equals`, `contains`, `filled`,
`greater_than`, `less_than`, or `{"all": [...]}`, `{"any": [...]}`, `{"not": c}`.
`evaluate` decides visibility in Python for pages, reviews and the API; `to_schema` writes
the same condition as a JSON Schema `if` so that exported schemas agree with Parvis.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

Condition = Mapping[str, Any]
OPERATORS = ("equals", "not_equals", "contains", "filled", "greater_than", "less_than")


def is_filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def evaluate(condition: Condition | None, answers: Mapping[str, Any]) -> bool:
    if condition is None:
        return True
    if "all" in condition:
        return all(evaluate(part, answers) for part in condition["all"])
    if "any" in condition:
        return any(evaluate(part, answers) for part in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], answers)
    value = answers.get(condition["field"])
    if "equals" in condition:
        return same(value, condition["equals"])
    if "not_equals" in condition:
        return not same(value, condition["not_equals"])
    if "contains" in condition:
        expected = condition["contains"]
        return isinstance(value, list) and any(same(item, expected) for item in value)
    if "filled" in condition:
        return is_filled(value) == bool(condition["filled"])
    if "greater_than" in condition:
        return _is_number(value) and value > condition["greater_than"]
    if "less_than" in condition:
        return _is_number(value) and value < condition["less_than"]
    raise ValueError(f"unknown condition {dict(condition)!r}")


def same(value: Any, expected: Any) -> bool:
    """JSON equality: unlike Python's, `true` is not `1`."""
    if isinstance(value, bool) or isinstance(expected, bool):
        return type(value) is type(expected) and value == expected
    return bool(value == expected)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def fields_of(condition: Condition | None) -> Iterator[str]:
    """Every field name a condition reads."""
    if condition is None:
        return
    for key in ("all", "any"):
        if key in condition:
            for part in condition[key]:
                yield from fields_of(part)
            return
    if "not" in condition:
        yield from fields_of(condition["not"])
        return
    yield condition["field"]


def to_schema(condition: Condition) -> dict[str, Any]:
    """The JSON Schema that an answers object satisfies exactly when `evaluate` is true.

    Hidden fields are absent from stored answers, so "absent" must behave as in
    `evaluate`: a missing value equals nothing, contains nothing and is not filled.
    """
    if "all" in condition:
        return {"allOf": [to_schema(part) for part in condition["all"]]}
    if "any" in condition:
        return {"anyOf": [to_schema(part) for part in condition["any"]]}
    if "not" in condition:
        return {"not": to_schema(condition["not"])}
    field = condition["field"]

    def present(value_schema: dict[str, Any]) -> dict[str, Any]:
        return {"required": [field], "properties": {field: value_schema}}

    if "equals" in condition:
        return present({"const": condition["equals"]})
    if "not_equals" in condition:
        return {"not": present({"const": condition["not_equals"]})}
    if "contains" in condition:
        return present({"type": "array", "contains": {"const": condition["contains"]}})
    if "filled" in condition:
        filled = present({"not": {"enum": ["", [], {}]}})
        return filled if condition["filled"] else {"not": filled}
    number = {"type": "number"}
    if "greater_than" in condition:
        return present({**number, "exclusiveMinimum": condition["greater_than"]})
    if "less_than" in condition:
        return present({**number, "exclusiveMaximum": condition["less_than"]})
    raise ValueError(f"unknown condition {dict(condition)!r}")
