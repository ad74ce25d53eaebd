"""Notifications: the mails that tell the applicant or the agents what happened.

One template pair (text and HTML, in the organisation's charter and the reader's language)
serves every case; what differs is the headline: a new status, a request for a complement,
a message, a citizen's answer. `Notify` is the workflow action that queues one at a
transition (`{"notify": "citizen"}` or `"staff"`); messages, answers and withdrawals queue
theirs in `runtime.processing`.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from runtime import i18n, workflow
from runtime.actions.controls import Control, EditorWarning, Summary
from runtime.actions.job_context import context_of
from runtime.actions.mail import Mail, citizen_address, email_fields, fill, send
from runtime.actions.outbox import NO_ADDRESS, Job, Skipped, enqueue
from runtime.actions.registry import Item, QueuedAction
from runtime.compiler import CompiledVersion
from runtime.i18n import N_
from runtime.models import Submission, SubmissionEvent
from runtime.render_tree import Renderer
from runtime.wording import wording

if TYPE_CHECKING:
    from runtime.site import Site, VersionInfo


def queue(
    connection: Connection, event_id: int, submission_id: int, recipient: str, base_url: str, **options: Any
) -> None:
    """Queue the mail telling `recipient` ("citizen" or "staff") about an event that is not a
    transition (a message, an answer to a request, a withdrawal), in the event's transaction."""
    enqueue(
        connection,
        event_id,
        0,
        Notify.key,
        {"action": {"notify": recipient, **options}, "submission_id": submission_id, "base_url": base_url},
    )


def staff_link(base_url: str, info: VersionInfo, submission: Submission) -> str:
    return f"{base_url}/staff/o/{info.organisation.slug}/s/{submission.id}"


def _headline(
    lang: str,
    renderer: Renderer,
    event: SubmissionEvent,
    definition: Mapping[str, Any],
    to_citizen: bool,
    reference: str,
) -> str:
    if event.kind == "message":
        return i18n.gettext(
            lang,
            wording(definition).mail_subject_message
            if to_citizen
            else N_("New message from the applicant of %(reference)s"),
            reference=reference,
        )
    if event.kind == "complement":
        return i18n.gettext(
            lang,
            N_("The applicant of %(reference)s has answered the request for a complement"),
            reference=reference,
        )
    if event.kind == "withdrawn":
        return i18n.gettext(
            lang, N_("The applicant has withdrawn the request %(reference)s"), reference=reference
        )
    if event.data and event.data.get("complement") and to_citizen:
        return i18n.gettext(
            lang,
            N_("The service needs more information about your request %(reference)s"),
            reference=reference,
        )
    label = (
        renderer.text(workflow.state(definition, event.to_state or "").get("label")) or event.to_state or ""
    )
    if to_citizen:
        return i18n.gettext(lang, wording(definition).mail_subject_status, reference=reference, status=label)
    return i18n.gettext(lang, N_("%(reference)s is now: %(status)s"), reference=reference, status=label)


def compose(
    site: Site,
    info: VersionInfo,
    submission: Submission,
    event: SubmissionEvent,
    action: Mapping[str, Any],
    base_url: str,
    to: list[str],
    to_citizen: bool,
) -> Mail:
    lang = submission.lang if to_citizen else info.organisation.lang
    renderer = Renderer(info.compiled, lang)
    headline = _headline(lang, renderer, event, info.compiled.definition, to_citizen, submission.reference)
    subject = headline
    if action.get("subject"):
        subject = fill(renderer.text(action["subject"]), renderer, submission.answers, submission.reference)
    text = (
        fill(renderer.text(action["text"]), renderer, submission.answers, submission.reference)
        if action.get("text")
        else ""
    )
    link = f"{base_url}/s/{submission.follow_token}" if to_citizen else staff_link(base_url, info, submission)
    complement = bool(to_citizen and event.data and event.data.get("complement"))
    # Agents' internal comments never reach the applicant; a visible event's comment does.
    comment = event.comment if (event.visible or not to_citizen) else ""
    theme = info.organisation.theme
    context = dict(
        lang=lang,
        organisation=info.organisation,
        charter=site.charter(theme),
        subject=subject,
        title=renderer.text(info.compiled.definition["title"]),
        headline=headline,
        comment=comment or "",
        text=text,
        link=link,
        complement=complement,
        to_citizen=to_citizen,
        words=wording(info.compiled.definition),
    )
    return Mail(
        to=tuple(to),
        subject=subject[:250],
        text=site.templates.render(theme, ["email/notification.txt"], **context).strip() + "\n",
        html=site.templates.render(theme, ["email/notification.html"], **context),
        sender_name=info.organisation.name,
    )


async def run(site: Site, job: Job) -> None:
    """Carry out one queued notification (raises if the mail could not be handed over)."""
    # Reading the database and rendering are blocking work: off the event loop, which the
    # in-process worker shares with the web server.
    mail = await asyncio.to_thread(prepare, site, job)
    if mail is not None:
        await send(site.settings, mail)


def prepare(site: Site, job: Job) -> Mail | None:
    """The mail a queued notification sends, or None when it has nothing to tell.

    Raises `Skipped` when there is no address to send it to (a form without an e-mail
    question, nobody on the staff side), so the history says so instead of "carried out".
    """
    found = context_of(site, job)
    if found is None:
        return None
    submission, event, info = found.submission, found.event, found.info
    action = job.payload.get("action") or {}
    base_url = site.settings.base_url or job.payload.get("base_url") or ""
    if action.get("notify") == "citizen":
        if event.kind == "transition" and not event.visible:
            return None  # a status the applicant does not see
        address = citizen_address(info, submission.answers)
        if address is None:
            raise Skipped(NO_ADDRESS)
        mail = compose(site, info, submission, event, action, base_url, [address], True)
    else:
        recipients = site.staff_recipients
        if recipients is None:
            return None
        assert info.organisation.id is not None and info.procedure.id is not None
        addresses = recipients(
            info.organisation.id,
            info.procedure.id,
            str(action.get("to") or "assignee"),
            submission.assignee_id,
            submission.assignee_group_id,
        )
        if not addresses:
            raise Skipped(NO_ADDRESS)
        mail = compose(site, info, submission, event, action, base_url, addresses, False)
    return dataclasses.replace(mail, message_id=f"parvis-outbox-{job.id}")


class Notify(QueuedAction):
    key = "notify"
    order = 20
    label = N_("E-mail")
    documentation = (
        '`{"notify": "citizen"}` mails the applicant at the answer to the form\'s first e-mail '
        'question (not for a status hidden from them); `{"notify": "staff"}` mails the agents: '
        '`to` is `"assignee"` (the default: the person or team in charge, or everyone who may '
        'process the submission when nobody is) or `"function:<name>"`. `subject` (a text) '
        "replaces the usual subject and `text` (a text) adds a paragraph, both with `{reference}` "
        "and `{field}` filled in."
    )
    schema = {
        "notify": {"enum": ["citizen", "staff"]},
        "subject": {"$ref": "#/$defs/text"},
        "text": {"$ref": "#/$defs/text"},
        "to": {
            "description": "For staff: 'assignee' (the default) or 'function:<name>'.",
            "type": "string",
            "maxLength": 100,
        },
    }
    controls = (
        Control("notify_citizen", "tr-notify", N_("notify the citizen"), 20, checked=True),
        Control("notify_staff", "tr-staff", N_("notify staff"), 21),
    )

    def from_form(self, values: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
        return [
            {"notify": recipient}
            for recipient in ("citizen", "staff")
            if values.get(f"notify_{recipient}") == "on"
        ]

    def summary(self, item: Item, lang: str) -> Summary | None:
        if item.get("notify") == "citizen":
            return Summary(N_("notify the citizen"), warned=True)
        if item.get("notify") == "staff":
            return Summary(N_("notify staff"))
        return None

    def warning(self, definition: Mapping[str, Any]) -> EditorWarning | None:
        # The citizen's address is the answer to an e-mail question: without one, nobody.
        if email_fields(CompiledVersion(definition)):
            return None
        return EditorWarning(
            "citizen-unreachable",
            N_(
                "This form asks no e-mail question: the citizen cannot be notified. Add an "
                "“E-mail” question to the form."
            ),
            N_("no e-mail question"),
            "notify_citizen",
        )

    async def run(self, site: Site, job: Job) -> None:
        await run(site, job)
