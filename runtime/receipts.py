"""Receipts: the acknowledgement of receipt as a PDF, rendered once per submission and kept.

Everything about a receipt (its HTML, QR code and PDF) is made in a separate worker process:
a render holds Python's lock for most of its time, so in the server's process it would slow
every request. A submit returns at once; a download waits for the PDF up to a time limit.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable
from zoneinfo import ZoneInfo

from runtime.charter import charter_for
from runtime.compiler import CompiledVersion
from runtime.models import Organisation, Submission
from runtime.pdf import qr_svg_data_uri, render_pdf
from runtime.render_tree import Renderer
from runtime.templating import Templates

if TYPE_CHECKING:
    from runtime.site import Site

logger = logging.getLogger("parvis")
# A renderer process is replaced after this many documents, so its memory never creeps up.
RENDERS_PER_PROCESS = 500
# Receipts rendered ahead of their download; past this, the rest wait to be asked for.
MAX_QUEUED = 50

_renderer: ProcessPoolExecutor | None = None
_pending: dict[Path, Future[bytes]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class ReceiptJob:
    """Everything a receipt is made of, as plain data the worker process can receive."""

    organisation: Organisation
    procedure: str
    version_number: int
    version_hash: str
    definition: dict[str, Any]
    submission: Submission
    themes_dir: tuple[Path, ...]  # the folders holding themes (runtime.charter.theme_roots)
    base_url: str


def receipt_path(data_dir: Path, submission: Submission) -> Path:
    return data_dir / "receipts" / f"{submission.reference}.pdf"


def job_for(site: "Site", submission: Submission, base_url: str) -> ReceiptJob:
    info = site.version(submission.version_id)
    assert info is not None
    return ReceiptJob(info.organisation, info.procedure.slug, info.version.number, info.version.content_hash,
                      dict(info.version.definition), submission, site.theme_roots, base_url)


# -- in the worker process ------------------------------------------------------------

def _start_worker() -> None:
    # Citizens' requests come first: a receipt can wait a few milliseconds more.
    os.nice(10)
    # A worker whose server is gone (killed, crashed) must not go on rendering for nobody.
    parent = os.getppid()
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="parent-watch").start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


_versions: dict[str, CompiledVersion] = {}


def _compiled(job: ReceiptJob) -> CompiledVersion:
    """The job's version compiled once per worker (versions never change: the hash is the key)."""
    version = _versions.get(job.version_hash)
    if version is None:
        if len(_versions) > 64:
            _versions.clear()
        version = _versions[job.version_hash] = CompiledVersion(job.definition)
    return version


@lru_cache(maxsize=8)
def _templates(themes_dir: tuple[Path, ...]) -> Templates:
    return Templates(themes_dir)


def answers_document(job: ReceiptJob) -> dict[str, Any]:
    """The machine-readable copy embedded in the PDF (answers.json)."""
    submission = job.submission
    return {
        "reference": submission.reference, "organisation": job.organisation.slug, "procedure": job.procedure,
        "version": job.version_number, "version_hash": job.version_hash,
        "received_at": submission.created_at.isoformat(), "answers": submission.answers,
        "fingerprint": submission.fingerprint,
    }


def receipt_html(job: ReceiptJob) -> str:
    submission, organisation = job.submission, job.organisation
    version = _compiled(job)
    renderer = Renderer(version, submission.lang)
    follow_url = f"{job.base_url}/s/{submission.follow_token}"
    states = (version.definition.get("workflow") or {}).get("states") or {}
    return _templates(job.themes_dir).render(
        organisation.theme, [f"receipt_pdf-{job.procedure}.html", "receipt_pdf.html"],
        lang=submission.lang, organisation=organisation, charter=charter_for(job.themes_dir, organisation.theme),
        theme=organisation.theme, r=renderer, version=version, submission=submission,
        sections=renderer.review(submission.answers), follow_url=follow_url,
        verify_url=f"{job.base_url}/verify/{submission.fingerprint}", qr=qr_svg_data_uri(follow_url),
        timezone=ZoneInfo(organisation.timezone),
        state_label=renderer.text(states.get(submission.state, {}).get("label")),
    )


def render_receipt(job: ReceiptJob) -> bytes:
    """The receipt's PDF bytes (runs in the worker process)."""
    version = _compiled(job)
    title = f"{Renderer(version, job.submission.lang).text(job.definition['title'])} – {job.submission.reference}"
    attachment = json.dumps(answers_document(job), ensure_ascii=False, indent=2).encode()
    return render_pdf(receipt_html(job), assets_dir=charter_for(job.themes_dir, job.organisation.theme).folders,
                      attachments={"answers.json": attachment}, title=title, lang=job.submission.lang)


# -- in the server process ------------------------------------------------------------

def _executor() -> ProcessPoolExecutor:
    global _renderer
    with _lock:
        if _renderer is None:
            _renderer = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                            max_tasks_per_child=RENDERS_PER_PROCESS,
                                            initializer=_start_worker)
        return _renderer


def in_renderer(function: Callable[[Any], bytes], job: Any) -> Future[bytes]:
    """Run `function(job)` in the renderer process (receipts, workflow documents)."""
    for _attempt in range(2):
        executor = _executor()
        try:
            return executor.submit(function, job)
        except BrokenProcessPool:
            _discard(executor)  # the worker died (killed, out of memory): start a new one
    raise RuntimeError("the PDF renderer could not be started")


def schedule_receipt(site: "Site", submission: Submission, base_url: str, *, eager: bool = False) -> Future[bytes] | None:
    """Start rendering (or join the render under way); the file is written when it is done.

    `eager` renders ahead of a download, unless many are queued already.
    """
    path = receipt_path(site.settings.data_dir, submission)
    with _lock:
        future = _pending.get(path)
        if future is not None:
            return future
        if eager and len(_pending) >= MAX_QUEUED:
            return None
    future = in_renderer(render_receipt, job_for(site, submission, base_url))
    with _lock:
        _pending[path] = future
    future.add_done_callback(lambda done: _store(path, done))
    return future


def _store(path: Path, done: Future[bytes]) -> None:
    try:
        if not done.cancelled() and done.exception() is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            temporary.write_bytes(done.result())
            os.replace(temporary, path)  # atomic: a reader sees the whole file or none
    finally:
        with _lock:
            _pending.pop(path, None)


def _discard(executor: ProcessPoolExecutor) -> None:
    global _renderer
    with _lock:
        if _renderer is executor:
            _renderer = None


async def receipt_file(site: "Site", submission: Submission, base_url: str) -> Path | None:
    """The receipt's file, waiting for its rendering at most the configured time."""
    path = receipt_path(site.settings.data_dir, submission)
    if path.exists():
        return path
    future = schedule_receipt(site, submission, base_url)
    assert future is not None
    try:
        await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), site.settings.receipt_timeout)
    except asyncio.TimeoutError:
        return None
    except BrokenProcessPool:
        _discard(_executor())
        return None
    except Exception:
        logger.exception("receipt %s could not be rendered", submission.reference)
        return None
    # The callback that writes the file may still be running in the executor's thread.
    for _ in range(100):
        if path.exists():
            return path
        await asyncio.sleep(0.01)
    return None


def shutdown() -> None:
    """Stop the renderer without waiting for receipts not yet started (they render on demand)."""
    global _renderer
    with _lock:
        renderer, _renderer = _renderer, None
    if renderer is not None:
        renderer.shutdown(wait=False, cancel_futures=True)
