"""Apps on a temporary SQLite database, and on PostgreSQL when PARVIS_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from app import create_app
from runtime.settings import Settings

POSTGRES_URL = os.environ.get("PARVIS_TEST_DATABASE_URL", "")
# Debian's Chromium, driven by Playwright: never a browser Playwright downloads itself.
BROWSER_WAIT_MS = 120_000
# The bound on waiting for what a person waits for (a mail, a rendered document): what a
# machine with every core busy needs, never a pause.
WAIT_SECONDS = BROWSER_WAIT_MS / 1000
CHROMIUM = os.environ.get("PARVIS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs against PARVIS_TEST_DATABASE_URL")
    config.addinivalue_line("markers", "browser: runs in headless Chromium")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _postgres_schema_url(name: str) -> str:
    """A fresh schema in the test database, so parallel workers never share tables."""
    base = POSTGRES_URL
    if base.startswith("postgresql://") or base.startswith("postgres://"):
        base = "postgresql+psycopg://" + base.split("://", 1)[1]
    engine = create_engine(base)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{name}"


def make_settings(backend: str, data_dir: Path, **overrides: Any) -> Settings:
    # A receipt is waited for until it is written, as a citizen who retries gets it: on a
    # loaded machine, starting the renderers alone can take longer than the server's budget.
    overrides.setdefault("receipt_timeout", 600.0)
    # Likewise a document or receipt render: the limit is for runaway templates, and a test
    # that wants it says so; a loaded machine alone must not turn a render into a fallback.
    overrides.setdefault("render_timeout", 300.0)
    if backend == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("PARVIS_TEST_DATABASE_URL is not set")
        url = _postgres_schema_url("t_" + uuid.uuid4().hex[:12])
        return Settings(data_dir=data_dir, database_url=url, **overrides)
    return Settings(data_dir=data_dir, **overrides)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    return make_settings(backend, tmp_path / "data")


@pytest.fixture
def app(settings: Settings) -> Iterator[Any]:
    application = create_app(settings)
    yield application
    application.state.site.engine.dispose()


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers={"accept-language": "fr"}
    ) as http:
        yield http


async def post_page(
    client: httpx.AsyncClient,
    url: str,
    data: dict[str, Any],
    files: dict[str, tuple[str, bytes, str]] | None = None,
    action: str = "next",
) -> httpx.Response:
    """Post one page as a browser does: multipart, lists as repeated fields."""
    fields: list[tuple[str, str]] = [("action", action)]
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            fields.append((name, item))
    parts = [(name, (None, value.encode())) for name, value in fields]
    for name, (filename, content, kind) in (files or {}).items():
        parts.append((name, (filename, content, kind)))
    return await client.post(url, files=parts)  # type: ignore[arg-type]


async def complete(client: httpx.AsyncClient, procedure: str, pages: list[Any]) -> httpx.Response:
    """Fill every page of an example and submit; returns the receipt page response."""
    url = f"/{procedure}"
    for data, files in pages:
        response = await post_page(client, url, data, files)
        assert response.status_code == 303, errors_in(response.text)
        url = response.headers["location"]
    assert url.endswith("/review"), url
    review = await client.get(url)
    assert review.status_code == 200
    sent = await client.post(url.replace("/review", "/submit"))
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/r/")
    return await client.get(sent.headers["location"])


class Inbox:
    """What a real SMTP server (aiosmtpd, the `smtp` fixture) received: (recipients, message)."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def errors_in(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", text)
        for text in re.findall(r'class="error-message"[^>]*>(.*?)</p>', html, re.S)
    ]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for a module's browser tests."""
    from playwright.sync_api import expect, sync_playwright

    # Tests wait for what a person waits for (a settled page, a text); these are the bounds
    # after which a wait counts as failed, wide enough for a machine with every core busy.
    expect.set_options(timeout=BROWSER_WAIT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        new_context, new_page = chromium.new_context, chromium.new_page

        def context_with_bounds(*args: Any, **kwargs: Any) -> Any:
            context = new_context(*args, **kwargs)
            context.set_default_timeout(BROWSER_WAIT_MS)
            return context

        def page_with_bounds(*args: Any, **kwargs: Any) -> Any:
            page = new_page(*args, **kwargs)
            page.set_default_timeout(BROWSER_WAIT_MS)
            return page

        chromium.new_context, chromium.new_page = context_with_bounds, page_with_bounds
        yield chromium
        chromium.close()
