"""The one evaluator, and its JSON Schema translation, agree on every combination."""

from __future__ import annotations

import itertools
import json

import jsonschema_rs
import pytest

from runtime.conditions import evaluate, fields_of, to_schema

VALUES = [None, "a", "b", "", True, False, 0, 5, 25, 25.5, ["a"], ["b", "c"], []]
CONDITIONS = [
    {"field": "x", "equals": "a"},
    {"field": "x", "equals": True},
    {"field": "x", "equals": 5},
    {"field": "x", "not_equals": "a"},
    {"field": "x", "contains": "a"},
    {"field": "x", "filled": True},
    {"field": "x", "filled": False},
    {"field": "x", "greater_than": 20},
    {"field": "x", "less_than": 20},
    {"all": [{"field": "x", "filled": True}, {"field": "y", "equals": "a"}]},
    {"any": [{"field": "x", "equals": "a"}, {"field": "y", "contains": "b"}]},
    {"not": {"field": "y", "equals": "a"}},
]


@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: json.dumps(c))
def test_the_schema_translation_agrees_with_the_evaluator(condition: dict) -> None:
    # jsonschema-rs is an independent implementation: it shares no code with Parvis.
    validator = jsonschema_rs.validator_for(to_schema(condition))
    for x, y in itertools.product(VALUES, VALUES[:4] + [["b"]]):
        answers = {name: value for name, value in (("x", x), ("y", y)) if value is not None}
        assert validator.is_valid(answers) == evaluate(condition, answers), answers


def test_true_is_not_one() -> None:
    assert not evaluate({"field": "x", "equals": 1}, {"x": True})
    assert not evaluate({"field": "x", "equals": True}, {"x": 1})
    assert evaluate({"field": "x", "contains": "a"}, {"x": ["a", "b"]})


def test_fields_of_lists_every_field_read() -> None:
    condition = {"all": [{"field": "a", "equals": 1}, {"any": [{"not": {"field": "b", "filled": True}}]}]}
    assert list(fields_of(condition)) == ["a", "b"]


def test_no_condition_means_shown() -> None:
    assert evaluate(None, {})
