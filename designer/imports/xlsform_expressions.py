"""The part of XLSForm's XPath expressions that Parvis can carry: `relevant` as a visibility
condition, `constraint` as JSON Schema keywords.

Anything outside the subset raises `Unsupported` with a sentence for the report; nothing is
ever evaluated here, the expressions are only translated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import re2

from runtime.fields.base import Problem, Refusal
from runtime.formats import compile_pattern
from runtime.i18n import N_

MAX_LENGTH = 1000
MAX_NESTING = 8
MAX_PARTS = 20
NUMERIC = ("integer", "number")
_TOKEN = re.compile(
    r"""\s*(?:
    (?P<ref>\$\{[^}]*\})
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<num>-?\d+(?:\.\d+)?(?![\w.]))
  | (?P<op>!=|>=|<=|=|>|<)
  | (?P<punct>[(),])
  | (?P<word>[A-Za-z_][\w-]*)
  | (?P<dot>\.)
)""",
    re.VERBOSE,
)


_WANTED = {
    "ref": N_("a question, as ${name},"),
    "op": N_("a comparison (=, !=, >, >=, <, <=)"),
    "str": N_("a text in quotes"),
    "num": N_("a number"),
    "dot": "'.'",
}


class Unsupported(Refusal):
    """An expression outside the subset, with the reason in a sentence (`problem`, shown in
    the reader's language)."""


@dataclass(frozen=True)
class Question:
    """What a condition may say about an earlier question: its field and kind of answer."""

    field: str
    kind: str  # a Parvis widget name
    values: tuple[str, ...] = ()  # the choices, for choice questions


Resolve = Callable[[str], Question]  # raises Unsupported when the name cannot be used


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokens(expression: str) -> list[Token]:
    if len(expression) > MAX_LENGTH:
        raise Unsupported(N_("the expression is longer than %(limit)s characters"), limit=MAX_LENGTH)
    found, position = [], 0
    expression = expression.strip()
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None or match.end() == position:
            raise Unsupported(
                N_("%(text)s is not understood"), text=repr(expression[position : position + 20])
            )
        kind = match.lastgroup or ""
        found.append(Token(kind, match.group(kind)))
        position = match.end()
    return found


class _Parser:
    def __init__(self, expression: str):
        self.tokens = tokens(expression)
        self.position = 0
        self.depth = 0

    def peek(self, text: str | None = None, kind: str | None = None) -> bool:
        if self.position >= len(self.tokens):
            return False
        token = self.tokens[self.position]
        return (text is None or token.text == text) and (kind is None or token.kind == kind)

    def take(self, text: str | None = None, kind: str | None = None) -> Token:
        if not self.peek(text, kind):
            found = (
                repr(self.tokens[self.position].text)
                if self.position < len(self.tokens)
                else Problem.of("", N_("the end of the expression"))
            )
            wanted = repr(text) if text else Problem.of("", _WANTED.get(kind or "", N_("something more")))
            raise Unsupported(N_("%(wanted)s was expected, not %(found)s"), wanted=wanted, found=found)
        self.position += 1
        return self.tokens[self.position - 1]

    def finish(self) -> None:
        if self.position < len(self.tokens):
            raise Unsupported(
                N_("%(text)s is not understood here"), text=repr(self.tokens[self.position].text)
            )

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise Unsupported(N_("parentheses are nested more than %(limit)s deep"), limit=MAX_NESTING)


def literal(token: Token) -> str | float | int:
    if token.kind == "str":
        return token.text[1:-1]
    if token.kind == "num":
        number = float(token.text)
        return int(number) if number.is_integer() and "." not in token.text else number
    raise Unsupported(
        N_("%(text)s is not a value (write text in quotes, or a number)"), text=repr(token.text)
    )


# -- relevant -> visible_if -----------------------------------------------------------------


def relevant_condition(expression: str, resolve: Resolve) -> dict[str, Any]:
    """The visibility condition that `relevant` says, or Unsupported."""
    parser = _Parser(expression)
    if not parser.tokens:
        raise Unsupported(N_("the expression is empty"))
    condition = _either(parser, resolve)
    parser.finish()
    return condition


def _either(parser: _Parser, resolve: Resolve) -> dict[str, Any]:
    parts = [_both(parser, resolve)]
    while parser.peek("or", "word"):
        parser.take()
        parts.append(_both(parser, resolve))
    return _joined("any", parts)


def _both(parser: _Parser, resolve: Resolve) -> dict[str, Any]:
    parts = [_single(parser, resolve)]
    while parser.peek("and", "word"):
        parser.take()
        parts.append(_single(parser, resolve))
    return _joined("all", parts)


def _joined(key: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    if len(parts) == 1:
        return parts[0]
    flat = [piece for part in parts for piece in part.get(key, [part])]
    if len(flat) > MAX_PARTS:
        raise Unsupported(N_("at most %(limit)s conditions can be combined"), limit=MAX_PARTS)
    return {key: flat}


def _single(parser: _Parser, resolve: Resolve) -> dict[str, Any]:
    if parser.peek("(", "punct"):
        parser.take()
        parser.nested()
        inner = _either(parser, resolve)
        parser.take(")")
        parser.depth -= 1
        return inner
    if parser.peek("not", "word"):
        parser.take()
        parser.take("(")
        parser.nested()
        inner = _either(parser, resolve)
        parser.take(")")
        parser.depth -= 1
        return {"not": inner}
    if parser.peek("selected", "word"):
        parser.take()
        parser.take("(")
        question = resolve(_name(parser.take(kind="ref")))
        parser.take(",")
        value = literal(parser.take())
        parser.take(")")
        return _selected(question, str(value))
    if parser.peek(kind="word"):
        word = parser.tokens[parser.position].text
        raise Unsupported(N_("the function or word %(word)s is not supported"), word=repr(word))
    left = parser.take()
    operator = parser.take(kind="op").text
    right = parser.take()
    if left.kind != "ref" and right.kind == "ref":  # 3 < ${x} reads as ${x} > 3
        left, right = right, left
        operator = {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(operator, operator)
    if left.kind != "ref":
        raise Unsupported(N_("a comparison must name a question, as ${name}"))
    return _comparison(resolve(_name(left)), operator, literal(right))


def _name(token: Token) -> str:
    return token.text[2:-1].strip()


def _selected(question: Question, value: str) -> dict[str, Any]:
    if question.kind not in ("radio", "select", "checkboxes"):
        raise Unsupported(
            N_("selected() needs a choice question; %(field)s is not one"), field=repr(question.field)
        )
    _check_choice(question, value)
    operator = "contains" if question.kind == "checkboxes" else "equals"
    return {"field": question.field, operator: value}


def _check_choice(question: Question, value: str) -> None:
    if value not in question.values:
        raise Unsupported(
            N_("%(value)s is not one of the choices of %(field)s"),
            value=repr(value),
            field=repr(question.field),
        )


def _comparison(question: Question, operator: str, value: str | float) -> dict[str, Any]:
    field = question.field
    if value == "" and operator in ("=", "!="):
        return {"field": field, "filled": operator == "!="}
    if operator in ("=", "!="):
        key = "equals" if operator == "=" else "not_equals"
        if question.kind in ("radio", "select"):
            _check_choice(question, str(value))
            return {"field": field, key: str(value)}
        if question.kind in NUMERIC:
            return {"field": field, key: _number(value, question)}
        if question.kind in ("text", "textarea"):
            return {"field": field, key: str(value)}
        if question.kind == "checkboxes":
            raise Unsupported(
                N_(
                    "%(operator)s on %(field)s (%(kind)s) is not supported; use "
                    "selected(${%(name)s}, 'value')"
                ),
                operator=operator,
                field=repr(field),
                kind=question.kind,
                name=field,
            )
        raise Unsupported(
            N_("%(operator)s on %(field)s (%(kind)s) is not supported"),
            operator=operator,
            field=repr(field),
            kind=question.kind,
        )
    if question.kind not in NUMERIC:
        raise Unsupported(
            N_("%(operator)s compares numbers, and %(field)s is not a number question"),
            operator=operator,
            field=repr(field),
        )
    number = _number(value, question)
    if operator == ">":
        return {"field": field, "greater_than": number}
    if operator == "<":
        return {"field": field, "less_than": number}
    strict = "greater_than" if operator == ">=" else "less_than"
    return {"any": [{"field": field, strict: number}, {"field": field, "equals": number}]}


def _number(value: str | float, question: Question) -> float | int:
    if isinstance(value, (int, float)):
        return value
    try:
        number = float(value)
    except ValueError:
        raise Unsupported(
            N_("%(field)s is a number question; %(value)s is not a number"),
            field=repr(question.field),
            value=repr(value),
        ) from None
    return int(number) if number.is_integer() else number


# -- constraint -> JSON Schema keywords -----------------------------------------------------

_BOUNDS = {">=": "minimum", "<=": "maximum", ">": "exclusiveMinimum", "<": "exclusiveMaximum"}
_LENGTHS = {">=": ("minLength", 0), ">": ("minLength", 1), "<=": ("maxLength", 0), "<": ("maxLength", -1)}


def constraint_keywords(expression: str, widget: str) -> dict[str, Any]:
    """The JSON Schema keywords that `constraint` says for a question shown with `widget`."""
    parser = _Parser(expression)
    if not parser.tokens:
        raise Unsupported(N_("the expression is empty"))
    keywords = _rules(parser, widget)
    parser.finish()
    return keywords


def _rules(parser: _Parser, widget: str) -> dict[str, Any]:
    keywords = _rule(parser, widget)
    while parser.peek("and", "word"):
        parser.take()
        for key, value in _rule(parser, widget).items():
            if key in keywords:
                raise Unsupported(N_("the constraint sets %(key)s twice"), key=key)
            keywords[key] = value
    return keywords


def _rule(parser: _Parser, widget: str) -> dict[str, Any]:
    if parser.peek("(", "punct"):
        parser.take()
        parser.nested()
        inner = _rules(parser, widget)
        parser.take(")")
        parser.depth -= 1
        return inner
    if parser.peek("regex", "word"):
        parser.take()
        parser.take("(")
        parser.take(kind="dot")
        parser.take(",")
        pattern = str(literal(parser.take(kind="str")))
        parser.take(")")
        if widget not in ("text", "textarea"):
            raise Unsupported(
                N_("regex() applies to text questions, not to a %(widget)s question"), widget=widget
            )
        try:
            compile_pattern(pattern)
        except re2.error:
            raise Unsupported(
                N_("the pattern %(pattern)s is not accepted (no backreferences or lookaround)"),
                pattern=repr(pattern),
            ) from None
        return {"pattern": pattern}
    if parser.peek("string-length", "word"):
        parser.take()
        parser.take("(")
        parser.take(kind="dot")
        parser.take(")")
        operator = parser.take(kind="op").text
        limit = literal(parser.take(kind="num"))
        if widget not in ("text", "textarea") or operator not in _LENGTHS or not isinstance(limit, int):
            raise Unsupported(
                N_("string-length(.) is supported on text questions, compared with a whole number")
            )
        key, shift = _LENGTHS[operator]
        return {key: max(limit + shift, 0)}
    left = parser.take()
    operator = parser.take(kind="op").text
    right = parser.take()
    if left.kind != "dot" and right.kind == "dot":  # 0 < . reads as . > 0
        left, right = right, left
        operator = {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(operator, operator)
    if left.kind != "dot" or right.kind != "num" or operator not in _BOUNDS:
        raise Unsupported(
            N_("only . >= n, . <= n, . > n, . < n, regex(., '...') and string-length(.) are supported")
        )
    if widget not in NUMERIC:
        raise Unsupported(
            N_("%(operator)s compares numbers, and this is a %(widget)s question"),
            operator=operator,
            widget=widget,
        )
    return {_BOUNDS[operator]: literal(right)}
