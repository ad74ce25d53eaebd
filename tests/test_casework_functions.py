"""Functions of a workflow (the instructeur...) bound to people or to a group decide who takes
a transition; a function whose holders all left is open to every agent again."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.test_casework import case_url, existing, submitted, transitions
from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio


async def test_functions_bound_to_people_decide_who_takes_a_transition(
    app: Any, client: httpx.AsyncClient
) -> None:
    from tests.test_accounts import make_user

    reference, _ = await submitted(client)
    other = make_user(app, "autre.agent@beaulac.example", {"beaulac": "agent"})
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    page = await client.get("/staff/o/beaulac/p/signalement-voirie/functions")
    assert page.status_code == 200 and "instructeur" in page.text
    saved = await client.post(
        "/staff/o/beaulac/p/signalement-voirie/functions", data={"holders-instructeur": [str(other)]}
    )
    assert saved.status_code == 303
    url = case_url((await client.get("/staff/o/beaulac/inbox")).text, reference)
    assert transitions((await client.get(url)).text) == {}  # the administrator no longer holds it
    forged = await client.post(f"{url}/act", data={"do": "transition", "transition": "0", "text": ""})
    assert "fonction" in (await client.get(forged.headers["location"])).text
    client.cookies.clear()
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    assert (await client.get("/staff/o/beaulac/p/signalement-voirie/functions")).status_code == 404


async def test_a_function_whose_holders_left_is_open_again(app: Any, client: httpx.AsyncClient) -> None:
    from designer.admin import functions
    from tests.test_accounts import make_user, organisation_id

    reference, _ = await submitted(client)
    gone = make_user(app, "partie@beaulac.example", {"beaulac": "agent"})
    engine = app.state.site.engine
    procedure = next(p for p in functions.processors(engine, organisation_id(app, "beaulac")) if p.id == gone)
    with engine.connect() as connection:
        from sqlalchemy import select

        from runtime.models import Procedure

        procedure_id = connection.execute(
            select(Procedure.id).where(Procedure.slug == "signalement-voirie")
        ).scalar()
    functions.bind(engine, procedure_id, "instructeur", {procedure.id}, {procedure.id})
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    url = case_url((await client.get("/staff/o/beaulac/inbox")).text, reference)
    assert transitions((await client.get(url)).text) == {}
    _deactivate(engine, gone)  # the only holder leaves
    assert "Prendre en charge" in transitions((await client.get(url)).text)


def _deactivate(engine: Any, user_id: int) -> None:
    from sqlalchemy import update

    from designer.staff_models import StaffUser

    with engine.begin() as connection:
        connection.execute(update(StaffUser).where(StaffUser.id == user_id).values(active=False))


async def test_functions_given_to_a_group_follow_its_members(app: Any, client: httpx.AsyncClient) -> None:
    from tests.test_accounts import make_user

    reference, _ = await submitted(client)
    agent = make_user(app, "voirie@beaulac.example", {"beaulac": "agent"})
    make_user(app, "autre@beaulac.example", {"beaulac": "agent"})
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    await client.post("/staff/o/beaulac/team", data={"op": "group_create", "name": "Voirie <b>"})
    team = BeautifulSoup((await client.get("/staff/o/beaulac/team")).text, "html.parser")
    assert "Voirie <b>" in team.get_text()  # shown literally
    group = (
        team.select_one('input[name="op"][value="group_add"]')
        .find_parent("form")
        .select_one('input[name="group"]')["value"]
    )
    added = await client.post(
        "/staff/o/beaulac/team", data={"op": "group_add", "group": group, "user": str(agent)}
    )
    assert added.status_code == 303
    await client.post("/staff/o/beaulac/p/signalement-voirie/functions", data={"groups-instructeur": [group]})
    page = (await client.get("/staff/o/beaulac/p/signalement-voirie/functions")).text
    assert f'name="groups-instructeur" value="{group}" checked' in page

    client.cookies.clear()
    await existing(client, "autre@beaulac.example")
    url = case_url((await client.get("/staff/o/beaulac/inbox")).text, reference)
    assert transitions((await client.get(url)).text) == {}  # not in the group
    client.cookies.clear()
    await existing(client, "voirie@beaulac.example")
    assert "Prendre en charge" in transitions((await client.get(url)).text)

    client.cookies.clear()
    await signed_in(app, client, "maire@saint-aubin.example", {"saint-aubin": "administrator"})
    forged = await client.post(
        "/staff/o/saint-aubin/team", data={"op": "group_add", "group": group, "user": str(agent)}
    )
    assert forged.status_code == 422  # another organisation's group
