"""What a citizen reads and where a button takes them, page by page, over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from starlette.datastructures import FormData

from runtime.answers import PostedForm, parse_page
from runtime.compiler import CompiledVersion
from runtime.conditions import evaluate
from runtime.definition import load_definition
from runtime.text import localize, markdown_html
from tests.conftest import post_page
from tests.example_answers import EXAMPLES, Page

pytestmark = pytest.mark.anyio
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"


def compiled(procedure: str) -> CompiledVersion:
    org, slug = procedure.split("/")
    return CompiledVersion(load_definition((EXAMPLES_DIR / org / "procedures" / f"{slug}.json").read_bytes()))


def parsed_answers(version: CompiledVersion, pages: list[Page]) -> dict[str, Any]:
    """What the server keeps from these pages once posted, files aside."""
    answers: dict[str, Any] = {}
    for page, (data, _files) in zip(version.pages, pages, strict=False):
        items = [
            (name, item)
            for name, value in data.items()
            for item in (value if isinstance(value, list) else [value])
        ]
        answers = parse_page(version, page, PostedForm(FormData(items), {}, answers, "Europe/Paris"), answers)
    return answers


def words(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


@pytest.mark.parametrize("procedure", sorted(EXAMPLES))
async def test_every_content_block_shows_its_own_text(client: httpx.AsyncClient, procedure: str) -> None:
    version = compiled(procedure)
    pages = EXAMPLES[procedure]
    url = f"/{procedure}"
    for index, page in enumerate(version.pages):
        answers = version.prune(parsed_answers(version, pages[:index]))
        expected = [
            words(markdown_html(localize(element["content"], "fr", version.lang)))
            for element in page.definition["elements"]
            if "content" in element and evaluate(element.get("visible_if"), answers)
        ]
        soup = BeautifulSoup((await client.get(url)).text, "html.parser")
        shown = [" ".join(block.get_text(" ").split()) for block in soup.select(".content-block")]
        assert shown == expected, f"{url} (page {index + 1})"
        data, files = pages[index]
        url = (await post_page(client, url, data, files)).headers["location"]
    assert url.endswith("/review")


async def test_the_commitment_page_shows_the_legal_text(client: httpx.AsyncClient) -> None:
    url = "/beaulac/occupation-terrasse"
    for data, files in EXAMPLES["beaulac/occupation-terrasse"][:3]:
        await client.get(url)  # each page read on the way, the contact note among them
        url = (await post_page(client, url, data, files)).headers["location"]
    blocks = BeautifulSoup((await client.get(url)).text, "html.parser").select(".content-block")
    assert any("personnelle, précaire et révocable" in block.get_text() for block in blocks)


async def test_adding_an_item_opens_the_page_on_its_first_question(client: httpx.AsyncClient) -> None:
    added = await post_page(
        client,
        "/saint-aubin/inscription-cantine",
        {"enfants.count": "1", "enfants.0.nom": "Durand"},
        action="add:enfants",
    )
    assert added.status_code == 303
    soup = BeautifulSoup((await client.get(added.headers["location"])).text, "html.parser")
    focused = soup.select("[autofocus]")
    assert [element.get("name") for element in focused] == ["enfants.1.nom"]
    assert soup.find(id="f-enfants-0-nom")["value"] == "Durand"
    removed = await post_page(
        client,
        added.headers["location"].split("?")[0],
        {"enfants.count": "2", "enfants.0.nom": "Durand"},
        action="remove:enfants:1",
    )
    target = removed.headers["location"].split("#")[1]
    assert BeautifulSoup((await client.get(removed.headers["location"])).text, "html.parser").find(id=target)


async def test_a_change_from_the_review_comes_back_to_the_review(client: httpx.AsyncClient) -> None:
    procedure = "beaulac/occupation-terrasse"
    url = f"/{procedure}"
    for data, files in EXAMPLES[procedure]:
        url = (await post_page(client, url, data, files)).headers["location"]
    review = BeautifulSoup((await client.get(url)).text, "html.parser")
    change = review.select(".edit-link")[0]["href"]
    page = BeautifulSoup((await client.get(change)).text, "html.parser")
    action = page.select_one("form.procedure-form")["action"]
    data = {**EXAMPLES[procedure][0][0], "raison_sociale": "Le Café de la Plage"}
    # A mistake first: the page comes back with its error, and still knows where to go.
    wrong = await post_page(client, action, {**data, "siret": "123"})
    assert wrong.status_code == 422
    action = BeautifulSoup(wrong.text, "html.parser").select_one("form.procedure-form")["action"]
    saved = await post_page(client, action, data)
    assert saved.status_code == 303 and saved.headers["location"].endswith("/review")
    assert "Le Café de la Plage" in (await client.get(saved.headers["location"])).text
    # Without coming from the review, "continue" goes on to the next page.
    onwards = await post_page(client, change.split("?")[0], data)
    assert onwards.headers["location"].endswith("/p/2")


async def test_saving_for_later_says_when_a_file_was_not_kept(client: httpx.AsyncClient) -> None:
    url = "/beaulac/signalement-voirie"
    refused = await post_page(
        client,
        url,
        {"description": "Trou"},
        action="save",
        files={"photo": ("photo.png", b"not an image at all", "image/png")},
    )
    assert refused.status_code == 422
    page = BeautifulSoup(refused.text, "html.parser")
    assert "un fichier n’a pas été gardé" in page.select_one(".panel[role=note]").get_text()
    assert (
        "«\u00a0photo.png\u00a0» n’est pas dans un format accepté"
        in page.select_one(".error-summary").get_text()
    )
    action = page.select_one("form.procedure-form")["action"]
    assert action.startswith("/d/")  # the other answers are in the draft already
    kept = BeautifulSoup((await client.get(action)).text, "html.parser")
    assert kept.find(id="f-description").get_text() == "Trou"
    again = await post_page(client, action, {"description": "Trou"}, action="save")
    assert again.status_code == 303 and again.headers["location"].endswith("/saved")


async def test_the_focus_is_given_only_when_an_item_was_just_added(client: httpx.AsyncClient) -> None:
    added = await post_page(
        client,
        "/saint-aubin/inscription-cantine",
        {"enfants.count": "1", "enfants.0.nom": "Durand"},
        action="add:enfants",
    )
    with_focus = BeautifulSoup((await client.get(added.headers["location"])).text, "html.parser")
    assert [element["name"] for element in with_focus.select("[autofocus]")] == ["enfants.1.nom"]
    # The same answers again, the page opened another way: no question grabs the focus.
    plain = BeautifulSoup((await client.get(added.headers["location"].split("?")[0])).text, "html.parser")
    assert plain.select("[autofocus]") == []
