"""The JSON API's domain: submissions created the same way as on the web (prune, validate,
store once per idempotency key, channel "api"), and the JSON shapes it answers with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runtime import i18n, processing, reception, workflow
from runtime.answers import normal_text
from runtime.api import files as api_files
from runtime.catalogue import Published
from runtime.db import reading
from runtime.fields.base import FieldError
from runtime.i18n import N_
from runtime.messages import message
from runtime.models import ApiToken, Draft, Submission, SubmissionEvent
from runtime.submissions import attachment_ids, submission_for_draft
from runtime.text import localize

if TYPE_CHECKING:
    from runtime.site import Site, VersionInfo


@dataclass(frozen=True)
class Invalid(Exception):
    errors: list[dict[str, str]]


@dataclass(frozen=True)
class Unreadable(Exception):
    """A body that is not the strict JSON the API takes: what is wrong, and where."""

    text: str
    pointer: str = ""


def read_json(body: bytes) -> Any:
    """The body as JSON, refusing what JSON parsers disagree on or what no form could send:
    NaN and Infinity, duplicate keys, lone surrogates, NUL characters. Texts come back in
    Unicode NFC, the form a browser sends (é is one character, not e and an accent)."""

    def constant(name: str) -> Any:
        raise Unreadable(N_("NaN and Infinity are not numbers JSON allows."))

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, value in items:
            if key in found:
                # Marked, not raised: only the walk below knows where this object is.
                return _Duplicated(found, duplicate=key)
            found[key] = value
        return found

    try:
        document = json.loads(body, parse_constant=constant, object_pairs_hook=pairs)
    except (ValueError, UnicodeDecodeError) as problem:
        if isinstance(problem, Unreadable):
            raise
        raise Unreadable(N_("The body is not valid JSON.")) from None
    except RecursionError:
        raise Unreadable(N_("The body is not valid JSON.")) from None
    return _clean(document, "")


class _Duplicated(dict[str, Any]):
    def __init__(self, items: dict[str, Any], duplicate: str):
        super().__init__(items)
        self.duplicate = duplicate


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _clean(value: Any, pointer: str) -> Any:
    if isinstance(value, _Duplicated):
        raise Unreadable(
            N_("The key “%(key)s” appears twice in one object."), f"{pointer}/{_escape(value.duplicate)}"
        )
    if isinstance(value, str):
        return _text(value, pointer)
    if isinstance(value, list):
        return [_clean(item, f"{pointer}/{index}") for index, item in enumerate(value)]
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            inner = f"{pointer}/{_escape(key)}"
            cleaned[_text(key, inner)] = _clean(item, inner)
        return cleaned
    return value


def _text(value: str, pointer: str) -> str:
    if "\x00" in value:
        raise Unreadable(N_("A text contains a NUL character."), pointer)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Unreadable(N_("A text contains a lone surrogate, which is not a character."), pointer) from None
    return normal_text(value)


def idempotency_id(token: ApiToken, procedure_id: int, key: str) -> str:
    """The draft id a key stands for: unique per token and procedure, so two clients, or one
    client's two procedures, never collide."""
    return "api-" + hashlib.sha256(f"{token.id}:{procedure_id}:{key}".encode()).hexdigest()[:39]


def create_submission(
    site: Site,
    published: Published,
    token: ApiToken,
    key: str,
    answers: Mapping[str, Any],
    lang: str,
    base_url: str = "",
) -> tuple[Submission, bool]:
    """(submission, created): a key seen before returns its first submission, unchanged.
    The applicant gets the acknowledgement's mail as from the web form (links under `base_url`)."""
    draft_id = idempotency_id(token, published.procedure_id, key)
    earlier = submission_for_draft(site.engine, draft_id)
    if earlier is not None:
        return earlier, False
    info = site.version(published.version_id)
    assert info is not None
    compiled = info.compiled
    data_dir = site.settings.data_dir
    answers, files, errors = api_files.receive(data_dir, compiled, answers, site.settings.max_upload_bytes)
    errors = {**_unknown(compiled, answers), **errors}
    draft = Draft(id=draft_id, version_id=published.version_id, answers={}, lang=lang, channel="api")
    try:
        if errors:
            raise reception.Invalid(errors)
        submission = reception.receive(
            site.engine, info, draft, answers, channel="api", files=files, base_url=base_url
        )
    except BaseException as refused:
        api_files.discard(data_dir, files)
        if not isinstance(refused, reception.Invalid):
            raise
        invalid = refused
        raise Invalid(
            [
                {
                    "field": path,
                    "pointer": "/answers/" + path.replace(".", "/"),
                    "code": error.code,
                    "message": message(
                        error, _widget(compiled, path), _element(compiled, path), lang, compiled.lang
                    ),
                }
                for path, error in invalid.errors.items()
            ]
        ) from None
    kept = set(attachment_ids(submission.answers))
    api_files.discard(data_dir, [item for item in files if item.id not in kept])  # a race another request won
    # Two requests racing with one key both end on the first one's submission (the unique
    # draft id); the loser is told "created" too, with the same reference.
    return submission, True


def _unknown(compiled: Any, answers: Mapping[str, Any]) -> dict[str, FieldError]:
    """Answers to questions the form does not have: refused by name, never dropped."""
    return {name: FieldError(name, "unknown") for name in answers if name not in compiled.fields}


def _widget(compiled: Any, path: str) -> str:
    field = compiled.fields.get(path.split(".")[0])
    return field.widget.name if field else ""  # no widget: the rule's own words


def _element(compiled: Any, path: str) -> Mapping[str, Any] | None:
    field = compiled.fields.get(path.split(".")[0])
    return field.element if field else None


def public_definition(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The definition as anyone may read it: the workflow's actions stay inside (a webhook's
    address may carry its key; documents' texts are the service's business)."""
    shown = dict(definition)
    workflow_part = definition.get("workflow")
    if workflow_part:
        shown["workflow"] = {
            **workflow_part,
            "transitions": [
                {key: value for key, value in transition.items() if key != "actions"}
                for transition in workflow_part.get("transitions") or []
            ],
        }
    return shown


def procedure_json(published: Published, lang: str, base_url: str) -> dict[str, Any]:
    definition = published.compiled.definition
    return {
        "slug": published.procedure_slug,
        "kind": definition.get("kind", "procedure"),
        "title": localize(definition["title"], lang, definition["lang"]),
        "version": published.version_number,
        "url": f"{base_url}/{published.organisation.slug}/{published.procedure_slug}",
    }


def status_json(
    info: VersionInfo,
    submission: Submission,
    events: list[SubmissionEvent],
    lang: str,
    base_url: str,
    *,
    with_answers: bool = True,
) -> dict[str, Any]:
    definition = info.compiled.definition

    def label(state: str | None) -> str | None:
        if state is None:
            return None
        if state == processing.WITHDRAWN:
            return i18n.gettext(lang, "Withdrawn by the applicant")
        return localize(workflow.state(definition, state).get("label"), lang, definition["lang"]) or state

    body: dict[str, Any] = {
        "reference": submission.reference,
        "procedure": info.procedure.slug,
        "version": info.version.number,
        "status": {
            "name": submission.state,
            "label": label(submission.state),
            "final": workflow.is_final(definition, submission.state)
            or submission.state == processing.WITHDRAWN,
        },
        "channel": submission.channel,
        "created_at": submission.created_at.isoformat(),
        "updated_at": submission.updated_at.isoformat(),
        "follow_url": f"{base_url}/s/{submission.follow_token}",
        "receipt_url": f"{base_url}/s/{submission.follow_token}/receipt.pdf",
        "history": [
            {
                "at": event.created_at.isoformat(),
                "kind": event.kind,
                "from": event.from_state,
                "to": event.to_state,
                "comment": event.comment if event.visible else None,
            }
            for event in events
            if event.kind in ("submitted", "transition", "complement", "withdrawn")
        ],
        "transitions": [
            {
                "to": t.target,
                "label": localize(t.label, lang, definition["lang"]) or t.target,
                "functions": list(t.functions),
                "comment_required": t.comment_required,
            }
            for t in workflow.available(definition, submission.state, None)
        ],
    }
    if with_answers:
        body["answers"] = submission.answers
    return body


def by_reference(
    engine: Any, organisation_id: int, reference: str
) -> tuple[Submission, list[SubmissionEvent]] | None:
    """A submission of this organisation, by its reference; None for any other."""
    from sqlalchemy import select
    from sqlmodel import col

    from runtime.models import Procedure

    if len(reference) > 32:
        return None
    with reading(engine) as session:
        connection = session.connection()
        found = connection.execute(
            select(col(Submission.id))
            .join(Procedure, col(Procedure.id) == Submission.procedure_id)
            .where(col(Submission.reference) == reference, col(Procedure.organisation_id) == organisation_id)
        ).scalar()
    return processing.load(engine, int(found)) if found is not None else None
