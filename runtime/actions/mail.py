"""E-mail: notifications written from templates in the reader's language and charter, sent
with aiosmtplib, or written to the data folder when no mail server is configured.

Composing reads the database; sending does not. A mail server that is down makes `send`
raise, and the outbox tries again later: nothing is lost and no request waits for it.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosmtplib

from runtime.render_tree import Renderer, plain_text
from runtime.settings import Settings

if TYPE_CHECKING:
    from runtime.compiler import CompiledVersion
    from runtime.site import VersionInfo

PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.-]{1,100})\}")


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    reply_to: str = ""
    # Stable for one queued job: a mail sent again after a crash can be recognised as the same.
    message_id: str = ""
    # The name the reader sees as the sender (the organisation's), at the configured address.
    sender_name: str = ""
    # Files sent along: (file name, MIME type, content).
    attachments: tuple[tuple[str, str, bytes], ...] = ()


def email_fields(version: CompiledVersion) -> list[str]:
    """The form's e-mail questions, in form order: where the applicant's address is."""
    return [
        name
        for name, spec in version.fields.items()
        if spec.prop.get("format") == "email"  # the e-mail widget's own format, or a text's
    ]


def citizen_address(info: VersionInfo, answers: Mapping[str, Any]) -> str | None:
    """The applicant's e-mail: the answer to the first e-mail field of the form."""
    for name in email_fields(info.compiled):
        value = answers.get(name)
        if isinstance(value, str) and "@" in value and "\n" not in value:
            return value.strip()
    return None


def fill(
    text: str,
    renderer: Renderer,
    answers: Mapping[str, Any],
    reference: str,
    escape: Callable[[str], str] = str,
) -> str:
    """Staff-written text with `{field}` and `{reference}` replaced by the answers as shown
    on the receipt. Plain substitution: definitions are data, never templates."""
    fields = renderer.version.fields

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "reference":
            return escape(reference)
        spec = fields.get(name)
        if spec is None or name not in answers:
            return match.group(0) if spec is None else ""
        return escape(plain_text(renderer.review_row(spec, answers[name]).display))

    return PLACEHOLDER.sub(value, text)


def message(settings: Settings, mail: Mail) -> EmailMessage:
    built = EmailMessage()
    built["From"] = sender(settings.mail_from, mail.sender_name)
    built["To"] = ", ".join(mail.to)
    built["Subject"] = " ".join(mail.subject.split())  # answers may hold line breaks
    built["Date"] = formatdate(localtime=False)
    domain = settings.mail_from.rsplit("@", 1)[-1].strip("> ") or "parvis"
    built["Message-ID"] = f"<{mail.message_id}@{domain}>" if mail.message_id else make_msgid(domain=domain)
    built["Auto-Submitted"] = "auto-generated"
    if mail.reply_to:
        built["Reply-To"] = mail.reply_to
    built.set_content(mail.text)
    if mail.html:
        built.add_alternative(mail.html, subtype="html")
    for name, kind, content in mail.attachments:
        main, _, sub = kind.partition("/")
        built.add_attachment(content, maintype=main, subtype=sub or "octet-stream", filename=name)
    return built


def sender(mail_from: str, name: str) -> str:
    """The configured sender, under another name when one is given: a citizen reads "Ville de
    Beaulac", while the address stays the one the mail server may send from."""
    if not name:
        return mail_from
    _, address = parseaddr(mail_from)
    return formataddr((" ".join(name.split()), address or mail_from))


async def send(settings: Settings, mail: Mail) -> None:
    if not mail.to:
        return
    built = message(settings, mail)
    if not settings.smtp_host:
        _write(settings.data_dir / "mail", built)
        return
    await aiosmtplib.send(
        built,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username or None,
        password=settings.smtp_password or None,
        start_tls=settings.smtp_starttls,
        timeout=30,
    )


def _write(folder: Path, built: EmailMessage) -> None:
    # Without a mail server (trying Parvis out), mails land where their reader can open them.
    folder.mkdir(parents=True, exist_ok=True)
    name = (
        f"{formatdate(localtime=False)[5:25].replace(' ', '-').replace(':', '')}-{secrets.token_hex(4)}.eml"
    )
    temporary = folder / f".{name}.tmp"
    temporary.write_bytes(bytes(built))
    os.replace(temporary, folder / name)
