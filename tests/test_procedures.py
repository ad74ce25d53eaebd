"""Staff import a definition as a draft, see what it changes, publish it as a new version."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from designer.editor.publishing import differences
from tests.conftest import complete, post_page
from tests.example_answers import EXAMPLES
from tests.test_accounts import PASSWORD, make_user, sign_in

pytestmark = pytest.mark.anyio
REPORT = "beaulac/signalement-voirie"


async def signed_in(app: Any, client: httpx.AsyncClient, email: str, roles: dict[str, str]) -> None:
    make_user(app, email, roles)
    response = await sign_in(client, email, PASSWORD)
    client.cookies.set("parvis_staff", response.cookies["parvis_staff"], path="/staff")


async def import_file(client: httpx.AsyncClient, org: str, content: bytes) -> httpx.Response:
    return await client.post(
        f"/staff/o/{org}/import", files={"definition": ("p.json", content, "application/json")}
    )


async def test_a_new_version_is_published_and_earlier_submissions_keep_theirs(
    app: Any, client: httpx.AsyncClient
) -> None:
    first = await complete(client, REPORT, EXAMPLES[REPORT])
    follow = BeautifulSoup(first.text, "html.parser").find(
        "a", href=lambda h: h and h.startswith("/s/") and not h.endswith(".pdf")
    )["href"]
    pending = await post_page(
        client, f"/{REPORT}", EXAMPLES[REPORT][0][0], EXAMPLES[REPORT][0][1]
    )  # a draft on v1
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})

    exported = await client.get("/staff/o/beaulac/p/signalement-voirie/definition.json")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    definition = exported.json()
    definition["ui"]["pages"][0]["elements"][0]["label"]["fr"] = "Nature du problème"
    imported = await import_file(client, "beaulac", json.dumps(definition).encode())
    assert imported.status_code == 303 and imported.headers["location"].endswith(
        "/signalement-voirie/publish"
    )

    review = await client.get(imported.headers["location"])
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in BeautifulSoup(review.text, "html.parser").select(".diff tbody tr")
    ]
    assert rows == [["/ui/pages/0/elements/0/label/fr", "Type de problème", "Nature du problème"]]
    assert "Type de problème" in (await client.get(f"/{REPORT}")).text  # not public before publishing

    assert (await client.post(imported.headers["location"])).status_code == 303
    assert "Nature du problème" in (await client.get(f"/{REPORT}")).text
    assert "Publiée, version 2" in (await client.get("/staff")).text
    old = await client.get(follow)
    assert "Type de problème" in old.text and "Nature du problème" not in old.text

    page_two = pending.headers["location"]
    for data, files in EXAMPLES[REPORT][1:]:
        page_two = (await post_page(client, page_two, data, files)).headers["location"]
    sent = await client.post(page_two.replace("/review", "/submit"))
    receipt = await client.get(sent.headers["location"])
    assert receipt.status_code == 200 and "VOI-" in receipt.text


async def test_a_hostile_or_broken_definition_is_refused_with_every_problem(
    app: Any, client: httpx.AsyncClient
) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    definition = (await client.get("/staff/o/beaulac/p/signalement-voirie/definition.json")).json()
    definition["schema"]["properties"]["nom"]["$ref"] = "https://evil.example/schema.json"
    definition["ui"]["pages"][0]["elements"][0]["widget"] = "carousel"
    refused = await import_file(client, "beaulac", json.dumps(definition).encode())
    assert refused.status_code == 422
    problems = [
        li.get_text(" ", strip=True)
        for li in BeautifulSoup(refused.text, "html.parser").select(".problems li")
    ]
    assert any("/schema/properties/nom/$ref" in p and "externe" in p for p in problems)
    assert any("/ui/pages/0/elements/0/widget" in p for p in problems)
    for content in (b"{not json", b"[" * 50_000, b" " * 3_000_000, b""):
        assert (await import_file(client, "beaulac", content)).status_code == 422
    assert "version 1" in (await client.get("/staff")).text  # nothing was changed


async def test_roles_and_organisations_are_enforced(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "agent@beaulac.example", {"beaulac": "agent"})
    definition = (await client.get("/staff/o/beaulac/p/signalement-voirie/definition.json")).json()
    assert (await import_file(client, "beaulac", json.dumps(definition).encode())).status_code == 404
    assert (await client.get("/staff/o/saint-aubin/p/inscription-cantine/definition.json")).status_code == 404
    assert (await client.get("/staff/o/nowhere/p/x/definition.json")).status_code == 404
    assert (await client.post("/staff/o/beaulac/p/signalement-voirie/publish")).status_code == 404
    client.cookies.clear()
    assert (await client.get("/staff/o/beaulac/p/signalement-voirie/definition.json")).status_code == 303


async def test_the_data_schema_is_exported_alone(app: Any, client: httpx.AsyncClient) -> None:
    await signed_in(app, client, "reader@beaulac.example", {"beaulac": "reader"})
    schema = (await client.get("/staff/o/beaulac/p/signalement-voirie/schema.json")).json()
    assert schema["$schema"].endswith("2020-12/schema") and "ui" not in schema
    assert any("if" in rule for rule in schema.get("allOf", []))


def test_differences_name_each_changed_path() -> None:
    before = {"a": {"b": 1, "c": [1, 2]}, "d": "x"}
    after = {"a": {"b": 2, "c": [1, 2, 3]}, "e": "y"}
    found = {(c.path, c.kind) for c in differences(before, after)}
    assert found == {("/a/b", "changed"), ("/a/c", "changed"), ("/d", "removed"), ("/e", "added")}


async def test_a_plain_json_schema_is_imported_as_a_procedure(app: Any, client: httpx.AsyncClient) -> None:
    from tests.test_schema_import import RJSF

    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    imported = await import_file(client, "beaulac", json.dumps(RJSF).encode())
    assert imported.status_code == 200
    remarks = [
        li.get_text(" ", strip=True)
        for li in BeautifulSoup(imported.text, "html.parser").select(".problems li")
    ]
    assert any("/properties/adresse" in remark for remark in remarks)
    editor = await client.get("/staff/o/beaulac/p/demande-de-salle-municipale/edit")
    assert (
        editor.status_code == 200
        and "Salle des fêtes"
        in (await client.get("/staff/o/beaulac/p/demande-de-salle-municipale/preview/0")).text
    )


async def test_a_new_procedure_takes_its_address_from_its_title_or_says_what_is_wrong(
    app: Any, client: httpx.AsyncClient
) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    made = await client.post(
        "/staff/o/beaulac/new",
        data={"title": "Inscription à la cantine", "slug": "", "kind": "procedure", "template": ""},
    )
    assert (
        made.status_code == 303
        and made.headers["location"] == "/staff/o/beaulac/p/inscription-a-la-cantine/edit"
    )

    for slug, words in (
        ("cantine scolaire", "lettres minuscules sans accents"),
        ("été", "sans accents"),
        ("inscription-a-la-cantine", "déjà l’identifiant «\u00a0inscription-a-la-cantine\u00a0»"),
    ):
        refused = await client.post(
            "/staff/o/beaulac/new", data={"title": "Cantine", "slug": slug, "kind": "survey", "template": ""}
        )
        assert refused.status_code == 422, slug
        soup = BeautifulSoup(refused.text, "html.parser")
        link = soup.select_one(".error-summary a")
        assert words in link.get_text(), link.get_text()
        assert (
            link["href"] == "#new-slug-beaulac"
            and soup.select_one("#new-slug-beaulac")["aria-invalid"] == "true"
        )
        assert soup.select_one("#new-title-beaulac")["value"] == "Cantine"  # what was typed is kept
        assert soup.select_one("#new-kind-beaulac option[selected]")["value"] == "survey"
        assert "does not match" not in refused.text
    page = BeautifulSoup((await client.get("/staff")).text, "html.parser")
    assert page.select_one("#new-slug-beaulac")["pattern"] == "[a-z0-9][a-z0-9\\-]*"  # valid with the v flag
