"""Webhooks: a signed POST to another system when a transition says so.

Signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature: HMAC
SHA-256 of "id.timestamp.body" with the organisation's secret), so receivers can use any
Standard Webhooks library. Private and loopback addresses are refused unless an
administrator lists the host in PARVIS_WEBHOOK_ALLOWED_HOSTS: a definition must not be
able to reach the server's own network. `Webhook` is the workflow action
(`{"webhook": "https://…"}`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from sqlalchemy import select, update
from sqlmodel import col

from runtime.actions.controls import Control, Summary
from runtime.actions.job_context import context_of
from runtime.actions.outbox import Job, Unworkable
from runtime.actions.registry import Item, QueuedAction
from runtime.db import reading, writing
from runtime.i18n import N_
from runtime.models import Organisation

if TYPE_CHECKING:
    from runtime.site import Site


class TargetRefused(Unworkable):
    """A webhook address that will never be called (retrying would not help)."""


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(secret: str, headers: Mapping[str, str], body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does (used by the tests' receiving server, and documented for integrators)."""
    try:
        timestamp = int(headers["webhook-timestamp"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = sign(secret, headers.get("webhook-id", ""), timestamp, body)
    return any(hmac.compare_digest(expected, part) for part in headers.get("webhook-signature", "").split())


# IPv6 ranges that reach IPv4 hosts, private ones included, though Python calls them global.
TRANSLATED = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("2002::/16"),
    ipaddress.ip_network("::ffff:0:0/96"),
)


@dataclass(frozen=True)
class Target:
    """Where a webhook really goes: the address checked, connected to as it is (a second
    lookup of the name could answer something else)."""

    url: str  # the address with the checked IP in place of the name
    host: str  # the name, for the Host header and the TLS certificate


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return ip.is_global and not any(ip in network for network in TRANSLATED if ip.version == 6)


async def check_target(url: str, allowed_hosts: str) -> Target:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(f"not a web address: {url[:200]}")
    allowed = {host.strip().lower() for host in allowed_hosts.split(",") if host.strip()}
    port = parts.port or (443 if parts.scheme == "https" else 80)
    listed = parts.hostname.lower() in allowed
    if not listed and port not in (80, 443):
        raise TargetRefused(
            f"port {port} is refused; an administrator must list {parts.hostname} in "
            "PARVIS_WEBHOOK_ALLOWED_HOSTS"
        )
    try:
        found = await asyncio.get_running_loop().getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ConnectionError(f"{parts.hostname}: {error}") from error  # may resolve later: retried
    address = str(found[0][4][0])
    for info in found:
        candidate = str(info[4][0])
        if not (listed or candidate in allowed or _public(candidate)):
            raise TargetRefused(
                f"{parts.hostname} is a private or local address ({candidate}); an administrator "
                "must list it in PARVIS_WEBHOOK_ALLOWED_HOSTS"
            )
    shown = f"[{address}]" if ":" in address else address
    netloc = f"{shown}:{port}"
    return Target(urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), parts.hostname)


def organisation_secret(site: Site, organisation_id: int) -> str:
    """The organisation's signing secret, made on first use."""
    with reading(site.engine) as session:
        connection = session.connection()
        found = connection.execute(
            select(col(Organisation.webhook_secret)).where(col(Organisation.id) == organisation_id)
        ).scalar()
    if found:
        return str(found)
    with writing(site.engine) as session:
        connection = session.connection()
        connection.execute(
            update(Organisation)
            .where(col(Organisation.id) == organisation_id, col(Organisation.webhook_secret).is_(None))
            .values(webhook_secret=new_secret())
        )
        return str(
            connection.execute(
                select(col(Organisation.webhook_secret)).where(col(Organisation.id) == organisation_id)
            ).scalar()
        )


def payload(site: Site, job: Job) -> tuple[int, dict[str, Any]] | None:
    found = context_of(site, job)
    if found is None or found.info.organisation.id is None:
        return None
    submission, event, info = found.submission, found.event, found.info
    return found.info.organisation.id, {
        "type": f"submission.{event.kind}",
        "timestamp": event.created_at.isoformat(),
        "data": {
            "organisation": info.organisation.slug,
            "procedure": info.procedure.slug,
            "version": info.version.number,
            "reference": submission.reference,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "comment": event.comment if event.visible else None,
            "channel": submission.channel,
            "received_at": submission.created_at.isoformat(),
            "answers": submission.answers,
        },
    }


async def run(site: Site, job: Job) -> None:
    url = str(job.payload["action"]["webhook"])
    target = await check_target(url, site.settings.webhook_allowed_hosts)
    built = await asyncio.to_thread(payload, site, job)
    if built is None:
        return
    organisation_id, document = built
    secret = await asyncio.to_thread(organisation_secret, site, organisation_id)
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    # The outbox row's id is the message id: a receiver seeing it twice knows it is a retry.
    message_id, timestamp = f"msg_{job.id}", int(time.time())
    headers = {
        "content-type": "application/json",
        "host": target.host,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
        "user-agent": "Parvis-Webhooks/1",
    }
    status = await asyncio.wait_for(
        _post(target, body, headers, site.settings.webhook_timeout), site.settings.webhook_timeout
    )
    if status >= 300:
        raise ConnectionError(f"{url} answered {status}")


async def _post(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> int:
    # No proxy from the environment, no redirect, and the answer's body is never read.
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        async with client.stream(
            "POST", target.url, content=body, headers=headers, extensions={"sni_hostname": target.host}
        ) as response:
            return response.status_code


class Webhook(QueuedAction):
    key = "webhook"
    order = 70
    label = N_("Webhook")
    documentation = (
        '`{"webhook": "https://…"}` posts the submission (its reference, statuses, visible '
        "comment and answers) to that address, signed the Standard Webhooks way with the "
        "organisation's secret; private and loopback addresses are refused unless "
        "`PARVIS_WEBHOOK_ALLOWED_HOSTS` lists them."
    )
    schema = {"webhook": {"type": "string", "maxLength": 2000, "pattern": "^https?://"}}
    controls = (
        Control(
            "webhook", "tr-webhook", N_("Call a webhook (address)"), 70, kind="url", placeholder="https://"
        ),
    )

    def from_form(self, values: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
        url = values.get("webhook", "").strip()
        return [{"webhook": url}] if url else []

    def summary(self, item: Item, lang: str) -> Summary | None:
        return Summary(N_("call %(url)s"), {"url": item["webhook"]}) if item.get("webhook") else None

    async def run(self, site: Site, job: Job) -> None:
        await run(site, job)
