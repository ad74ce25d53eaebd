"""Every example procedure, filled and submitted over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.conftest import complete, errors_in, post_page
from tests.example_answers import EXAMPLES

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("procedure", sorted(EXAMPLES))
async def test_every_example_can_be_completed(client: httpx.AsyncClient, procedure: str) -> None:
    receipt = await complete(client, procedure, EXAMPLES[procedure])
    page = BeautifulSoup(receipt.text, "html.parser")
    reference = page.select_one(".reference").get_text(strip=True)
    assert re.fullmatch(r"[A-Z]{2,5}-\d{4}-\d{6}", reference)
    follow_link = page.find("a", href=re.compile(r"^/s/[^/]+$"))
    follow = await client.get(follow_link["href"])
    assert follow.status_code == 200
    assert reference in follow.text
    pdf_link = page.find("a", href=re.compile(r"receipt\.pdf$"))
    pdf = await client.get(pdf_link["href"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_organisation_home_lists_open_procedures_in_its_charter(client: httpx.AsyncClient) -> None:
    response = await client.get("/beaulac")
    page = BeautifulSoup(response.text, "html.parser")
    links = {a["href"] for a in page.select(".card-title a")}
    assert "/beaulac/signalement-voirie" in links and "/beaulac/occupation-terrasse" in links
    assert "/val-dorne/budget-participatif" not in links
    assert page.select_one('link[href="/charters/beaulac/charter.css"]') is not None
    assert page.select_one(".brand-name").get_text(strip=True) == "Ville de Beaulac"


async def test_the_index_lists_the_organisations(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    names = [
        a.get_text(strip=True) for a in BeautifulSoup(response.text, "html.parser").select(".card-title a")
    ]
    assert len(names) == 3 and "Ville de Beaulac" in names


async def test_a_page_with_errors_lists_them_at_the_top_and_by_each_field(client: httpx.AsyncClient) -> None:
    response = await post_page(
        client, "/beaulac/signalement-voirie", {"categorie": "autre", "lieu.postcode": "123"}
    )
    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    assert page.title.get_text().startswith("Erreur – ")
    summary = page.select_one(".error-summary")
    assert summary is not None and summary.has_attr("autofocus")
    targets = [a["href"].lstrip("#") for a in summary.select("a")]
    for target in targets:
        assert page.find(id=target) is not None, target
    precision = page.find(id="f-precision")
    assert precision["aria-invalid"] == "true"
    described = precision["aria-describedby"].split()
    assert "f-precision-error" in described
    assert "Ce champ est obligatoire." in page.find(id="f-precision-error").get_text()
    assert "5 chiffres" in " ".join(errors_in(response.text))


async def test_a_condition_shows_and_hides_a_field_without_javascript(client: httpx.AsyncClient) -> None:
    first = await client.get("/beaulac/signalement-voirie")
    assert BeautifulSoup(first.text, "html.parser").find(id="f-precision") is None
    assert BeautifulSoup(first.text, "html.parser").find(id="slot-precision") is not None
    refreshed = await post_page(
        client, "/beaulac/signalement-voirie", {"categorie": "autre"}, action="refresh"
    )
    assert refreshed.status_code == 303
    page = await client.get(refreshed.headers["location"])
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.find(id="f-precision") is not None
    assert soup.find("input", attrs={"name": "categorie", "value": "autre"}).has_attr("checked")


async def test_the_live_refresh_returns_only_the_slots_whose_visibility_changed(
    client: httpx.AsyncClient,
) -> None:
    async def refresh(data: dict[str, str]) -> BeautifulSoup:
        response = await client.post(
            "/beaulac/signalement-voirie/refresh", data=data, headers={"hx-request": "true"}
        )
        assert response.status_code == 200
        return BeautifulSoup(response.text, "html.parser")

    revealed = await refresh({"categorie": "autre"})
    assert revealed.find("html") is None
    slot = revealed.find(id="slot-precision")
    assert slot["hx-swap-oob"] == "true" and slot.find(id="f-precision") is not None
    assert revealed.find(id="f-description") is None  # fields without conditions are left alone
    # The page already shows the question: the answer leaves it, and what is typed in it, alone.
    unchanged = await refresh({"categorie": "autre", "precision": "Banc", "parvis-shown": "slot-precision"})
    assert unchanged.find(id="slot-precision") is None
    hidden = await refresh({"categorie": "eclairage", "parvis-shown": "slot-precision"})
    emptied = hidden.find(id="slot-precision")
    assert emptied is not None and emptied.find(id="f-precision") is None
    assert (await refresh({"categorie": "eclairage"})).find(id="slot-precision") is None


async def test_a_draft_can_be_saved_and_resumed(client: httpx.AsyncClient) -> None:
    saved = await post_page(client, "/beaulac/signalement-voirie", {"description": "Trou"}, action="save")
    assert saved.status_code == 303 and saved.headers["location"].endswith("/saved")
    page = await client.get(saved.headers["location"])
    resume = BeautifulSoup(page.text, "html.parser").select_one(".resume-link a")["href"]
    assert resume.startswith("http://testserver/d/")
    again = await client.get(resume.replace("http://testserver", ""))
    assert again.status_code == 303
    form = await client.get(again.headers["location"])
    assert "Trou" in BeautifulSoup(form.text, "html.parser").find(id="f-description").get_text()


async def test_review_lists_every_answer_and_links_back_to_each_page(client: httpx.AsyncClient) -> None:
    pages = EXAMPLES["saint-aubin/satisfaction-services"]
    url = "/saint-aubin/satisfaction-services"
    for data, files in pages:
        url = (await post_page(client, url, data, files)).headers["location"]
    review = BeautifulSoup((await client.get(url)).text, "html.parser")
    text = review.get_text(" ")
    assert "Tout à fait d’accord" in text or "tout-a-fait" not in text
    assert "Très bon accueil." in text
    edits = [a["href"] for a in review.select("a.edit-link")]
    assert edits and all(re.search(r"/p/\d+\?return=review$", href) for href in edits)


async def test_a_repeatable_group_adds_and_removes_items_without_javascript(
    client: httpx.AsyncClient,
) -> None:
    first = await post_page(
        client,
        "/saint-aubin/inscription-cantine",
        {"enfants.count": "1", "enfants.0.prenom": "Léa"},
        action="add:enfants",
    )
    assert first.status_code == 303 and first.headers["location"].endswith("?focus=enfants.1.nom")
    page_url = first.headers["location"].split("?")[0]
    soup = BeautifulSoup((await client.get(page_url)).text, "html.parser")
    assert soup.find(id="f-enfants-1-prenom") is not None
    assert soup.find(id="f-enfants-0-prenom")["value"] == "Léa"
    removed = await post_page(
        client,
        page_url,
        {"enfants.count": "2", "enfants.0.prenom": "Léa", "enfants.1.prenom": "Tom"},
        action="remove:enfants:0",
    )
    soup = BeautifulSoup((await client.get(removed.headers["location"].split("#")[0])).text, "html.parser")
    assert soup.find(id="f-enfants-0-prenom")["value"] == "Tom"
    assert soup.find(id="f-enfants-1-prenom") is None


async def test_the_language_switcher_and_accept_language(client: httpx.AsyncClient) -> None:
    english = await client.get("/beaulac/signalement-voirie", headers={"accept-language": "en-GB,en;q=0.9"})
    assert BeautifulSoup(english.text, "html.parser").html["lang"] == "en"
    assert "Report a problem" in english.text or "Report" in english.text
    switched = await client.get("/lang/fr?next=/beaulac/signalement-voirie")
    assert switched.status_code == 303 and switched.headers["location"] == "/beaulac/signalement-voirie"
    client.cookies.set("parvis_lang", switched.cookies["parvis_lang"])
    french = await client.get("/beaulac/signalement-voirie", headers={"accept-language": "en"})
    assert BeautifulSoup(french.text, "html.parser").html["lang"] == "fr"
    outside = await client.get("/lang/en?next=https://evil.example/")
    assert outside.headers["location"] == "/"


async def test_unknown_pages_get_a_friendly_404(client: httpx.AsyncClient) -> None:
    for url in ("/nowhere", "/beaulac/nothing", "/d/unknown/p/1", "/s/unknown", "/r/unknown", "/d/x/review"):
        response = await client.get(url)
        assert response.status_code == 404, url
        assert "<h1>" in response.text


async def test_errors_inside_a_group_name_their_item(client: httpx.AsyncClient) -> None:
    response = await post_page(
        client,
        "/saint-aubin/inscription-cantine",
        {"enfants.count": "2", "enfants.0.nom": "Durand", "enfants.1.nom": "Durand"},
    )
    assert response.status_code == 422
    links = [
        a.get_text(" ", strip=True)
        for a in BeautifulSoup(response.text, "html.parser").select(".error-summary a")
    ]
    assert any(text.startswith("Enfant 2 – ") for text in links), links


async def test_one_answer_per_person_by_e_mail_address(client: httpx.AsyncClient) -> None:
    from tests.conftest import post_page
    from tests.example_answers import EXAMPLES

    ballot = "val-dorne/budget-participatif"
    pages = [(dict(data), files) for data, files in EXAMPLES[ballot]]
    pages[-1][0]["courriel"] = "Jeanne.Voter@example.fr"

    async def vote(address: str) -> httpx.Response:
        pages[-1][0]["courriel"] = address
        url = f"/{ballot}"
        for data, files in pages:
            url = (await post_page(client, url, data, files)).headers["location"]
        return await client.post(url.replace("/review", "/submit"))

    first = await vote("Jeanne.Voter@example.fr")
    assert first.headers["location"].startswith("/r/")
    again = await vote("jeanne.voter@EXAMPLE.fr")  # the same address, written differently
    assert again.headers["location"].endswith("/review?already=1")
    page = await client.get(again.headers["location"])
    assert "déjà été envoyée" in page.text
    other = await vote("paul@example.fr")
    assert other.headers["location"].startswith("/r/")
    receipt = await client.get(first.headers["location"])
    follow = BeautifulSoup(receipt.text, "html.parser").find(
        "a", href=lambda h: h and h.startswith("/s/") and not h.endswith(".pdf")
    )["href"]
    await client.post(f"{follow}/withdraw", data={"confirm": "yes"})
    assert (await vote("jeanne.voter@example.fr")).headers["location"].startswith("/r/")
