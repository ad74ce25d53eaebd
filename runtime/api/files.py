"""Files sent through the API: each a `{"name": ..., "content": <base64>}` object, checked
and stored exactly as the form's uploads (`runtime.uploads`: type sniffed from the bytes,
the question's accepted types and size), and answered by the same pointer the form stores.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from runtime import uploads
from runtime.compiler import CompiledVersion
from runtime.fields import widget_for
from runtime.fields.base import FieldError
from runtime.models import Attachment


def _file_questions(
    compiled: CompiledVersion, answers: Mapping[str, Any]
) -> Iterator[tuple[str, Mapping[str, Any], list[Any], Any]]:
    """(path, element, the value given, how to put the stored pointers back) for each file
    question answered, top-level or inside a group's items."""
    for name, field in compiled.fields.items():
        if name not in answers:
            continue
        if field.widget.holds_files:
            yield name, field.element, answers[name], (None, name)
        elif field.widget.holds_questions and isinstance(answers[name], list):
            for sub in field.element.get("elements") or []:
                if not _holds_files(sub):
                    continue
                for index, item in enumerate(answers[name]):
                    if isinstance(item, dict) and sub["field"] in item:
                        yield (
                            f"{name}.{index}.{sub['field']}",
                            sub,
                            item[sub["field"]],
                            (index, name, sub["field"]),
                        )


def _decoded(value: Any) -> list[tuple[str, bytes]] | None:
    if not isinstance(value, list):
        return None
    files = []
    for item in value:
        if not (
            isinstance(item, dict)
            and set(item) == {"name", "content"}
            and isinstance(item["name"], str)
            and isinstance(item["content"], str)
            and item["name"].strip()
        ):
            return None
        try:
            files.append((item["name"], base64.b64decode(item["content"], validate=True)))
        except (binascii.Error, ValueError):
            return None
    return files


def receive(
    data_dir: Path, compiled: CompiledVersion, answers: Mapping[str, Any], max_upload: int
) -> tuple[dict[str, Any], list[Attachment], dict[str, FieldError]]:
    """The answers with each file stored and replaced by its pointer, the attachments to
    save with the submission, and the errors by answer path."""
    result = {
        name: (
            [dict(item) if isinstance(item, dict) else item for item in value]
            if isinstance(value, list)
            else value
        )
        for name, value in answers.items()
    }
    stored: list[Attachment] = []
    errors: dict[str, FieldError] = {}
    for path, element, value, where in list(_file_questions(compiled, answers)):
        files = _decoded(value)
        if files is None:
            errors[path] = FieldError(path, "api:file")
            continue
        limit = uploads.limit_for(element, max_upload)
        pointers = []
        for filename, data in files:
            try:
                pointer, attachment = uploads.store(
                    data_dir,
                    draft_id="",
                    field=path,
                    filename=filename,
                    data=data,
                    accept=element.get("accept"),
                    max_size=limit,
                )
            except uploads.UploadRefused as refused:
                errors.setdefault(path, FieldError(path, f"upload:{refused.code}", refused.params))
                continue
            attachment.draft_id = None  # saved with the submission, which it belongs to
            stored.append(attachment)
            pointers.append(pointer)
        if where[0] is None:
            result[where[1]] = pointers
        else:
            result[where[1]][where[0]][where[2]] = pointers
    return result, stored, errors


def discard(data_dir: Path, attachments: Sequence[Attachment]) -> None:
    """Remove the bytes of files that no submission kept (refused answers, a lost race)."""
    for attachment in attachments:
        uploads.path_for(data_dir, attachment.id).unlink(missing_ok=True)


def _holds_files(element: Mapping[str, Any]) -> bool:
    widget = widget_for(str(element.get("widget", "")))
    return widget is not None and widget.holds_files
