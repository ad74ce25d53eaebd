"""Receipts: the acknowledgement of receipt as a PDF, rendered once per submission and kept.

WeasyPrint runs in a separate worker process: a render holds Python's lock for most of its
time, so in the server's own process it would slow every request. A submit returns at
once; a download waits for the PDF only up to a time limit.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from runtime.models import Submission
from runtime.pdf import qr_svg_data_uri, render_pdf
from runtime.render_tree import Renderer

if TYPE_CHECKING:
    from runtime.site import Site

# One thread prepares the HTML and waits for the renderer; one process renders.
_waiter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="receipts")
_renderer: ProcessPoolExecutor | None = None
_pending: dict[Path, Future[Path]] = {}
_lock = threading.Lock()
# A renderer process is replaced after this many documents, so its memory never creeps up.
RENDERS_PER_PROCESS = 500


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
    states = (info.compiled.definition.get("workflow") or {}).get("states") or {}
    return site.templates.render(
        theme, [f"receipt_pdf-{info.procedure.slug}.html", "receipt_pdf.html"],
        lang=lang, organisation=info.organisation, charter=site.charter(theme), theme=theme, r=renderer,
        version=info.compiled, submission=submission, sections=renderer.review(submission.answers),
        follow_url=follow_url, verify_url=f"{base_url}/verify/{submission.fingerprint}",
        qr=qr_svg_data_uri(follow_url), timezone=ZoneInfo(info.organisation.timezone),
        state_label=renderer.text(states.get(submission.state, {}).get("label")),
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
    pdf = _render(html, site.charter(info.organisation.theme).folder, {"answers.json": attachment},
                  title, submission.lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_bytes(pdf)
    os.replace(temporary, path)
    return path


def _render(html: str, assets_dir: Path, attachments: dict[str, bytes], title: str, lang: str) -> bytes:
    global _renderer
    for _attempt in range(2):
        with _lock:
            if _renderer is None:
                _renderer = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                max_tasks_per_child=RENDERS_PER_PROCESS)
            renderer = _renderer
        try:
            return renderer.submit(render_pdf, html, assets_dir=assets_dir, attachments=attachments,
                                   title=title, lang=lang).result()
        except BrokenProcessPool:
            with _lock:  # the worker died (killed, out of memory): start a new one once
                if _renderer is renderer:
                    _renderer = None
    raise RuntimeError("the receipt renderer could not be started")


def schedule_receipt(site: "Site", submission: Submission, base_url: str) -> Future[Path]:
    """Start rendering in the background (or join the render already under way)."""
    path = receipt_path(site.settings.data_dir, submission)
    with _lock:
        future = _pending.get(path)
        if future is None:
            future = _waiter.submit(ensure_receipt, site, submission, base_url)
            _pending[path] = future
            future.add_done_callback(lambda _f: _forget(path))
    return future


def _forget(path: Path) -> None:
    with _lock:
        _pending.pop(path, None)


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


def shutdown() -> None:
    """Stop the renderer without waiting for receipts not yet started (they render on demand)."""
    global _renderer
    with _lock:
        renderer, _renderer = _renderer, None
    if renderer is not None:
        renderer.shutdown(wait=False, cancel_futures=True)
