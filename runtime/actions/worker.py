"""The worker: drains the outbox and takes automatic transitions.

It runs inside the web server by default (the embedded setup), or alone with
`python app.py worker` beside several servers; any number can run against PostgreSQL,
since rows are claimed with `FOR UPDATE SKIP LOCKED`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlmodel import col

from runtime import processing
from runtime.access import forget_old_requests
from runtime.actions import citizen_mails, outbox, registry
from runtime.actions.outbox import Job
from runtime.db import reading
from runtime.models import ProcedureVersion

if TYPE_CHECKING:
    from runtime.site import Site

logger = logging.getLogger("parvis.worker")

SYSTEM = processing.Actor(name="system", kind="system")


async def run_job(site: Site, job: Job) -> None:
    # A row's kind is the key of the action that queued it (runtime.actions.registry), or one
    # of the mails citizens receive outside any workflow (runtime.actions.citizen_mails).
    action = registry.queued(job.kind)
    run = action.run if action is not None else citizen_mails.runner(job.kind)
    try:
        if run is None:
            raise outbox.Unworkable(f"no runner for {job.kind!r}")
        await run(site, job)
    except outbox.Skipped as skipped:
        await asyncio.to_thread(outbox.skipped, site.engine, job, skipped.reason)
    except outbox.Unworkable as refused:
        await asyncio.to_thread(
            outbox.failed,
            site.engine,
            Job(job.id, job.event_id, job.kind, job.payload, outbox.MAX_ATTEMPTS),
            str(refused),
        )
    except Exception as error:  # a mail server down, a webhook failing: tried again later
        logger.warning("%s job %s failed: %s", job.kind, job.id, error)
        await asyncio.to_thread(outbox.failed, site.engine, job, f"{type(error).__name__}: {error}")
    else:
        await asyncio.to_thread(outbox.done, site.engine, job, forget=citizen_mails.forgets(job.kind))


async def drain(site: Site, limit: int = 20) -> int:
    """Run every job due now; returns how many were run."""
    count = 0
    while True:
        jobs = await asyncio.to_thread(outbox.claim, site.engine, limit)
        if not jobs:
            return count
        await asyncio.gather(*(run_job(site, job) for job in jobs))
        count += len(jobs)


def _published_definitions(site: Site) -> dict[int, dict[str, Any]]:
    with reading(site.engine) as session:
        connection = session.connection()
        rows = connection.execute(
            select(col(ProcedureVersion.id), col(ProcedureVersion.definition)).where(
                col(ProcedureVersion.published_at).is_not(None)
            )
        )
        return {
            row[0]: row[1]
            for row in rows
            if any("after_days" in t for t in (row[1].get("workflow") or {}).get("transitions") or [])
        }


def take_automatic(site: Site) -> int:
    """Take the automatic transitions now due; returns how many were taken."""
    definitions = _published_definitions(site)
    taken = 0
    for submission_id, version_id, index in processing.due_automatic(site.engine, definitions):
        try:
            processing.take_transition(
                site.engine,
                submission_id,
                definitions[version_id],
                index,
                SYSTEM,
                base_url=site.settings.base_url,
            )
            taken += 1
        except processing.Refused:
            pass  # moved by someone in the meantime
    return taken


async def forever(site: Site, wake: asyncio.Event) -> None:
    """The worker's loop: wakes when something is queued, or every `worker_interval` seconds."""
    rounds = 0
    while True:
        try:
            await drain(site)
            rounds += 1
            if rounds % 30 == 1:
                await asyncio.to_thread(take_automatic, site)
                await asyncio.to_thread(forget_old_requests, site.engine)
        except Exception:
            logger.exception("worker round failed")
        try:
            await asyncio.wait_for(wake.wait(), site.settings.worker_interval)
        except TimeoutError:
            pass
        wake.clear()
