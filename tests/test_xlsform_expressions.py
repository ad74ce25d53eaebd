"""XLSForm's `relevant` and `constraint` expressions: the subset that becomes conditions and
schema keywords, and why anything outside it is not carried over."""

from __future__ import annotations

from typing import Any

import pytest

from designer.imports.xlsform_expressions import (
    Question,
    Unsupported,
    constraint_keywords,
    relevant_condition,
)

QUESTIONS = {
    "age": Question("age", "integer"),
    "motif": Question("motif", "radio", ("a", "autre")),
    "services": Question("services", "checkboxes", ("x", "y")),
    "nom": Question("nom", "text"),
}


def resolve(name: str) -> Question:
    if name not in QUESTIONS:
        raise Unsupported(f"no {name}")
    return QUESTIONS[name]


@pytest.mark.parametrize(
    ("expression", "condition"),
    [
        ("${motif} = 'autre'", {"field": "motif", "equals": "autre"}),
        ("${motif} != 'a'", {"field": "motif", "not_equals": "a"}),
        ("selected(${services}, 'x')", {"field": "services", "contains": "x"}),
        ("${nom} != ''", {"field": "nom", "filled": True}),
        (
            "${age} < 3 or 65 <= ${age}",
            {
                "any": [
                    {"field": "age", "less_than": 3},
                    {"field": "age", "greater_than": 65},
                    {"field": "age", "equals": 65},
                ]
            },
        ),
        (
            "not(${motif} = 'a') and (${age} > 1 and ${age} <= 2)",
            {
                "all": [
                    {"not": {"field": "motif", "equals": "a"}},
                    {"field": "age", "greater_than": 1},
                    {"any": [{"field": "age", "less_than": 2}, {"field": "age", "equals": 2}]},
                ]
            },
        ),
    ],
)
def test_relevant_subset(expression: str, condition: dict[str, Any]) -> None:
    assert relevant_condition(expression, resolve) == condition


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("${motif} = 'z'", "not one of the choices"),
        ("${services} = 'x'", "use selected("),
        ("${nom} > 3", "not a number question"),
        ("${inconnu} = 1", "no inconnu"),
        ("string-length(${nom}) > 3", "'string-length' is not supported"),
        ("${age} = ${age}", "not a value"),
        ("(" * 12 + "${age} > 1" + ")" * 12, "nested"),
        ("${age} > 1 and", "the end"),
        ("${age} ~ 1", "not understood"),
    ],
)
def test_relevant_outside_the_subset_says_why(expression: str, words: str) -> None:
    with pytest.raises(Unsupported) as refused:
        relevant_condition(expression, resolve)
    assert words in str(refused.value)


def test_constraint_subset() -> None:
    assert constraint_keywords(". >= 0 and . < 10", "number") == {"minimum": 0, "exclusiveMaximum": 10}
    assert constraint_keywords("regex(., '^[0-9]{5}$')", "text") == {"pattern": "^[0-9]{5}$"}
    assert constraint_keywords("string-length(.) <= 140", "textarea") == {"maxLength": 140}
    for expression, widget in (
        (". >= 3", "text"),
        ("regex(., '(a)\\1')", "text"),
        (". = 3", "integer"),
        (". > today()", "date"),
        (". >= 1 and . >= 2", "integer"),
    ):
        with pytest.raises(Unsupported):
            constraint_keywords(expression, widget)
