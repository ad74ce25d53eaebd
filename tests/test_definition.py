"""Definitions are checked whole: every problem, at a path, in a sentence; nothing runs unbounded."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from runtime.definition import DefinitionError, check_definition, load_definition

EXAMPLES = sorted(Path("examples").glob("*/procedures/*.json"))


def minimal() -> dict[str, Any]:
    return {
        "id": "demande",
        "kind": "procedure",
        "lang": "fr",
        "title": {"fr": "Demande"},
        "schema": {
            "type": "object",
            "properties": {
                "choix": {"type": "string", "enum": ["a", "b"]},
                "detail": {"type": "string", "maxLength": 100},
            },
        },
        "ui": {
            "pages": [
                {
                    "title": {"fr": "Page"},
                    "elements": [
                        {
                            "field": "choix",
                            "widget": "radio",
                            "label": {"fr": "Choix"},
                            "choices": {"a": {"fr": "A"}, "b": {"fr": "B"}},
                        },
                        {
                            "field": "detail",
                            "widget": "text",
                            "label": {"fr": "Détail"},
                            "visible_if": {"field": "choix", "equals": "b"},
                            "required": True,
                        },
                    ],
                }
            ]
        },
    }


def problems(document: Any) -> list[str]:
    return [f"{p.path}: {p.message}" for p in check_definition(document)]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_is_valid(path: Path) -> None:
    load_definition(path.read_bytes())


def test_the_minimal_definition_is_valid() -> None:
    assert problems(minimal()) == []


def mutate(change: Any) -> dict[str, Any]:
    document = copy.deepcopy(minimal())
    change(document)
    return document


def elements(document: dict[str, Any]) -> list[dict[str, Any]]:
    return document["ui"]["pages"][0]["elements"]


BAD = {
    "external $ref": (
        lambda d: d["schema"]["properties"]["detail"].update({"$ref": "https://evil.example/s.json"}),
        "/schema/properties/detail/$ref",
        "external $ref",
    ),
    "file $ref": (
        lambda d: d["schema"]["properties"]["detail"].update({"$ref": "file:///etc/passwd"}),
        "/schema/properties/detail/$ref",
        "external $ref",
    ),
    "dangling $ref": (
        lambda d: d["schema"]["properties"]["detail"].update({"$ref": "#/$defs/none"}),
        "/schema/properties/detail/$ref",
        "points at nothing",
    ),
    "catastrophic pattern": (
        lambda d: d["schema"]["properties"]["detail"].update({"pattern": "^(a+)+\\1$"}),
        "/schema/properties/detail/pattern",
        "not accepted",
    ),
    "unknown widget": (
        lambda d: elements(d)[0].update({"widget": "carousel"}),
        "/ui/pages/0/elements/0/widget",
        "unknown widget",
    ),
    "condition on a missing field": (
        lambda d: elements(d)[1].update({"visible_if": {"field": "ghost", "equals": 1}}),
        "/ui/pages/0/elements/1/visible_if",
        "not a field",
    ),
    "condition on a later field": (
        lambda d: elements(d)[0].update({"visible_if": {"field": "detail", "filled": True}}),
        "/ui/pages/0/elements/0/visible_if",
        "comes later",
    ),
    "condition on itself (a cycle)": (
        lambda d: elements(d)[1].update({"visible_if": {"field": "detail", "filled": True}}),
        "/ui/pages/0/elements/1/visible_if",
        "itself",
    ),
    "choice not offered in a condition": (
        lambda d: elements(d)[1].update({"visible_if": {"field": "choix", "equals": "z"}}),
        "/ui/pages/0/elements/1/visible_if",
        "not one of its choices",
    ),
    "property without element": (
        lambda d: d["schema"]["properties"].update({"orphan": {"type": "string"}}),
        "/schema/properties/orphan",
        "no element",
    ),
    "element without property": (
        lambda d: elements(d).append({"field": "nope", "widget": "text", "label": {"fr": "N"}}),
        "/ui/pages/0/elements/2/field",
        "not a property",
    ),
    "required and conditional": (
        lambda d: d["schema"].update({"required": ["detail"]}),
        "/ui/pages/0/elements/1/visible_if",
        "schema.required",
    ),
    "widget and type mismatch": (
        lambda d: elements(d)[1].update({"widget": "checkboxes"}),
        "/ui/pages/0/elements/1",
        "type",
    ),
    "choices that differ from enum": (
        lambda d: elements(d)[0].update({"choices": {"a": {"fr": "A"}, "c": {"fr": "C"}}}),
        "/ui/pages/0/elements/0/choices",
        "does not offer",
    ),
    "unknown key": (lambda d: d.update({"script": "alert(1)"}), "/", "unknown key"),
    "missing title": (lambda d: d.pop("title"), "/", "'title' is missing"),
    "title without default language": (
        lambda d: d.update({"title": {"en": "Request"}}),
        "/title",
        "language",
    ),
}


@pytest.mark.parametrize("name", BAD)
def test_each_defect_is_reported_at_its_path(name: str) -> None:
    change, path, words = BAD[name]
    found = problems(mutate(change))
    assert any(line.startswith(f"{path}:") and words in line for line in found), found


def test_every_problem_is_listed_not_only_the_first() -> None:
    def many(d: dict[str, Any]) -> None:
        elements(d)[0]["widget"] = "carousel"
        d["schema"]["properties"]["orphan"] = {"type": "string"}
        d["schema"]["properties"]["detail"]["$ref"] = "http://x/y"

    assert len(problems(mutate(many))) >= 3


def test_malformed_json_says_where() -> None:
    with pytest.raises(DefinitionError) as caught:
        load_definition(b'{"id": "x",\n "kind": }')
    assert "line 2" in str(caught.value)


def test_huge_and_deep_documents_are_refused() -> None:
    with pytest.raises(DefinitionError, match="bytes"):
        load_definition(b" " * 3_000_000)
    deep: Any = "x"
    for _ in range(200):
        deep = {"a": deep}
    with pytest.raises(DefinitionError, match="levels deep"):
        load_definition(json.dumps({**minimal(), "schema": {"type": "object", "properties": {"d": deep}}}))
    with pytest.raises(DefinitionError):
        load_definition(b"[" * 100_000 + b"]" * 100_000)


def test_a_pattern_cannot_hang_validation() -> None:
    from runtime.compiler import CompiledVersion
    from runtime.validation import validate

    document = mutate(lambda d: d["schema"]["properties"]["detail"].update({"pattern": "^(a|a)*$"}))
    assert problems(document) == []  # RE2 accepts it and runs it in linear time
    version = CompiledVersion(document)
    errors = validate(version, {"choix": "b", "detail": "a" * 99 + "!"})
    assert errors["detail"].code == "pattern"


def test_check_command_lists_problems(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(minimal()))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(mutate(lambda d: elements(d)[0].update({"widget": "carousel"}))))
    result = subprocess.run(
        [sys.executable, "app.py", "check", str(good), str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert f"{good}: ok" in result.stdout
    assert "/ui/pages/0/elements/0/widget: unknown widget 'carousel'" in result.stdout
    fine = subprocess.run(
        [sys.executable, "app.py", "check", *map(str, EXAMPLES)], capture_output=True, text=True
    )
    assert fine.returncode == 0, fine.stdout


def test_check_command_refuses_a_charter_with_poor_contrast(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "pale"
    shutil.copytree("themes/beaulac", folder)
    theme = json.loads((folder / "theme.json").read_text())
    theme["colors"]["text"] = "#999999"
    (folder / "theme.json").write_text(json.dumps(theme))
    result = subprocess.run(
        [sys.executable, "app.py", "check", str(folder), "themes/beaulac"], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "#999999" in result.stdout and "4.5" in result.stdout
    assert "themes/beaulac: ok" in result.stdout
