"""Bad input gets a clear message, loses nothing, duplicates nothing, and never a 500."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlmodel import Session, func, select

from runtime.catalogue import publish
from runtime.db import writing
from runtime.models import Attachment, Draft, Organisation, Submission
from tests.conftest import errors_in, post_page
from tests.example_answers import EXAMPLES, png_bytes

pytestmark = pytest.mark.anyio
REPORT = "/beaulac/signalement-voirie"
PAGE_ONE = EXAMPLES["beaulac/signalement-voirie"][0][0]


def engine_of(app: Any) -> Any:
    return app.state.site.engine


def draft_answers(app: Any, location: str) -> dict[str, Any]:
    token = location.split("/")[2]
    with Session(engine_of(app)) as session:
        draft = session.get(Draft, token)
        assert draft is not None
        return dict(draft.answers)


async def test_values_for_hidden_and_unknown_fields_are_dropped(app: Any, client: httpx.AsyncClient) -> None:
    response = await post_page(
        client,
        REPORT,
        {**PAGE_ONE, "categorie": "eclairage", "precision": "caché", "inconnu": "x", "lieu.country": "FR"},
    )
    assert response.status_code == 303
    answers = draft_answers(app, response.headers["location"])
    assert "precision" not in answers and "inconnu" not in answers
    assert set(answers["lieu"]) == {"street", "postcode", "city"}


async def test_wrong_types_and_choices_not_offered_are_explained(client: httpx.AsyncClient) -> None:
    response = await post_page(client, REPORT, {**PAGE_ONE, "categorie": "<b>bogus</b>"})
    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.find(id="f-categorie-error") is not None
    terrace = await post_page(
        client, "/beaulac/occupation-terrasse", EXAMPLES["beaulac/occupation-terrasse"][0][0]
    )
    page_two = terrace.headers["location"]
    wrong = await post_page(
        client,
        page_two,
        {
            "type_occupation": "etalage",
            "date_debut": "31/02/2027",
            "date_fin": "2027-01-01",
            "surface": "vingt",
        },
    )
    assert wrong.status_code == 422
    soup = BeautifulSoup(wrong.text, "html.parser")
    assert soup.find(id="f-surface-error") is not None
    assert soup.find(id="f-date_debut-error") is not None
    assert soup.find(id="f-surface")["value"] == "vingt"  # what was typed is shown back, not lost


async def test_oversized_text_is_refused_with_its_length(client: httpx.AsyncClient) -> None:
    response = await post_page(client, REPORT, {**PAGE_ONE, "description": "x" * 200_000})
    assert response.status_code == 422
    message = BeautifulSoup(response.text, "html.parser").find(id="f-description-error").get_text()
    assert "1" in message and "000" in message  # the limit is named


async def test_invalid_utf8_and_malformed_bodies_get_no_500(client: httpx.AsyncClient) -> None:
    raw = b"categorie=autre&description=caf\xe9\xff&action=next"
    response = await client.post(
        REPORT, content=raw, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code in (303, 422)
    broken = await client.post(
        REPORT,
        content=b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb',
        headers={"content-type": "multipart/form-data; boundary=xyz"},
    )
    assert broken.status_code in (303, 400, 422)
    assert "<h1" in broken.text
    huge = await client.post(
        REPORT,
        content=b"a=b",
        headers={"content-type": "application/x-www-form-urlencoded", "content-length": str(10**10)},
    )
    assert huge.status_code == 413


async def test_uploads_are_checked_by_content_size_and_name(app: Any, client: httpx.AsyncClient) -> None:
    fake = await post_page(
        client, REPORT, PAGE_ONE, {"photo": ("photo.png", b"MZ\x90\x00 not an image", "image/png")}
    )
    assert fake.status_code == 422
    assert "photo.png" in " ".join(errors_in(fake.text))
    big = await post_page(
        client, REPORT, PAGE_ONE, {"photo": ("big.png", png_bytes() + b"\0" * 6_000_000, "image/png")}
    )
    assert big.status_code == 422
    assert "big.png" in " ".join(errors_in(big.text))
    hostile = await post_page(
        client,
        REPORT,
        PAGE_ONE,
        {"photo": ("../../etc/<script>passwd\x07.png", png_bytes(), "application/x-evil")},
    )
    assert hostile.status_code == 303
    answers = draft_answers(app, hostile.headers["location"])
    stored = answers["photo"][0]
    assert stored["type"] == "image/png"
    assert (
        "/" not in stored["name"]
        and ".." not in stored["name"].split("/")[0][:2]
        and "\x07" not in stored["name"]
    )
    with Session(engine_of(app)) as session:
        attachment = session.get(Attachment, stored["id"])
        assert attachment is not None and attachment.size == len(png_bytes())
    data_dir = app.state.site.settings.data_dir
    assert (data_dir / "uploads" / stored["id"][:2] / stored["id"]).read_bytes() == png_bytes()


async def test_double_clicked_and_replayed_submits_make_one_submission(
    app: Any, client: httpx.AsyncClient
) -> None:
    url = REPORT
    for data, files in EXAMPLES["beaulac/signalement-voirie"]:
        url = (await post_page(client, url, data, files)).headers["location"]
    submit = url.replace("/review", "/submit")
    first, second = await asyncio.gather(client.post(submit), client.post(submit))
    replay = await client.post(submit)
    locations = {first.headers["location"], second.headers["location"], replay.headers["location"]}
    assert len(locations) == 1
    with Session(engine_of(app)) as session:
        count = session.exec(select(func.count()).select_from(Submission)).one()
    assert count == 1
    after = await post_page(client, url.replace("/review", "/p/1"), PAGE_ONE)
    assert after.status_code == 303 and after.headers["location"].startswith("/r/")


HOSTILE = '<script>alert("x")</script>{{ 7*7 }}{% raw %}'


def hostile_definition() -> dict[str, Any]:
    text = {"fr": HOSTILE, "en": HOSTILE}
    return {
        "id": "hostile",
        "kind": "survey",
        "lang": "fr",
        "title": text,
        "description": text,
        "schema": {
            "type": "object",
            "properties": {"q": {"type": "string", "enum": ["a"]}},
            "required": ["q"],
        },
        "ui": {
            "pages": [
                {
                    "title": text,
                    "elements": [
                        {
                            "content": {
                                "fr": HOSTILE + "\n\n![x](file:///etc/passwd) <img src=x onerror=alert(1)>"
                            }
                        },
                        {
                            "field": "q",
                            "widget": "radio",
                            "label": text,
                            "help": text,
                            "choices": {"a": text},
                        },
                    ],
                }
            ]
        },
        "receipt": {"title": text, "text": {"fr": HOSTILE + " ![x](http://127.0.0.1:9/track.png)"}},
    }


async def test_staff_texts_are_shown_literally_everywhere(app: Any, client: httpx.AsyncClient) -> None:
    with writing(engine_of(app)) as session:
        organisation = session.exec(select(Organisation).where(Organisation.slug == "beaulac")).one()
        publish(session, organisation, hostile_definition())
    page = await client.get("/beaulac/hostile")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert all(script.get("src", "").startswith("/static/") for script in soup.find_all("script"))
    assert not [
        img for img in soup.find_all("img") if img.has_attr("onerror") or "passwd" in img.get("src", "")
    ]
    assert "&lt;script&gt;" in page.text and "{{ 7*7 }}" in page.text and "49" not in page.text
    sent = await post_page(client, "/beaulac/hostile", {"q": "a"})
    review = await client.get(sent.headers["location"])
    done = await client.post(sent.headers["location"].replace("/review", "/submit"))
    receipt = BeautifulSoup((await client.get(done.headers["location"])).text, "html.parser")
    pdf = await client.get(receipt.find("a", href=lambda h: h and h.endswith("receipt.pdf"))["href"])
    assert review.status_code == 200 and pdf.status_code == 200
    from tests.test_receipts import pdf_text

    flat = "".join(pdf_text(pdf.content).split())
    assert '<script>alert("x")</script>{{7*7}}' in flat


async def test_a_receipt_template_cannot_load_files_or_urls(tmp_path: Path, backend: str) -> None:
    from app import create_app
    from tests.conftest import make_settings
    from tests.test_receipts import pdf_text

    themes = tmp_path / "themes"
    shutil.copytree("themes", themes)
    override = themes / "beaulac" / "templates"
    override.mkdir(exist_ok=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    (override / "receipt_pdf.html").write_text('{% extends "default:receipt_pdf.html" %}')
    base = Path("runtime/templates/receipt_pdf.html").read_text()
    (override / "receipt_pdf.html").write_text(
        base.replace(
            "</body>",
            f'<img src="file://{secret}"><iframe src="file://{secret}"></iframe>'
            f'<object data="file://{secret}"></object><img src="http://127.0.0.1:9/x.png">'
            '<link rel="stylesheet" href="/etc/hostname"></body>',
        )
    )
    settings = make_settings(backend, tmp_path / "data", themes_dir=themes)
    application = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as http:
        url = REPORT
        for data, files in EXAMPLES["beaulac/signalement-voirie"]:
            url = (await post_page(http, url, data, files)).headers["location"]
        done = await http.post(url.replace("/review", "/submit"))
        token = done.headers["location"].split("/")[-1]
        pdf = await http.get(f"/s/{token}/receipt.pdf")
    application.state.site.engine.dispose()
    assert pdf.status_code == 200
    assert "TOP-SECRET-CONTENT" not in pdf_text(pdf.content)
    assert b"TOP-SECRET-CONTENT" not in pdf.content
    assert "VOI-" in pdf_text(pdf.content)
