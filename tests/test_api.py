"""The JSON API: its OpenAPI document validates, and every response the tests receive matches
the schema it declares for that operation and status; submissions are validated and made
once per key; tokens are scoped to their organisation and their functions."""

from __future__ import annotations

import re
from typing import Any

import httpx
import jsonschema
import pytest
from openapi_spec_validator import validate as validate_spec

from runtime.api import tokens as api_tokens
from runtime.api.openapi import document
from tests.test_accounts import organisation_id

pytestmark = pytest.mark.anyio
SPEC = document()
ANSWERS = {
    "categorie": "eclairage",
    "lieu": {"street": "3 rue du Lac", "postcode": "61250", "city": "Beaulac"},
    "description": "Le lampadaire clignote.",
    "nom": "Martin",
    "prenom": "Paul",
    "courriel": "paul.martin@example.fr",
}


def test_the_document_is_valid_openapi_3_1() -> None:
    validate_spec(SPEC)
    assert SPEC["openapi"] == "3.1.0"


def conforms(response: httpx.Response, path: str, method: str) -> Any:
    """Check a response against the document; returns its JSON."""
    operation = SPEC["paths"][path][method]
    declared = operation["responses"].get(str(response.status_code))
    assert declared is not None, f"{method.upper()} {path} answered {response.status_code}, not documented"
    body = response.json()
    media_type = response.headers["content-type"].split(";")[0]
    assert media_type == ("application/problem+json" if response.status_code >= 400 else "application/json")
    schema = {**declared["content"][media_type]["schema"], "components": SPEC["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)
    return body


def token_for(app: Any, org: str, functions: list[str] | None = None) -> dict[str, str]:
    token = api_tokens.create(app.state.site.engine, organisation_id(app, org), "Kiosque", functions)
    return {"authorization": f"Bearer {token}"}


async def test_reading_published_procedures(client: httpx.AsyncClient) -> None:
    listed = conforms(await client.get("/api/beaulac/procedures"), "/api/{org}/procedures", "get")
    assert "signalement-voirie" in [p["slug"] for p in listed["procedures"]]
    one = conforms(
        await client.get("/api/beaulac/procedures/signalement-voirie"), "/api/{org}/procedures/{slug}", "get"
    )
    assert (
        one["schema"]["$schema"].endswith("2020-12/schema")
        and one["definition"]["id"] == "signalement-voirie"
    )
    # Statuses and steps are public; what the steps do (webhook addresses, documents) is not.
    assert one["definition"]["workflow"]["transitions"]
    assert all("actions" not in transition for transition in one["definition"]["workflow"]["transitions"])
    conforms(await client.get("/api/beaulac/procedures/nope"), "/api/{org}/procedures/{slug}", "get")
    conforms(await client.get("/api/nowhere/procedures"), "/api/{org}/procedures", "get")


async def test_submitting_validating_and_idempotency(app: Any, client: httpx.AsyncClient) -> None:
    path = "/api/{org}/procedures/{slug}/submissions"
    url = "/api/beaulac/procedures/signalement-voirie/submissions"
    headers = {**token_for(app, "beaulac"), "idempotency-key": "k-1", "accept-language": "fr"}
    assert conforms(await client.post(url, json={"answers": ANSWERS}), path, "post")["detail"]
    missing_key = await client.post(url, json={"answers": ANSWERS}, headers=token_for(app, "beaulac"))
    assert missing_key.status_code == 400 and conforms(missing_key, path, "post")
    not_json = await client.post(url, content=b"{nope", headers=headers)
    assert not_json.status_code == 400 and conforms(not_json, path, "post")

    invalid = await client.post(
        url,
        json={"answers": {**ANSWERS, "courriel": "pas-un-courriel", "categorie": "volcan"}},
        headers=headers,
    )
    body = conforms(invalid, path, "post")
    assert invalid.status_code == 422
    assert {e["field"] for e in body["errors"]} >= {"courriel", "categorie"}
    assert any("adresse" in e["message"] for e in body["errors"])  # in French, for people

    unknown = await client.post(url, json={"answers": {**ANSWERS, "inconnu": "x"}}, headers=headers)
    assert unknown.status_code == 422
    assert [(e["pointer"], e["code"]) for e in conforms(unknown, path, "post")["errors"]] == [
        ("/answers/inconnu", "unknown")
    ]
    created = await client.post(url, json={"answers": ANSWERS}, headers=headers)
    first = conforms(created, path, "post")
    assert created.status_code == 201 and re.fullmatch(r"VOI-\d{4}-\d{6}", first["reference"])
    assert first["channel"] == "api"
    replay = await client.post(url, json={"answers": ANSWERS}, headers=headers)
    assert replay.status_code == 200 and conforms(replay, path, "post")["reference"] == first["reference"]
    other = await client.post(url, json={"answers": ANSWERS}, headers={**headers, "idempotency-key": "k-2"})
    assert conforms(other, path, "post")["reference"] != first["reference"]

    follow = await client.get(first["follow_url"].replace("http://testserver", ""))
    assert follow.status_code == 200 and first["reference"] in follow.text


async def test_status_and_transitions_with_functions(app: Any, client: httpx.AsyncClient) -> None:
    url = "/api/beaulac/procedures/signalement-voirie/submissions"
    writer = token_for(app, "beaulac", ["instructeur"])
    made = (
        await client.post(url, json={"answers": ANSWERS}, headers={**writer, "idempotency-key": "a"})
    ).json()
    reference = made["reference"]
    status_path, move_path = (
        "/api/{org}/submissions/{reference}",
        "/api/{org}/submissions/{reference}/transitions",
    )

    status = conforms(
        await client.get(f"/api/beaulac/submissions/{reference}", headers=writer), status_path, "get"
    )
    assert status["status"]["name"] == "en-construction"
    assert "en-instruction" in [t["to"] for t in status["transitions"]]
    assert conforms(await client.get(f"/api/beaulac/submissions/{reference}"), status_path, "get")["detail"]

    outsider = token_for(app, "saint-aubin")
    hidden = await client.get(f"/api/saint-aubin/submissions/{reference}", headers=outsider)
    assert hidden.status_code == 404 and conforms(hidden, status_path, "get")
    wrong_org = await client.get(f"/api/beaulac/submissions/{reference}", headers=outsider)
    assert wrong_org.status_code == 401 and conforms(wrong_org, status_path, "get")

    viewer = token_for(app, "beaulac", ["valideur"])
    forbidden = await client.post(
        f"/api/beaulac/submissions/{reference}/transitions", json={"to": "en-instruction"}, headers=viewer
    )
    assert forbidden.status_code == 403 and conforms(forbidden, move_path, "post")
    impossible = await client.post(
        f"/api/beaulac/submissions/{reference}/transitions", json={"to": "acceptee"}, headers=writer
    )
    assert impossible.status_code == 409 and conforms(impossible, move_path, "post")
    moved = await client.post(
        f"/api/beaulac/submissions/{reference}/transitions",
        json={"to": "en-instruction", "comment": "Pris en charge par le centre technique."},
        headers=writer,
    )
    body = conforms(moved, move_path, "post")
    assert moved.status_code == 200 and body["status"]["name"] == "en-instruction"
    assert body["history"][-1]["comment"] == "Pris en charge par le centre technique."
    again = await client.post(
        f"/api/beaulac/submissions/{reference}/transitions", json={"to": "en-instruction"}, headers=writer
    )
    assert again.status_code == 409 and conforms(again, move_path, "post")
    comment_needed = await client.post(
        f"/api/beaulac/submissions/{reference}/transitions", json={"to": "refusee"}, headers=writer
    )
    assert (
        comment_needed.status_code == 409
        and "comment" in conforms(comment_needed, move_path, "post")["detail"]
    )


async def test_revoked_tokens_open_nothing(app: Any, client: httpx.AsyncClient) -> None:
    from tests.test_procedures import signed_in

    await signed_in(app, client, "maire@beaulac.example", {"beaulac": "administrator"})
    page = await client.post("/staff/o/beaulac/api", data={"op": "create", "name": "Borne", "functions": ""})
    token = re.search(r"pvs_[A-Za-z0-9_-]+", page.text).group(0)  # type: ignore[union-attr]
    url = "/api/beaulac/procedures/signalement-voirie/submissions"
    headers = {"authorization": f"Bearer {token}", "idempotency-key": "x"}
    assert (await client.post(url, json={"answers": ANSWERS}, headers=headers)).status_code == 201
    listed = await client.get("/staff/o/beaulac/api")
    assert token not in listed.text  # shown once only
    token_id = re.search(r'name="token" value="(\d+)"', listed.text).group(1)  # type: ignore[union-attr]
    await client.post("/staff/o/beaulac/api", data={"op": "revoke", "token": token_id})
    refused = await client.post(url, json={"answers": ANSWERS}, headers={**headers, "idempotency-key": "y"})
    assert refused.status_code == 401
    client.cookies.clear()
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    assert (await client.get("/staff/o/beaulac/api")).status_code == 404
