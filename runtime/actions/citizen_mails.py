"""The mails that keep a citizen's keys in their inbox: the acknowledgement of receipt with its
PDF, the link to finish saved answers, and the list of their requests.

They are outbox jobs like a workflow's notifications (queued in the transaction that makes
them due, sent by the worker, tried again while the mail server is down), but no transition
queues them: the worker finds their runner here by kind. In the organisation's name, in the
citizen's language, text and HTML.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine

from runtime import drafts, i18n
from runtime.actions.job_context import context_of
from runtime.actions.mail import Mail, citizen_address, send
from runtime.actions.outbox import NO_ADDRESS, Job, Skipped, enqueue
from runtime.db import reading, writing
from runtime.i18n import N_
from runtime.models import Organisation, Submission
from runtime.pdfs import pool as render_pool
from runtime.pdfs.receipts import receipt_path, schedule_receipt
from runtime.render_tree import Renderer

if TYPE_CHECKING:
    from runtime.site import Site, VersionInfo

logger = logging.getLogger("parvis.worker")

RECEIPT = "receipt-mail"
RESUME = "resume-mail"
REQUESTS = "requests-mail"
# How each reads in a case's history (only the receipt belongs to a submission's event).
LABELS = {
    RECEIPT: N_("Acknowledgement of receipt by e-mail"),
    RESUME: N_("Link to finish later by e-mail"),
    REQUESTS: N_("List of requests by e-mail"),
}
# A receipt not rendered yet holds its mail back this many times (the outbox's backoff
# between them); then the mail goes without it, with the follow-up link that gives it.
RECEIPT_WAITS = 3
AUTOMATIC = N_("This message was sent automatically; answers to it are not read.")
ATTACHED = N_("The acknowledgement of receipt is attached to this message (PDF).")
NOT_ATTACHED = N_(
    "The acknowledgement of receipt could not be attached to this message: download it from "
    "your follow-up page."
)


class ReceiptNotReady(Exception):
    """The receipt is still being rendered: the mail is tried again later."""


# -- queueing ------------------------------------------------------------------------------


def queue_receipt(connection: Connection, event_id: int, submission_id: int, base_url: str) -> None:
    """In the submission's own transaction: the mail exists if and only if the request does."""
    enqueue(connection, event_id, 0, RECEIPT, {"submission_id": submission_id, "base_url": base_url})


def queue_resume(engine: Engine, draft_id: str, address: str, base_url: str, lang: str) -> None:
    _queue(engine, RESUME, {"draft_id": draft_id, "address": address, "base_url": base_url, "lang": lang})


def queue_requests(engine: Engine, organisation_id: int, address: str, base_url: str, lang: str) -> None:
    payload = {"organisation_id": organisation_id, "address": address, "base_url": base_url, "lang": lang}
    _queue(engine, REQUESTS, payload)


def _queue(engine: Engine, kind: str, payload: Mapping[str, Any]) -> None:
    with writing(engine, durable=False) as session:
        connection = session.connection()
        enqueue(connection, None, 0, kind, payload)


def runner(kind: str) -> Callable[[Site, Job], Awaitable[None]] | None:
    return {RECEIPT: run_receipt, RESUME: run_resume, REQUESTS: run_requests}.get(kind)


def forgets(kind: str) -> bool:
    """Whether a sent job's payload is emptied: it holds an address typed for this mail only."""
    return kind in (RESUME, REQUESTS)


# -- composing -----------------------------------------------------------------------------


def compose(
    site: Site,
    organisation: Organisation,
    lang: str,
    to: str,
    *,
    subject: str,
    title: str,
    paragraphs: Sequence[str],
    links: Sequence[tuple[str, str]],
    closing: Sequence[str] = (),
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> Mail:
    context = dict(
        lang=lang,
        organisation=organisation,
        charter=site.charter(organisation.theme),
        subject=subject,
        title=title,
        paragraphs=paragraphs,
        links=links,
        closing=[*closing, i18n.gettext(lang, AUTOMATIC)],
    )
    return Mail(
        to=(to,),
        subject=subject[:250],
        text=site.templates.render(organisation.theme, ["email/access.txt"], **context).strip() + "\n",
        html=site.templates.render(organisation.theme, ["email/access.html"], **context),
        sender_name=organisation.name,
        attachments=attachments,
    )


def moment_text(moment: dt.datetime, organisation: Organisation, lang: str) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return i18n.datetime_text(moment.astimezone(ZoneInfo(organisation.timezone)), lang)


def receipt_mail(
    site: Site, info: VersionInfo, submission: Submission, to: str, base_url: str, pdf: Path | None
) -> Mail:
    lang = submission.lang
    renderer = Renderer(info.compiled, lang)
    organisation = info.organisation
    subject = i18n.gettext(
        lang, N_("Your request %(reference)s has been received"), reference=submission.reference
    )
    return compose(
        site,
        organisation,
        lang,
        to,
        subject=subject,
        title=renderer.text(info.compiled.definition.get("title")),
        paragraphs=[
            i18n.gettext(
                lang, "Received on %(date)s.", date=moment_text(submission.created_at, organisation, lang)
            ),
            i18n.gettext(lang, ATTACHED if pdf else NOT_ATTACHED),
            i18n.gettext(
                lang,
                N_(
                    "Keep this message: its link is the key to your request, to follow it and "
                    "answer the service. Anyone with the link can see it."
                ),
            ),
        ],
        links=[(i18n.gettext(lang, "Follow your request"), f"{base_url}/s/{submission.follow_token}")],
        attachments=((pdf.name, "application/pdf", pdf.read_bytes()),) if pdf else (),
    )


# -- running -------------------------------------------------------------------------------


def _base_url(site: Site, job: Job) -> str:
    return site.settings.base_url or str(job.payload.get("base_url") or "")


async def run_receipt(site: Site, job: Job) -> None:
    found = await asyncio.to_thread(context_of, site, job)
    if found is None:
        return
    address = citizen_address(found.info, found.submission.answers)
    if address is None:
        raise Skipped(NO_ADDRESS)
    base_url = _base_url(site, job)
    pdf = await _receipt(site, found.submission, base_url, job.attempts)
    mail = await asyncio.to_thread(receipt_mail, site, found.info, found.submission, address, base_url, pdf)
    await send(site.settings, _stable(mail, job))


async def _receipt(site: Site, submission: Submission, base_url: str, attempts: int) -> Path | None:
    """The receipt's file once rendered (full or plain), or None when it cannot be had."""
    path = receipt_path(site.settings.data_dir, submission)
    if path.exists():
        return path
    stored = await asyncio.to_thread(schedule_receipt, site, submission, base_url)
    if stored is None:
        return None
    try:
        await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(stored)), site.settings.receipt_timeout)
    except TimeoutError:
        if attempts < RECEIPT_WAITS:
            raise ReceiptNotReady("the acknowledgement of receipt is still being rendered") from None
    except render_pool.PoolClosed:
        raise  # the server is stopping: the next worker renders it
    except Exception as error:  # noqa: BLE001 (any failure to store it: the mail goes without)
        logger.warning("receipt %s not attached: %s", submission.reference, error)
    return path if path.exists() else None


async def run_resume(site: Site, job: Job) -> None:
    draft = await asyncio.to_thread(drafts.get_draft, site.engine, str(job.payload.get("draft_id", "")))
    info = site.version(draft.version_id) if draft is not None else None
    address = str(job.payload.get("address") or "")
    if draft is None or info is None or draft.submission_id is not None or not address:
        return  # sent or gone since: no link to give
    lang = str(job.payload.get("lang") or draft.lang)
    title = Renderer(info.compiled, lang).text(info.compiled.definition.get("title"))
    mail = compose(
        site,
        info.organisation,
        lang,
        address,
        subject=i18n.gettext(lang, N_("Your answers are saved: %(title)s"), title=title),
        title=title,
        paragraphs=[
            i18n.gettext(
                lang,
                N_(
                    "Use this link to come back and finish later, from any device. Anyone with "
                    "the link can see your answers: do not share it."
                ),
            )
        ],
        links=[(i18n.gettext(lang, N_("Finish my answers")), f"{_base_url(site, job)}/d/{draft.id}")],
        closing=[i18n.gettext(lang, N_("If you did not ask for this message, you can ignore it."))],
    )
    await send(site.settings, _stable(mail, job))


async def run_requests(site: Site, job: Job) -> None:
    from runtime.access import requests_of  # the access rules build on the actions, not back

    organisation_id = int(job.payload.get("organisation_id") or 0)
    address, lang = str(job.payload.get("address") or ""), str(job.payload.get("lang") or "fr")
    organisation = await asyncio.to_thread(_organisation, site.engine, organisation_id)
    if organisation is None or not address:
        return
    found = await asyncio.to_thread(requests_of, site, organisation_id, address, _base_url(site, job), lang)
    if not found:
        return  # an address that wrote nothing gets nothing: the page said the same either way
    links = [
        (
            i18n.gettext(
                lang,
                N_("%(reference)s – %(title)s, sent on %(date)s"),
                reference=item.reference,
                title=item.title,
                date=moment_text(item.at, organisation, lang),
            )
            if item.reference
            else i18n.gettext(
                lang,
                N_("%(title)s – saved on %(date)s, not sent yet"),
                title=item.title,
                date=moment_text(item.at, organisation, lang),
            ),
            item.link,
        )
        for item in found
    ]
    mail = compose(
        site,
        organisation,
        lang,
        address,
        subject=i18n.gettext(lang, N_("Your requests to %(organisation)s"), organisation=organisation.name),
        title="",
        paragraphs=[
            i18n.gettext(
                lang,
                N_(
                    "Here are the links to the requests sent with this e-mail address, and to the "
                    "answers saved to be finished later. Anyone with a link can see what it leads "
                    "to: do not share them."
                ),
            )
        ],
        links=links,
        closing=[i18n.gettext(lang, N_("If you did not ask for this message, you can ignore it."))],
    )
    await send(site.settings, _stable(mail, job))


def _organisation(engine: Engine, organisation_id: int) -> Organisation | None:
    with reading(engine) as session:
        return session.get(Organisation, organisation_id)


def _stable(mail: Mail, job: Job) -> Mail:
    # One Message-ID per job: a mail sent again after a crash is recognised as the same.
    return dataclasses.replace(mail, message_id=f"parvis-outbox-{job.id}")
