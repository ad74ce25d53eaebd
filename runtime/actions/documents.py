"""Documents that the workflow issues (an authorisation, a decision): a PDF made from the
action's title and text, with the answers filled in, stored with the submission and shown
to the applicant when the status that issued it is visible.

Rendered in the renderer processes (`runtime.pdfs.pool`), for the same reasons as
receipts; a render refused for its time or memory is tried again by the outbox.
`Document` is the workflow action (`{"document": {"title": …, "text": …}}`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from runtime import history
from runtime.actions.controls import Control, Summary
from runtime.actions.mail import fill
from runtime.actions.outbox import Job
from runtime.actions.registry import Item, QueuedAction
from runtime.charter import charter_for
from runtime.db import reading, writing
from runtime.i18n import N_
from runtime.models import Attachment, Organisation, Submission, now
from runtime.pdfs import pool as render_pool
from runtime.pdfs import receipts
from runtime.pdfs.render import render_pdf
from runtime.render_tree import Renderer
from runtime.uploads import path_for
from runtime.wording import wording

if TYPE_CHECKING:
    from runtime.site import Site


@dataclass(frozen=True)
class DocumentJob:
    """What the renderer process needs, as plain data."""

    organisation: Organisation
    submission: Submission
    procedure_title: str
    title: str
    text: str
    issued_at: dt.datetime
    themes_dir: tuple[Path, ...]  # the folders holding themes (runtime.charter.theme_roots)
    follow_url: str
    kind: str = "procedure"  # the procedure's kind, for its words (runtime.wording)


def document_id(event_id: int, action_index: int) -> str:
    # Known before rendering: a retried job finds the document it already stored.
    return f"doc-{event_id}-{action_index}"


def render_document(job: DocumentJob) -> bytes:
    """The document's PDF bytes (runs in the renderer process)."""
    organisation = job.organisation
    charter = charter_for(job.themes_dir, organisation.theme)
    html = receipts._templates(job.themes_dir).render(
        organisation.theme,
        ["document_pdf.html"],
        lang=job.submission.lang,
        organisation=organisation,
        charter=charter,
        theme=organisation.theme,
        submission=job.submission,
        title=job.title,
        text=job.text,
        procedure_title=job.procedure_title,
        issued_at=job.issued_at,
        follow_url=job.follow_url,
        words=wording(job.kind),
        timezone=ZoneInfo(organisation.timezone),
    )
    return render_pdf(
        html,
        assets_dir=charter.folders,
        title=f"{job.title} – {job.submission.reference}",
        lang=job.submission.lang,
    )


def file_name(title: str, reference: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-")[:60] or "document"
    return f"{slug}-{reference}.pdf"


async def run(site: Site, job: Job) -> None:
    # Database reads and writes are blocking work: off the event loop the server shares.
    document = await asyncio.to_thread(prepare, site, job)
    if document is None:
        return
    attachment_id, spec = document
    data = await asyncio.wrap_future(
        receipts.in_renderer(site.settings, render_document, spec, render_pool.AHEAD)
    )
    await asyncio.to_thread(store, site, job, attachment_id, spec, data)


def prepare(site: Site, job: Job) -> tuple[str, DocumentJob] | None:
    """The document to render for a queued job, or None if it exists already (a retry)."""
    loaded = history.load(site.engine, int(job.payload["submission_id"]))
    if loaded is None:
        return None
    submission, _events = loaded
    info = site.version(submission.version_id)
    if info is None:
        return None
    assert job.event_id is not None  # queued by a transition, so with its event
    attachment_id = document_id(job.event_id, int(job.payload.get("index", 0)))
    with reading(site.engine) as session:
        connection = session.connection()
        if connection.execute(select(col(Attachment.id)).where(col(Attachment.id) == attachment_id)).first():
            return None
    spec = job.payload["action"]["document"]
    renderer = Renderer(info.compiled, submission.lang)
    # The answers are filled in as text: a citizen's answer cannot add Markdown to an official paper.
    title = fill(renderer.text(spec["title"]), renderer, submission.answers, submission.reference)
    text = fill(
        renderer.text(spec.get("text") or {}),
        renderer,
        submission.answers,
        submission.reference,
        escape=escape_markdown,
    )
    base_url = site.settings.base_url or job.payload.get("base_url") or ""
    return attachment_id, DocumentJob(
        info.organisation,
        submission,
        renderer.text(info.compiled.definition["title"]),
        title,
        text,
        now(),
        site.theme_roots,
        f"{base_url}/s/{submission.follow_token}",
        str(info.compiled.definition.get("kind", "procedure")),
    )


def store(site: Site, job: Job, attachment_id: str, spec: DocumentJob, data: bytes) -> None:
    target = path_for(site.settings.data_dir, attachment_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    row: dict[str, Any] = dict(
        id=attachment_id,
        submission_id=spec.submission.id,
        event_id=job.event_id,
        kind="document",
        field="",
        name=file_name(spec.title, spec.submission.reference),
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        created_at=now(),
    )
    try:
        with writing(site.engine) as session:
            connection = session.connection()
            connection.execute(insert(Attachment).values(**row))
    except IntegrityError:
        pass  # stored by an earlier attempt that was thought lost


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


def escape_markdown(text: str) -> str:
    """Text shown as it is inside Markdown: every character Markdown reads is escaped, and
    line breaks become spaces, so an answer stays one piece of text in its sentence."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


class Document(QueuedAction):
    key = "document"
    order = 60
    label = N_("Document")
    documentation = (
        '`{"document": {"title": TEXT, "text": TEXT}}` issues a PDF made from the title and the '
        "Markdown text, with `{reference}` and `{field}` filled in; it is stored with the "
        "submission and shown to the applicant when the status the transition leads to is visible."
    )
    schema = {
        "document": {
            "type": "object",
            "additionalProperties": False,
            "required": ["title"],
            "properties": {"title": {"$ref": "#/$defs/text"}, "text": {"$ref": "#/$defs/text"}},
        }
    }
    controls = (
        Control("document_title", "tr-doc-title", N_("Issue a document: its title"), 60, kind="text"),
        Control(
            "document_text",
            "tr-doc-text",
            N_("Its text"),
            61,
            kind="textarea",
            hint=N_("Markdown; {reference} and {field} are replaced by the request's answers."),
            hint_id="tr-doc-hint",
        ),
    )

    def from_form(self, values: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
        title, text = values.get("document_title", "").strip(), values.get("document_text", "").strip()
        if not title:
            return []
        document: dict[str, Any] = {"title": {lang: title}}
        if text:
            document["text"] = {lang: text}
        return [{"document": document}]

    def summary(self, item: Item, lang: str) -> Summary | None:
        if not item.get("document"):
            return None
        titles = item["document"]["title"]
        return Summary(
            N_("issue the document “%(title)s”"), {"title": titles.get(lang) or next(iter(titles.values()))}
        )

    async def run(self, site: Site, job: Job) -> None:
        await run(site, job)
