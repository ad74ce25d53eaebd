"""Security headers everywhere; cross-site posts refused, with or without scripts."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.anyio


async def test_pages_carry_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/beaulac")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize(
    "headers",
    [{"sec-fetch-site": "cross-site"}, {"origin": "https://evil.example"}, {"sec-fetch-site": "same-site"}],
)
async def test_cross_site_posts_are_refused(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.post("/beaulac/signalement-voirie", data={"categorie": "autre"}, headers=headers)
    assert response.status_code == 403
    assert "autre site" in response.text


@pytest.mark.parametrize("headers", [{"sec-fetch-site": "same-origin"}, {"origin": "http://testserver"}, {}])
async def test_same_site_posts_go_through(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.post("/beaulac/signalement-voirie", data={"categorie": "autre"}, headers=headers)
    assert response.status_code == 422


async def test_charter_files_stay_inside_their_folder(client: httpx.AsyncClient) -> None:
    assert (await client.get("/charters/beaulac/logo.svg")).status_code == 200
    for name in ("theme.json", "../../app.py", "templates/_header_extra.html", "%2e%2e/%2e%2e/app.py"):
        response = await client.get(f"/charters/beaulac/{name}")
        assert response.status_code == 404, name


async def test_a_charter_overrides_templates_for_its_organisation_only(client: httpx.AsyncClient) -> None:
    assert "charter-tagline" in (await client.get("/beaulac")).text
    assert "charter-tagline" not in (await client.get("/saint-aubin")).text
