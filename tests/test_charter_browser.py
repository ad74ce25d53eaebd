"""The charter editor in Chromium: the preview follows a colour without reloading, on a desktop
and on a 360 px phone, and the saved charter is what citizens then see."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import BACKENDS, CHROMIUM
from tests.test_browser import PHONE, running_parvis

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
# Screenshots are kept here when set (to look at them), else in the test's temporary folder.
SHOTS = os.environ.get("PARVIS_SCREENSHOTS", "")


@pytest.fixture(scope="module", params=BACKENDS)
def parvis(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("data")
    with running_parvis(request.param, data_dir, tmp_path_factory.mktemp("log") / "server.log") as address:
        yield address, data_dir


def background(page: Any, selector: str) -> str:
    return str(page.eval_on_selector(selector, "e => getComputedStyle(e).backgroundColor"))


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_the_preview_follows_a_colour_and_the_saved_charter_is_public(
    parvis: tuple[str, Path], browser: Any, viewport: dict[str, int], tmp_path: Path
) -> None:
    address, data_dir = parvis
    shots = Path(SHOTS) if SHOTS else tmp_path
    email, password = (data_dir / "demo-login.txt").read_text().split()[:2]
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{address}/staff/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button.primary")
    page.wait_for_load_state()
    page.click("a[href='/staff/o/val-dorne/charter']")
    expect(page.locator("h1")).to_have_text("Charte graphique")
    # A click waits for the new page's first bytes only: typing before htmx has read the
    # form would send no preview, as it would for a person typing in the first instant.
    page.wait_for_load_state()

    colour = "#1f5f3a" if viewport["width"] > 400 else "#3b2a7a"
    rgb = {"#1f5f3a": "rgb(31, 95, 58)", "#3b2a7a": "rgb(59, 42, 122)"}[colour]
    button = "#charter-preview .procedure-form .button.primary"
    page.evaluate("window.notReloaded = true")
    page.locator("#color-primary").fill(colour)
    # A function, not a string: the page's CSP forbids the eval a string predicate needs.
    page.wait_for_function(
        # The preview is swapped in whole: between two swaps the button may not be there yet.
        "([selector, rgb]) => { const button = document.querySelector(selector);"
        " return button !== null && getComputedStyle(button).backgroundColor === rgb; }",
        arg=[button, rgb],
    )
    expect(page.locator("#colour-note-primary .colour-hex")).to_have_text(colour)

    page.locator("#color-text").fill("#bbbbbb")  # a contrast problem shows next to the field
    page.locator("#colour-note-text .error-message").first.wait_for()
    expect(page.locator("#colour-note-text")).to_contain_text("#bbbbbb")
    expect(page.locator("#charter-status")).to_contain_text("problème")
    page.locator("#color-text").fill("#2a181d")
    page.locator("#colour-note-text .error-message").first.wait_for(state="detached")
    page.locator("#link-3").fill("Plan d’accès")  # typing alone updates the preview
    page.locator("#link-3-url").fill(f"/plan-{viewport['width']}")
    page.locator(f"#charter-preview .footer-links a[href='/plan-{viewport['width']}']").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(shots / f"charter-editor-{viewport['width']}.png"), full_page=True)

    page.locator("button[value='save']:not(.visually-hidden)").click()
    expect(page).to_have_url(re.compile(r"/charter\?saved=1$"))
    expect(page.locator(".panel-success")).to_have_count(1)

    public = context.new_page()
    public.goto(f"{address}/val-dorne")
    assert background(public, ".site-header") == rgb
    assert public.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    public.screenshot(path=str(shots / f"charter-public-{viewport['width']}.png"), full_page=True)
    context.close()
