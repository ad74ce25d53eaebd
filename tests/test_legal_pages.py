"""An organisation's legal pages: every footer link of the example themes leads to a page
of the organisation being read, with its own data."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup

from runtime.definition import check_definition
from runtime.legal import conformity, legal_pages, parse_rate

pytestmark = pytest.mark.anyio
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ORGANISATIONS = sorted(
    folder.name for folder in EXAMPLES.iterdir() if (folder / "organisation.json").exists()
)


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def words(node: object) -> str:
    return " ".join(node.get_text(" ").split())  # type: ignore[attr-defined]


@pytest.mark.parametrize("slug", ORGANISATIONS)
async def test_every_footer_link_answers_with_the_organisations_data(
    client: httpx.AsyncClient, slug: str
) -> None:
    info = json.loads((EXAMPLES / slug / "organisation.json").read_text(encoding="utf-8"))
    home = soup((await client.get(f"/{slug}")).text)
    links = [a["href"] for a in home.select(".site-footer .footer-links a")]
    assert links.pop() == f"/{slug}/mes-demandes"  # last, after the theme's own links
    assert len(links) == 4
    for href in links:
        assert href.startswith(f"/{slug}/"), href
        response = await client.get(href)
        assert response.status_code == 200, href
        page = soup(response.text)
        assert page.html is not None and page.html["lang"] == "fr"
        assert len(page.select("h1")) == 1 and page.select_one("main#main") is not None
        text = words(page.select_one("main"))
        assert info["name"] in text, href
        if not href.endswith("/donnees-personnelles"):
            assert info["contact"]["address"] in text or info["legal"]["host_address"] in text, href
        assert page.select_one(f'.legal-nav a[href="{href}"][aria-current="page"]') is not None


async def test_the_legal_notice_names_the_director_and_the_host(client: httpx.AsyncClient) -> None:
    text = words(soup((await client.get("/beaulac/mentions-legales")).text).select_one("main"))
    assert "Claire Morel, maire de Beaulac" in text
    assert "Communauté de communes du Val d'Orne, service numérique" in text
    assert "02 61 91 20 00" in text


async def test_the_data_page_lists_each_procedure_with_its_basis_and_retention(
    client: httpx.AsyncClient,
) -> None:
    page = soup((await client.get("/beaulac/donnees-personnelles")).text)
    procedures = {words(section.h3): words(section) for section in page.select(".legal-procedure")}
    assert len(procedures) == 2
    assert any("Un an après la clôture du signalement." in text for text in procedures.values())
    main = words(page.select_one("main"))
    assert "dpo@beaulac.example" in main
    assert page.select_one('a[href="https://www.cnil.fr/fr/plaintes"]') is not None


@pytest.mark.parametrize(
    ("slug", "state"), [("beaulac", "partial"), ("saint-aubin", "none"), ("val-dorne", "full")]
)
async def test_the_accessibility_statement_states_conformity_and_contact(
    client: httpx.AsyncClient, slug: str, state: str
) -> None:
    info = json.loads((EXAMPLES / slug / "organisation.json").read_text(encoding="utf-8"))
    page = soup((await client.get(f"/{slug}/accessibilite", headers={"accept-language": "en"})).text)
    stated = page.select_one(".conformity")
    assert stated is not None and f"conformity-{state}" in stated["class"]
    wording = {"partial": "partially compliant", "none": "not compliant", "full": "fully compliant"}[state]
    assert wording in words(stated)
    # Every page's footer says it too, whatever the theme's label for that link.
    footer_link = page.select_one(f'.site-footer a[href="/{slug}/accessibilite"]')
    assert footer_link is not None and words(footer_link) == f"Accessibility: {wording}"
    assert page.select_one(f'a[href="mailto:{info["contact"]["email"]}"]') is not None
    assert "Défenseur des droits" in words(page.select_one("main"))
    if state == "partial":
        assert "78% of the RGAA 4.1 criteria" in words(page.select_one("main"))


async def test_an_unknown_organisation_has_no_legal_pages(client: httpx.AsyncClient) -> None:
    assert (await client.get("/nowhere/mentions-legales")).status_code == 404


async def test_pages_of_no_organisation_leave_relative_footer_links_out(client: httpx.AsyncClient) -> None:
    page = soup((await client.get("/")).text)
    assert all(a["href"].startswith(("/", "http", "mailto:")) for a in page.select(".site-footer a"))


def test_conformity_follows_the_audit_rate() -> None:
    assert [conformity(parse_rate(text)) for text in ("", "49,9", "50", "99.5", "100 %")] == [
        "none",
        "none",
        "partial",
        "partial",
        "full",
    ]
    assert parse_rate("101") is None and parse_rate("abc") is None


def test_defaults_complete_the_pages_from_the_name_and_contact() -> None:
    pages = legal_pages(
        "Ville d'Essai", "commune", {"address": "1 rue", "email": "m@essai.example"}, {}, "en"
    )
    assert pages.director == "The mayor of Ville d'Essai"
    assert (pages.host_name, pages.host_address, pages.dpo) == ("Ville d'Essai", "1 rue", "m@essai.example")
    assert pages.conformity == "none" and pages.statement_date is None


@pytest.mark.parametrize("address", ["contact", "mentions-legales", "mes-demandes"])
def test_a_procedure_cannot_take_the_address_of_an_organisations_page(address: str) -> None:
    definition = json.loads((EXAMPLES / "beaulac" / "procedures" / "signalement-voirie.json").read_text())
    definition["id"] = address
    problems = check_definition(definition)
    assert [problem.path for problem in problems] == ["/id"]
