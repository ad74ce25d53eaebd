"""Words that fit the procedure's kind: a survey's answers are not a request, a vote's
receipt cites no law on applications, and an application's receipt gives the date silence
becomes a decision."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import fields
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup

from runtime.i18n import date_in_full, gettext
from runtime.implicit_decision import decision_date
from runtime.wording import KINDS, Wording, wording
from tests.test_receipts import pdf_text, receipt_for

pytestmark = pytest.mark.anyio
SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "procedure.schema.json"
REQUEST = re.compile(r"\bdemandes?\b", re.IGNORECASE)  # "demander" (a right) is not the noun
LAW = ("112-11", "2016-1411", "code des relations")


def test_every_kind_of_the_schema_has_its_own_words() -> None:
    assert list(KINDS) == json.loads(SCHEMA.read_text())["properties"]["kind"]["enum"]
    texts = [f.name for f in fields(Wording) if f.type == "str" and f.name != "kind"]
    for name in texts:
        values = [getattr(words, name) for words in KINDS.values()]
        assert all(values) and len(set(values)) == len(values), name
    assert [kind for kind, words in KINDS.items() if words.is_application] == ["procedure"]
    assert [kind for kind, words in KINDS.items() if words.processing_time] == ["procedure"]
    assert wording({"kind": "survey"}) is KINDS["survey"] and wording("unknown") is KINDS["procedure"]


def words(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


async def follow_page(client: httpx.AsyncClient, link: str) -> BeautifulSoup:
    page = await client.get(link.removesuffix("/receipt.pdf"))
    assert page.status_code == 200
    return BeautifulSoup(page.text, "html.parser")


async def test_a_surveys_pages_and_receipt_speak_of_answers(client: httpx.AsyncClient) -> None:
    reference, content, link = await receipt_for(client, "saint-aubin/satisfaction-services")
    follow = await follow_page(client, link)
    assert not REQUEST.search(words(str(follow)))
    assert follow.h1.get_text(strip=True) == gettext("fr", "Answer %(reference)s", reference=reference)
    assert gettext("fr", "Withdraw my answers") in words(str(follow))
    text = " ".join(pdf_text(content).split())
    assert reference in text and not REQUEST.search(text)
    assert not any(law in text for law in LAW)

    client.headers["accept-language"] = "en"
    reference, content, link = await receipt_for(client, "saint-aubin/satisfaction-services")
    follow = await follow_page(client, link)
    page = words(str(follow))
    assert follow.h1.get_text(strip=True) == f"Answer {reference}"
    assert "Withdraw my answers" in page and "request" not in page.lower()
    text = " ".join(pdf_text(content).split())
    assert "Your answers online:" in text and "request" not in text.lower()


async def test_a_votes_receipt_confirms_the_vote_without_the_law(client: httpx.AsyncClient) -> None:
    client.headers["accept-language"] = "en"
    page = await client.get("/val-dorne/budget-participatif")
    assert page.status_code == 200
    reference, content, link = await receipt_for(client, "val-dorne/budget-participatif")
    follow = await follow_page(client, link)
    assert follow.h1.get_text(strip=True) == f"Vote {reference}"
    assert "Withdraw my vote" in words(str(follow))
    text = " ".join(pdf_text(content).split())
    assert "Your vote online:" in text and "request" not in text.lower()
    assert not any(law in text for law in LAW)


async def test_an_applications_receipt_cites_the_law_and_the_date_of_the_decision(
    client: httpx.AsyncClient,
) -> None:
    # demande-composteur: silence means acceptance after 60 days (Val d'Orne, Europe/Paris).
    before = dt.datetime.now(dt.UTC)
    reference, content, link = await receipt_for(client, "val-dorne/demande-composteur")
    after = dt.datetime.now(dt.UTC)
    text = " ".join(pdf_text(content).split())
    assert "2016-1411" in text and "112-11" in text
    dates = {date_in_full(decision_date(moment, 60, "Europe/Paris"), "fr") for moment in (before, after)}
    assert any(date in text for date in dates), (dates, text)
    follow = await follow_page(client, link)
    assert follow.h1.get_text(strip=True) == gettext("fr", "Request %(reference)s", reference=reference)
    assert follow.h1.get_text(strip=True).startswith("Demande")
