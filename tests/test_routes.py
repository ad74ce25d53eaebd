"""The URL maps: every staff page of an organisation is guarded, unknown addresses are 404,
and route names resolve through the groups (Mount) as they did in flat lists."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

from designer.web.routes import routes as staff_routes
from runtime.web.routes import routes as citizen_routes
from runtime.web.routing import TRAILING_SLASH
from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio

# What each parameter of a staff address is, on another organisation than the signed-in one.
PARAMETERS: dict[str, Any] = {
    "org": "saint-aubin",
    "slug": "inscription-cantine",
    "id": "1",
    "file": "x",
    "page": 0,
    "what": "definition",
    "format": "csv",
}


def walk(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[str, Route]]:
    """Every route of a map with its whole path, groups opened."""
    for route in routes:
        if isinstance(route, Mount):
            yield from walk(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, route


def organisation_pages() -> list[tuple[str, str]]:
    """(method, name) of every staff route of an organisation, each method it takes."""
    found = []
    for path, route in walk(staff_routes):
        if path.startswith("/staff/o/{org}/") and route.name != TRAILING_SLASH:
            found += [(method, route.name) for method in sorted(route.methods or ()) if method != "HEAD"]
    return found


def url_of(app: Any, name: str) -> str:
    path = next(path for path, route in walk(app.routes) if route.name == name)
    wanted = {match.split(":")[0] for match in re.findall(r"{([^}]+)}", path)}
    return str(app.url_path_for(name, **{key: PARAMETERS[key] for key in wanted}))


def test_every_route_has_its_own_name() -> None:
    names = [route.name for _path, route in walk([*staff_routes, *citizen_routes])]
    named = [name for name in names if name != TRAILING_SLASH]
    assert len(named) == len(set(named))
    assert len(organisation_pages()) > 25


async def test_another_organisations_pages_are_404_and_signed_out_go_to_sign_in(
    app: Any, client: httpx.AsyncClient
) -> None:
    pages = organisation_pages()
    for method, name in pages:
        response = await client.request(method, url_of(app, name))
        assert (response.status_code, response.headers.get("location")) == (303, "/staff/login"), name
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    for method, name in pages:
        response = await client.request(method, url_of(app, name))
        assert response.status_code == 404, f"{method} {name}"
        assert "Page introuvable" in response.text or "Page not found" in response.text
    # The same addresses on the person's own organisation open (the guard lets them through).
    own = await client.get(url_of(app, "staff_team").replace("saint-aubin", "beaulac"))
    assert own.status_code == 200


async def test_unknown_staff_addresses_are_404(app: Any, client: httpx.AsyncClient) -> None:
    for signed in (False, True):
        if signed:
            await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
        for path in ("/staff/nowhere", "/staff/o/beaulac/nowhere", "/staff/o/beaulac/p/x/nowhere"):
            assert (await client.get(path)).status_code == 404, path
        # Only the definition and the schema are exported as JSON.
        assert (await client.get("/staff/o/beaulac/p/signalement-voirie/other.json")).status_code == 404


async def test_an_address_with_a_trailing_slash_leads_to_the_page(client: httpx.AsyncClient) -> None:
    for path in ("/staff/", "/beaulac/signalement-voirie/", "/d/unknown/", "/s/unknown/"):
        response = await client.get(path + "?a=1")
        assert response.status_code == 307, path
        assert response.headers["location"] == f"http://testserver{path.rstrip('/')}?a=1"
    found = await client.get("/beaulac/signalement-voirie/", follow_redirects=True)
    assert found.status_code == 200


async def test_citizen_and_api_addresses_keep_their_names(app: Any) -> None:
    assert app.url_path_for("start", org="beaulac", procedure="p") == "/beaulac/p"
    assert app.url_path_for("page", token="t", number=2) == "/d/t/p/2"
    assert app.url_path_for("follow_file", token="t", file="f") == "/s/t/files/f"
    assert app.url_path_for("api_submit", org="o", slug="p") == "/api/o/procedures/p/submissions"
    assert app.url_path_for("staff_export", org="o", slug="p", what="schema") == "/staff/o/o/p/p/schema.json"
    assert app.url_path_for("staff_case_act", org="o", id=3) == "/staff/o/o/s/3/act"


async def test_signing_out_takes_a_post_so_a_link_cannot_sign_anyone_out(
    app: Any, client: httpx.AsyncClient
) -> None:
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    assert (await client.get("/staff/logout")).status_code == 405
    assert (await client.get("/staff/o/beaulac/inbox")).status_code == 200  # still signed in
