"""The editor: a procedure built from a blank page in the browser's forms, then published."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.conftest import post_page
from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio
BASE = "/staff/o/beaulac/p/permis-velo"


class Editor:
    """Drives the editor as a browser without scripts: read the revision, post a form."""

    def __init__(self, client: httpx.AsyncClient):
        self.client = client
        self.page = 0
        self.element = -1
        self.sub = -1

    async def soup(self) -> BeautifulSoup:
        response = await self.client.get(
            f"{BASE}/edit?page={self.page}&element={self.element}&sub={self.sub}"
        )
        assert response.status_code == 200
        return BeautifulSoup(response.text, "html.parser")

    async def revision(self) -> str:
        return (await self.soup()).select_one('input[name="revision"]')["value"]

    async def do(self, op: str, expect: int = 303, **values: Any) -> httpx.Response:
        data = {
            "revision": await self.revision(),
            "page": str(self.page),
            "element": str(self.element),
            "sub": str(self.sub),
            "edit_lang": "fr",
            "op": op,
            **{k: str(v) for k, v in values.items()},
        }
        response = await self.client.post(f"{BASE}/edit", data=data)
        assert response.status_code == expect, response.text[:2000]
        if response.status_code == 303:
            query = dict(part.split("=") for part in response.headers["location"].split("?")[1].split("&"))
            self.page, self.element = int(query["page"]), int(query["element"])
            self.sub = int(query.get("sub", -1))
        return response


async def test_a_procedure_is_built_from_a_blank_page_and_published(
    app: Any, client: httpx.AsyncClient
) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    created = await client.post(
        "/staff/o/beaulac/new",
        data={"title": "Permis vélo", "slug": "permis-velo", "kind": "procedure", "template": ""},
    )
    assert created.status_code == 303 and created.headers["location"] == f"{BASE}/edit"
    editor = Editor(client)
    await editor.do("add", widget="radio")
    await editor.do(
        "properties",
        label="Type de vélo",
        required="on",
        choices="classique | Vélo classique\ncargo | Vélo cargo\nAutre",
    )
    await editor.do("add", widget="textarea")
    await editor.do(
        "properties",
        label="Précisez",
        required="on",
        condition_join="all",
        condition_field_0="radio",
        condition_operator_0="equals",
        condition_value_0="autre",
    )
    await editor.do("add_page")
    await editor.do("page_title", title="Vos coordonnées")
    await editor.do("add", widget="email")
    await editor.do("properties", label="Votre courriel", required="on")

    soup = await editor.soup()
    assert [a.get_text(" ", strip=True)[:20] for a in soup.select(".page-tabs a")] == [
        "1. Page 1",
        "2. Vos coordonnées",
    ]

    # The preview shows the draft in the charter, with its condition working.
    preview = await client.get(f"{BASE}/preview/0")
    assert (
        preview.status_code == 200 and "Type de vélo" in preview.text and "charters/beaulac" in preview.text
    )
    assert BeautifulSoup(preview.text, "html.parser").select_one(".preview-banner") is not None
    assert BeautifulSoup(preview.text, "html.parser").find(id="f-textarea") is None
    shown = await client.post(f"{BASE}/preview/0/refresh", data={"radio": "autre"})
    assert BeautifulSoup(shown.text, "html.parser").find(id="f-textarea") is not None

    publish = await client.post(f"{BASE}/publish")
    assert publish.status_code == 303
    client.cookies.clear()
    first = await post_page(client, "/beaulac/permis-velo", {"radio": "autre", "textarea": "Un tandem"})
    assert first.status_code == 303
    second = await post_page(client, first.headers["location"], {"email": "a@example.fr"})
    done = await client.post(second.headers["location"].replace("/review", "/submit"))
    receipt = await client.get(done.headers["location"])
    assert "PER-" in receipt.text


async def test_elements_move_duplicate_and_delete(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    await client.post(
        "/staff/o/beaulac/new", data={"title": "Permis vélo", "slug": "permis-velo", "kind": "survey"}
    )
    editor = Editor(client)
    await editor.do("add", widget="text")
    await editor.do("add", widget="integer")
    await editor.do("up")
    assert editor.element == 0

    def names(soup: BeautifulSoup) -> list[str]:
        return [a.get_text(" ", strip=True) for a in soup.select(".element-name")]

    assert "Nombre entier" in names(await editor.soup())[0]
    await editor.do("duplicate")
    assert len(names(await editor.soup())) == 3
    await editor.do("delete")
    assert len(names(await editor.soup())) == 2


async def test_bad_changes_are_refused_and_nothing_is_saved(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    await client.post(
        "/staff/o/beaulac/new", data={"title": "Permis vélo", "slug": "permis-velo", "kind": "procedure"}
    )
    editor = Editor(client)
    await editor.do("add", widget="text")
    refused = await editor.do(
        "properties", expect=422, label="Nom", pattern="^(a+)\\1$", pattern_message="Des a, deux fois"
    )
    problems = BeautifulSoup(refused.text, "html.parser").select(".problems li")
    assert any("pattern" in li.get_text() for li in problems)
    itself = await editor.do(
        "properties",
        expect=422,
        label="Nom",
        condition_join="all",
        condition_field_0="text",
        condition_operator_0="filled",
    )
    soup = BeautifulSoup(itself.text, "html.parser")
    assert "sa propre réponse" in soup.select_one("#element-0 .element-problem").get_text()
    assert soup.select_one("#p-label")["value"] == "Nom"  # what was typed is shown again
    hostile = "<script>alert(1)</script>{{ 7*7 }}"
    await editor.do("properties", label=hostile)
    soup = await editor.soup()
    assert hostile in soup.select_one(".element-name").get_text() and not soup.select(".element-name script")

    stale = await client.post(
        f"{BASE}/edit",
        data={"revision": "old", "page": "0", "element": "0", "edit_lang": "fr", "op": "delete"},
    )
    assert stale.status_code == 409
    assert len((await editor.soup()).select(".element-name")) == 1  # the element is still there


async def test_a_procedure_from_a_template_and_who_may_edit(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    created = await client.post(
        "/staff/o/beaulac/new",
        data={"title": "Terrasses 2027", "slug": "terrasses-2027", "template": "occupation-terrasse"},
    )
    assert created.status_code == 303
    soup = BeautifulSoup((await client.get(created.headers["location"])).text, "html.parser")
    assert len(soup.select(".page-tabs a")) == 4
    taken = await client.post("/staff/o/beaulac/new", data={"title": "x", "slug": "terrasses-2027"})
    assert taken.status_code == 422
    client.cookies.clear()
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    assert (await client.get("/staff/o/beaulac/p/terrasses-2027/edit")).status_code == 404
    assert (await client.post("/staff/o/beaulac/new", data={"title": "x", "slug": "y"})).status_code == 404


async def test_settings_decide_who_sees_the_procedure_and_when(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    base = "/staff/o/beaulac/p/signalement-voirie"
    soup = BeautifulSoup((await client.get(f"{base}/edit")).text, "html.parser")
    revision = soup.select_one('input[name="revision"]')["value"]
    saved = await client.post(
        f"{base}/edit",
        data={
            "revision": revision,
            "page": "0",
            "element": "-1",
            "edit_lang": "fr",
            "op": "settings",
            "access": "link",
            "closes_at": "2020-01-01",
            "silence_means": "",
        },
    )
    assert saved.status_code == 303
    assert (await client.post(f"{base}/publish")).status_code == 303
    home = await client.get("/beaulac")
    assert "/beaulac/signalement-voirie" not in home.text
    assert (await client.get("/beaulac/signalement-voirie")).status_code == 410


async def _new(app: Any, client: httpx.AsyncClient, kind: str = "procedure") -> Editor:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    await client.post(
        "/staff/o/beaulac/new", data={"title": "Permis vélo", "slug": "permis-velo", "kind": kind}
    )
    return Editor(client)


async def _draft(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/staff/o/beaulac/p/permis-velo/definition.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


async def test_elements_are_dropped_where_the_designer_lets_them_go(
    app: Any, client: httpx.AsyncClient
) -> None:
    editor = await _new(app, client, "survey")
    for widget in ("text", "email", "date"):
        await editor.do("add", widget=widget)
    editor.element = 2
    await editor.do("move", to="0")
    assert editor.element == 0
    assert [e["widget"] for e in (await _draft(client))["ui"]["pages"][0]["elements"]] == [
        "date",
        "text",
        "email",
    ]
    await editor.do("add_page")
    editor.page, editor.element = 0, 1
    await editor.do("to_page", target_page="1")
    draft = await _draft(client)
    assert [e["widget"] for e in draft["ui"]["pages"][1]["elements"]] == ["text"]


async def test_a_repeatable_group_is_built_in_the_editor(app: Any, client: httpx.AsyncClient) -> None:
    editor = await _new(app, client)
    await editor.do("add", widget="group")
    assert (editor.element, editor.sub) == (0, -1)
    await editor.do(
        "properties",
        label="Enfants",
        item_label="Enfant",
        add_label="Ajouter un enfant",
        min_items="1",
        max_items="4",
        required="on",
    )
    await editor.do("add", widget="date", group="0")
    assert editor.sub == 1
    await editor.do("properties", label="Date de naissance", required="on")
    await editor.do("up")
    assert editor.sub == 0
    await editor.do("duplicate")
    await editor.do("delete")
    editor.sub = 0
    soup = await editor.soup()
    assert [a.get_text(" ", strip=True) for a in soup.select("#element-0 .sub-elements .element-name")] == [
        "Date de naissance (Date, obligatoire)",
        "Nouvelle question (Texte court)",
    ]
    assert soup.select_one("#condition-editor") is None  # no condition inside a group
    draft = await _draft(client)
    group = draft["ui"]["pages"][0]["elements"][0]
    prop = draft["schema"]["properties"]["group"]
    assert group["item_label"] == {"fr": "Enfant"} and group["add_label"] == {"fr": "Ajouter un enfant"}
    assert (prop["minItems"], prop["maxItems"]) == (1, 4) and prop["items"]["required"] == ["date"]
    assert [e["field"] for e in group["elements"]] == ["date", "text"]
    editor.sub = 1
    await editor.do("delete")
    editor.sub = 0
    last = await editor.do("delete", expect=422)
    assert (
        "au moins une question" in BeautifulSoup(last.text, "html.parser").select_one(".error-summary").text
    )

    await client.post(f"{BASE}/publish")
    page = await client.get("/beaulac/permis-velo")
    form = BeautifulSoup(page.text, "html.parser")
    assert "Ajouter un enfant" in form.get_text() and form.select_one('[name="group.0.date"]') is not None


async def test_two_saves_on_the_same_revision_one_wins_the_other_is_told(
    app: Any, client: httpx.AsyncClient
) -> None:
    editor = await _new(app, client)
    for trial in range(6):
        if trial == 5:  # from a published version, where the first save makes a new draft
            assert (await client.post(f"{BASE}/publish")).status_code == 303
        revision = await editor.revision()

        async def save(title: str, revision: str = revision) -> httpx.Response:
            return await client.post(
                f"{BASE}/edit",
                data={
                    "revision": revision,
                    "page": "0",
                    "element": "-1",
                    "edit_lang": "fr",
                    "op": "page_title",
                    "title": title,
                },
            )

        first, second = await asyncio.gather(save(f"Première {trial}"), save(f"Seconde {trial}"))
        assert sorted([first.status_code, second.status_code]) == [303, 409], trial
        winner = f"Première {trial}" if first.status_code == 303 else f"Seconde {trial}"
        loser = second if first.status_code == 303 else first
        assert (
            "Quelqu’un d’autre a modifié"
            in BeautifulSoup(loser.text, "html.parser").select_one(".error-summary").get_text()
        )
        assert (await _draft(client))["ui"]["pages"][0]["title"]["fr"] == winner


async def test_a_label_changed_in_english_leaves_the_choices_untranslated(
    app: Any, client: httpx.AsyncClient
) -> None:
    editor = await _new(app, client)
    await editor.do("add", widget="radio")
    await editor.do(
        "properties", label="Type de vélo", choices="classique | Vélo classique\ncargo | Vélo cargo"
    )
    # The English pane shows the French choices (not translated yet); only the label is changed.
    page = await client.get(f"{BASE}/edit?page=0&element={editor.element}&edit_lang=en")
    soup = BeautifulSoup(page.text, "html.parser")
    shown = soup.select_one("#p-choices").get_text()
    assert "Vélo cargo" in shown
    data = {
        "revision": soup.select_one('input[name="revision"]')["value"],
        "page": "0",
        "element": str(editor.element),
        "sub": "-1",
        "edit_lang": "en",
        "op": "properties",
        "label": "Type of bike",
        "choices": shown,
    }
    assert (await client.post(f"{BASE}/edit", data=data)).status_code == 303
    element = (await _draft(client))["ui"]["pages"][0]["elements"][editor.element]
    assert element["label"] == {"fr": "Type de vélo", "en": "Type of bike"}
    assert element["choices"] == {"classique": {"fr": "Vélo classique"}, "cargo": {"fr": "Vélo cargo"}}
    # A choice written in English becomes its translation.
    data["choices"] = shown.replace("Vélo cargo", "Cargo bike")
    data["revision"] = BeautifulSoup(
        (await client.get(f"{BASE}/edit?edit_lang=en")).text, "html.parser"
    ).select_one('input[name="revision"]')["value"]
    assert (await client.post(f"{BASE}/edit", data=data)).status_code == 303
    element = (await _draft(client))["ui"]["pages"][0]["elements"][editor.element]
    assert element["choices"]["cargo"] == {"fr": "Vélo cargo", "en": "Cargo bike"}
    assert element["choices"]["classique"] == {"fr": "Vélo classique"}


def test_a_problem_is_placed_next_to_its_element_in_the_page_language() -> None:
    from designer.editor.view import Selection, place_problems
    from runtime.definition import check_definition
    from tests.test_definition import minimal

    changed = minimal()
    changed["ui"]["pages"][0]["elements"][0]["choices"] = {"a": {"fr": "A"}}
    problems = check_definition(changed)
    placed = place_problems(problems, [None] * len(problems), changed, minimal(), Selection(0, 1), "fr")
    assert placed == {"0-0--1": ["«\u00a0choices\u00a0» n’a pas de libellé pour 'b'"]}
