"""The one path from answers to a submission: closing dates in the organisation's time zone
at every step, one answer per person under concurrency, on the web and through the API."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest

from runtime import reception
from tests.conftest import post_page
from tests.example_answers import EXAMPLES
from tests.test_api import token_for

pytestmark = pytest.mark.anyio
BALLOT = "val-dorne/budget-participatif"  # closes on 31 January 2027; one answer per person
PARIS_MIDNIGHT_PAST = dt.datetime(2027, 1, 31, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 February in Paris
PARIS_LATE_EVENING = dt.datetime(2027, 1, 31, 22, 30, tzinfo=dt.UTC)  # 23:30 on 31 January in Paris


async def _draft_at_review(client: httpx.AsyncClient, address: str) -> str:
    pages = [(dict(data), files) for data, files in EXAMPLES[BALLOT]]
    pages[-1][0]["courriel"] = address
    url = f"/{BALLOT}"
    for data, files in pages:
        response = await post_page(client, url, data, files)
        assert response.status_code == 303, response.text
        url = response.headers["location"]
    assert url.endswith("/review")
    return url.removesuffix("/review")


def _at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(reception, "clock", lambda: moment)


def test_the_closing_day_ends_at_midnight_in_the_organisations_time_zone() -> None:
    assert reception.local_today("Europe/Paris", PARIS_MIDNIGHT_PAST) == dt.date(2027, 2, 1)
    assert reception.local_today("Europe/Paris", PARIS_LATE_EVENING) == dt.date(2027, 1, 31)
    assert reception.local_today("America/Cayenne", PARIS_MIDNIGHT_PAST) == dt.date(2027, 1, 31)


async def test_a_closed_procedure_refuses_every_step(
    app: Any, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = await _draft_at_review(client, "jeanne@example.fr")
    _at(monkeypatch, PARIS_LATE_EVENING)
    assert (await client.get(f"{draft}/p/1")).status_code == 200  # the last evening still counts
    _at(monkeypatch, PARIS_MIDNIGHT_PAST)
    start = await client.get(f"/{BALLOT}")
    assert start.status_code == 410
    assert "/val-dorne/budget-participatif" not in (await client.get("/val-dorne")).text
    listed = (await client.get("/api/val-dorne/procedures")).json()["procedures"]
    assert "budget-participatif" not in [procedure["slug"] for procedure in listed]
    for response in (
        await client.get(f"{draft}/p/2"),
        await post_page(client, f"{draft}/p/2", {"projets": ["repair-cafe"]}),
        await client.get(f"{draft}/review"),
        await client.post(f"{draft}/submit"),
    ):
        assert response.status_code == 410
        assert "31 janvier 2027" in response.text, response.text
    api = await client.post(
        f"/api/{BALLOT.replace('/', '/procedures/')}/submissions",
        json={
            "answers": {
                "resident": True,
                "commune": "beaulac",
                "projets": ["repair-cafe"],
                "attestation": True,
                "courriel": "paul@example.fr",
            }
        },
        headers={**token_for(app, "val-dorne"), "idempotency-key": "late"},
    )
    assert api.status_code == 410 and api.headers["content-type"].startswith("application/problem+json")
    _at(monkeypatch, PARIS_LATE_EVENING)
    sent = await client.post(f"{draft}/submit")
    assert sent.status_code == 303 and sent.headers["location"].startswith("/r/")


async def test_one_answer_per_person_holds_when_four_submit_at_once(client: httpx.AsyncClient) -> None:
    drafts = [
        await _draft_at_review(client, address)
        for address in ("Jeanne@example.fr", "jeanne@example.fr", "JEANNE@EXAMPLE.FR", "jeanne@Example.fr")
    ]
    responses = await asyncio.gather(*(client.post(f"{draft}/submit") for draft in drafts))
    places = sorted(response.headers["location"] for response in responses)
    assert sum(place.startswith("/r/") for place in places) == 1, places
    assert sum(place.endswith("/review?already=1") for place in places) == 3, places


async def test_one_answer_per_person_applies_to_the_api(app: Any, client: httpx.AsyncClient) -> None:
    draft = await _draft_at_review(client, "Jeanne@example.fr")
    assert (await client.post(f"{draft}/submit")).headers["location"].startswith("/r/")
    answers = {
        "resident": True,
        "commune": "beaulac",
        "projets": ["repair-cafe"],
        "attestation": True,
        "courriel": "JEANNE@example.fr",
    }
    url = f"/api/{BALLOT.replace('/', '/procedures/')}/submissions"
    headers = {**token_for(app, "val-dorne"), "idempotency-key": "again"}
    again = await client.post(url, json={"answers": answers}, headers=headers)
    assert again.status_code == 409, again.text
    assert again.headers["content-type"].startswith("application/problem+json")
    other = await client.post(
        url,
        json={"answers": {**answers, "courriel": "paul@example.fr"}},
        headers={**headers, "idempotency-key": "paul"},
    )
    assert other.status_code == 201, other.text


async def test_two_procedures_with_one_prefix_both_take_answers(app: Any, client: httpx.AsyncClient) -> None:
    from sqlalchemy import update

    from runtime.db import writing
    from runtime.models import Procedure

    engine = app.state.site.engine
    with writing(engine) as session:
        connection = session.connection()
        connection.execute(update(Procedure).values(reference_prefix="MEM"))
    app.state.site._versions.clear()
    for procedure in ("val-dorne/budget-participatif", "val-dorne/consultation-plu"):
        pages = EXAMPLES[procedure]
        url = f"/{procedure}"
        for data, files in pages:
            url = (await post_page(client, url, dict(data), files)).headers["location"]
        sent = await client.post(url.replace("/review", "/submit"))
        assert sent.status_code == 303 and sent.headers["location"].startswith("/r/"), sent.text
    from sqlalchemy import select

    from runtime.models import Submission

    with engine.connect() as connection:
        references = connection.execute(select(Submission.reference).order_by(Submission.id)).scalars().all()
    year = dt.date.today().year
    assert references == [f"MEM-{year}-000001", f"MEM-{year}-000002"]


async def test_four_api_submits_with_one_address_at_once_make_one_submission(
    app: Any, client: httpx.AsyncClient
) -> None:
    url = f"/api/{BALLOT.replace('/', '/procedures/')}/submissions"
    token = token_for(app, "val-dorne")
    answers = {"resident": True, "commune": "beaulac", "projets": ["repair-cafe"], "attestation": True}
    responses = await asyncio.gather(
        *(
            client.post(
                url,
                json={"answers": {**answers, "courriel": address}},
                headers={**token, "idempotency-key": f"race-{index}"},
            )
            for index, address in enumerate(
                ("Marc@example.fr", "marc@example.fr", "MARC@example.fr", "marc@EXAMPLE.fr")
            )
        )
    )
    assert sorted(response.status_code for response in responses) == [201, 409, 409, 409]
