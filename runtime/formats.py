"""The JSON Schema validator Parvis uses: 2020-12, RE2 patterns, no network, French formats.

Staff-written patterns run on citizens' input, so they go through RE2, whose matching
time is linear in the input: no pattern can hang the server. The registry is empty, so a
`$ref` can only point inside the document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import re2
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry

from runtime import identifiers

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Any:
    """An RE2 program; raises re2.error for what RE2 refuses (backreferences, lookaround)."""
    return re2.compile(pattern)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if isinstance(instance, str) and not compile_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value.upper() and moment.tzinfo is not None


def _date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def _string_check(check: Any) -> Any:
    return lambda value: not isinstance(value, str) or check(value)


def format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checks = {
        "email": _string_check(lambda v: bool(_EMAIL.match(v))),
        "date": _date,
        "date-time": _date_time,
        "uri": _uri,
        "phone": _string_check(identifiers.is_phone),
        "fr-siret": _string_check(identifiers.is_siret),
        "fr-postcode": _string_check(identifiers.is_postcode),
        "fr-insee": _string_check(identifiers.is_insee),
        "iban": _string_check(identifiers.is_iban),
    }
    for name, check in checks.items():
        checker.checks(name)(check)
    return checker


FORMATS = ("email", "date", "date-time", "uri", "phone", "fr-siret", "fr-postcode", "fr-insee", "iban")

ParvisValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]  # types-jsonschema leaves extend() unannotated


def validator_for(schema: dict[str, Any]) -> Any:
    return ParvisValidator(schema, format_checker=format_checker(), registry=Registry())
