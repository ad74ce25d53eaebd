"""The editor's conditions without scripts: rows combined into one condition, a question's
answers shown on choosing it, and conditions on later or missing questions refused."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.test_editor import BASE, _draft, _new

pytestmark = pytest.mark.anyio


async def test_combined_conditions_are_written_from_rows_without_scripts(
    app: Any, client: httpx.AsyncClient
) -> None:
    editor = await _new(app, client)
    await editor.do("add", widget="radio")
    await editor.do("properties", label="Type", choices="velo | Vélo\ncargo | Vélo cargo\nAutre")
    await editor.do("add", widget="number")
    await editor.do("properties", label="Nombre")
    await editor.do("add", widget="textarea")
    # The value is chosen by its label; an empty row is ignored.
    await editor.do(
        "properties",
        label="Précisez",
        condition_join="any",
        condition_field_0="radio",
        condition_operator_0="equals",
        condition_value_0="Vélo cargo",
        condition_field_1="number",
        condition_operator_1="greater_than",
        condition_value_1="2,5",
        condition_field_2="",
        condition_operator_2="equals",
        condition_value_2="",
    )
    element = (await _draft(client))["ui"]["pages"][0]["elements"][2]
    assert element["visible_if"] == {
        "any": [{"field": "radio", "equals": "cargo"}, {"field": "number", "greater_than": 2.5}]
    }
    soup = await editor.soup()
    assert (
        soup.select_one("#element-2 .element-condition").get_text(strip=True)
        == "Affiché si «\xa0Type\xa0» est Vélo cargo ou «\xa0Nombre\xa0» est supérieur à 2,5"
    )
    # The rows come back as they were saved, a value of a choice question as a list of its choices,
    # with one empty row to add another.
    assert soup.select_one("#p-condition_join option[selected]")["value"] == "any"
    assert soup.select_one("#p-condition_value_0 option[selected]")["value"] == "cargo"
    assert soup.select_one("#p-condition_value_1")["value"] == "2.5"
    assert soup.select_one("#p-condition_field_2 option[selected]") is None
    assert [o["value"] for o in soup.select("#p-condition_operator_1 option")] == [
        "equals",
        "not_equals",
        "filled",
        "empty",
        "greater_than",
        "less_than",
    ]

    await editor.do(
        "condition_remove_1",
        condition_join="any",
        condition_field_0="radio",
        condition_operator_0="equals",
        condition_value_0="cargo",
        condition_field_1="number",
        condition_operator_1="greater_than",
        condition_value_1="2.5",
    )
    element = (await _draft(client))["ui"]["pages"][0]["elements"][2]
    assert element["visible_if"] == {"field": "radio", "equals": "cargo"}
    await editor.do(
        "properties", condition_join="all", condition_field_0="number", condition_operator_0="empty"
    )
    element = (await _draft(client))["ui"]["pages"][0]["elements"][2]
    assert element["visible_if"] == {"field": "number", "filled": False}


async def test_choosing_a_question_shows_its_answers_without_saving(
    app: Any, client: httpx.AsyncClient
) -> None:
    editor = await _new(app, client)
    await editor.do("add", widget="yesno")
    await editor.do("add", widget="text")
    revision = await editor.revision()
    shown = await editor.do(
        "condition_rows",
        expect=200,
        label="Modifié",
        condition_join="all",
        condition_field_0="yesno",
        condition_operator_0="equals",
        condition_value_0="",
    )
    soup = BeautifulSoup(shown.text, "html.parser")
    assert [o.get_text() for o in soup.select("#p-condition_value_0 option")] == ["Oui", "Non"]
    assert soup.select_one("#p-label")["value"] == "Modifié"
    assert await editor.revision() == revision  # nothing saved
    # htmx asks for the same page and swaps only the rows.
    rows = await client.post(
        f"{BASE}/edit",
        headers={"HX-Request": "true"},
        data={
            "revision": revision,
            "page": "0",
            "element": "1",
            "edit_lang": "fr",
            "op": "condition_rows",
            "condition_join": "all",
            "condition_field_0": "yesno",
            "condition_operator_0": "equals",
        },
    )
    assert rows.status_code == 200
    assert BeautifulSoup(rows.text, "html.parser").select_one("#condition-editor #p-condition_value_0 option")


async def test_conditions_on_later_or_missing_questions_are_refused_next_to_the_element(
    app: Any, client: httpx.AsyncClient
) -> None:
    editor = await _new(app, client)
    await editor.do("add", widget="yesno")
    await editor.do("properties", label="Couvert ?")
    await editor.do("add", widget="textarea")
    await editor.do(
        "properties",
        label="Décrivez",
        condition_join="all",
        condition_field_0="yesno",
        condition_operator_0="equals",
        condition_value_0="true",
    )
    editor.element = 0
    later = await editor.do(
        "properties",
        expect=422,
        label="Couvert ?",
        condition_join="all",
        condition_field_0="textarea",
        condition_operator_0="filled",
    )
    assert (
        "plus loin" in BeautifulSoup(later.text, "html.parser").select_one("#element-0 .element-problem").text
    )
    missing = await editor.do(
        "properties",
        expect=422,
        condition_join="all",
        condition_field_0="nulle_part",
        condition_operator_0="filled",
    )
    assert (
        "n’existe pas"
        in BeautifulSoup(missing.text, "html.parser").select_one("#element-0 .element-problem").text
    )
    # Moving the question below the one that depends on it, or deleting it, would break the condition.
    moved = await editor.do("down", expect=422)
    problem = BeautifulSoup(moved.text, "html.parser").select_one("#element-1 .element-problem").text
    assert "«\xa0Décrivez\xa0» dépend de «\xa0Couvert ?\xa0»" in problem
    dropped = await editor.do("delete", expect=422)
    assert (
        "«\xa0Couvert ?\xa0» est utilisée par «\xa0Décrivez\xa0»"
        in BeautifulSoup(dropped.text, "html.parser").select_one("#element-1 .element-problem").text
    )
    wrong = await editor.do(
        "properties",
        expect=422,
        condition_join="all",
        condition_field_0="yesno",
        condition_operator_0="greater_than",
        condition_value_0="2",
    )
    assert wrong.status_code == 422
    assert (await _draft(client))["ui"]["pages"][0]["elements"][1]["visible_if"] == {
        "field": "yesno",
        "equals": True,
    }
