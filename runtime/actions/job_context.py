"""What a queued job is about: its submission, the event that queued it, and the version the
submission was made with, read when the job runs (the submission may have moved on)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from runtime import history
from runtime.actions.outbox import Job
from runtime.models import Submission, SubmissionEvent

if TYPE_CHECKING:
    from runtime.site import Site, VersionInfo


@dataclass(frozen=True)
class JobContext:
    submission: Submission
    event: SubmissionEvent
    info: VersionInfo


def context_of(site: Site, job: Job) -> JobContext | None:
    """None when the submission, its event or its version is gone: nothing left to do."""
    loaded = history.load(site.engine, int(job.payload["submission_id"]))
    if loaded is None:
        return None
    submission, events = loaded
    event = next((e for e in events if e.id == job.event_id), None)
    info = site.version(submission.version_id)
    if event is None or info is None:
        return None
    return JobContext(submission, event, info)
