"""Uploaded files: checked by their content, renamed safely, kept outside served folders."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filetype

from runtime.drafts import new_token
from runtime.models import Attachment

DEFAULT_ACCEPT = ("application/pdf", "image/jpeg", "image/png")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class UploadRefused(Exception):
    """Why a file was not accepted: a code for the message, and its parameters."""

    code: str
    params: dict[str, Any]


def safe_name(name: str) -> str:
    """The file's own name, as shown back to people: no path, no control characters."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:110] + dot + ext[:9]) if dot else base[:120]
    return base or "fichier"


def sniff(data: bytes) -> str | None:
    """The MIME type the bytes really are, whatever their name or the browser says."""
    kind = filetype.guess(data[:8192])
    if kind is not None:
        return str(kind.mime)
    if data and b"\x00" not in data[:8192]:
        try:
            data[:8192].decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


def limit_for(element: Mapping[str, Any], site_limit: int) -> int:
    """A file question's size limit: its own, never above the site's."""
    own: int = element.get("max_size", site_limit)
    return min(own, site_limit)


def path_for(data_dir: Path, attachment_id: str) -> Path:
    return data_dir / "uploads" / attachment_id[:2] / attachment_id


def store(
    data_dir: Path,
    *,
    draft_id: str,
    field: str,
    filename: str,
    data: bytes,
    accept: Sequence[str] | None,
    max_size: int,
) -> tuple[dict[str, Any], Attachment]:
    """Keep one uploaded file's bytes for a draft; returns the pointer the answers hold and
    the attachment row, which the draft's own transaction saves."""
    if not data:
        raise UploadRefused("empty", {"name": safe_name(filename)})
    if len(data) > max_size:
        raise UploadRefused("too_large", {"name": safe_name(filename), "limit": max_size})
    allowed = tuple(accept or DEFAULT_ACCEPT)
    actual = sniff(data)
    if actual not in allowed:
        raise UploadRefused("type", {"name": safe_name(filename), "allowed": allowed})
    attachment_id = new_token()
    target = path_for(data_dir, attachment_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    attachment = Attachment(
        id=attachment_id,
        draft_id=draft_id,
        field=field,
        name=safe_name(filename),
        content_type=actual,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return {"id": attachment_id, "name": attachment.name, "type": actual, "size": len(data)}, attachment
