"""The API is exactly as strict as the form: strict JSON, NFC texts, no files, no unknown
fields, RFC 9457 problems with pointers; and the nastiest values validation lets through
never make a page, an export or the API answer 500."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.test_api import ANSWERS, conforms, token_for
from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio
URL = "/api/beaulac/procedures/signalement-voirie/submissions"
PATH = "/api/{org}/procedures/{slug}/submissions"


async def _post(app: Any, client: httpx.AsyncClient, content: bytes, key: str) -> httpx.Response:
    headers = {
        **token_for(app, "beaulac"),
        "idempotency-key": key,
        "content-type": "application/json",
        "accept-language": "fr",
    }
    return await client.post(URL, content=content, headers=headers)


@pytest.mark.parametrize(
    ("raw", "pointer"),
    [
        ('"description": NaN', ""),
        ('"description": Infinity', ""),
        ('"description": -Infinity', ""),
        ('"description": "a", "description": "b"', "/answers/description"),
        ('"description": "\\ud800"', "/answers/description"),
        ('"description": "nul \\u0000 ici"', "/answers/description"),
    ],
)
async def test_what_json_parsers_disagree_on_is_refused(
    app: Any, client: httpx.AsyncClient, raw: str, pointer: str
) -> None:
    base = json.dumps({k: v for k, v in ANSWERS.items() if k != "description"})[1:-1]
    response = await _post(app, client, f'{{"answers": {{{base}, {raw}}}}}'.encode(), "strict")
    problem = conforms(response, PATH, "post")
    assert response.status_code == 400 and problem["status"] == 400 and problem["detail"]
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["pointer"] for error in problem.get("errors", [])] == ([pointer] if pointer else [])


async def test_texts_are_stored_in_nfc(app: Any, client: httpx.AsyncClient) -> None:
    decomposed = "Le pre\u0301 fleuri"
    response = await _post(
        app, client, json.dumps({"answers": {**ANSWERS, "description": decomposed}}).encode(), "nfc"
    )
    assert response.status_code == 201
    assert conforms(response, PATH, "post")["answers"]["description"] == "Le pr\u00e9 fleuri"


def _content(data: bytes, name: str = "photo.png") -> dict[str, str]:
    return {"name": name, "content": base64.b64encode(data).decode()}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("not-a-file", "api:file"),
        (42, "api:file"),
        ([{"id": "x", "name": "a.jpg", "type": "image/jpeg", "size": 3}], "api:file"),  # a pointer to nothing
        ([{"name": "a.png", "content": "pas du base64 !"}], "api:file"),
        ([_content(b"%PDF-1.4 not an image", "a.pdf")], "upload:type"),
        ([_content(b"")], "upload:empty"),
    ],
)
async def test_a_file_question_takes_only_files(
    app: Any, client: httpx.AsyncClient, value: Any, code: str
) -> None:
    response = await _post(app, client, json.dumps({"answers": {**ANSWERS, "photo": value}}).encode(), "file")
    problem = conforms(response, PATH, "post")
    assert response.status_code == 422
    assert [(e["pointer"], e["code"]) for e in problem["errors"]] == [("/answers/photo", code)]
    assert not list((app.state.site.settings.data_dir / "uploads").glob("*/*"))  # nothing kept of a refusal


async def test_a_file_sent_through_the_api_is_stored_like_an_upload(
    app: Any, client: httpx.AsyncClient
) -> None:
    from sqlalchemy import select

    from runtime.models import Attachment
    from tests.example_answers import png_bytes

    data = png_bytes()
    refused = await _post(
        app,
        client,
        json.dumps({"answers": {**ANSWERS, "courriel": "non", "photo": [_content(data)]}}).encode(),
        "photo",
    )
    assert refused.status_code == 422
    assert not list(
        (app.state.site.settings.data_dir / "uploads").glob("*/*")
    )  # the other answer was refused
    response = await _post(
        app, client, json.dumps({"answers": {**ANSWERS, "photo": [_content(data)]}}).encode(), "photo"
    )
    created = conforms(response, PATH, "post")
    assert response.status_code == 201, response.text
    [pointer] = created["answers"]["photo"]
    assert pointer["name"] == "photo.png" and pointer["type"] == "image/png" and pointer["size"] == len(data)
    with app.state.site.engine.connect() as connection:
        row = connection.execute(select(Attachment).where(Attachment.id == pointer["id"])).one()
    assert row.submission_id is not None and row.sha256
    follow = created["follow_url"].replace("http://testserver", "")
    page = await client.get(follow)
    assert page.status_code == 200 and "photo.png" in page.text
    downloaded = await client.get(f"{follow}/files/{pointer['id']}")
    assert downloaded.status_code == 200 and downloaded.content == data


NASTY = {
    "description": '=HYPERLINK("http://x";"a") <script>alert(1)</script> {{ 7*7 }} %s %(x)s \u202eevil\u202c '
    "\u200b\u2028\u2029 \x01\x1b[31m \U0001f600 \U00010000 e\u0301 " + "ﷺ" * 50,
    "nom": "'; DROP TABLE submission; --",
    "prenom": "\t\r\n\u00a0",
    "lieu": {
        "street": "\u0000".replace("\u0000", "") + "@SUM(1+1)*cmd|' /C calc'!A0",
        "postcode": "61250",
        "city": "-2+3",
    },
}


async def test_the_nastiest_stored_values_open_every_page_and_export(
    app: Any, client: httpx.AsyncClient
) -> None:
    from tests.example_answers import png_bytes

    photo = _content(png_bytes(), "<img src=x onerror=alert(1)>\u202egpj.exe;=1+1.png")
    response = await _post(
        app, client, json.dumps({"answers": {**ANSWERS, **NASTY, "photo": [photo]}}).encode(), "nasty"
    )
    assert response.status_code == 201, response.text
    created = response.json()
    reference = created["reference"]
    follow = created["follow_url"].replace("http://testserver", "")
    for url in (follow, f"{follow}/receipt.pdf"):
        page = await client.get(url)
        assert page.status_code in (200, 202), (url, page.status_code)
    again = await client.get(f"/api/beaulac/submissions/{reference}", headers=token_for(app, "beaulac"))
    assert again.status_code == 200 and again.json()["answers"]["nom"] == NASTY["nom"]

    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "administrator"})
    from sqlalchemy import select

    from runtime.models import Submission

    with app.state.site.engine.connect() as connection:
        submission_id = connection.execute(
            select(Submission.id).where(Submission.reference == reference)
        ).scalar_one()
    base = "/staff/o/beaulac/p/signalement-voirie"
    for url in (
        f"/staff/o/beaulac/s/{submission_id}",
        f"{base}/statistics",
        f"{base}/export.csv",
        f"{base}/export.csv?dialect=rfc4180",
        f"{base}/export.xlsx",
        f"{base}/export.json",
        "/staff/o/beaulac/p/signalement-voirie/inbox?q=DROP",
    ):
        page = await client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        if url.endswith("export.json"):
            exported = json.loads(page.content)
            assert reference in json.dumps(exported, ensure_ascii=False)
        if url.endswith("export.xlsx"):
            assert page.content.startswith(b"PK")


async def test_the_web_form_keeps_texts_in_nfc_without_nul(app: Any, client: httpx.AsyncClient) -> None:
    from sqlalchemy import select

    from runtime.models import Draft
    from tests.conftest import post_page
    from tests.example_answers import EXAMPLES

    data, files = EXAMPLES["beaulac/signalement-voirie"][0]
    typed = {**data, "description": "Le pre\u0301 \x00fleuri"}
    response = await post_page(client, "/beaulac/signalement-voirie", typed, files)
    assert response.status_code == 303, response.text
    with app.state.site.engine.connect() as connection:
        answers = connection.execute(select(Draft.answers)).scalar_one()
    assert answers["description"] == "Le pr\u00e9 fleuri"


async def test_unknown_api_addresses_and_methods_answer_problems(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/beaulac/nothing/here")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["status"] == 404
    wrong = await client.delete("/api/beaulac/procedures")
    assert wrong.status_code == 405 and wrong.headers["content-type"] == "application/problem+json"


def _repair_migration() -> Any:
    import importlib.util

    from runtime.db import MIGRATIONS

    path = MIGRATIONS / "versions" / "0006_repair_non_json_numbers.py"
    spec = importlib.util.spec_from_file_location("repair_0006", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_a_legacy_nan_in_stored_answers_reads_as_empty(app: Any, client: httpx.AsyncClient) -> None:
    """Before the API refused NaN, SQLite could store it; such a row must still open everywhere.
    PostgreSQL never held one: its JSON types refuse the token."""
    from sqlalchemy import text

    from runtime.db import writing

    response = await _post(app, client, json.dumps({"answers": ANSWERS}).encode(), "legacy")
    assert response.status_code == 201, response.text
    reference = response.json()["reference"]
    follow = response.json()["follow_url"].replace("http://testserver", "")
    engine = app.state.site.engine
    legacy = json.dumps(ANSWERS).replace('"Le lampadaire clignote."', "NaN")
    update = text("UPDATE submission SET answers = :answers WHERE reference = :reference")
    if engine.dialect.name == "postgresql":
        with pytest.raises(Exception, match="(?i)invalid input syntax for type json"):
            with writing(engine) as session:
                connection = session.connection()
                connection.execute(update, {"answers": legacy, "reference": reference})
        return
    with writing(engine) as session:
        connection = session.connection()
        connection.execute(update, {"answers": legacy, "reference": reference})
    # Until the migration repairs it, a reader takes the value for null...
    again = await client.get(f"/api/beaulac/submissions/{reference}", headers=token_for(app, "beaulac"))
    assert again.status_code == 200 and again.json()["answers"]["description"] is None
    # ...and once it has, SQLite's own JSON functions (statistics, search) read the row too.
    with writing(engine) as session:
        connection = session.connection()
        assert _repair_migration().repair(connection) == 1

    again = await client.get(f"/api/beaulac/submissions/{reference}", headers=token_for(app, "beaulac"))
    assert again.status_code == 200 and again.json()["answers"]["description"] is None
    assert (await client.get(follow)).status_code == 200
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "administrator"})
    base = "/staff/o/beaulac/p/signalement-voirie"
    for url in (f"{base}/statistics", f"{base}/export.csv", f"{base}/export.xlsx", f"{base}/inbox"):
        assert (await client.get(url)).status_code == 200, url
    exported = await client.get(f"{base}/export.json")
    assert exported.status_code == 200 and "NaN" not in exported.text
    assert reference in json.dumps(json.loads(exported.content))
