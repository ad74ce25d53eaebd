"""Texts always have a maximum length: a default when the definition sets none, raised by the
designer up to a cap that the checker enforces. Without it one long answer held up receipts."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from designer.editor.operations import EditRefused
from designer.editor.properties import set_properties
from runtime.catalogue import publish
from runtime.compiler import CompiledVersion
from runtime.db import writing
from runtime.definition import check_definition
from runtime.fields import widget_for
from runtime.site import ROOT
from tests.conftest import errors_in, post_page
from tests.example_answers import EXAMPLES
from tests.test_exports import organisation

pytestmark = pytest.mark.anyio
REPORT = "beaulac/signalement-voirie"


def report_without_limits() -> dict[str, Any]:
    """The road report with no maxLength on its long text (description) nor on a short one (nom)."""
    definition = json.loads((ROOT / "examples/beaulac/procedures/signalement-voirie.json").read_text())
    for name in ("description", "nom"):
        definition["schema"]["properties"][name].pop("maxLength")
    return definition


def test_a_text_without_a_maximum_gets_the_default_in_the_form_and_the_contract() -> None:
    version = CompiledVersion(report_without_limits())
    assert version.fields["description"].prop["maxLength"] == 5_000  # textarea
    assert version.fields["nom"].prop["maxLength"] == 1_000  # one-line text
    assert version.schema["properties"]["description"]["maxLength"] == 5_000
    assert version.schema["properties"]["nom"]["maxLength"] == 1_000
    assert version.schema["properties"]["precision"]["maxLength"] == 500  # a limit set is kept


async def test_an_answer_over_the_default_maximum_is_refused_with_a_message(
    app: Any, client: httpx.AsyncClient
) -> None:
    with writing(app.state.site.engine) as session:
        publish(session, organisation(app), report_without_limits())
    app.state.site.published.clear()
    first_page, files = EXAMPLES[REPORT][0]
    form = await client.get(f"/{REPORT}")
    textarea = BeautifulSoup(form.text, "html.parser").select_one("textarea[name=description]")
    assert textarea is not None and textarea["maxlength"] == "5000"
    response = await post_page(client, f"/{REPORT}", {**first_page, "description": "é" * 5_001}, files)
    assert response.status_code == 422
    assert any(
        "5000" in error.replace("\u202f", "").replace("\xa0", "") for error in errors_in(response.text)
    )
    accepted = await post_page(client, f"/{REPORT}", {**first_page, "description": "é" * 5_000}, files)
    assert accepted.status_code == 303


def test_the_checker_refuses_a_maximum_over_the_cap() -> None:
    definition = report_without_limits()
    definition["schema"]["properties"]["description"]["maxLength"] = 20_000
    definition["schema"]["properties"]["nom"]["maxLength"] = 5_000
    assert check_definition(definition) == []
    definition["schema"]["properties"]["description"]["maxLength"] = 20_001
    definition["schema"]["properties"]["nom"]["maxLength"] = 100_000
    problems = {problem.path: problem.message for problem in check_definition(definition)}
    assert "20000" in problems["/ui/pages/0/elements/3"] and "5000" in problems["/ui/pages/1/elements/1"]


def test_the_designer_may_raise_the_maximum_up_to_the_cap() -> None:
    definition = report_without_limits()
    raised = set_properties(definition, 0, 3, "fr", {"max_length": "20000"})
    assert raised["schema"]["properties"]["description"]["maxLength"] == 20_000
    with pytest.raises(EditRefused) as refused:
        set_properties(definition, 0, 3, "fr", {"max_length": "20001"})
    assert refused.value.params == {"cap": 20_000}
    assert "maxLength" not in definition["schema"]["properties"]["description"]  # nothing changed


def test_a_text_added_in_the_editor_starts_with_a_maximum() -> None:
    text, textarea = widget_for("text"), widget_for("textarea")
    assert text is not None and textarea is not None
    assert text.default_schema() == {"type": "string", "maxLength": 1_000}
    assert textarea.default_schema() == {"type": "string", "maxLength": 5_000}


def test_texts_inside_a_group_get_the_default_too() -> None:
    definition = json.loads((ROOT / "examples/saint-aubin/procedures/inscription-cantine.json").read_text())
    group = definition["schema"]["properties"]["enfants"]
    items = copy.deepcopy(group["items"]["properties"])
    group["items"]["properties"]["prenom"].pop("maxLength", None)
    version = CompiledVersion(definition)
    served = version.schema["properties"]["enfants"]["items"]["properties"]
    assert served["prenom"]["maxLength"] == 1_000
    assert {k: v for k, v in served.items() if k != "prenom"} == {
        k: v for k, v in items.items() if k != "prenom"
    }
