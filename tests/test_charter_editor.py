"""Administrators edit their organisation's charter; citizens see it at once; nothing unsafe passes."""

from __future__ import annotations

import base64
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio
EDITOR = "/staff/o/beaulac/charter"
REPORT = "beaulac/signalement-voirie"


def png(width: int, height: int, colour: str = "#0b5470", noise: bool = False) -> bytes:
    image = (
        Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
        if noise
        else Image.new("RGB", (width, height), colour)
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def form_values(html: str) -> dict[str, str]:
    """What the editor's form would post as it stands (no file, no button)."""
    soup = BeautifulSoup(html, "html.parser")
    values: dict[str, str] = {}
    for element in soup.select("#charter-form input, #charter-form select, #charter-form textarea"):
        name = element.get("name")
        if not name or name == "action" or element.get("type") == "file":
            continue
        if element.get("type") == "checkbox":
            if element.has_attr("checked"):
                values[name] = "on"
        elif element.name == "select":
            chosen = element.select_one("option[selected]") or element.select_one("option")
            values[name] = chosen["value"]
        elif element.name == "textarea":
            values[name] = element.get_text()
        else:
            values[name] = element.get("value", "")
    return values


async def edit(
    client: httpx.AsyncClient,
    changes: dict[str, str],
    action: str = "save",
    logo: tuple[str, bytes, str] | None = None,
    url: str = EDITOR,
) -> httpx.Response:
    page = await client.get(EDITOR)
    assert page.status_code == 200
    data = {**form_values(page.text), **changes, "action": action}
    parts: list[tuple[str, Any]] = [(name, (None, value.encode())) for name, value in data.items()]
    if logo is not None:
        parts.append(("logo", logo))
    return await client.post(url, files=parts)


async def charter_css(client: httpx.AsyncClient, html: str) -> str:
    link = BeautifulSoup(html, "html.parser").find("link", href=re.compile(r"^/charters/.+/charter\.css$"))[
        "href"
    ]
    response = await client.get(link)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
    return response.text


def footer_links(html: str) -> dict[str, str]:
    return {
        a.get_text(): a["href"]
        for a in BeautifulSoup(html, "html.parser").select(".site-footer .footer-links a")
    }


def errors(html: str) -> list[str]:
    return [p.get_text(" ", strip=True) for p in BeautifulSoup(html, "html.parser").select(".error-message")]


def edited_themes(app: Any) -> list[str]:
    folder: Path = app.state.site.settings.data_dir / "themes"
    return (
        sorted(path.name for path in folder.iterdir() if not path.name.startswith("."))
        if folder.exists()
        else []
    )


async def test_new_colours_and_links_show_at_once_on_the_home_and_form_pages(
    app: Any, client: httpx.AsyncClient
) -> None:
    # Citizens' pages first, so that every cache holds the former charter.
    home = await client.get("/beaulac")
    start = await client.get(f"/{REPORT}")
    assert "--parvis-primary:#0b5470" in await charter_css(client, home.text)
    draft = await client.post(f"/{REPORT}", data={"action": "save"})
    draft_page = draft.headers["location"].replace("/saved", "/p/1")
    assert (await client.get(draft_page)).status_code == 200

    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    dashboard = await client.get("/staff")
    assert BeautifulSoup(dashboard.text, "html.parser").find("a", href=EDITOR) is not None
    saved = await edit(
        client,
        {
            "color-primary": "#123456",
            "color-focus": "#6d28d9",
            "font_heading": "serif",
            "link-4-label_fr": "Plan d’accès",
            "link-4-url": "https://beaulac.example/plan",
            "link-5-label_fr": "Écrire à la mairie",
            "link-5-url": "mailto:contact@beaulac.example",
        },
    )
    assert saved.status_code == 303, errors(saved.text)
    assert saved.headers["location"] == f"{EDITOR}?saved=1"
    assert "enregistrée" in (await client.get(saved.headers["location"])).text

    for url in ("/beaulac", f"/{REPORT}", draft_page):
        page = await client.get(url)
        assert page.status_code == 200
        css = await charter_css(client, page.text)
        assert "--parvis-primary:#123456" in css and "--parvis-focus:#6d28d9" in css
        assert "--parvis-font-heading:Georgia" in css
        links = footer_links(page.text)
        assert links["Plan d’accès"] == "https://beaulac.example/plan"
        assert links["Écrire à la mairie"] == "mailto:contact@beaulac.example"
        assert links["Mentions légales"] == "/beaulac/mentions-legales"  # the former links are kept
        # The shipped theme's template override is still used by the edited charter.
        assert "Beaulac, ville au bord de l'eau" in page.text
    assert start.status_code == 200
    theme = json.loads(
        (app.state.site.settings.data_dir / "themes" / edited_themes(app)[0] / "theme.json").read_text()
    )
    assert theme["base"] == "beaulac"


async def test_a_low_contrast_pair_is_refused_with_its_colours_and_nothing_is_saved(
    app: Any, client: httpx.AsyncClient
) -> None:
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    refused = await edit(client, {"color-text": "#9a9a9a", "color-primary": "#123456"})
    assert refused.status_code == 422
    soup = BeautifulSoup(refused.text, "html.parser")
    summary = soup.select_one(".error-summary").get_text(" ", strip=True)
    assert "#9a9a9a" in summary and "#eef6f7" in summary and "4,5:1" in summary
    assert re.search(r"contraste est de 2,\d\d:1", summary)
    note = soup.select_one("#colour-note-text").get_text(" ", strip=True)
    assert "#9a9a9a" in note and "#ffffff" in note  # next to the field: on the cards too
    assert soup.select_one("#color-text")["aria-invalid"] == "true"
    assert soup.select_one("#color-primary")["value"] == "#123456"  # what was typed is kept
    assert edited_themes(app) == []
    assert "--parvis-primary:#0b5470" in await charter_css(client, (await client.get("/beaulac")).text)


async def test_the_preview_shows_the_values_without_saving(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    page = await client.get(EDITOR)
    data = {
        **form_values(page.text),
        "color-primary": "#5b21b6",
        "color-muted_text": "#c0c0c0",
        "link-3-label_fr": "Nouveau lien",
        "link-3-url": "/nouveau",
    }
    fragment = await client.post(f"{EDITOR}/preview", data=data, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    soup = BeautifulSoup(fragment.text, "html.parser")
    assert soup.select_one("#charter-preview .procedure-form .button.primary") is not None
    assert soup.select_one("#charter-preview input[name='email']") is not None  # the runtime's own fields
    assert "Nouveau lien" in soup.select_one("#charter-preview .footer-links").get_text()
    css = await client.get(soup.select_one("#charter-preview link")["href"])
    assert css.text.startswith(".charter-preview{") and "--parvis-primary:#5b21b6" in css.text
    note = soup.select_one("#colour-note-muted_text[hx-swap-oob]").get_text(" ", strip=True)
    assert "#c0c0c0" in note and "4,5:1" in note
    svg = await client.post(
        f"{EDITOR}/preview", data=data, files={"logo": ("logo.svg", b"<svg/>", "image/svg+xml")}
    )
    assert "SVG" in BeautifulSoup(svg.text, "html.parser").select_one("#logo-note[hx-swap-oob]").get_text()
    logo = png(30, 10)
    shown = await client.post(f"{EDITOR}/preview", data=data, files={"logo": ("logo.png", logo, "image/png")})
    src = BeautifulSoup(shown.text, "html.parser").select_one("#charter-preview .brand-logo")["src"]
    assert src == "data:image/png;base64," + base64.b64encode(logo).decode()
    # Without scripts, the "update the preview" button shows the same on the whole page.
    plain = await client.post(EDITOR, data={**data, "action": "preview"})
    assert plain.status_code == 200
    assert (
        "Nouveau lien" in BeautifulSoup(plain.text, "html.parser").select_one("#charter-preview").get_text()
    )
    assert edited_themes(app) == []


async def test_a_png_logo_is_taken_and_served_on_the_public_page(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    logo = png(120, 48)
    saved = await edit(client, {"logo_alt": "Blason de Beaulac"}, logo=("blason.png", logo, "image/png"))
    assert saved.status_code == 303, errors(saved.text)
    home = BeautifulSoup((await client.get("/beaulac")).text, "html.parser")
    image = home.select_one(".brand-logo")
    assert re.fullmatch(r"/charters/beaulac-r1/logo-[0-9a-f]{8}\.png", image["src"])
    assert image["alt"] == "Blason de Beaulac"  # says more than the name next to it
    served = await client.get(image["src"])
    assert served.status_code == 200 and served.content == logo
    assert served.headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
        ("logo.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
        ("logo.png", "Ceci n’est pas une image.\n".encode() * 20, "n’est pas une image PNG, JPEG ou WebP"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "n’a pas pu être ouvert"),
        ("huge.png", None, "500\u00a0ko"),
    ],
)
async def test_unsafe_or_unfit_logos_are_refused(
    app: Any, client: httpx.AsyncClient, name: str, content: bytes | None, expected: str
) -> None:
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    data = content if content is not None else png(600, 600, noise=True)
    assert len(data) > 500_000 or content is not None
    refused = await edit(client, {}, logo=(name, data, "image/png"))
    assert refused.status_code == 422
    message = " ".join(errors(refused.text))
    assert expected in message and name in message
    assert edited_themes(app) == []


async def test_hostile_footer_labels_are_shown_literally(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    hostile = '<script>alert("x")</script>{{ 7 * 7 }}{% if true %}oui{% endif %}'
    saved = await edit(
        client,
        {
            "link-3-label_fr": hostile,
            "link-3-url": "/contact#{{7*7}}",
            "footer_text_fr": "<b>Mairie</b> {{ config }}",
        },
    )
    assert saved.status_code == 303, errors(saved.text)
    for url in ("/beaulac", f"/{REPORT}"):
        page = await client.get(url)
        soup = BeautifulSoup(page.text, "html.parser")
        footer = soup.select_one(".site-footer")
        assert footer.select("script, b") == []
        assert hostile in footer.get_text()
        assert "<b>Mairie</b> {{ config }}" in footer.get_text()
    editor = BeautifulSoup((await client.get(EDITOR)).text, "html.parser")
    assert editor.select_one("#link-3")["value"] == hostile
    assert hostile in editor.select_one("#charter-preview .footer-links").get_text()


async def test_addresses_other_than_web_mail_or_site_paths_are_refused(
    app: Any, client: httpx.AsyncClient
) -> None:
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    for url in ("javascript:alert(1)", "//evil.example/x", "data:text/html,hello", "ftp://files.example"):
        refused = await edit(client, {"link-4-label_fr": "Piège", "link-4-url": url})
        assert refused.status_code == 422
        row = BeautifulSoup(refused.text, "html.parser").select_one("fieldset.link-row.field-error")
        assert row is not None and row.legend is not None and row.legend.get_text() == "Lien 5", url
    missing = await edit(client, {"link-4-url": "/sans-libelle"})
    assert "Lien 5\u00a0: écrivez son libellé en français." in errors(missing.text)
    assert edited_themes(app) == []


@pytest.mark.parametrize(
    "email, roles",
    [
        ("designer@beaulac.example", {"beaulac": "designer"}),
        ("agent@beaulac.example", {"beaulac": "agent"}),
        ("lecteur@beaulac.example", {"beaulac": "reader"}),
        ("maire@saint-aubin.example", {"saint-aubin": "administrator"}),
    ],
)
async def test_only_the_organisations_administrators_reach_the_editor(
    app: Any, client: httpx.AsyncClient, email: str, roles: dict[str, str]
) -> None:
    await signed_in(app, client, email, roles)
    values = {"color-primary": "#000000", "link-0-label_fr": "Piège", "link-0-url": "/x", "action": "save"}
    assert (await client.get(EDITOR)).status_code == 404
    assert (await client.post(EDITOR, data=values)).status_code == 404
    assert (await client.post(f"{EDITOR}/preview", data=values)).status_code == 404
    assert (await client.get(f"{EDITOR}/preview.css?color-primary=%23000000")).status_code == 404
    assert edited_themes(app) == []
    dashboard = await client.get("/staff")
    assert BeautifulSoup(dashboard.text, "html.parser").find("a", href=EDITOR) is None


async def test_signed_out_visitors_and_cross_site_posts_change_nothing(
    app: Any, client: httpx.AsyncClient
) -> None:
    assert (await client.get(EDITOR)).headers["location"] == "/staff/login"
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    values = {**form_values((await client.get(EDITOR)).text), "color-primary": "#000000", "action": "save"}
    forged = await client.post(EDITOR, data=values, headers={"sec-fetch-site": "cross-site"})
    assert forged.status_code == 403
    forged = await client.post(EDITOR, data=values, headers={"origin": "https://evil.example"})
    assert forged.status_code == 403
    assert edited_themes(app) == []


async def test_saving_again_keeps_the_logo_and_removes_charters_nobody_uses(
    app: Any, client: httpx.AsyncClient
) -> None:
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    logo = png(60, 30)
    assert (await edit(client, {}, logo=("logo.png", logo, "image/png"))).status_code == 303
    assert (await edit(client, {"color-primary": "#123456"})).status_code == 303
    assert (await edit(client, {"color-primary": "#234567"})).status_code == 303
    assert edited_themes(app) == ["beaulac-r2", "beaulac-r3"]  # the current one and the one before
    home = BeautifulSoup((await client.get("/beaulac")).text, "html.parser")
    image = home.select_one(".brand-logo")
    assert image["src"].startswith("/charters/beaulac-r3/") and image["alt"] == ""  # the name is next to it
    assert (await client.get(image["src"])).content == logo
    removed = await edit(client, {"remove_logo": "on"})
    assert removed.status_code == 303
    assert BeautifulSoup((await client.get("/beaulac")).text, "html.parser").select_one(".brand-logo") is None
