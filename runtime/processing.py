"""What happens to a submission after it is received: transitions, messages, notes,
assignment, complements, withdrawal. Each change is one transaction holding its event and
the actions it queues, so either all of it happened or none.

Functions here take plain values and the submission's definition; who holds which function
is decided by the caller (the staff side knows the staff, the runtime does not).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlmodel import col

from runtime import history, workflow
from runtime.actions import notifications, registry
from runtime.db import reading, writing

# The history's vocabulary and readers, which callers have always reached through here.
from runtime.history import Actor as Actor
from runtime.history import Refused as Refused
from runtime.history import linked as linked
from runtime.history import load as load
from runtime.history import visible_files as visible_files
from runtime.i18n import N_
from runtime.models import Attachment, Submission, SubmissionEvent, now

# An applicant's messages per request and hour: each one mails the agents.
MESSAGES_PER_HOUR = 5
# A status no designer can name (slugs have no underscore): the applicant withdrew.
WITHDRAWN = "_withdrawn"


def take_transition(
    engine: Engine,
    submission_id: int,
    definition: Mapping[str, Any],
    index: int,
    actor: Actor,
    comment: str = "",
    *,
    expected_state: str | None = None,
    base_url: str = "",
) -> int:
    """Take transition `index` of the submission's workflow; returns the event's id."""
    transitions = workflow.transitions(definition)
    if not 0 <= index < len(transitions):
        raise Refused(N_("This transition does not exist in this procedure's workflow."))
    transition = transitions[index]
    comment = comment.strip()
    if transition.comment_required and not comment:
        raise Refused(N_("This transition needs a comment: say why, the applicant will read it."))
    if transition.automatic and actor.kind != "system":
        raise Refused(N_("This transition is taken automatically after a delay, not by hand."))
    if not workflow.may_take(transition, actor.held):
        raise Refused(N_("You do not hold a function allowed to take this transition."))
    with writing(engine) as session:
        connection = session.connection()
        submission = history.current(connection, submission_id)
        if submission.state != transition.source or (expected_state and submission.state != expected_state):
            raise Refused(
                N_(
                    "Someone else has just changed this submission's status. Look at it again before "
                    "deciding."
                )
            )
        at = now()
        history.move(connection, submission, transition.source, transition.target, at)
        event_id = history.record(
            connection,
            submission_id,
            "transition",
            actor,
            from_state=transition.source,
            to_state=transition.target,
            comment=comment,
            visible=workflow.is_visible(definition, transition.target),
            data={"transition": index},
            at=at,
        )
        step = registry.Step(connection, submission, transition, event_id, actor, at, base_url)
        for position, item in enumerate(transition.actions):
            registry.of(item).at_transition(step, item, position)
    return event_id


def open_complement(events: Iterable[SubmissionEvent]) -> SubmissionEvent | None:
    """The request for a complement still waiting for the applicant's answer, if any."""
    waiting = None
    for event in events:
        if event.kind == "transition" and event.data and event.data.get("complement"):
            waiting = event
        elif event.kind in ("complement", "withdrawn", "transition"):
            waiting = None
    return waiting


def answer_complement(
    engine: Engine,
    submission_id: int,
    events: list[SubmissionEvent],
    text: str,
    files: list[Attachment],
    definition: Mapping[str, Any],
    base_url: str = "",
) -> int:
    """The applicant's answer to a request: recorded with its files, and the submission goes
    back to the status the request named (so it is back in the agents' "to do")."""
    if open_complement(events) is None:
        raise Refused(N_("There is no request for a complement waiting for your answer."))
    text = text.strip()
    if not text and not files:
        raise Refused(N_("Write an answer or attach a file."))
    citizen = Actor(name="citizen", kind="citizen")
    with writing(engine) as session:
        connection = session.connection()
        # Settled inside the transaction: an agent, the worker or a second click may have
        # closed the request since the page was read.
        request = open_complement(history.events_of(connection, submission_id))
        submission = history.current(connection, submission_id)
        if request is None or request.data is None or submission.state != request.to_state:
            raise Refused(N_("There is no request for a complement waiting for your answer."))
        return_to = request.data["complement"]["return_to"]
        at = now()
        target = (
            return_to
            if return_to in (workflow.workflow_of(definition).get("states") or {})
            else submission.state
        )
        if submission.state != target:
            history.move(connection, submission, submission.state, target, at)
        event_id = history.record(
            connection,
            submission_id,
            "complement",
            citizen,
            from_state=submission.state,
            to_state=target,
            comment=text,
            data={"request": request.id},
            at=at,
        )
        for stored in files:
            connection.execute(
                insert(Attachment).values(
                    **{
                        **stored.model_dump(),
                        "draft_id": None,
                        "submission_id": submission_id,
                        "event_id": event_id,
                        "kind": "complement",
                    }
                )
            )
        notifications.queue(connection, event_id, submission_id, "staff", base_url)
    return event_id


def send_message(engine: Engine, submission_id: int, actor: Actor, text: str, *, base_url: str = "") -> int:
    """A message between the applicant and the agents, shown on the follow-up page; the other
    side is told by e-mail."""
    text = text.strip()
    if not text:
        raise Refused(N_("The message is empty."))
    with writing(engine) as session:
        connection = session.connection()
        submission = history.current(connection, submission_id)
        if actor.kind == "citizen":
            if submission.state == WITHDRAWN:
                raise Refused(N_("This request has been withdrawn: it takes no more messages."))
            since = now() - dt.timedelta(hours=1)
            recent = connection.execute(
                select(func.count())
                .select_from(SubmissionEvent)
                .where(
                    col(SubmissionEvent.submission_id) == submission_id,
                    col(SubmissionEvent.kind) == "message",
                    col(SubmissionEvent.actor) == "citizen",
                    col(SubmissionEvent.created_at) >= since,
                )
            ).scalar_one()
            if recent >= MESSAGES_PER_HOUR:
                raise Refused(
                    N_(
                        "You have sent several messages in the last hour; the service will read them. "
                        "Try again later if you need to."
                    )
                )
        event_id = history.record(connection, submission_id, "message", actor, comment=text[:10_000])
        recipient = "staff" if actor.kind == "citizen" else "citizen"
        notifications.queue(connection, event_id, submission_id, recipient, base_url, message=True)
    return event_id


def add_note(engine: Engine, submission_id: int, actor: Actor, text: str) -> int:
    """An internal note: agents read it, the applicant never does."""
    text = text.strip()
    if not text:
        raise Refused(N_("The note is empty."))
    with writing(engine) as session:
        connection = session.connection()
        history.current(connection, submission_id)
        return history.record(connection, submission_id, "note", actor, comment=text[:10_000], visible=False)


def assign(
    engine: Engine,
    submission_ids: Iterable[int],
    assignee_id: int | None,
    assignee_name: str,
    actor: Actor,
    group_id: int | None = None,
) -> int:
    """Put submissions in someone's hands, or a team's, or nobody's; returns how many changed."""
    changed = 0
    with writing(engine) as session:
        connection = session.connection()
        for submission_id in submission_ids:
            moved = connection.execute(
                update(Submission)
                .where(col(Submission.id) == submission_id)
                .values(assignee_id=assignee_id, assignee_group_id=group_id)
            ).rowcount
            if moved:
                changed += 1
                history.record(
                    connection,
                    submission_id,
                    "assigned",
                    actor,
                    visible=False,
                    data={"assignee_id": assignee_id, "group_id": group_id, "assignee": assignee_name},
                )
    return changed


def withdraw(
    engine: Engine, submission_id: int, definition: Mapping[str, Any], reason: str = "", base_url: str = ""
) -> int:
    """The applicant withdraws a request nobody has started processing."""
    citizen = Actor(name="citizen", kind="citizen")
    with writing(engine) as session:
        connection = session.connection()
        submission = history.current(connection, submission_id)
        if not can_withdraw(definition, submission, history.events_of(connection, submission_id)):
            raise Refused(
                N_(
                    "This request is already being processed: it can no longer be withdrawn. Write "
                    "to the service instead."
                )
            )
        at = now()
        history.move(connection, submission, submission.state, WITHDRAWN, at)
        event_id = history.record(
            connection,
            submission_id,
            "withdrawn",
            citizen,
            from_state=submission.state,
            to_state=WITHDRAWN,
            comment=reason.strip()[:2000],
            at=at,
        )
        notifications.queue(connection, event_id, submission_id, "staff", base_url)
    return event_id


def can_withdraw(
    definition: Mapping[str, Any], submission: Submission, events: Iterable[SubmissionEvent]
) -> bool:
    """Only while nobody has started processing it: still in the first status, no step taken."""
    return submission.state == workflow.initial(definition) and not any(
        event.kind in ("transition", "withdrawn") for event in events
    )


def due_automatic(
    engine: Engine, definitions: Mapping[int, Mapping[str, Any]], at: dt.datetime | None = None
) -> list[tuple[int, int, int]]:
    """(submission id, version id, transition index) of automatic transitions now due.

    `definitions` maps version ids to their definition; a submission waits from its last
    change of status (its `updated_at`).
    """
    moment = at or now()
    due: list[tuple[int, int, int]] = []
    with reading(engine) as session:
        connection = session.connection()
        for version_id, definition in definitions.items():
            for transition in workflow.transitions(definition):
                if transition.after_days is None:
                    continue
                limit = moment - dt.timedelta(days=transition.after_days)
                rows = connection.execute(
                    select(col(Submission.id))
                    .where(
                        col(Submission.version_id) == version_id,
                        col(Submission.state) == transition.source,
                        col(Submission.updated_at) <= limit,
                    )
                    .limit(500)
                )
                for (submission_id,) in rows:
                    assert submission_id is not None  # a stored row's primary key
                    due.append((submission_id, version_id, transition.index))
    return due


def link(engine: Engine, submission_id: int, other_id: int, actor: Actor) -> None:
    """Record that two submissions are about the same thing, on both (agents only see it)."""
    if submission_id == other_id:
        raise Refused(N_("A submission cannot be linked to itself."))
    with writing(engine) as session:
        connection = session.connection()
        first, second = history.current(connection, submission_id), history.current(connection, other_id)
        if first.procedure_id != second.procedure_id:
            raise Refused(N_("Only submissions of the same procedure can be linked."))
        history.record(
            connection,
            submission_id,
            "linked",
            actor,
            visible=False,
            data={"other": other_id, "reference": second.reference},
        )
        history.record(
            connection,
            other_id,
            "linked",
            actor,
            visible=False,
            data={"other": submission_id, "reference": first.reference},
        )
