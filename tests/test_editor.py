"""The editor: a procedure built from a blank page in the browser's forms, then published."""

from __future__ import annotations

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

    async def soup(self) -> BeautifulSoup:
        response = await self.client.get(f"{BASE}/edit?page={self.page}&element={self.element}")
        assert response.status_code == 200
        return BeautifulSoup(response.text, "html.parser")

    async def revision(self) -> str:
        return (await self.soup()).select_one('input[name="revision"]')["value"]

    async def do(self, op: str, expect: int = 303, **values: Any) -> httpx.Response:
        data = {"revision": await self.revision(), "page": str(self.page), "element": str(self.element),
                "edit_lang": "fr", "op": op, **{k: str(v) for k, v in values.items()}}
        response = await self.client.post(f"{BASE}/edit", data=data)
        assert response.status_code == expect, response.text[:2000]
        if response.status_code == 303:
            query = dict(part.split("=") for part in response.headers["location"].split("?")[1].split("&"))
            self.page, self.element = int(query["page"]), int(query["element"])
        return response


async def test_a_procedure_is_built_from_a_blank_page_and_published(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    created = await client.post("/staff/o/beaulac/new", data={"title": "Permis vélo", "slug": "permis-velo",
                                                               "kind": "procedure", "template": ""})
    assert created.status_code == 303 and created.headers["location"] == f"{BASE}/edit"
    editor = Editor(client)
    await editor.do("add", widget="radio")
    await editor.do("properties", label="Type de vélo", required="on",
                    choices="classique | Vélo classique\ncargo | Vélo cargo\nAutre")
    await editor.do("add", widget="textarea")
    await editor.do("properties", label="Précisez", required="on", condition_field="radio",
                    condition_operator="equals", condition_value="autre")
    await editor.do("add_page")
    await editor.do("page_title", title="Vos coordonnées")
    await editor.do("add", widget="email")
    await editor.do("properties", label="Votre courriel", required="on")

    soup = await editor.soup()
    assert [a.get_text(" ", strip=True)[:20] for a in soup.select(".page-tabs a")] == ["1. Page 1", "2. Vos coordonnées"]

    # The preview shows the draft in the charter, with its condition working.
    preview = await client.get(f"{BASE}/preview/0")
    assert preview.status_code == 200 and "Type de vélo" in preview.text and "charters/beaulac" in preview.text
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
    await client.post("/staff/o/beaulac/new", data={"title": "Permis vélo", "slug": "permis-velo", "kind": "survey"})
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
    await client.post("/staff/o/beaulac/new", data={"title": "Permis vélo", "slug": "permis-velo", "kind": "procedure"})
    editor = Editor(client)
    await editor.do("add", widget="text")
    refused = await editor.do("properties", expect=422, label="Nom", pattern="^(a+)\\1$")
    problems = BeautifulSoup(refused.text, "html.parser").select(".problems li")
    assert any("pattern" in li.get_text() for li in problems)
    forward = await editor.do("properties", expect=422, label="Nom", condition_field="text", condition_operator="filled")
    assert "itself" in BeautifulSoup(forward.text, "html.parser").select_one(".problems").get_text()
    hostile = '<script>alert(1)</script>{{ 7*7 }}'
    await editor.do("properties", label=hostile)
    soup = await editor.soup()
    assert hostile in soup.select_one(".element-name").get_text() and not soup.select(".element-name script")

    stale = await client.post(f"{BASE}/edit", data={"revision": "old", "page": "0", "element": "0",
                                                     "edit_lang": "fr", "op": "delete"})
    assert stale.status_code == 409
    assert len((await editor.soup()).select(".element-name")) == 1  # the element is still there


async def test_a_procedure_from_a_template_and_who_may_edit(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    created = await client.post("/staff/o/beaulac/new", data={"title": "Terrasses 2027", "slug": "terrasses-2027",
                                                               "template": "occupation-terrasse"})
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
    saved = await client.post(f"{base}/edit", data={"revision": revision, "page": "0", "element": "-1",
                                                      "edit_lang": "fr", "op": "settings", "access": "link",
                                                      "closes_at": "2020-01-01", "silence_means": ""})
    assert saved.status_code == 303
    assert (await client.post(f"{base}/publish")).status_code == 303
    home = await client.get("/beaulac")
    assert "/beaulac/signalement-voirie" not in home.text
    assert (await client.get("/beaulac/signalement-voirie")).status_code == 410


async def test_the_workflow_is_edited_and_its_gaps_flagged(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    await client.post("/staff/o/beaulac/new", data={"title": "Permis vélo", "slug": "permis-velo", "kind": "procedure"})
    editor = Editor(client)
    await editor.do("status_add", label="En attente de pièces")
    soup = await editor.soup()
    row = soup.find(id="status-en-attente-de-pieces")
    assert row is not None and row.select_one(".error-message") is not None  # unreachable
    await editor.do("transition_add", **{"from": "en-instruction", "to": "en-attente-de-pieces", "label": "Demander"})
    await editor.do("transition_add", **{"from": "en-attente-de-pieces", "to": "en-instruction"})
    soup = await editor.soup()
    assert soup.find(id="status-en-attente-de-pieces").select_one(".error-message") is None
    assert len(soup.select(".transitions li")) == 6
    refused = await editor.do("status_delete", expect=422, status="en-construction")
    assert "first status" in refused.text
