"""Receipts: the acknowledgement of receipt as a PDF, rendered once per submission and kept.

Rendering runs in one worker thread, off the event loop and off the request: a submit
returns at once, and a download waits for the PDF only up to a time limit.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runtime.models import Submission
from runtime.pdf import qr_svg_data_uri, render_pdf
from runtime.render_tree import Renderer

if TYPE_CHECKING:
    from runtime.site import Site

# One worker: WeasyPrint holds a lock anyway, and one at a time keeps memory flat.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="receipts")
_pending: dict[int, Future[Path]] = {}
_pending_lock = threading.Lock()


def receipt_path(data_dir: Path, submission: Submission) -> Path:
    return data_dir / "receipts" / f"{submission.reference}.pdf"


def answers_document(site: "Site", submission: Submission) -> dict[str, Any]:
    """The machine-readable copy embedded in the PDF (answers.json)."""
    info = site.version(submission.version_id)
    assert info is not None
    return {
        "reference": submission.reference,
        "organisation": info.organisation.slug,
        "procedure": info.procedure.slug,
        "version": info.version.number,
        "version_hash": info.version.content_hash,
        "received_at": submission.created_at.isoformat(),
        "answers": submission.answers,
        "fingerprint": submission.fingerprint,
    }


def receipt_html(site: "Site", submission: Submission, base_url: str) -> str:
    info = site.version(submission.version_id)
    assert info is not None
    lang = submission.lang
    renderer = Renderer(info.compiled, lang)
    follow_url = f"{base_url}/s/{submission.follow_token}"
    theme = info.organisation.theme
    charter = site.charter(theme)
    from zoneinfo import ZoneInfo

    return site.templates.render(
        theme, [f"receipt_pdf-{info.procedure.slug}.html", "receipt_pdf.html"],
        lang=lang, organisation=info.organisation, charter=charter, theme=theme, r=renderer,
        version=info.compiled, submission=submission, sections=renderer.review(submission.answers),
        follow_url=follow_url, verify_url=f"{base_url}/verify/{submission.fingerprint}",
        qr=qr_svg_data_uri(follow_url), timezone=ZoneInfo(info.organisation.timezone),
        state_label=renderer.text(((info.compiled.definition.get("workflow") or {}).get("states") or {})
                                  .get(submission.state, {}).get("label")),
    )


def ensure_receipt(site: "Site", submission: Submission, base_url: str) -> Path:
    """The receipt's file, rendered now if it was not yet; written atomically."""
    path = receipt_path(site.settings.data_dir, submission)
    if path.exists():
        return path
    info = site.version(submission.version_id)
    assert info is not None
    html = receipt_html(site, submission, base_url)
    attachment = json.dumps(answers_document(site, submission), ensure_ascii=False, indent=2).encode()
    title = f"{Renderer(info.compiled, submission.lang).text(info.compiled.definition['title'])} – {submission.reference}"
    pdf = render_pdf(html, assets_dir=site.charter(info.organisation.theme).folder,
                     attachments={"answers.json": attachment}, title=title, lang=submission.lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_bytes(pdf)
    os.replace(temporary, path)
    return path


def schedule_receipt(site: "Site", submission: Submission, base_url: str) -> Future[Path]:
    """Start rendering in the background (or join the render already under way)."""
    assert submission.id is not None
    with _pending_lock:
        future = _pending.get(submission.id)
        if future is None:
            future = _executor.submit(ensure_receipt, site, submission, base_url)
            _pending[submission.id] = future
            future.add_done_callback(lambda _f, key=submission.id: _forget(key))
    return future


def _forget(key: int) -> None:
    with _pending_lock:
        _pending.pop(key, None)


async def receipt_file(site: "Site", submission: Submission, base_url: str) -> Path | None:
    """The receipt's file, waiting for its rendering at most the configured time."""
    path = receipt_path(site.settings.data_dir, submission)
    if path.exists():
        return path
    future = schedule_receipt(site, submission, base_url)
    try:
        return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), site.settings.receipt_timeout)
    except asyncio.TimeoutError:
        return None
