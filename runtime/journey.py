"""The citizen's way through a form, page by page, without HTTP: what to show, what to keep.

Handlers in `runtime.web.forms` call these and turn the outcome into a response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from runtime.answers import PostedForm, apply_group_action, parse_page
from runtime.compiler import CompiledVersion, Page
from runtime.fields.base import FieldError
from runtime.validation import validate


@dataclass
class Step:
    """What happened to a posted page: the answers to keep and where the citizen goes."""

    answers: dict[str, Any]
    errors: dict[str, FieldError] = field(default_factory=dict)
    go_to: int | str | None = None  # a page index, "review", "saved", or None to stay
    anchor: str = ""
    focus: str = ""  # the input to take the focus when the page comes back


def visible_page_indexes(version: CompiledVersion, answers: Mapping[str, Any]) -> list[int]:
    return [page.index for page in version.visible_pages(version.prune(answers))]


def next_page(version: CompiledVersion, answers: Mapping[str, Any], current: int) -> int | str:
    later = [index for index in visible_page_indexes(version, answers) if index > current]
    return later[0] if later else "review"


def previous_page(version: CompiledVersion, answers: Mapping[str, Any], current: int) -> int | None:
    earlier = [index for index in visible_page_indexes(version, answers) if index < current]
    return earlier[-1] if earlier else None


def page_errors(version: CompiledVersion, page: Page, answers: Mapping[str, Any]) -> dict[str, FieldError]:
    pruned = version.prune(answers)
    shown = [field.name for field in page.fields if version.visible(field, pruned)]
    return validate(version, pruned, only=shown)


def first_invalid_page(version: CompiledVersion, answers: Mapping[str, Any]) -> int | None:
    errors = validate(version, version.prune(answers))
    pages = sorted(
        {version.fields[path.split(".")[0]].page for path in errors if path.split(".")[0] in version.fields}
    )
    if errors and not pages:
        return 0
    return pages[0] if pages else None


def post_page(
    version: CompiledVersion,
    page: Page,
    source: PostedForm,
    answers: Mapping[str, Any],
    action: str,
    upload_errors: Mapping[str, FieldError],
    *,
    to_review: bool = False,
) -> Step:
    """`to_review`: the citizen came from the review page to change this page, and goes back
    to it once the page is saved, rather than through every later page again."""
    updated = parse_page(version, page, source, answers)
    if action.startswith(("add:", "remove:")):
        return _group_step(version, updated, action)
    if action == "refresh":
        return Step(updated)
    if action == "save":
        # A refused file is not kept: the citizen hears it now, not when they come back.
        if upload_errors:
            return Step(updated, errors=dict(upload_errors))
        return Step(updated, go_to="saved")
    if action == "back":
        before = previous_page(version, updated, page.index)
        return Step(updated, go_to=before if before is not None else page.index)
    errors = {**page_errors(version, page, updated), **upload_errors}
    if errors:
        return Step(updated, errors=errors)
    return Step(updated, go_to="review" if to_review else next_page(version, updated, page.index))


def _group_step(version: CompiledVersion, answers: dict[str, Any], action: str) -> Step:
    """An item added: the page comes back on it, its first question ready to type in; an
    item removed: on the group."""
    name = action.split(":")[1]
    added = apply_group_action(version, answers, action) and action.startswith("add:")
    group = version.fields.get(name)
    questions = (group.element.get("elements") or []) if group else []
    if added and questions:
        return Step(answers, focus=f"{name}.{len(answers[name]) - 1}.{questions[0]['field']}")
    return Step(answers, anchor=f"f-{name}-field")
