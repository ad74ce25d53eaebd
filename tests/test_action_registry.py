"""Workflow actions are a registry: an action defined in one module (here, this one) is
checked in definitions, queued when its transition is taken, run once by the worker, offered
by the workflow editor, and documented; the package's own are all in docs/definition.md."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from app import create_app
from designer.editor import operations
from runtime import history, processing
from runtime.actions import registry, worker
from runtime.actions.controls import Control, Summary
from runtime.actions.job_context import context_of
from runtime.actions.outbox import Job
from runtime.actions.registry import Item, QueuedAction
from runtime.db import writing
from runtime.definition import check_definition, load_definition
from tests.conftest import make_settings
from tests.test_editor import _draft, _new
from tests.test_outbox import AGENT, a_submission, definition_of, outbox_rows

if TYPE_CHECKING:
    from runtime.site import Site

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parent.parent


class Stamp(QueuedAction):
    """Stamps the submission: the worker writes the stamp in its history, as a note."""

    key = "stamp"
    order = 80
    label = "Stamp"
    documentation = '`{"stamp": "…"}` writes the stamp in the submission\'s history.'
    schema = {"stamp": {"type": "string", "minLength": 1, "maxLength": 20}}
    controls = (Control("stamp", "tr-stamp", "Stamp it with", 80, kind="text"),)

    def from_form(self, values: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
        text = values.get("stamp", "").strip()
        return [{"stamp": text}] if text else []

    def summary(self, item: Item, lang: str) -> Summary | None:
        return Summary("stamp “%(text)s”", {"text": item["stamp"]})

    async def run(self, site: Site, job: Job) -> None:
        await asyncio.to_thread(self._note, site, job)

    def _note(self, site: Site, job: Job) -> None:
        found = context_of(site, job)
        assert found is not None and found.submission.id is not None
        with writing(site.engine) as session:
            connection = session.connection()
            history.record(
                connection,
                found.submission.id,
                "note",
                history.Actor("stamp", kind="system"),
                comment=job.payload["action"]["stamp"],
                visible=False,
            )


@pytest.fixture
def stamp() -> Iterator[type[Stamp]]:
    registry.register(Stamp)
    try:
        yield Stamp
    finally:
        registry.unregister(Stamp.key)


def _stamping(definition: Mapping[str, Any], source: str, stamp: Any = "vu") -> dict[str, Any]:
    """The definition with one more transition, from `source`, that only stamps."""
    changed = copy.deepcopy(dict(definition))
    changed["workflow"]["transitions"].append(
        {
            "from": source,
            "to": "classee-sans-suite",
            "label": {changed["lang"]: "Tamponner"},
            "functions": ["instructeur"],
            "actions": [{"stamp": stamp}],
        }
    )
    return changed


def test_a_definition_using_the_action_loads_once_it_is_registered(stamp: type[Stamp]) -> None:
    definition = _stamping(operations.blank("permis", "Permis", "procedure", "fr"), "en-instruction")
    assert load_definition(json.dumps(definition))["workflow"]["transitions"][-1]["actions"] == [
        {"stamp": "vu"}
    ]
    # Its schema is the one the action declares: the meta-schema is assembled from the registry.
    too_long = check_definition(_stamping(definition, "en-instruction", "x" * 21))
    assert [problem.path for problem in too_long] == ["/workflow/transitions/5/actions/0/stamp"]
    registry.unregister(Stamp.key)
    assert check_definition(definition) != []  # unknown once it is gone
    registry.register(Stamp)
    assert check_definition(definition) == []


async def test_taking_the_transition_queues_it_and_the_worker_runs_it_once(
    backend: str, tmp_path: Path, stamp: type[Stamp]
) -> None:
    app = create_app(make_settings(backend, tmp_path))
    try:
        site = app.state.site
        submission = await a_submission(app)
        assert submission.id is not None
        definition = _stamping(definition_of(app, submission), submission.state)
        assert check_definition(definition) == []
        index = len(definition["workflow"]["transitions"]) - 1
        event_id = processing.take_transition(site.engine, submission.id, definition, index, AGENT)

        [row] = outbox_rows(app)
        assert (row.kind, row.event_id, row.status) == ("stamp", event_id, "pending")
        assert row.payload["action"] == {"stamp": "vu"}

        assert await worker.drain(site) == 1
        assert await worker.drain(site) == 0  # done once, never again
        assert [row.status for row in outbox_rows(app)] == ["done"]
        loaded = processing.load(site.engine, submission.id)
        assert loaded is not None
        notes = [(event.actor, event.comment) for event in loaded[1] if event.kind == "note"]
        assert notes == [("stamp", "vu")]
    finally:
        app.state.site.engine.dispose()


async def test_the_workflow_editor_offers_it(app: Any, client: httpx.AsyncClient, stamp: type[Stamp]) -> None:
    editor = await _new(app, client)
    form = (await editor.soup()).select_one("form.add-transition")
    field = form.select_one("input#tr-stamp")
    assert field is not None and field["name"] == "stamp"
    assert form.select_one('label[for="tr-stamp"]').get_text() == "Stamp it with"

    await editor.do("transition_add", **{"from": "en-instruction", "to": "refusee", "stamp": " vu "})
    added = (await _draft(client))["workflow"]["transitions"][-1]
    assert added["actions"] == [{"stamp": "vu"}]
    flow = (await editor.soup()).select_one("details.workflow-editor")
    assert "stamp “vu”" in flow.select(".transitions li")[-1].get_text()


def test_every_action_of_the_package_is_documented() -> None:
    documented = " ".join((ROOT / "docs" / "definition.md").read_text(encoding="utf-8").split())
    missing = [
        action.key
        for action in registry.actions()
        if " ".join(action.documentation.split()) not in documented
    ]
    assert registry.actions() and missing == []


def test_actions_are_found_in_their_package_without_a_list() -> None:
    keys = {action.key for action in registry.actions()}
    assert keys == {"notify", "ask", "assign", "deadline_days", "document", "webhook"}
    assert all(registry.queued(key) is not None for key in ("notify", "document", "webhook"))
    assert registry.queued("assign") is None and registry.queued("nothing") is None
