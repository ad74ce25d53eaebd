"""The tables. Columns hold plain values; behaviour lives in the modules that use them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

JSONType = JSON().with_variant(JSONB(), "postgresql")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def json_column(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(JSONType, nullable=nullable))


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=63)
    name: str = Field(max_length=200)
    kind: str = Field(default="commune", max_length=40)
    parent_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    theme: str = Field(default="default", max_length=63)
    lang: str = Field(default="fr", max_length=8)
    timezone: str = Field(default="Europe/Paris", max_length=64)
    contact: dict[str, Any] = json_column()  # service, address, phone, email, website, hours
    # What the legal pages say beyond the contact (publication director, host, data protection
    # officer, accessibility audit...): runtime/legal.py names the keys and their defaults.
    legal: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False, server_default=text("'{}'"))
    )
    # Signs the organisation's webhooks (Standard Webhooks "whsec_..."), made on first use.
    webhook_secret: str | None = Field(default=None, max_length=100)
    created_at: dt.datetime = Field(default_factory=now)


class Procedure(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    slug: str = Field(max_length=63)
    kind: str = Field(max_length=20)
    reference_prefix: str = Field(max_length=5)
    published_version_id: int | None = Field(default=None)
    created_at: dt.datetime = Field(default_factory=now)


class ProcedureVersion(SQLModel, table=True):
    __tablename__ = "procedure_version"
    __table_args__ = (UniqueConstraint("procedure_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True)
    number: int
    # Plain JSON on every database: PostgreSQL's JSONB would sort the keys, and the order of
    # a definition's objects (choices, matrix rows) is the order citizens see.
    definition: dict[str, Any] = Field(default=None, sa_column=Column(JSON(), nullable=False))
    content_hash: str = Field(max_length=64)
    published_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=now)


class Draft(SQLModel, table=True):
    """Answers being written, kept on the server; the id is the citizen's resume link."""

    id: str = Field(primary_key=True, max_length=43)
    version_id: int = Field(foreign_key="procedure_version.id", index=True)
    answers: dict[str, Any] = json_column()
    page: int = 0
    lang: str = Field(default="fr", max_length=8)
    # How the answers reach us: "web" for the citizen, or a counter, phone or mail agent
    # typing them in; the submission keeps it.
    channel: str = Field(default="web", max_length=16, sa_column_kwargs={"server_default": "web"})
    submission_id: int | None = Field(default=None, foreign_key="submission.id")
    created_at: dt.datetime = Field(default_factory=now)
    updated_at: dt.datetime = Field(default_factory=now)


PERSON_HELD = "person_key IS NOT NULL AND state != '_withdrawn'"


class Submission(SQLModel, table=True):
    # The inbox lists one procedure's submissions, newest first, often of one status.
    __table_args__ = (
        Index("ix_submission_procedure_created", "procedure_id", "created_at", "id"),
        Index("ix_submission_procedure_state_created", "procedure_id", "state", "created_at", "id"),
        # One answer per person: a second submission with the same address fails here, however
        # close together the two arrive; a withdrawn one no longer counts.
        Index(
            "ux_submission_person",
            "procedure_id",
            "person_key",
            unique=True,
            sqlite_where=text(PERSON_HELD),
            postgresql_where=text(PERSON_HELD),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True)
    version_id: int = Field(foreign_key="procedure_version.id", index=True)
    reference: str = Field(unique=True, max_length=32)
    state: str = Field(max_length=63, index=True)
    answers: dict[str, Any] = json_column()
    lang: str = Field(default="fr", max_length=8)
    channel: str = Field(default="web", max_length=16)
    follow_token: str = Field(unique=True, max_length=43)
    # The draft it came from: a replayed submit finds the first submission by it.
    draft_id: str | None = Field(default=None, unique=True, max_length=43)
    fingerprint: str = Field(max_length=64, index=True)
    created_at: dt.datetime = Field(default_factory=now, index=True)
    updated_at: dt.datetime = Field(default_factory=now)
    # Processing: the staff member in charge (an id of the staff side's table, which the
    # runtime does not know), the date by which something must happen, and the text the
    # inbox searches (reference and answers, folded to lower case without accents).
    assignee_id: int | None = Field(default=None, index=True)
    # Or a group of the staff side (a team), when the whole team is in charge.
    assignee_group_id: int | None = Field(default=None, index=True)
    deadline: dt.datetime | None = Field(default=None, index=True)
    search_text: str = Field(default="")
    # The applicant's address in lower case, set only when the procedure takes one answer
    # per person (see runtime.reception.person_key).
    person_key: str | None = Field(default=None, max_length=320)


class SubmissionEvent(SQLModel, table=True):
    __tablename__ = "submission_event"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    kind: str = Field(max_length=32)
    from_state: str | None = Field(default=None, max_length=63)
    to_state: str | None = Field(default=None, max_length=63)
    comment: str | None = None
    visible: bool = True
    actor: str | None = Field(default=None, max_length=200)
    actor_id: int | None = None
    # What the event carries besides its comment: an assignee, a deadline, a document's id.
    data: dict[str, Any] | None = json_column(nullable=True)
    created_at: dt.datetime = Field(default_factory=now)


class Attachment(SQLModel, table=True):
    """An uploaded file: its metadata here, its bytes on disk outside any served folder."""

    id: str = Field(primary_key=True, max_length=43)
    draft_id: str | None = Field(default=None, foreign_key="draft.id", index=True)
    submission_id: int | None = Field(default=None, foreign_key="submission.id", index=True)
    field: str = Field(max_length=200)
    # "answer" (a field's file), "complement" (sent with a citizen's answer to a request),
    # "document" (generated by the workflow, e.g. an authorisation).
    kind: str = Field(default="answer", max_length=16)
    event_id: int | None = Field(default=None, foreign_key="submission_event.id", index=True)
    name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=now)


class ReferenceCounter(SQLModel, table=True):
    """The last number given to a reference prefix in a year. Counted per prefix, not per
    procedure: two procedures sharing a prefix then share its numbers, and references stay
    unique (a second procedure's submit used to collide with the first's reference)."""

    __tablename__ = "reference_sequence"

    prefix: str = Field(primary_key=True, max_length=5)
    year: int = Field(primary_key=True)
    last: int = 0


class Outbox(SQLModel, table=True):
    """An action to carry out after its event committed: a mail, a webhook, a document.

    Written in the transaction of the event, so nothing is queued for a transition that did
    not happen; unique per (event, action), so an action never runs twice for one event. A
    mail a citizen asks for (a resume link, the list of their requests) has no event.
    """

    __table_args__ = (UniqueConstraint("event_id", "action_index"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int | None = Field(default=None, foreign_key="submission_event.id", index=True)
    action_index: int = 0
    kind: str = Field(max_length=32)
    payload: dict[str, Any] = json_column()
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(default_factory=now, index=True)
    claimed_until: dt.datetime | None = None
    last_error: str | None = None
    created_at: dt.datetime = Field(default_factory=now)
    done_at: dt.datetime | None = None


class AccessRequest(SQLModel, table=True):
    """A mail a citizen asked for (a resume link, the list of their requests), kept an hour
    to limit how many one address or one client may ask for. The address is kept as a
    digest only: enough to count, not to read."""

    __tablename__ = "access_request"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    address_digest: str = Field(max_length=64, index=True)
    client: str = Field(max_length=64, index=True)
    created_at: dt.datetime = Field(default_factory=now, index=True)


class ApiToken(SQLModel, table=True):
    """An organisation's key to the JSON API. Only a digest is kept; the functions it may
    exercise in workflows (None: all of them)."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    digest: str = Field(unique=True, max_length=64)
    functions: list[str] | None = json_column(nullable=True)
    created_at: dt.datetime = Field(default_factory=now)
    revoked_at: dt.datetime | None = None
