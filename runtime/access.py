"""A citizen's ways back to their requests: the address they gave is the key they can recover.

The follow-up link and the resume link are the only keys to a request or to saved answers.
A citizen who lost them types the e-mail address they answered with, and gets one mail with
every link of that address in the organisation; a citizen saving answers gets the resume
link by mail. The page says the same whether the address is known or not, and how often one
address or one client may ask is limited, so that nobody learns who wrote to the town or
floods an inbox through it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, delete, func, insert, or_, select
from sqlmodel import col

from runtime import reception
from runtime.actions.citizen_mails import queue_requests, queue_resume
from runtime.actions.mail import citizen_address, email_fields
from runtime.db import reading, writing
from runtime.models import AccessRequest, Draft, Procedure, ProcedureVersion, Submission, now
from runtime.render_tree import Renderer

if TYPE_CHECKING:
    from runtime.site import Site

# What the site asks of an address before mailing it: one @, no spaces, a dot in the domain.
ADDRESS = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MAX_ADDRESS = 254

# How many mails of one kind one address, or one client, may ask for in WINDOW.
WINDOW = dt.timedelta(hours=1)
LIMITS = {"requests": (3, 20), "resume": (5, 30)}


class Throttled(Exception):
    """Too many mails of this kind were asked for this address or from this client lately."""


def checked(address: str) -> str | None:
    """The address trimmed, or None if it cannot be one (compared without regard to case)."""
    address = address.strip()
    if len(address) > MAX_ADDRESS or not ADDRESS.match(address):
        return None
    return address


def mask(address: str) -> str:
    """The address as a page may show it to whoever holds the link: a.d…@exemple.fr."""
    local, _, domain = address.strip().rpartition("@")
    initials = ".".join(part[:1] for part in local.split(".") if part)
    return f"{initials}…@{domain}" if local else address


def _digest(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


_TABLE = AccessRequest.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models


def forget_old_requests(engine: Engine) -> None:
    """Remove what is no longer counted (the worker calls it now and then: a quiet site keeps
    no trace of who asked for a link past the hour)."""
    with writing(engine, durable=False) as session:
        connection = session.connection()
        connection.execute(delete(_TABLE).where(_TABLE.c.created_at < now() - WINDOW))


def allow(engine: Engine, kind: str, address: str, client: str) -> None:
    """Record that a mail of this kind is asked for, or raise Throttled past the limits.

    Counted in the database, so every server process of a town counts the same requests;
    rows older than the window are removed on the way (nothing is kept longer than needed).
    """
    per_address, per_client = LIMITS[kind]
    digest, client = _digest(address), client[:64]
    moment = now()
    since = moment - WINDOW
    table = _TABLE
    with writing(engine, durable=False) as session:
        connection = session.connection()
        connection.execute(delete(table).where(table.c.created_at < since))
        counted = select(func.count()).select_from(table).where(table.c.kind == kind)
        by_address = connection.execute(counted.where(table.c.address_digest == digest)).scalar_one()
        by_client = connection.execute(counted.where(table.c.client == client)).scalar_one()
        if by_address >= per_address or by_client >= per_client:
            raise Throttled()
        connection.execute(
            insert(table).values(kind=kind, address_digest=digest, client=client, created_at=moment)
        )


@dataclass(frozen=True)
class Found:
    """A request sent from an address (`reference` set) or answers saved to finish later."""

    title: str
    link: str
    at: dt.datetime
    reference: str = ""


def requests_of(site: Site, organisation_id: int, address: str, base_url: str, lang: str) -> list[Found]:
    """The follow-up links of the requests sent with this address to the organisation, then
    the resume links of its answers saved and still open, newest first in each part.

    An address is the answer to a form's first e-mail question (the one notifications go
    to), compared without regard to case, in every version the requests were made with.
    """
    with reading(site.engine) as session:
        connection = session.connection()
        versions: list[tuple[int, int | None]] = [
            (row[0], row[1])
            for row in connection.execute(
                select(ProcedureVersion.__table__.c.id, col(Procedure.published_version_id))  # type: ignore[attr-defined]  # SQLModel sets it on table models
                .join(Procedure, col(Procedure.id) == col(ProcedureVersion.procedure_id))
                .where(col(Procedure.organisation_id) == organisation_id)
            )
        ]
    by_field: dict[str, list[int]] = {}
    # Each version's procedure as published now (None: taken offline, its drafts are dead).
    published = {version_id: current for version_id, current in versions}
    for version_id, _ in versions:
        info = site.version(version_id)
        for name in email_fields(info.compiled) if info else []:
            by_field.setdefault(name, []).append(version_id)
    if not by_field:
        return []
    address = address.strip().lower()
    sent = _matching(site.engine, Submission, by_field, address)
    saved = _matching(site.engine, Draft, by_field, address)
    found: list[Found] = []
    for row in sorted(sent, key=lambda row: row["created_at"], reverse=True):
        title = _answered_with(site, row, address, lang)
        if title is not None:
            link = f"{base_url}/s/{row['follow_token']}"
            found.append(Found(title, link, row["created_at"], row["reference"]))
    for row in sorted(saved, key=lambda row: row["updated_at"], reverse=True):
        info = site.version(row["version_id"])
        # Only answers that can still be sent: not yet sent, typed by the citizen themselves
        # (an agent's entry on their behalf is the agent's), of a procedure still taking them.
        if (
            info is None
            or row["submission_id"] is not None
            or row["channel"] != "web"
            or published.get(row["version_id"]) is None
            or not reception.is_open(info.compiled, info.organisation.timezone)
        ):
            continue
        title = _answered_with(site, row, address, lang)
        if title is not None:
            found.append(Found(title, f"{base_url}/d/{row['id']}", row["updated_at"]))
    return found


def _matching(
    engine: Engine, model: type[Submission] | type[Draft], by_field: dict[str, list[int]], address: str
) -> Iterable[Any]:
    # Narrowed in the database by the answer to each e-mail question (JSON read the same way
    # on SQLite and PostgreSQL), then checked in Python by the rule notifications follow.
    table = model.__table__  # type: ignore[union-attr]  # SQLModel sets it on table models
    answers = table.c.answers
    clauses = [
        (table.c.version_id.in_(version_ids)) & (func.lower(answers[name].as_string()) == address)
        for name, version_ids in by_field.items()
    ]
    with reading(engine) as session:
        connection = session.connection()
        return list(connection.execute(select(table).where(or_(*clauses)).limit(200)).mappings())


def _answered_with(site: Site, row: Any, address: str, lang: str) -> str | None:
    """The procedure's title when the row's applicant address is this one, else None."""
    info = site.version(row["version_id"])
    if info is None:
        return None
    given = citizen_address(info, row["answers"] or {})
    if given is None or given.lower() != address:
        return None
    return Renderer(info.compiled, lang).text(info.compiled.definition.get("title"))


def ask_for_requests(
    engine: Engine, organisation_id: int, address: str, client: str, base_url: str, lang: str
) -> None:
    """Queue the mail listing an address's requests, or raise Throttled. What it lists is
    read when it is sent: asking reveals nothing, whether the address wrote or not."""
    allow(engine, "requests", address, client)
    queue_requests(engine, organisation_id, address, base_url, lang)


def mail_resume_link(
    engine: Engine, draft_id: str, address: str, client: str, base_url: str, lang: str
) -> bool:
    """Queue the mail with a draft's resume link; False when too many were asked lately."""
    try:
        allow(engine, "resume", address, client)
    except Throttled:
        return False
    queue_resume(engine, draft_id, address, base_url, lang)
    return True
