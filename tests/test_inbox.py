"""The agents' inboxes: filters, search, bulk actions, exports of the list, overdue
submissions, entry on behalf of a citizen, assignment to a group; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.example_answers import EXAMPLES
from tests.test_casework import REPORT, case_url, existing, submitted, take
from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio


async def test_inbox_filters_search_and_bulk(app: Any, client: httpx.AsyncClient) -> None:
    references = [(await submitted(client))[0] for _ in range(3)]
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    found = await client.get("/staff/o/beaulac/inbox", params={"q": "BANC public"})
    assert all(reference in found.text for reference in references)
    assert references[0] not in (await client.get("/staff/o/beaulac/inbox", params={"q": "piscine"})).text
    assert references[1] in (await client.get("/staff/o/beaulac/inbox", params={"q": references[1]})).text
    by_field = await client.get(
        "/staff/o/beaulac/p/signalement-voirie/inbox", params={"field": "categorie", "value": "autre"}
    )
    assert references[2] in by_field.text

    inbox = await client.get("/staff/o/beaulac/p/signalement-voirie/inbox")
    soup = BeautifulSoup(inbox.text, "html.parser")
    ids = [box["value"] for box in soup.select('input[name="selected"]')]
    take_charge = next(
        o["value"] for o in soup.select("#bulk-action option") if "Prendre en charge" in o.get_text()
    )
    done = await client.post(
        "/staff/o/beaulac/p/signalement-voirie/inbox/bulk", data={"selected": ids[:2], "action": take_charge}
    )
    assert "2" in (await client.get(done.headers["location"])).text
    moved = await client.get(
        "/staff/o/beaulac/p/signalement-voirie/inbox", params={"status": "en-instruction"}
    )
    assert len(BeautifulSoup(moved.text, "html.parser").select('input[name="selected"]')) == 2
    mine = await client.get("/staff/o/beaulac/inbox", params={"tab": "mine"})
    assert len(BeautifulSoup(mine.text, "html.parser").select("tbody tr a")) == 2


async def test_the_export_of_the_inbox_has_the_lists_rows(app: Any, client: httpx.AsyncClient) -> None:
    import csv
    import io as text_io

    first, _ = await submitted(client)
    second, _ = await submitted(client)
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    url = case_url((await client.get("/staff/o/beaulac/inbox")).text, first)
    await take(client, url, "Prendre en charge")
    inbox = await client.get("/staff/o/beaulac/p/signalement-voirie/inbox", params={"tab": "mine"})
    link = BeautifulSoup(inbox.text, "html.parser").find("a", string="CSV pour tableur")["href"]
    exported = await client.get(link)
    assert exported.status_code == 200
    rows = list(csv.reader(text_io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    references = [row[0] for row in rows[1:]]
    assert references == [first]  # only what the tab "assigned to me" lists
    everything = await client.get("/staff/o/beaulac/p/signalement-voirie/export.csv", params={"tab": "all"})
    assert second in everything.content.decode("utf-8-sig")


async def test_an_agent_enters_a_request_received_by_phone(app: Any, client: httpx.AsyncClient) -> None:
    from tests.conftest import post_page

    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    opened = await client.post("/staff/o/beaulac/p/signalement-voirie/on-behalf", data={"channel": "phone"})
    url = opened.headers["location"]
    assert url.startswith("/d/") and url.endswith("/p/1")
    for data, files in EXAMPLES[REPORT]:
        response = await post_page(client, url, data, files)
        assert response.status_code == 303
        url = response.headers["location"]
    sent = await client.post(url.replace("/review", "/submit"))
    assert sent.headers["location"].startswith("/r/")
    inbox = await client.get("/staff/o/beaulac/inbox")
    row = BeautifulSoup(inbox.text, "html.parser").select_one("tbody tr")
    assert "Par téléphone" in row.get_text()
    page = await client.get(row.find("a")["href"])
    assert "Par téléphone" in page.text
    # Readers do not enter requests.
    client.cookies.clear()
    await signed_in(app, client, "reader@beaulac.example", {"beaulac": "reader"})
    assert (
        await client.post("/staff/o/beaulac/p/signalement-voirie/on-behalf", data={"channel": "phone"})
    ).status_code == 404


async def test_overdue_submissions_are_listed_apart(app: Any, client: httpx.AsyncClient) -> None:
    import datetime as dt

    from sqlalchemy import update

    from runtime.models import Submission

    late, _ = await submitted(client)
    on_time, _ = await submitted(client)
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    for reference in (late, on_time):
        await take(
            client,
            case_url((await client.get("/staff/o/beaulac/inbox")).text, reference),
            "Prendre en charge",
        )  # sets a 15-day deadline
    with app.state.site.engine.begin() as connection:
        connection.execute(
            update(Submission)
            .where(Submission.reference == late)
            .values(deadline=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        )
    overdue = await client.get("/staff/o/beaulac/inbox", params={"overdue": "1"})
    assert late in overdue.text and on_time not in overdue.text
    row = BeautifulSoup(overdue.text, "html.parser").find("a", string=late).find_parent("tr")
    assert row.select_one(".overdue") is not None  # shown as late


async def test_a_group_takes_charge_and_its_members_see_it_as_theirs(
    app: Any, client: httpx.AsyncClient
) -> None:
    from tests.test_accounts import make_user

    reference, _ = await submitted(client)
    member = make_user(app, "equipe@beaulac.example", {"beaulac": "agent"})
    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    await client.post("/staff/o/beaulac/team", data={"op": "group_create", "name": "Voirie"})
    team = BeautifulSoup((await client.get("/staff/o/beaulac/team")).text, "html.parser")
    group = (
        team.select_one('input[name="op"][value="group_add"]')
        .find_parent("form")
        .select_one('input[name="group"]')["value"]
    )
    await client.post("/staff/o/beaulac/team", data={"op": "group_add", "group": group, "user": str(member)})
    url = case_url((await client.get("/staff/o/beaulac/inbox")).text, reference)
    await client.post(f"{url}/act", data={"do": "assign", "assignee": f"g{group}"})
    facts = BeautifulSoup((await client.get(url)).text, "html.parser").select_one(".case-facts").get_text()
    assert "Groupe\u00a0: Voirie" in facts
    listed = await client.get("/staff/o/beaulac/inbox", params={"assignee": f"g{group}"})
    assert reference in listed.text
    from designer.admin.functions import recipients_for
    from tests.test_accounts import organisation_id

    recipients = recipients_for(app.state.site.engine)
    assert recipients(organisation_id(app, "beaulac"), 1, "assignee", None, int(group)) == [
        "equipe@beaulac.example"
    ]
    forged = await client.post(f"{url}/act", data={"do": "assign", "assignee": "g999999"})
    assert "Choisissez" in (await client.get(forged.headers["location"])).text
    client.cookies.clear()
    await existing(client, "equipe@beaulac.example")
    assert reference in (await client.get("/staff/o/beaulac/inbox", params={"tab": "mine"})).text
