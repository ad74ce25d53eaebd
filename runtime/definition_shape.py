"""The shape of a definition: valid JSON, then the meta-schema's (`schemas/procedure.schema.json`).

jsonschema and the json module explain in English; here each of their verdicts has a sentence
of its own (a msgid, translated in `locales/`), at the JSON pointer of the value concerned, as
every other problem of a definition, so that a French page says it in French.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import best_match

from runtime.actions import registry as actions
from runtime.fields.base import Problem
from runtime.i18n import N_

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
# A value quoted in a sentence is cut there: the sentence names its place anyway.
SHOWN_CHARACTERS = 60


def meta_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS_DIR / "procedure.schema.json").read_text(encoding="utf-8"))
    # What an action object may hold is each registered action's to say.
    schema["$defs"]["action"] = actions.action_schema()
    return schema


@lru_cache(maxsize=1)
def meta_validator(_actions_version: int) -> Draft202012Validator:
    """The meta-schema's validator that explains: every error with its path (built again
    when the set of actions changes)."""
    return Draft202012Validator(meta_schema())


@lru_cache(maxsize=1)
def _meta_check(_actions_version: int) -> Any:
    """The same meta-schema compiled by jsonschema-rs, which only says yes or no, about fifty
    times faster: the editor checks the whole definition on every change, and a valid one
    (the usual case) is then settled in about a millisecond instead of tens."""
    return jsonschema_rs.Draft202012Validator(meta_schema())


def shape_problems(document: Any) -> list[Problem]:
    """Where `document` departs from the meta-schema, each place once, in the order of paths."""
    version = actions.version()
    if _meta_check(version).is_valid(document):
        return []
    found = {problem for error in meta_validator(version).iter_errors(document) for problem in _worded(error)}
    return sorted(found, key=lambda problem: (problem.path, problem.message))


# -- not JSON ---------------------------------------------------------------------------
# The json module's reasons (CPython's wording), said for people.
_JSON_REASONS = {
    "Expecting value": N_("a value is expected"),
    "Expecting property name enclosed in double quotes": N_("a key in double quotes is expected"),
    "Expecting ':' delimiter": N_("a colon is expected after the key"),
    "Expecting ',' delimiter": N_("a comma is expected between two items"),
    "Extra data": N_("something follows the end of the document"),
    "Unterminated string starting at": N_("a text is not closed by its double quote"),
    "Invalid control character at": N_("a text holds a control character (a line break?)"),
    "Invalid \\escape": N_("a backslash starts an unknown escape"),
    "Invalid \\uXXXX escape": N_("a \\u escape needs four hexadecimal digits"),
    "Illegal trailing comma before end of object": N_("a comma comes before the end of an object"),
    "Illegal trailing comma before end of array": N_("a comma comes before the end of a list"),
}


def not_json(error: json.JSONDecodeError | UnicodeDecodeError) -> Problem:
    if isinstance(error, UnicodeDecodeError):
        return Problem.of("", N_("not valid JSON: the text is not in UTF-8"))
    reason = _JSON_REASONS.get(error.msg)
    return Problem.of(
        "",
        N_("not valid JSON (line %(line)s, column %(column)s): %(reason)s"),
        line=error.lineno,
        column=error.colno,
        reason=Problem.of("", reason) if reason else error.msg,
    )


# -- not the meta-schema's shape ----------------------------------------------------------
def _pointer(parts: Any) -> str:
    # RFC 6901, except that the whole document is "/", as the editor and the import pages show it.
    return "".join(f"/{str(part).replace('~', '~0').replace('/', '~1')}" for part in parts) or "/"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


_TYPE_WORDS = {
    "string": N_("a text"),
    "object": N_("an object"),
    "array": N_("a list"),
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "boolean": N_("true or false"),
    "null": N_("null"),
}


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    kinds = {float: "number", str: "string", dict: "object", list: "array"}
    return next((kind for cls, kind in kinds.items() if isinstance(value, cls)), "null")


def _types(expected: Any) -> Problem:
    """The expected types in words ("a text or null"), translated with the sentence."""
    names = [expected] if isinstance(expected, str) else list(expected)
    words = Problem.of("", _TYPE_WORDS.get(names[0], names[0]))
    for name in names[1:]:
        other = Problem.of("", _TYPE_WORDS.get(name, name))
        words = Problem.of("", N_("%(first)s or %(second)s"), first=words, second=other)
    return words


# Keywords whose sentence needs only the value, the keyword's own value (limit) and the count.
_SENTENCES = {
    "const": N_("%(value)s is not accepted here: the value must be %(limit)s"),
    "enum": N_("%(value)s is not one of the values accepted here: %(limit)s"),
    "pattern": N_("%(value)s does not have the form expected here (%(limit)s)"),
    "minimum": N_("%(value)s is less than the minimum, %(limit)s"),
    "maximum": N_("%(value)s is more than the maximum, %(limit)s"),
    "exclusiveMinimum": N_("%(value)s must be greater than %(limit)s"),
    "exclusiveMaximum": N_("%(value)s must be less than %(limit)s"),
    "minLength": N_("at least %(limit)s characters are expected here"),
    "maxLength": N_("at most %(limit)s characters are accepted here (%(count)s given)"),
    "minItems": N_("at least %(limit)s items are expected here"),
    "maxItems": N_("at most %(limit)s items are accepted here (%(count)s given)"),
    "minProperties": N_("at least %(limit)s keys are expected here"),
    "maxProperties": N_("at most %(limit)s keys are accepted here (%(count)s given)"),
    "uniqueItems": N_("this list holds the same item more than once"),
    "not": N_("%(value)s is not accepted here"),
    "anyOf": N_("%(value)s matches none of the forms accepted here"),
    "oneOf": N_("%(value)s matches more than one of the forms accepted here"),
}
# A limit of one reads better as "cannot be empty".
_EMPTY = {
    "minLength": N_("this text cannot be empty"),
    "minItems": N_("this list cannot be empty"),
    "minProperties": N_("this object cannot be empty"),
}


# Every keyword given a sentence of its own (a test checks the meta-schema uses no other).
WORDED = frozenset({"required", "additionalProperties", "type", "pattern", *_SENTENCES, *_EMPTY})


def _value(error: ValidationError) -> Any:
    # iter_errors fills every field of an error: the stubs' Unset is for errors built by hand.
    return error.validator_value


def _worded(error: ValidationError) -> Iterator[Problem]:
    # A oneOf (an element is a field or a content block) says little; its best branch says
    # more, unless each branch only asks for a key of its own (an action is one of several).
    while error.validator in ("oneOf", "anyOf") and error.context:
        asked = [branch for branch in error.context if branch.validator == "required" and not branch.path]
        if len(asked) == len(error.context) and isinstance(error.instance, dict):
            keys = [key for branch in asked for key in _value(branch) if key not in error.instance]
            yield Problem.of(
                _pointer(error.absolute_path),
                N_("one of the keys %(keys)s is expected here"),
                keys=", ".join(map(repr, keys)),
            )
            return
        error = best_match(error.context)
    path = _pointer(error.absolute_path)
    keyword, limit, instance = str(error.validator), _value(error), error.instance
    if keyword == "required" and isinstance(instance, dict):
        for key in limit:
            if key not in instance:
                yield Problem.of(path, N_("%(key)s is missing"), key=repr(key))
    elif keyword == "additionalProperties" and isinstance(instance, dict):
        schema: Mapping[str, Any] = error.schema if isinstance(error.schema, dict) else {}
        unknown = [key for key in instance if key not in schema.get("properties", {})]
        yield Problem.of(path, N_("unknown key: %(keys)s"), keys=", ".join(map(repr, unknown)))
    elif keyword == "type":
        yield Problem.of(
            path,
            N_("%(expected)s is expected here, not %(found)s"),
            expected=_types(limit),
            found=Problem.of("", _TYPE_WORDS[_type_of(instance)]),
        )
    elif keyword == "pattern" and "propertyNames" in error.relative_schema_path:
        yield Problem.of(
            path,
            N_("the key %(value)s does not have the form expected here (%(limit)s)"),
            value=_shown(instance),
            limit=_limit(keyword, limit),
        )
    elif keyword in _EMPTY and limit == 1:
        yield Problem.of(path, _EMPTY[keyword])
    elif keyword in _SENTENCES:
        count = len(instance) if isinstance(instance, (str, list, dict)) else 0
        yield Problem.of(
            path, _SENTENCES[keyword], value=_shown(instance), limit=_limit(keyword, limit), count=count
        )
    else:
        yield Problem.of(
            path,
            N_("%(value)s breaks the rule %(keyword)s of the definition format"),
            value=_shown(instance),
            keyword=keyword,
        )


def _limit(keyword: str, limit: Any) -> str:
    """The keyword's own value as a sentence quotes it: the values an enum offers, a pattern
    as it is written (not as a JSON string, doubling its backslashes), any other as JSON."""
    if keyword == "enum":
        return ", ".join(map(_shown, limit))
    return str(limit) if keyword == "pattern" else _shown(limit)
