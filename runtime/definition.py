"""Reading a procedure definition: every problem found, each as a path and a sentence.

The meta-schema (`schemas/procedure.schema.json`) says what shape a definition has (its
verdict is worded in `runtime/definition_shape.py`); the checks here say what the shape
cannot: that fields and elements match, that conditions only look back, that `$ref` stays
inside the document and patterns are RE2's. A field type checks its own element.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import re2

from runtime.actions import registry as actions
from runtime.conditions import OPERATORS, fields_of
from runtime.definition_shape import not_json, shape_problems
from runtime.fields import widget_for
from runtime.fields.base import Problem
from runtime.formats import compile_pattern
from runtime.i18n import N_
from runtime.organisation_pages import RESERVED

MAX_BYTES = 2_000_000
MAX_DEPTH = 32


class DefinitionError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.path or '/'}: {p.message}" for p in problems))


def load_definition(raw: bytes | str) -> dict[str, Any]:
    """The definition in `raw`, or DefinitionError listing everything wrong with it."""
    if len(raw) > MAX_BYTES:
        raise DefinitionError(
            [
                Problem.of(
                    "",
                    N_("the document is %(size)s bytes; at most %(limit)s are accepted"),
                    size=len(raw),
                    limit=MAX_BYTES,
                )
            ]
        )
    try:
        document: dict[str, Any] = json.loads(raw)  # check_definition refuses anything else
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DefinitionError([not_json(error)]) from None
    except RecursionError:
        raise DefinitionError(
            [Problem.of("", N_("nested more than %(limit)s levels deep"), limit=MAX_DEPTH)]
        ) from None
    problems = check_definition(document)
    if problems:
        raise DefinitionError(problems)
    return document


def check_definition(document: Any) -> list[Problem]:
    if _depth(document) > MAX_DEPTH:
        return [Problem.of("", N_("nested more than %(limit)s levels deep"), limit=MAX_DEPTH)]
    problems = shape_problems(document)
    if problems:
        return problems
    problems.extend(_schema_problems(document["schema"]))
    problems.extend(_element_problems(document))
    problems.extend(_workflow_problems(document.get("workflow")))
    problems.extend(_settings_problems(document))
    if document["id"] in RESERVED:  # /{org}/{id} would be the organisation's page of that name
        problems.append(
            Problem.of(
                "/id",
                N_("%(id)s is the address of an organisation's page: choose another"),
                id=repr(document["id"]),
            )
        )
    problems.extend(_text_problems(document))
    return problems


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _walk(schema: Any, path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(schema, dict):
        yield path, schema
        for key, value in schema.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _walk(value, f"{path}/{index}")


# What the top of a definition's schema may hold: the runtime enforces rules on the fields
# (and its own if/then/else for conditions); a rule across fields written there (anyOf,
# dependentRequired...) would be exported yet not enforced on the web form, so it is refused.
ROOT_KEYWORDS = frozenset({"type", "properties", "required", "$defs", "title", "description", "$comment"})


def _schema_problems(schema: Mapping[str, Any]) -> Iterator[Problem]:
    for key in schema:
        if key not in ROOT_KEYWORDS:
            yield Problem.of(
                f"/schema/{key}",
                N_(
                    "%(key)s at the top of the schema is not supported: a rule across fields "
                    "would not be checked on the form; make a field required when shown "
                    '("required": true with "visible_if") instead'
                ),
                key=repr(key),
            )
    for path, node in _walk(schema, "/schema"):
        for key in ("$id", "$dynamicRef", "$anchor", "$dynamicAnchor"):
            if isinstance(node.get(key), str):
                yield Problem.of(
                    f"{path}/{key}",
                    N_("%(key)s is not allowed: a definition is one self-contained document"),
                    key=key,
                )
        ref = node.get("$ref")
        if isinstance(ref, str):
            if not ref.startswith("#"):
                yield Problem.of(
                    f"{path}/$ref",
                    N_("external $ref %(ref)s is not allowed: only references inside the document (#/...)"),
                    ref=repr(ref),
                )
            elif _resolve(schema, ref) is None:
                yield Problem.of(
                    f"{path}/$ref", N_("$ref %(ref)s points at nothing in the document"), ref=repr(ref)
                )
        pattern = node.get("pattern")
        if isinstance(pattern, str) and not path.endswith("/properties"):
            try:
                compile_pattern(pattern)
            except re2.error as error:
                yield Problem.of(
                    f"{path}/pattern",
                    N_(
                        "pattern %(pattern)s is not accepted (%(reason)s); use a pattern without backreferences or lookaround"
                    ),
                    pattern=repr(pattern),
                    reason=str(error),
                )
        if isinstance(node.get("patternProperties"), dict):
            yield Problem.of(
                f"{path}/patternProperties", N_("patternProperties is not supported in a procedure")
            )


def _resolve(schema: Mapping[str, Any], ref: str) -> Any:
    node: Any = schema
    pointer = ref[1:].strip("/")
    for part in pointer.split("/") if pointer else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _element_problems(document: Mapping[str, Any]) -> Iterator[Problem]:
    properties = document["schema"]["properties"]
    always_required = set(document["schema"].get("required", []))
    seen: dict[str, str] = {}
    for page_index, page in enumerate(document["ui"]["pages"]):
        page_path = f"/ui/pages/{page_index}"
        yield from _condition_problems(
            page.get("visible_if"), f"{page_path}/visible_if", seen, properties, None
        )
        for index, element in enumerate(page["elements"]):
            path = f"{page_path}/elements/{index}"
            name = element.get("field")
            conditional = "visible_if" in element or "visible_if" in page
            yield from _condition_problems(
                element.get("visible_if"), f"{path}/visible_if", seen, properties, name
            )
            if name is None:
                continue
            if name in seen:
                yield Problem.of(
                    f"{path}/field",
                    N_("field %(name)s already has an element at %(where)s"),
                    name=repr(name),
                    where=seen[name],
                )
                continue
            seen[name] = path
            if name not in properties:
                yield Problem.of(
                    f"{path}/field", N_("field %(name)s is not a property of the schema"), name=repr(name)
                )
                continue
            widget = widget_for(element["widget"])
            if widget is None:
                yield Problem.of(
                    f"{path}/widget", N_("unknown widget %(widget)s"), widget=repr(element["widget"])
                )
                continue
            for problem in widget.check(element, properties[name]):
                yield problem.under(path)
            if conditional and name in always_required:
                yield Problem.of(
                    f"{path}/visible_if",
                    N_(
                        'field %(name)s is in schema.required but may be hidden; put "required": true on its element instead'
                    ),
                    name=repr(name),
                )
            after = element.get("after")
            if after is not None and (after not in seen or after == name):
                yield Problem.of(
                    f"{path}/after",
                    N_("%(after)s must be a date field that comes before %(name)s"),
                    after=repr(after),
                    name=repr(name),
                )
    for name in properties:
        if name not in seen:
            yield Problem.of(
                f"/schema/properties/{name}",
                N_("field %(name)s has no element in ui.pages, so nobody could answer it"),
                name=repr(name),
            )
    for name in always_required:
        if name not in properties:
            yield Problem.of(
                "/schema/required",
                N_("%(name)s is required but is not a property of the schema"),
                name=repr(name),
            )


def _condition_problems(
    condition: Any, path: str, earlier: Mapping[str, str], properties: Mapping[str, Any], own: str | None
) -> Iterator[Problem]:
    if condition is None:
        return
    for name in fields_of(condition):
        if name == own:
            yield Problem.of(
                path, N_("the condition of %(name)s depends on %(name)s itself"), name=repr(name)
            )
        elif name not in properties:
            yield Problem.of(
                path,
                N_("the condition refers to %(name)s, which is not a field of the form"),
                name=repr(name),
            )
        elif name not in earlier:
            yield Problem.of(
                path,
                N_(
                    "the condition refers to %(name)s, which comes later in the form; a condition may only depend on earlier answers"
                ),
                name=repr(name),
            )
    yield from _condition_value_problems(condition, path, properties)


def _condition_value_problems(
    condition: Mapping[str, Any], path: str, properties: Mapping[str, Any]
) -> Iterator[Problem]:
    for key in ("all", "any"):
        for part in condition.get(key, []):
            yield from _condition_value_problems(part, path, properties)
    if "not" in condition:
        yield from _condition_value_problems(condition["not"], path, properties)
    prop = properties.get(condition.get("field", ""))
    if not isinstance(prop, dict):
        return
    offered = prop.get("enum") or (prop.get("items") or {}).get("enum")
    for operator in OPERATORS[:3]:
        if operator in condition and offered and condition[operator] not in offered:
            yield Problem.of(
                path,
                N_("the condition compares %(name)s with %(value)s, which is not one of its choices"),
                name=repr(condition["field"]),
                value=repr(condition[operator]),
            )


def _workflow_problems(workflow: Mapping[str, Any] | None) -> Iterator[Problem]:
    if workflow is None:
        return
    states = workflow["states"]
    if workflow["initial"] not in states:
        yield Problem.of(
            "/workflow/initial",
            N_("initial status %(state)s is not one of the statuses"),
            state=repr(workflow["initial"]),
        )
    for index, transition in enumerate(workflow.get("transitions", [])):
        for end in ("from", "to"):
            if transition[end] not in states:
                yield Problem.of(
                    f"/workflow/transitions/{index}/{end}",
                    N_("status %(state)s is not one of the statuses"),
                    state=repr(transition[end]),
                )
        for position, action in enumerate(transition.get("actions") or []):
            yield from actions.problems(action, states, f"/workflow/transitions/{index}/actions/{position}")
        if transition.get("after_days") and transition.get("functions"):
            yield Problem.of(
                f"/workflow/transitions/{index}/functions",
                N_("an automatic transition (after_days) is taken by nobody: it has no functions"),
            )


def _settings_problems(document: Mapping[str, Any]) -> Iterator[Problem]:
    rule = (document.get("settings") or {}).get("duplicates") or {}
    properties = document["schema"].get("properties") or {}
    for group_index, group in enumerate(rule.get("fields") or []):
        for index, name in enumerate(group):
            if name not in properties:
                yield Problem.of(
                    f"/settings/duplicates/fields/{group_index}/{index}",
                    N_("%(name)s is not a field of the form"),
                    name=repr(name),
                )


def _text_problems(document: Mapping[str, Any]) -> Iterator[Problem]:
    lang = document["lang"]
    if lang not in document["title"]:
        yield Problem.of(
            "/title", N_("the title has no text in the definition's language (%(lang)s)"), lang=lang
        )
    for page_index, page in enumerate(document["ui"]["pages"]):
        for index, element in enumerate(page["elements"]):
            label = element.get("label") or element.get("content")
            if isinstance(label, dict) and lang not in label:
                key = "label" if "label" in element else "content"
                yield Problem.of(
                    f"/ui/pages/{page_index}/elements/{index}/{key}",
                    N_("no text in the definition's language (%(lang)s)"),
                    lang=lang,
                )
