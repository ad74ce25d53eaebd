"""Receipts: the acknowledgement of receipt as a PDF, rendered once per submission and kept.

Everything about a receipt (its HTML, QR code and PDF) is made in a renderer process
(`runtime.pdfs.pool`), within a time and memory limit. A submit returns at once; a
download waits for the PDF up to a time limit. A render refused (too slow, too big, its
process dead) gives a plain receipt instead: the reference, the date, the fingerprint and
the answers attached, so no citizen is told "try again later" for ever.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from runtime import i18n
from runtime.charter import charter_for
from runtime.compiler import CompiledVersion
from runtime.implicit_decision import decision_sentence, implicit_decision
from runtime.models import Organisation, Submission
from runtime.pdfs import pool as render_pool
from runtime.pdfs.render import plain_pdf, qr_svg_data_uri, render_pdf
from runtime.render_tree import Renderer
from runtime.settings import Settings
from runtime.templating import Templates
from runtime.text import localize
from runtime.wording import wording

if TYPE_CHECKING:
    from runtime.site import Site

logger = logging.getLogger("parvis")
# Receipts rendered ahead of their download; past this, the rest wait to be asked for.
MAX_QUEUED = 50

# Receipt file -> the future that completes once it is written (full or plain), and the
# future of its render.
_pending: dict[Path, tuple[Future[Path], Future[bytes] | None]] = {}
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


def job_for(site: Site, submission: Submission, base_url: str) -> ReceiptJob:
    info = site.version(submission.version_id)
    assert info is not None
    return ReceiptJob(
        info.organisation,
        info.procedure.slug,
        info.version.number,
        info.version.content_hash,
        dict(info.version.definition),
        submission,
        site.theme_roots,
        base_url,
    )


# -- in the renderer process ----------------------------------------------------------

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
        "reference": submission.reference,
        "organisation": job.organisation.slug,
        "procedure": job.procedure,
        "version": job.version_number,
        "version_hash": job.version_hash,
        "received_at": submission.created_at.isoformat(),
        "answers": submission.answers,
        "fingerprint": submission.fingerprint,
    }


def receipt_html(job: ReceiptJob) -> str:
    submission, organisation = job.submission, job.organisation
    version = _compiled(job)
    renderer = Renderer(version, submission.lang)
    follow_url = f"{job.base_url}/s/{submission.follow_token}"
    states = (version.definition.get("workflow") or {}).get("states") or {}
    return _templates(job.themes_dir).render(
        organisation.theme,
        [f"receipt_pdf-{job.procedure}.html", "receipt_pdf.html"],
        lang=submission.lang,
        organisation=organisation,
        charter=charter_for(job.themes_dir, organisation.theme),
        theme=organisation.theme,
        r=renderer,
        version=version,
        submission=submission,
        sections=renderer.review(submission.answers),
        follow_url=follow_url,
        verify_url=f"{job.base_url}/verify/{submission.fingerprint}",
        qr=qr_svg_data_uri(follow_url),
        timezone=ZoneInfo(organisation.timezone),
        state_label=renderer.text(states.get(submission.state, {}).get("label")),
        implicit=_implicit_sentence(job),
    )


def _implicit_sentence(job: ReceiptJob) -> str:
    """The date silence becomes a decision, for an application whose definition says so."""
    decision = implicit_decision(job.definition, job.submission.created_at, job.organisation.timezone)
    return decision_sentence(decision, job.submission.lang) if decision else ""


def render_receipt(job: ReceiptJob) -> bytes:
    """The receipt's PDF bytes (runs in the worker process)."""
    version = _compiled(job)
    title = (
        f"{Renderer(version, job.submission.lang).text(job.definition['title'])} – {job.submission.reference}"
    )
    attachment = json.dumps(answers_document(job), ensure_ascii=False, indent=2).encode()
    return render_pdf(
        receipt_html(job),
        assets_dir=charter_for(job.themes_dir, job.organisation.theme).folders,
        attachments={"answers.json": attachment},
        title=title,
        lang=job.submission.lang,
    )


def plain_receipt(job: ReceiptJob) -> bytes:
    """The receipt issued when the full one was refused: made in the server's process, in
    milliseconds, from what identifies the submission; the answers are the attached file."""
    submission, organisation, lang = job.submission, job.organisation, job.submission.lang
    fallback = job.definition.get("lang", "fr")
    receipt = job.definition.get("receipt") or {}
    words = wording(job.definition)
    heading = localize(receipt.get("title"), lang, fallback) or i18n.gettext(lang, words.receipt_title)
    moment = submission.created_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    received = i18n.datetime_text(moment.astimezone(ZoneInfo(organisation.timezone)), lang)
    follow_url = f"{job.base_url}/s/{submission.follow_token}"
    # The sentences of the full receipt, so they read the same and are translated once.
    lines: list[tuple[str, int]] = [
        (organisation.name, 12),
        (heading, 18),
        (localize(job.definition.get("title"), lang, fallback), 13),
        (submission.reference, 14),
        (i18n.gettext(lang, "Received on %(date)s.", date=received), 11),
        (i18n.gettext(lang, words.follow_online), 10),
        (follow_url, 10),
    ]
    implicit = _implicit_sentence(job)
    if implicit:
        lines.append((implicit, 10))
    lines += [
        (
            i18n.gettext(
                lang,
                "Your answers could not be laid out on this receipt, which is issued in a simplified form. They are kept as you sent them, and attached to this PDF as a file (answers.json).",
            ),
            10,
        ),
        (
            i18n.gettext(
                lang,
                "Fingerprint of the data received (SHA-256). The answers are also attached to this PDF as a file (answers.json). To check this receipt, visit:",
            ),
            9,
        ),
        (submission.fingerprint, 10),
        (f"{job.base_url}/verify/{submission.fingerprint}", 9),
    ]
    attachment = json.dumps(answers_document(job), ensure_ascii=False, indent=2).encode()
    return plain_pdf(
        lines,
        attachments={"answers.json": attachment},
        title=f"{heading} – {submission.reference}",
        lang=lang,
    )


# -- in the server process ------------------------------------------------------------


def in_renderer(
    settings: Settings, function: Callable[[Any], bytes], job: Any, priority: int = render_pool.URGENT
) -> Future[bytes]:
    """Run `function(job)` in a renderer process, within the configured limits."""
    pool = render_pool.pool(settings.render_processes, settings.render_memory_mb)
    return pool.submit(function, job, settings.render_timeout, priority)


def schedule_receipt(
    site: Site, submission: Submission, base_url: str, *, eager: bool = False
) -> Future[Path] | None:
    """Start rendering (or join the render under way); the future gives the file once written.

    `eager` renders ahead of a download, unless many are queued already.
    """
    path = receipt_path(site.settings.data_dir, submission)
    with _lock:
        pending = _pending.get(path)
        if pending is not None:
            stored, rendered = pending
            if rendered is not None and not eager:
                # Made ahead so far, now someone waits for it: it goes before those made ahead.
                render_pool.pool(site.settings.render_processes, site.settings.render_memory_mb).promote(
                    rendered
                )
            return stored
        if eager and len(_pending) >= MAX_QUEUED:
            return None
        stored = Future()
        _pending[path] = (stored, None)
    try:
        job = job_for(site, submission, base_url)
        rendered = in_renderer(
            site.settings, render_receipt, job, render_pool.AHEAD if eager else render_pool.URGENT
        )
    except Exception as error:  # the pool shut down under us: nothing rendered, nothing kept
        _settle(path, stored, error)
        return stored
    with _lock:
        if _pending.get(path, (None, None))[0] is stored:  # not already written
            _pending[path] = (stored, rendered)
    rendered.add_done_callback(lambda done: _store(path, job, done, stored))
    return stored


def _store(path: Path, job: ReceiptJob, done: Future[bytes], stored: Future[Path]) -> None:
    try:
        if done.cancelled():
            raise render_pool.RenderRefused("cancelled")
        error = done.exception()
        if error is None:
            content = done.result()
        elif isinstance(error, render_pool.PoolClosed):
            raise error  # the server is stopping: rendered on the next download
        else:  # too slow, too big, its process dead, or a defect of a template: never "later" for ever
            logger.warning("receipt %s issued in its plain form: %s", job.submission.reference, error)
            content = plain_receipt(job)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_bytes(content)
        os.replace(temporary, path)  # atomic: a reader sees the whole file or none
    except BaseException as failure:  # noqa: BLE001 (handed to whoever waits for the file)
        if not done.cancelled() and not isinstance(failure, render_pool.PoolClosed):
            logger.exception("receipt %s could not be stored", job.submission.reference)
        _settle(path, stored, failure)
    else:
        _settle(path, stored, path)


def _settle(path: Path, stored: Future[Path], outcome: Path | BaseException) -> None:
    with _lock:
        _pending.pop(path, None)
    if isinstance(outcome, BaseException):
        stored.set_exception(outcome)
    else:
        stored.set_result(outcome)


async def receipt_file(site: Site, submission: Submission, base_url: str) -> Path | None:
    """The receipt's file, waiting for its rendering at most the configured time."""
    path = receipt_path(site.settings.data_dir, submission)
    if path.exists():
        return path
    stored = schedule_receipt(site, submission, base_url)
    assert stored is not None
    try:
        return await asyncio.wait_for(
            asyncio.shield(asyncio.wrap_future(stored)), site.settings.receipt_timeout
        )
    except TimeoutError:
        return None
    except Exception:
        return path if path.exists() else None


def shutdown() -> None:
    """Stop the renderers without waiting for receipts not yet started (they render on demand)."""
    render_pool.shutdown()
