"""What only a browser can show: every example completed on a phone, with and without scripts.

Runs in Debian's Chromium, driven by Playwright (never a downloaded browser).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from runtime.settings import Settings
from tests.conftest import BACKENDS, CHROMIUM, make_settings
from tests.example_answers import EXAMPLES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
PHONE = {"width": 360, "height": 740}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_parvis(
    backend: str,
    data_dir: Path,
    log: Path,
    extra_env: dict[str, str] | None = None,
    settings: Settings | None = None,
) -> Iterator[str]:
    """`python app.py` as a new user starts it, on a free port; its address."""
    port = free_port()
    settings = settings or make_settings(backend, data_dir)
    env = {
        **os.environ,
        "PARVIS_DATA_DIR": str(data_dir),
        "PARVIS_DATABASE_URL": settings.database_url,
        "PARVIS_RECEIPT_TIMEOUT": str(settings.receipt_timeout),
        "PARVIS_RENDER_TIMEOUT": str(settings.render_timeout),
        **(extra_env or {}),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port)], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 180  # a bound for a loaded machine, not a wait
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        process.wait(10)
        raise RuntimeError(log.read_text())
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_parvis(
        request.param, tmp_path_factory.mktemp("data"), tmp_path_factory.mktemp("log") / "server.log"
    ) as address:
        yield address


def fill_page(
    page: Any, data: dict[str, Any], files: dict[str, tuple[str, bytes, str]], scripts: bool
) -> None:
    for name, value in data.items():
        if name.endswith(".count"):
            continue
        locator = page.locator(f'[name="{name}"]')
        if not scripts and locator.count() == 0:
            # Without scripts, a question revealed by an earlier answer appears after "update".
            page.locator('button[value="refresh"]').click()
            page.wait_for_load_state()
            locator = page.locator(f'[name="{name}"]')
        first = locator.first
        kind = first.get_attribute("type")
        tag = first.evaluate("element => element.tagName")
        if kind in ("radio", "checkbox"):
            for item in value if isinstance(value, list) else [value]:
                page.locator(f'[name="{name}"][value="{item}"]').check()
        elif tag == "SELECT":
            first.select_option(value)
        else:
            first.fill(value)
    for name, (filename, content, kind) in files.items():
        page.locator(f'[name="{name}"]').set_input_files(
            {"name": filename, "mimeType": kind, "buffer": content}
        )


@pytest.mark.parametrize("scripts", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("procedure", sorted(EXAMPLES))
def test_every_example_on_a_phone(server: str, browser: Any, procedure: str, scripts: bool) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=scripts, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{server}/{procedure}")
    for data, files in EXAMPLES[procedure]:
        fill_page(page, data, files, scripts)
        page.locator("button.primary").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    assert "/review" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    page.locator("form.send-form button.primary").click()
    page.wait_for_load_state()
    reference = page.locator(".reference").inner_text()
    assert reference.count("-") == 2
    # As long as the receipt takes to be written (no fixed limit: a loaded machine is slow).
    pdf = context.request.get(
        server + page.locator('a[href$="receipt.pdf"]').get_attribute("href"), timeout=0
    )
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.locator('a[href^="/s/"]:not([href$=".pdf"])').first.click()
    assert reference in page.locator("h1").inner_text()
    context.close()


def test_conditions_update_live_and_keep_what_is_typed(server: str, browser: Any) -> None:
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{server}/beaulac/signalement-voirie")
    page.locator("#f-description").fill("Un trou profond")
    assert page.locator("#f-precision").count() == 0
    page.locator('[name="categorie"][value="autre"]').check()
    page.locator("#f-precision").wait_for()
    assert page.locator("#f-description").input_value() == "Un trou profond"
    page.locator('[name="categorie"][value="eclairage"]').check()
    page.locator("#f-precision").wait_for(state="detached")
    context.close()


def test_errors_take_the_focus_and_link_to_their_fields(server: str, browser: Any) -> None:
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{server}/beaulac/signalement-voirie")
    page.locator("button.primary").click()
    expect(page).to_have_title(re.compile("^Erreur"))
    expect(page.locator(".error-summary")).to_be_focused()  # once the page's script has run
    page.locator(".error-summary a").first.click()
    expect(page.locator(":focus")).to_have_id(re.compile("^f-"))
    context.close()


@pytest.mark.parametrize("scripts", [True, False], ids=["js", "nojs"])
def test_adding_a_child_lands_on_the_new_item_ready_to_type(server: str, browser: Any, scripts: bool) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, java_script_enabled=scripts, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{server}/saint-aubin/inscription-cantine")
    page.locator('[name="enfants.0.nom"]').fill("Durand")
    page.get_by_role("button", name="Ajouter un enfant").click()
    page.wait_for_load_state()
    new_item = page.locator('[name="enfants.1.nom"]')
    expect(new_item).to_be_focused()
    expect(new_item).to_be_in_viewport()
    page.keyboard.type("Martin")
    expect(new_item).to_have_value("Martin")
    expect(page.locator('[name="enfants.0.nom"]')).to_have_value("Durand")
    context.close()
