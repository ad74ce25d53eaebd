"""The live refresh of conditions never loses what a citizen types or picks.

Every page with conditions of every example is typed at 20 keys a second, with scripts on
and the latency of a mobile network, every file is picked, and the draft stored on the
server must hold exactly what was typed and picked. Answers held back on the way show that
a late answer never replaces what is being typed, nor a file just picked.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from runtime.db import make_engine
from runtime.settings import Settings
from runtime.uploads import path_for
from tests.conftest import CHROMIUM, make_settings
from tests.example_answers import EXAMPLES, Page, pdf_bytes
from tests.test_browser import PHONE, fill_page, running_parvis
from tests.test_citizen_pages import compiled, parsed_answers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
KEY_DELAY = 50  # ms between keys: 20 keys a second
# The optional conditional question of the canteen (a quotient reveals the attestation).
EXTRA: dict[str, dict[int, Page]] = {
    "saint-aubin/inscription-cantine": {
        1: (
            {"quotient_familial": "812"},
            {"attestation_qf": ("attestation-caf.pdf", pdf_bytes(), "application/pdf")},
        ),
    },
}
# PostgreSQL runs the procedures with conditions on the start page, in a draft (after a
# repeatable group) and on a file; SQLite runs them all.
POSTGRESQL_SUBSET = [
    "beaulac/signalement-voirie",
    "beaulac/occupation-terrasse",
    "saint-aubin/inscription-cantine",
]


@contextlib.contextmanager
def parvis_with_settings(backend: str, factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    data_dir = factory.mktemp("data")
    settings = make_settings(backend, data_dir)
    with running_parvis(
        backend, data_dir, factory.mktemp("log") / "server.log", settings=settings
    ) as address:
        yield address, settings


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    with parvis_with_settings("sqlite", tmp_path_factory) as running:
        yield running


@pytest.fixture(scope="module")
def postgresql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    with parvis_with_settings("postgresql", tmp_path_factory) as running:
        yield running


def pages_of(procedure: str) -> list[Page]:
    pages = []
    for index, (data, files) in enumerate(EXAMPLES[procedure]):
        extra_data, extra_files = EXTRA.get(procedure, {}).get(index, ({}, {}))
        pages.append(({**data, **extra_data}, {**files, **extra_files}))
    return pages


def settled(page: Any) -> None:
    """Wait, as a person looks, until no refresh of the questions is under way."""
    expect(page.locator(".live.htmx-request")).to_have_count(0)


def type_page(page: Any, data: dict[str, Any], files: dict[str, tuple[str, bytes, str]]) -> None:
    """Answer a page as a quick typist: keys one by one, choices clicked, files picked."""
    for name, value in data.items():
        if name.endswith(".count"):
            continue
        first = page.locator(f'[name="{name}"]').first
        first.wait_for()
        kind = first.get_attribute("type")
        if kind in ("radio", "checkbox"):
            for item in value if isinstance(value, list) else [value]:
                page.locator(f'[name="{name}"][value="{item}"]').check()
        elif first.evaluate("element => element.tagName") == "SELECT":
            first.select_option(value)
        elif kind == "date":
            first.fill(value)  # a date picker is not typed into key by key
        else:
            first.press_sequentially(value, delay=KEY_DELAY)
            first.press("Tab")  # and on to the next question
    for name, (filename, content, kind) in files.items():
        page.locator(f'[name="{name}"]').set_input_files(
            {"name": filename, "mimeType": kind, "buffer": content}
        )


def slow_network(context: Any, page: Any) -> None:
    """A phone on a mobile network: each request takes a while to come back."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 150, "downloadThroughput": -1, "uploadThroughput": -1},
    )


@pytest.mark.parametrize("procedure", sorted(EXAMPLES))
def test_what_is_typed_and_picked_is_exactly_what_is_stored(
    server: tuple[str, Settings], browser: Any, procedure: str
) -> None:
    type_and_check(*server, browser, procedure)


@pytest.mark.postgresql
@pytest.mark.parametrize("procedure", POSTGRESQL_SUBSET)
def test_what_is_typed_and_picked_is_exactly_what_is_stored_on_postgresql(
    postgresql_server: tuple[str, Settings], browser: Any, procedure: str
) -> None:
    type_and_check(*postgresql_server, browser, procedure)


def type_and_check(address: str, settings: Settings, browser: Any, procedure: str) -> None:
    version = compiled(procedure)
    pages = pages_of(procedure)
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    slow_network(context, page)
    page.goto(f"{address}/{procedure}")
    for data, files in pages:
        if page.locator(".live").count():
            type_page(page, data, files)
        else:  # a page without conditions has no refresh to race with
            fill_page(page, data, files, True)
        settled(page)
        page.locator("button.primary").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    assert page.url.endswith("/review")
    token = page.url.split("/d/")[1].split("/")[0]
    context.close()

    stored = stored_answers(settings, token)
    picked = {
        name: (filename, content)
        for _data, files in pages
        for name, (filename, content, _kind) in files.items()
    }
    for name, (filename, content) in picked.items():
        pointers = stored.pop(name)
        assert [pointer["name"] for pointer in pointers] == [filename], name
        assert path_for(settings.data_dir, pointers[0]["id"]).read_bytes() == content, name
    assert stored == json.loads(json.dumps(parsed_answers(version, pages)))


def stored_answers(settings: Settings, token: str) -> dict[str, Any]:
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with engine.connect() as connection:
            answers = connection.execute(
                text("SELECT answers FROM draft WHERE id = :id"), {"id": token}
            ).scalar_one()
    finally:
        engine.dispose()
    return dict(json.loads(answers) if isinstance(answers, str) else answers)


def refresh_count(page: Any) -> list[str]:
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.url.endswith("/refresh") else None
    )
    return posts


def test_a_late_answer_never_replaces_the_field_being_typed(
    server: tuple[str, Settings], browser: Any
) -> None:
    address, _settings = server
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    posts = refresh_count(page)
    page.goto(f"{address}/beaulac/signalement-voirie")
    page.locator('[name="categorie"][value="autre"]').check()
    precision = page.locator("#f-precision")
    expect(precision).to_be_visible()
    assert len(posts) == 1  # one change, one request

    held: list[Any] = []
    page.route("**/refresh", lambda route: held.append(route))
    page.locator("#f-description").press_sequentially("Trou", delay=KEY_DELAY)
    with page.expect_request("**/refresh"):
        precision.click()  # leaving the description asks for the questions again
    precision.press_sequentially("Banc public cassé", delay=KEY_DELAY)
    held.pop().continue_()
    settled(page)
    expect(precision).to_have_value("Banc public cassé")
    expect(precision).to_be_focused()

    # The answer to "lighting" hides the precision, but the citizen is already typing in it:
    # it stays until they leave it, then goes.
    with page.expect_request("**/refresh"):
        page.locator('[name="categorie"][value="eclairage"]').check()
    precision.press_sequentially(" et tordu", delay=KEY_DELAY)
    held.pop().continue_()
    settled(page)
    expect(precision).to_have_value("Banc public cassé et tordu")
    page.unroute("**/refresh")
    page.keyboard.press("Tab")
    expect(precision).to_have_count(0)
    settled(page)
    assert len(posts) == 5  # categorie, description, precision, categorie again, precision again
    context.close()


def test_a_file_picked_in_a_conditional_question_stays_picked(
    server: tuple[str, Settings], browser: Any
) -> None:
    address, _settings = server
    procedure = "saint-aubin/inscription-cantine"
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{address}/{procedure}")
    fill_page(page, *EXAMPLES[procedure][0], True)
    page.locator("button.primary").click()
    page.wait_for_load_state()
    posts = refresh_count(page)
    page.locator("#f-quotient_familial").press_sequentially("812", delay=KEY_DELAY)
    page.keyboard.press("Tab")
    attestation = page.locator("#f-attestation_qf")
    expect(attestation).to_be_visible()
    attestation.set_input_files(
        {"name": "attestation-caf.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    # Another answer, and its refresh, after the pick.
    page.locator("#f-nom").press_sequentially("Durand", delay=KEY_DELAY)
    page.keyboard.press("Tab")
    settled(page)
    assert attestation.evaluate("input => input.files.length") == 1
    assert len(posts) == 2  # the quotient and the name; picking a file asks nothing
    fill_page(page, EXAMPLES[procedure][1][0], {}, True)
    page.locator("button.primary").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    context.close()


def test_a_question_kept_back_for_the_focus_goes_once_the_citizen_leaves_it(
    server: tuple[str, Settings], browser: Any
) -> None:
    address, _settings = server
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    posts = refresh_count(page)
    page.goto(f"{address}/beaulac/signalement-voirie")
    page.locator('[name="categorie"][value="autre"]').check()
    precision = page.locator("#f-precision")
    expect(precision).to_be_visible()
    held: list[Any] = []
    page.route("**/refresh", lambda route: held.append(route))
    with page.expect_request("**/refresh"):
        page.locator('[name="categorie"][value="eclairage"]').check()
    precision.focus()  # in the question when the answer hiding it arrives, nothing typed
    held.pop().continue_()
    settled(page)
    expect(precision).to_be_visible()
    page.unroute("**/refresh")
    with page.expect_request("**/refresh"):
        page.locator("#f-description").click()  # leaving it changed nothing, yet asks again
    expect(precision).to_have_count(0)
    settled(page)
    assert len(posts) == 3  # autre, eclairage, and the question asked again
    context.close()
