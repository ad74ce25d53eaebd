"""Staff accounts: sign-in, throttling, sessions that really end, roles scoped to organisations."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from app import demo_login
from designer import accounts
from runtime.catalogue import organisation_by_slug

pytestmark = pytest.mark.anyio
PASSWORD = "correct horse battery staple"


def organisation_id(app: Any, slug: str) -> int:
    found = organisation_by_slug(app.state.site.engine, slug)
    assert found is not None and found.id is not None
    return found.id


def make_user(app: Any, email: str, roles: dict[str, str]) -> int:
    user = accounts.create_user(
        app.state.site.engine,
        email,
        "Agent Test",
        PASSWORD,
        {organisation_id(app, slug): role for slug, role in roles.items()},
    )
    assert user.id is not None
    return user.id


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/staff/login", data={"email": email, "password": password})


def organisations_shown(response: httpx.Response) -> list[str]:
    return [
        h.get_text(strip=True) for h in BeautifulSoup(response.text, "html.parser").select(".review-head h2")
    ]


async def test_a_new_install_has_a_demo_administrator(app: Any, client: httpx.AsyncClient) -> None:
    login = demo_login(app.state.site.settings, app.state.site.engine)
    assert login is not None
    signed = await sign_in(client, *login)
    assert signed.status_code == 303
    client.cookies.set("parvis_staff", signed.cookies["parvis_staff"], path="/staff")
    page = await client.get("/staff")
    assert page.headers["cache-control"] == "no-store"
    shown = organisations_shown(page)
    # Administrator of the intercommunal body, hence of its member towns too.
    assert set(shown) == {"Communauté de communes du Val d'Orne", "Ville de Beaulac", "Saint-Aubin-des-Prés"}
    assert "Publiée, version 1" in page.text or "Published, version 1" in page.text


async def test_sign_in_says_the_same_for_unknown_accounts_and_wrong_passwords(
    app: Any, client: httpx.AsyncClient
) -> None:
    make_user(app, "agent@beaulac.example", {"beaulac": "agent"})
    wrong = await sign_in(client, "agent@beaulac.example", "not the password")
    unknown = await sign_in(client, "nobody@beaulac.example", "not the password")
    assert wrong.status_code == unknown.status_code == 401

    def message(response: httpx.Response) -> str:
        return BeautifulSoup(response.text, "html.parser").select_one(".error-summary").get_text(strip=True)

    assert message(wrong) == message(unknown)
    assert "parvis_staff" not in wrong.cookies


async def test_sign_in_is_throttled_per_account(app: Any, client: httpx.AsyncClient) -> None:
    make_user(app, "agent@beaulac.example", {"beaulac": "agent"})
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
        await sign_in(client, "Agent@Beaulac.example", "wrong password!")
    refused = await sign_in(client, "agent@beaulac.example")  # even the right password, for now
    assert refused.status_code == 429
    ghost = [
        await sign_in(client, "ghost@beaulac.example", "x")
        for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT + 1)
    ]
    assert ghost[-1].status_code == 429  # an unknown account is throttled the same way


async def test_staff_of_one_organisation_see_nothing_of_another(app: Any, client: httpx.AsyncClient) -> None:
    make_user(app, "agent@saint-aubin.example", {"saint-aubin": "agent"})
    signed = await sign_in(client, "agent@saint-aubin.example")
    client.cookies.set("parvis_staff", signed.cookies["parvis_staff"], path="/staff")
    page = await client.get("/staff")
    assert organisations_shown(page) == ["Saint-Aubin-des-Prés"]
    assert "signalement-voirie" not in page.text and "inscription-cantine" in page.text


async def test_sign_out_ends_the_session_at_once(app: Any, client: httpx.AsyncClient) -> None:
    make_user(app, "agent@beaulac.example", {"beaulac": "agent"})
    token = (await sign_in(client, "agent@beaulac.example")).cookies["parvis_staff"]
    client.cookies.set("parvis_staff", token, path="/staff")
    assert (await client.get("/staff")).status_code == 200
    await client.post("/staff/logout")
    client.cookies.set("parvis_staff", token, path="/staff")  # a copy of the old cookie
    again = await client.get("/staff")
    assert again.status_code == 303 and again.headers["location"] == "/staff/login"


async def test_password_change_and_deactivation_end_other_sessions(
    app: Any, client: httpx.AsyncClient
) -> None:
    user_id = make_user(app, "agent@beaulac.example", {"beaulac": "agent"})
    first = (await sign_in(client, "agent@beaulac.example")).cookies["parvis_staff"]
    second = (await sign_in(client, "agent@beaulac.example")).cookies["parvis_staff"]
    client.cookies.set("parvis_staff", first, path="/staff")
    short = await client.post("/staff/password", data={"current": PASSWORD, "new": "short"})
    assert short.status_code == 422
    changed = await client.post(
        "/staff/password", data={"current": PASSWORD, "new": "a much longer new password"}
    )
    assert changed.status_code == 303
    client.cookies.set("parvis_staff", second, path="/staff")
    assert (await client.get("/staff")).status_code == 303  # the other browser is signed out
    fresh = changed.cookies["parvis_staff"]
    client.cookies.set("parvis_staff", fresh, path="/staff")
    assert (await client.get("/staff")).status_code == 200
    accounts.deactivate(app.state.site.engine, user_id)
    assert (await client.get("/staff")).status_code == 303
    assert (await sign_in(client, "agent@beaulac.example", "a much longer new password")).status_code == 401


async def test_a_cross_site_sign_in_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/staff/login", data={"email": "a@b.c", "password": "x"}, headers={"sec-fetch-site": "cross-site"}
    )
    assert response.status_code == 403


def test_create_admin_from_the_command_line(tmp_path: Path) -> None:
    env = {"PARVIS_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    command = [
        sys.executable,
        "app.py",
        "create-admin",
        "--email",
        "maire@beaulac.example",
        "--name",
        "Maire",
    ]
    done = subprocess.run(command, input=PASSWORD + "\n", capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "maire@beaulac.example" in done.stdout
    weak = subprocess.run(
        [*command[:4], "other@beaulac.example", "--name", "X"],
        input="short\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert weak.returncode == 1 and "refused" in weak.stdout
