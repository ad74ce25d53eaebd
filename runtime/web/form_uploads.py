"""The files of a posted form page: each stored under its question, or refused with a reason."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from runtime import uploads
from runtime.compiler import Page
from runtime.fields import widget_for
from runtime.fields.base import FieldError
from runtime.models import Attachment, Draft
from runtime.site import Site


async def store_uploads(
    site: Site, draft: Draft, current: Page, form: FormData
) -> tuple[dict[str, list[dict[str, Any]]], list[Attachment], dict[str, FieldError]]:
    uploaded: dict[str, list[dict[str, Any]]] = {}
    attachments: list[Attachment] = []
    errors: dict[str, FieldError] = {}
    for name, value in form.multi_items():
        if not isinstance(value, UploadFile) or not value.filename:
            continue
        element = file_element(current, name)
        if element is None:
            continue  # a file for a field that is not on this page: ignored
        limit = uploads.limit_for(element, site.settings.max_upload_bytes)
        data = await value.read(limit + 1)
        try:
            pointer, attachment = await run_in_threadpool(
                uploads.store,
                site.settings.data_dir,
                draft_id=draft.id,
                field=name,
                filename=value.filename,
                data=data,
                accept=element.get("accept"),
                max_size=limit,
            )
        except uploads.UploadRefused as refused:
            errors.setdefault(name, FieldError(name, f"upload:{refused.code}", refused.params))
            continue
        uploaded.setdefault(name, []).append(pointer)
        attachments.append(attachment)
    return uploaded, attachments, errors


def file_element(current: Page, name: str) -> dict[str, Any] | None:
    """The file element an input name belongs to, top-level or inside a group item."""
    parts = name.split(".")
    for field in current.fields:
        if field.name != parts[0]:
            continue
        if len(parts) == 1 and field.widget.holds_files:
            return dict(field.element)
        if len(parts) == 3 and field.widget.holds_questions and parts[1].isdigit():
            for sub in field.element.get("elements") or []:
                if sub["field"] == parts[2] and getattr(widget_for(sub["widget"]), "holds_files", False):
                    return dict(sub)
    return None
