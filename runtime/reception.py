"""Receiving answers: the one path from a set of answers to a submission.

The web form's "Send" and the API's POST both come here, so each rule is written once:
the procedure is open (in its organisation's time zone), the answers are valid against the
whole compiled schema, and a procedure taking one answer per person takes one per address
(held by a unique key in the database, so racing submits cannot both pass).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from runtime import workflow
from runtime.actions.citizen_mails import queue_receipt
from runtime.actions.mail import citizen_address
from runtime.compiler import CompiledVersion
from runtime.fields.base import FieldError
from runtime.models import Attachment, Draft, Submission
from runtime.submissions import AlreadyAnswered, attachment_ids, submit
from runtime.validation import validate

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from runtime.site import VersionInfo


@dataclass(frozen=True)
class Closed(Exception):
    """The procedure does not take answers today; when it opens or closed, if it says."""

    opens_at: str | None
    closes_at: str | None


@dataclass(frozen=True)
class Invalid(Exception):
    errors: dict[str, FieldError]


def clock() -> dt.datetime:
    """The present moment (tests set another)."""
    return dt.datetime.now(dt.UTC)


def local_today(timezone: str, at: dt.datetime | None = None) -> dt.date:
    """Today's date where the organisation is: a form closing on 28 March closes at
    midnight in Paris, not at midnight in Greenwich."""
    moment = at or clock()
    try:
        zone: dt.tzinfo = ZoneInfo(timezone)
    except (ValueError, KeyError):
        zone = ZoneInfo("Europe/Paris")
    return moment.astimezone(zone).date()


def check_open(compiled: CompiledVersion, timezone: str, at: dt.datetime | None = None) -> None:
    """Raise Closed unless the procedure takes answers on this day (both dates included)."""
    settings = compiled.definition.get("settings") or {}
    opens, closes = settings.get("opens_at") or None, settings.get("closes_at") or None
    today = local_today(timezone, at).isoformat()
    if (opens and today < opens) or (closes and today > closes):
        raise Closed(opens, closes)


def is_open(compiled: CompiledVersion, timezone: str, at: dt.datetime | None = None) -> bool:
    try:
        check_open(compiled, timezone, at)
    except Closed:
        return False
    return True


def has_ended(compiled: CompiledVersion, timezone: str, at: dt.datetime | None = None) -> bool:
    """Whether the closing date has passed (rather than the opening date not yet come)."""
    closes: str | None = (compiled.definition.get("settings") or {}).get("closes_at")
    if not closes:
        return False
    return local_today(timezone, at).isoformat() > closes


def person_key(info: VersionInfo, answers: Mapping[str, Any]) -> str | None:
    """The address that stands for the applicant when one answer per person is taken:
    compared without regard to case (Marie@Ville.fr is marie@ville.fr)."""
    if not (info.compiled.definition.get("settings") or {}).get("one_answer_per_person"):
        return None
    address = citizen_address(info, answers)
    return address.strip().lower() if address else None


def receive(
    engine: Engine,
    info: VersionInfo,
    draft: Draft,
    answers: Mapping[str, Any],
    *,
    channel: str,
    files: Sequence[Attachment] = (),
    base_url: str = "",
) -> Submission:
    """The draft's answers become a submission, or Closed, Invalid or AlreadyAnswered says
    why not. A draft already submitted returns its submission (the draft id is unique).

    When the answers give an e-mail address, the acknowledgement's mail (with its PDF and
    the follow-up link under `base_url`) is queued with the submission, in its transaction.
    """
    compiled = info.compiled
    assert info.procedure.id is not None
    check_open(compiled, info.organisation.timezone)
    pruned = compiled.prune(answers)
    errors = validate(compiled, pruned)
    if errors:
        raise Invalid(errors)
    answered = set(attachment_ids(pruned))  # a file of a question hidden by the answers is not kept
    return submit(
        engine,
        draft,
        pruned,
        procedure_id=info.procedure.id,
        prefix=info.procedure.reference_prefix,
        version_hash=info.version.content_hash,
        initial_state=workflow.initial(compiled.definition),
        channel=channel,
        person=person_key(info, pruned),
        files=[item for item in files if item.id in answered],
        also=partial(queue_receipt, base_url=base_url) if citizen_address(info, pruned) else None,
    )


__all__ = [
    "AlreadyAnswered",
    "Closed",
    "Invalid",
    "check_open",
    "has_ended",
    "is_open",
    "local_today",
    "person_key",
    "receive",
]
