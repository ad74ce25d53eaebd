"""The text the inbox searches: a submission's reference and answers, folded to lower case
without accents, so that "Écluse" finds "ecluse" with a plain LIKE on both databases."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

MAX_LENGTH = 4000


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)


def search_text(reference: str, answers: Mapping[str, Any]) -> str:
    return with_reference(reference, answers_text(answers))


def answers_text(answers: Mapping[str, Any]) -> str:
    """The answers' part, which can be worked out before the reference number exists."""
    return fold(" ".join(_leaves(answers)))


def with_reference(reference: str, folded_answers: str) -> str:
    return f"{fold(reference)} {folded_answers}"[:MAX_LENGTH]
