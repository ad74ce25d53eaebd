"""Administrators manage their organisation's staff; nobody else can."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.test_accounts import sign_in
from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio


async def test_an_administrator_adds_staff_who_can_then_sign_in(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    added = await client.post(
        "/staff/o/beaulac/team",
        data={"op": "add", "name": "Léa Agent", "email": "lea@beaulac.example", "role": "agent"},
    )
    assert added.status_code == 200
    password = BeautifulSoup(added.text, "html.parser").select_one(".resume-link code").get_text()
    team = await client.get("/staff/o/beaulac/team")
    assert "lea@beaulac.example" in team.text
    other = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")  # type: ignore[attr-defined]
    async with other:
        assert (await sign_in(other, "lea@beaulac.example", password)).status_code == 303


async def test_roles_change_and_the_last_administrator_stays(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    soup = BeautifulSoup((await client.get("/staff/o/beaulac/team")).text, "html.parser")
    me = soup.select_one('input[name="user"]')["value"]
    refused = await client.post("/staff/o/beaulac/team", data={"op": "role", "user": me, "role": "agent"})
    assert refused.status_code == 422
    assert (
        error_of(refused) == "une organisation garde au moins un administrateur"
    )  # a French page, in French
    removed = await client.post("/staff/o/beaulac/team", data={"op": "remove", "user": me})
    assert removed.status_code == 422
    client.headers["accept-language"] = "en"
    removed = await client.post("/staff/o/beaulac/team", data={"op": "remove", "user": me})
    assert error_of(removed) == "an organisation keeps at least one administrator"


async def test_a_refused_change_of_team_or_group_is_said_in_french(
    app: Any, client: httpx.AsyncClient
) -> None:
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    missing = await client.post(
        "/staff/o/beaulac/team", data={"op": "add", "name": "", "email": "x", "role": "agent"}
    )
    assert error_of(missing) == "indiquez un nom et une adresse électronique"
    assert (
        await client.post("/staff/o/beaulac/team", data={"op": "group_create", "name": "Voirie"})
    ).status_code == 303
    again = await client.post("/staff/o/beaulac/team", data={"op": "group_create", "name": "Voirie"})
    assert again.status_code == 422
    assert error_of(again) == "il existe déjà un groupe nommé «\u00a0Voirie\u00a0»"
    nowhere = await client.post("/staff/o/beaulac/team", data={"op": "group_delete", "group": "9999"})
    assert error_of(nowhere) == "ce groupe n’existe pas dans cette organisation"


def error_of(response: httpx.Response) -> str:
    return BeautifulSoup(response.text, "html.parser").select_one(".error-summary").get_text(strip=True)


async def test_only_administrators_of_the_organisation_manage_it(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    assert (await client.get("/staff/o/beaulac/team")).status_code == 404
    forged = await client.post(
        "/staff/o/beaulac/team", data={"op": "add", "name": "X", "email": "x@y.z", "role": "administrator"}
    )
    assert forged.status_code == 404
    client.cookies.clear()
    await signed_in(app, client, "maire@saint-aubin.example", {"saint-aubin": "administrator"})
    assert (await client.get("/staff/o/beaulac/team")).status_code == 404
