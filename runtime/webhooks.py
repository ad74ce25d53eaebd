"""Webhooks: a signed POST to another system when a transition says so.

Signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature: HMAC
SHA-256 of "id.timestamp.body" with the organisation's secret), so receivers can use any
Standard Webhooks library. Private and loopback addresses are refused unless an
administrator lists the host in PARVIS_WEBHOOK_ALLOWED_HOSTS: a definition must not be
able to reach the server's own network.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
from typing import TYPE_CHECKING, Any, Mapping
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select, update

from runtime import processing
from runtime.db import write_transaction
from runtime.models import Organisation
from runtime.outbox import Job

if TYPE_CHECKING:
    from runtime.site import Site


class TargetRefused(Exception):
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


def check_target(url: str, allowed_hosts: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(f"not a web address: {url[:200]}")
    allowed = {host.strip().lower() for host in allowed_hosts.split(",") if host.strip()}
    if parts.hostname.lower() in allowed:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except socket.gaierror as error:
        raise ConnectionError(f"{parts.hostname}: {error}") from error  # may resolve later: retried
    for address in addresses:
        if address in allowed:
            continue
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise TargetRefused(f"{parts.hostname} is a private or local address ({address}); an administrator "
                                "must list it in PARVIS_WEBHOOK_ALLOWED_HOSTS")


def organisation_secret(site: "Site", organisation_id: int) -> str:
    """The organisation's signing secret, made on first use."""
    with site.engine.connect() as connection:
        found = connection.execute(select(Organisation.webhook_secret)
                                   .where(Organisation.id == organisation_id)).scalar()
    if found:
        return str(found)
    with write_transaction(site.engine) as connection:
        connection.execute(update(Organisation).where(Organisation.id == organisation_id,
                                                      Organisation.webhook_secret.is_(None))  # type: ignore[union-attr]
                           .values(webhook_secret=new_secret()))
        return str(connection.execute(select(Organisation.webhook_secret)
                                      .where(Organisation.id == organisation_id)).scalar())


def payload(site: "Site", job: Job) -> tuple[int, dict[str, Any]] | None:
    loaded = processing.load(site.engine, int(job.payload["submission_id"]))
    if loaded is None:
        return None
    submission, events = loaded
    event = next((e for e in events if e.id == job.event_id), None)
    info = site.version(submission.version_id)
    if event is None or info is None or info.organisation.id is None:
        return None
    return info.organisation.id, {
        "type": f"submission.{event.kind}",
        "timestamp": event.created_at.isoformat(),
        "data": {
            "organisation": info.organisation.slug, "procedure": info.procedure.slug,
            "version": info.version.number, "reference": submission.reference,
            "from_state": event.from_state, "to_state": event.to_state,
            "comment": event.comment if event.visible else None,
            "channel": submission.channel, "received_at": submission.created_at.isoformat(),
            "answers": submission.answers,
        },
    }


async def run(site: "Site", job: Job) -> None:
    url = str(job.payload["action"]["webhook"])
    check_target(url, site.settings.webhook_allowed_hosts)
    built = payload(site, job)
    if built is None:
        return
    organisation_id, document = built
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    # The outbox row's id is the message id: a receiver seeing it twice knows it is a retry.
    message_id, timestamp = f"msg_{job.id}", int(time.time())
    headers = {"content-type": "application/json", "webhook-id": message_id,
               "webhook-timestamp": str(timestamp),
               "webhook-signature": sign(organisation_secret(site, organisation_id), message_id, timestamp, body),
               "user-agent": "Parvis-Webhooks/1"}
    async with httpx.AsyncClient(timeout=site.settings.webhook_timeout, follow_redirects=False) as client:
        response = await client.post(url, content=body, headers=headers)
    if response.status_code >= 300:
        raise ConnectionError(f"{url} answered {response.status_code}")
