"""The editor's controls in Chromium: every palette entry and every element button, with
scripts and without, and a condition's question chosen faster than htmx settles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import BACKENDS, CHROMIUM
from tests.test_browser import running_parvis
from tests.test_designer_browser import Designer, settled

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module", params=BACKENDS)
def parvis(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("data")
    with running_parvis(request.param, data_dir, tmp_path_factory.mktemp("log") / "server.log") as address:
        yield address, data_dir


def rows(page: Any) -> list[str]:
    """The page's elements as the list shows them: name and type."""
    return [
        " ".join(text.split())
        for text in page.locator(
            "section.editor-pages > ol.elements > li.element > .element-name"
        ).all_inner_texts()
    ]


@pytest.mark.parametrize("scripts", [True, False], ids=["js", "nojs"])
def test_every_palette_entry_and_element_button_with_and_without_scripts(
    parvis: tuple[str, Path], browser: Any, scripts: bool
) -> None:
    address, data_dir = parvis
    email, password = (data_dir / "demo-login.txt").read_text().split()[:2]
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", java_script_enabled=scripts
    )
    page = context.new_page()
    page.goto(f"{address}/staff/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button.primary")
    slug = f"boutons-{'js' if scripts else 'nojs'}"
    new = page.locator("details.staff-new", has=page.locator("#new-title-beaulac"))
    new.locator("summary").click()
    new.locator('input[name="title"]').fill("Les boutons")
    new.locator('input[name="slug"]').fill(slug)
    new.locator("button.primary").click()
    expect(page).to_have_url(f"{address}/staff/o/beaulac/p/{slug}/edit")
    designer = Designer(page)

    entries = page.locator(".palette button").all_inner_texts()
    assert len(entries) == 26
    for number, entry in enumerate(entries, 1):
        designer.saving(
            lambda entry=entry: page.locator(".palette").get_by_role("button", name=entry, exact=True).click()
        )
        shown = rows(page)
        assert len(shown) == number, entry
        # The new element comes last, selected, with the type chosen (an information text has none).
        expected = "Texte d’information." if entry == "Texte d’information" else f"({entry}"
        assert expected in shown[-1], (entry, shown[-1])
        assert (
            page.locator("li.element-selected > .element-name").inner_text()
            == page.locator(f"#element-{number - 1} > .element-name").inner_text()
        )

    def press(index: int, label: str) -> None:
        designer.saving(
            lambda: (
                page.locator(f"#element-{index} > .element-actions")
                .get_by_role("button", name=label, exact=True)
                .click()
            )
        )

    before = rows(page)
    press(0, "Descendre")
    assert rows(page) == [before[1], before[0], *before[2:]]
    press(2, "Monter")
    assert rows(page) == [before[1], before[2], before[0], *before[3:]]
    press(1, "Dupliquer")
    assert rows(page) == [before[1], before[2], before[2], before[0], *before[3:]]
    press(3, "Supprimer")
    assert rows(page) == [before[1], before[2], before[2], *before[3:]]
    press(len(before) - 1, "Supprimer")  # the last one: the group
    assert rows(page) == [before[1], before[2], before[2], *before[3:-1]]
    context.close()


def test_a_question_chosen_right_after_a_swap_is_not_lost(parvis: tuple[str, Path], browser: Any) -> None:
    """A person quicker than htmx's settling: the second condition row is chosen in the very
    next task after the first choice's rows come back, and its own rows still come back."""
    address, data_dir = parvis
    email, password = (data_dir / "demo-login.txt").read_text().split()[:2]
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
    page.goto(f"{address}/staff/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button.primary")
    page.wait_for_url(f"{address}/staff")
    page.goto(f"{address}/staff/o/beaulac/p/occupation-terrasse/edit?page=0&element=6")
    settled(page)
    page.evaluate("""() => {
        const watcher = new MutationObserver(() => {
            const next = document.getElementById("p-condition_field_1");
            if (!next) { return; }
            watcher.disconnect();
            setTimeout(() => {
                next.value = "enseigne";
                next.dispatchEvent(new Event("change", {bubbles: true}));
            }, 0);
        });
        watcher.observe(document.body, {childList: true, subtree: true});
    }""")
    page.locator("#p-condition_field_0").select_option("raison_sociale")
    expect(page.locator("#p-condition_field_2")).to_have_count(1)
    expect(page.locator("#p-condition_field_1")).to_have_value("enseigne")
