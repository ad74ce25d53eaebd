"""Administrators edit what their organisation's legal pages say; nobody else can."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio
SETTINGS_PAGE = "/staff/o/beaulac/legal"


def form_values(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {
        element["name"]: element.get_text() if element.name == "textarea" else element.get("value", "")
        for element in soup.select(".legal-form input, .legal-form textarea")
    }


async def edit(client: httpx.AsyncClient, changes: dict[str, str]) -> httpx.Response:
    page = await client.get(SETTINGS_PAGE)
    assert page.status_code == 200
    return await client.post(SETTINGS_PAGE, data={**form_values(page.text), **changes})


def main_text(html: str) -> str:
    main = BeautifulSoup(html, "html.parser").select_one("main")
    assert main is not None
    return " ".join(main.get_text(" ").split())


async def test_an_administrator_changes_the_pages_from_the_dashboard(
    app: Any, client: httpx.AsyncClient
) -> None:
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    dashboard = BeautifulSoup((await client.get("/staff")).text, "html.parser")
    assert dashboard.find("a", href=SETTINGS_PAGE) is not None
    page = BeautifulSoup((await client.get(SETTINGS_PAGE)).text, "html.parser")
    assert len(page.select("h1")) == 1
    # Every field has its label; the current values (defaults included) fill the form.
    for field in page.select(".legal-form input, .legal-form textarea"):
        assert page.select_one(f'label[for="{field["id"]}"]') is not None, field["id"]
    assert form_values(str(page))["director"] == "Claire Morel, maire de Beaulac"

    saved = await edit(
        client,
        {
            "director": "Paul Durand, maire de Beaulac",
            "hours": "Du lundi au vendredi.\n\n- Fermé le **mercredi**",
            "audit_rate": "100",
            "audit_date": "2026-10-01",
            "non_accessible": "",
        },
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"{SETTINGS_PAGE}?saved=1"
    assert BeautifulSoup((await client.get(saved.headers["location"])).text, "html.parser").select_one(
        '.panel-success[role="status"]'
    )
    assert "Paul Durand, maire de Beaulac" in main_text((await client.get("/beaulac/mentions-legales")).text)
    contact = BeautifulSoup((await client.get("/beaulac/contact")).text, "html.parser")
    assert contact.select_one("main li strong") is not None  # the Markdown, rendered
    statement = BeautifulSoup((await client.get("/beaulac/accessibilite")).text, "html.parser")
    assert "conformity-full" in statement.select_one(".conformity")["class"]  # type: ignore[index]
    assert "1 octobre 2026" in main_text(str(statement))
    home = await client.get("/beaulac", headers={"accept-language": "en"})
    footer = BeautifulSoup(home.text, "html.parser").select_one(
        '.site-footer a[href="/beaulac/accessibilite"]'
    )
    assert footer is not None and footer.get_text() == "Accessibility: fully compliant"


async def test_problems_show_next_to_their_fields_and_nothing_is_saved(
    app: Any, client: httpx.AsyncClient
) -> None:
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    refused = await edit(
        client,
        {"director": "Quelqu'un d'autre", "email": "pas une adresse", "host_name": "", "audit_rate": "120"},
    )
    assert refused.status_code == 422
    page = BeautifulSoup(refused.text, "html.parser")
    assert page.title is not None and page.title.get_text().startswith("Erreur")
    summary = page.select_one('.error-summary[role="alert"]')
    assert summary is not None
    targets = [a["href"] for a in summary.select("a")]
    assert targets == ["#email", "#host_name", "#audit_rate"]
    for name in ("email", "host_name", "audit_rate"):
        field = page.select_one(f"#{name}")
        assert field is not None and field["aria-invalid"] == "true"
        assert f"{name}-error" in field["aria-describedby"]  # type: ignore[operator]
        assert page.select_one(f"#{name}-error .error-message") is not None
    # What was typed comes back, and the public pages still say the former text.
    assert form_values(refused.text)["director"] == "Quelqu'un d'autre"
    assert "Claire Morel" in main_text((await client.get("/beaulac/mentions-legales")).text)


async def test_markdown_with_html_is_neutralised(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    saved = await edit(
        client,
        {
            "non_accessible": '<script>alert("x")</script>\n\n[lien](javascript:alert(1)) <img src=x onerror=alert(1)>',
            "hours": "<b onclick=alert(1)>Lundi</b>",
        },
    )
    assert saved.status_code == 303
    for url in ("/beaulac/accessibilite", "/beaulac/contact"):
        main = BeautifulSoup((await client.get(url)).text, "html.parser").select_one("main")
        assert main is not None
        assert main.select("script, img, b, [onclick], [onerror]") == []
        assert not any(a.get("href", "").startswith("javascript:") for a in main.select("a"))
    statement = main_text((await client.get("/beaulac/accessibilite")).text)
    assert '<script>alert("x")</script>' in statement  # shown as text, never run


@pytest.mark.parametrize(
    "email, roles",
    [
        ("agent@beaulac.example", {"beaulac": "agent"}),
        ("designer@beaulac.example", {"beaulac": "designer"}),
        ("maire@saint-aubin.example", {"saint-aubin": "administrator"}),
    ],
)
async def test_only_the_organisations_administrators_reach_the_settings(
    app: Any, client: httpx.AsyncClient, email: str, roles: dict[str, str]
) -> None:
    await signed_in(app, client, email, roles)
    assert (await client.get(SETTINGS_PAGE)).status_code == 404
    assert (await client.post(SETTINGS_PAGE, data={"director": "Pirate"})).status_code == 404
    assert "Pirate" not in main_text((await client.get("/beaulac/mentions-legales")).text)
    dashboard = BeautifulSoup((await client.get("/staff")).text, "html.parser")
    assert dashboard.find("a", href=SETTINGS_PAGE) is None


async def test_signed_out_visitors_are_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.post(SETTINGS_PAGE, data={"director": "Pirate"})
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"
