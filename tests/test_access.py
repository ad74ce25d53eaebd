"""Finding one's requests again: one mail with the links of an address's requests and saved
answers in an organisation, the same page whatever the address, and a limit per address and
per client; the "one answer per person" message leads there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from runtime import access
from runtime.actions import citizen_mails, worker
from tests.conftest import Inbox, complete, post_page
from tests.example_answers import EXAMPLES
from tests.test_citizen_mails import BASE, client_of, last_submission, mailing_app, text_of

pytestmark = pytest.mark.anyio
REPORT = "beaulac/signalement-voirie"
TERRACE = "beaulac/occupation-terrasse"
FIND = "/beaulac/mes-demandes"


def test_addresses_are_checked_and_masked() -> None:
    assert access.checked("  Marie.Dupont@Example.fr ") == "Marie.Dupont@Example.fr"
    for wrong in (
        "",
        "marie",
        "marie@",
        "@example.fr",
        "ma rie@example.fr",
        "a@b",
        "x" * 250 + "@example.fr",
    ):
        assert access.checked(wrong) is None, wrong
    assert access.mask("alice.dupont@exemple.fr") == "a.d…@exemple.fr"
    assert access.mask("bob@exemple.fr") == "b…@exemple.fr"


def with_address(pages: list[Any], address: str) -> list[Any]:
    changed = [(dict(data), files) for data, files in pages]
    for data, _ in changed:
        if "courriel" in data:
            data["courriel"] = address
    return changed


async def ask(client: httpx.AsyncClient, address: str) -> httpx.Response:
    return await client.post(FIND, data={"email": address})


async def test_the_mail_lists_the_requests_and_drafts_of_that_address_only(
    backend: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    received, port = smtp
    app = mailing_app(backend, tmp_path, port)
    try:
        async with client_of(app) as client:
            await complete(client, REPORT, EXAMPLES[REPORT])
            mine = last_submission(app)
            await complete(client, REPORT, with_address(EXAMPLES[REPORT], "paul@example.fr"))
            other = last_submission(app)
            # Answers saved to finish later, with the address given on their second page.
            (first, files), (contact, _) = EXAMPLES[REPORT]
            url = (await post_page(client, f"/{REPORT}", first, files)).headers["location"]
            draft = url.split("/")[2]
            await post_page(client, url, contact, action="save")
            await worker.drain(app.state.site)
            received.messages.clear()

            form = BeautifulSoup((await client.get(FIND)).text, "html.parser")
            assert form.select_one('form[method="post"] label[for="find-email"]') is not None
            assert form.select_one("#find-email")["autocomplete"] == "email"  # type: ignore[index]
            asked = await ask(client, "MARIE.DUPONT@example.fr")  # however it is written
            assert asked.status_code == 303 and asked.headers["location"] == f"{FIND}?sent=1"
            assert await worker.drain(app.state.site) == 1
        [(recipients, mail)] = received.messages
        assert recipients == ["MARIE.DUPONT@example.fr"]
        text = text_of(mail)
        assert f"{BASE}/s/{mine.follow_token}" in text and mine.reference in text
        assert f"{BASE}/d/{draft}" in text
        assert other.follow_token not in text and other.reference not in text
        assert "Ville de Beaulac" in mail["From"]
    finally:
        app.state.site.engine.dispose()


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    backend: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    received, port = smtp
    app = mailing_app(backend, tmp_path, port)
    try:
        async with client_of(app) as client:
            await complete(client, REPORT, EXAMPLES[REPORT])
            await worker.drain(app.state.site)
            received.messages.clear()
            known, unknown = (
                await ask(client, "marie.dupont@example.fr"),
                await ask(client, "nobody@example.fr"),
            )
            assert (known.status_code, known.headers["location"]) == (
                unknown.status_code,
                unknown.headers["location"],
            )
            page = BeautifulSoup((await client.get(unknown.headers["location"])).text, "html.parser")
            assert page.select_one('[role="status"]') is not None and page.select_one("form") is None
            assert await worker.drain(app.state.site) == 2
        assert [recipients for recipients, _ in received.messages] == [["marie.dupont@example.fr"]]
    finally:
        app.state.site.engine.dispose()


async def test_asking_too_often_is_refused_with_a_clear_message(
    backend: str, tmp_path: Path, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    received, port = smtp
    app = mailing_app(backend, tmp_path, port)
    per_address, _ = access.LIMITS["requests"]
    monkeypatch.setitem(access.LIMITS, "requests", (per_address, per_address + 2))
    try:
        async with client_of(app) as client:
            for _ in range(per_address):
                assert (await ask(client, "marie.dupont@example.fr")).status_code == 303
            refused = await ask(client, "Marie.Dupont@example.fr")
            assert refused.status_code == 429
            page = BeautifulSoup(refused.text, "html.parser")
            alert = page.select_one('.error-summary[role="alert"]')
            assert alert is not None and alert.get_text().strip()
            assert page.select_one("#find-email")["value"] == "Marie.Dupont@example.fr"  # type: ignore[index]
            # Another address from the same client, up to the client's own limit.
            assert (await ask(client, "paul@example.fr")).status_code == 303
            assert (await ask(client, "jeanne@example.fr")).status_code == 303
            assert (await ask(client, "louis@example.fr")).status_code == 429
        queued = await worker.drain(app.state.site)
        assert queued == per_address + 2  # what was refused was never queued
    finally:
        app.state.site.engine.dispose()


async def test_a_wrong_address_is_shown_as_the_other_forms_show_errors(client: httpx.AsyncClient) -> None:
    for typed in ("", "pas-une-adresse"):
        response = await ask(client, typed)
        assert response.status_code == 422
        page = BeautifulSoup(response.text, "html.parser")
        assert page.title is not None and page.title.get_text().startswith("Erreur")
        assert page.select_one('.error-summary a[href="#find-email"]') is not None
        field = page.select_one("#find-email")
        assert field is not None and field["aria-invalid"] == "true"
        assert "find-email-error" in str(field["aria-describedby"])
    assert (await client.get("/nowhere/mes-demandes")).status_code == 404


async def test_a_cross_site_request_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        FIND, data={"email": "marie.dupont@example.fr"}, headers={"sec-fetch-site": "cross-site"}
    )
    assert response.status_code == 403


async def test_the_pages_lead_to_find_my_requests(client: httpx.AsyncClient) -> None:
    home = BeautifulSoup((await client.get("/beaulac")).text, "html.parser")
    assert home.select_one(f'main a[href="{FIND}"]') is not None
    assert home.select_one(f'footer a[href="{FIND}"]') is not None
    receipt = await complete(client, TERRACE, EXAMPLES[TERRACE])
    follow = BeautifulSoup(receipt.text, "html.parser").select_one('a[href^="/s/"]:not([href$=".pdf"])')
    assert follow is not None
    page = BeautifulSoup((await client.get(str(follow["href"]))).text, "html.parser")
    assert page.select_one(f'main a[href="{FIND}"]') is not None


async def test_the_one_answer_per_person_message_points_to_find_my_requests(
    client: httpx.AsyncClient,
) -> None:
    ballot = "val-dorne/budget-participatif"
    pages = [(dict(data), files) for data, files in EXAMPLES[ballot]]
    pages[-1][0]["courriel"] = "jeanne@example.fr"  # the ballot's address comes last

    async def vote() -> httpx.Response:
        url = f"/{ballot}"
        for data, files in pages:
            url = (await post_page(client, url, data, files)).headers["location"]
        return await client.post(url.replace("/review", "/submit"))

    assert (await vote()).headers["location"].startswith("/r/")
    again = await vote()
    page = BeautifulSoup((await client.get(again.headers["location"])).text, "html.parser")
    assert page.select_one('.error-summary a[href="/val-dorne/mes-demandes"]') is not None


def test_the_kinds_read_in_a_case_history() -> None:
    from runtime.actions.registry import delivery_label

    assert delivery_label(citizen_mails.RECEIPT) == citizen_mails.LABELS[citizen_mails.RECEIPT]


def test_the_count_forgets_after_an_hour(app: Any) -> None:
    from sqlalchemy import func, select, update

    from runtime.models import AccessRequest

    engine = app.state.site.engine
    per_address, _ = access.LIMITS["resume"]
    for _ in range(per_address):
        access.allow(engine, "resume", "marie@example.fr", "192.0.2.1")
    with pytest.raises(access.Throttled):
        access.allow(engine, "resume", "Marie@example.fr", "192.0.2.2")
    access.allow(engine, "requests", "marie@example.fr", "192.0.2.1")  # each kind counts alone
    with engine.begin() as connection:
        stored = connection.execute(select(AccessRequest.address_digest)).scalars().all()
        assert "marie" not in " ".join(stored)  # a digest, not the address
        connection.execute(update(AccessRequest).values(created_at=access.now() - access.WINDOW * 2))
    access.forget_old_requests(engine)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(AccessRequest)).scalar() == 0
    access.allow(engine, "resume", "marie@example.fr", "192.0.2.1")
