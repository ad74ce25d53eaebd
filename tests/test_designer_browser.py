"""The designer's journey in Chromium, as a new user would try it: sign in, build a procedure
from a blank page, preview it on a phone, publish it, fill it as a citizen, get the receipt;
then change a label, publish version 2, and find the first submission still shown with v1."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.conftest import BACKENDS, CHROMIUM
from tests.test_browser import PHONE, running_parvis

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module", params=BACKENDS)
def parvis(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("data")
    with running_parvis(request.param, data_dir, tmp_path_factory.mktemp("log") / "server.log") as address:
        yield address, data_dir


def test_a_designer_builds_publishes_and_revises_a_procedure(parvis: tuple[str, Path], browser: Any) -> None:
    address, data_dir = parvis
    email, password = (data_dir / "demo-login.txt").read_text().split()[:2]
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = staff.new_page()
    page.goto(f"{address}/staff/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button.primary")
    page.wait_for_load_state()

    page.locator("details.staff-new").first.locator("summary").click()  # Val d'Orne comes first
    new = page.locator("details.staff-new").first
    new.locator('input[name="title"]').fill("Prêt de matériel")
    new.locator('input[name="slug"]').fill("pret-materiel")
    new.locator("button.primary").click()
    page.wait_for_load_state()
    assert page.url.endswith("/p/pret-materiel/edit")

    def add(widget_label: str) -> None:
        page.locator(".palette button", has_text=widget_label).click()
        page.wait_for_load_state()

    def properties(**values: str) -> None:
        for name, value in values.items():
            field = page.locator(f'.editor-properties [name="{name}"]')
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            elif field.get_attribute("type") == "checkbox":
                field.check()
            else:
                field.fill(value)
        page.locator('.editor-properties button[value="properties"]').click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()

    add("Choix unique (boutons)")
    properties(label="Matériel souhaité", required="on", choices="tables | Tables\nbarnum | Barnum\nAutre")
    add("Texte long")
    properties(label="Précisez", required="on", condition_field="radio", condition_operator="equals",
               condition_value="autre")
    page.locator('button[value="add_page"]').click()
    page.wait_for_load_state()
    add("Courriel")
    properties(label="Votre courriel", required="on")

    preview = staff.new_page()
    preview.set_viewport_size(PHONE)
    preview.goto(page.url.split("/edit")[0] + "/preview/0")
    assert preview.locator(".preview-banner").count() == 1
    preview.locator('[name="radio"][value="autre"]').check()
    preview.locator("#f-textarea").wait_for()  # the condition works in the preview
    assert preview.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.goto(page.url.split("/edit")[0] + "/publish")
    page.locator("form.actions button.primary").click()
    page.wait_for_load_state()
    assert "Publiée, version 1" in page.content()

    citizen = browser.new_context(viewport=PHONE, locale="fr-FR").new_page()
    citizen.goto(f"{address}/val-dorne/pret-materiel")
    citizen.locator('[name="radio"][value="barnum"]').check()
    citizen.locator("button.primary").click()
    citizen.locator("#f-email").fill("asso@example.fr")
    citizen.locator("button.primary").click()
    citizen.locator("form.send-form button.primary").click()
    citizen.wait_for_load_state()
    reference = citizen.locator(".reference").inner_text()
    pdf = citizen.request.get(address + citizen.locator('a[href$="receipt.pdf"]').get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    follow = address + citizen.locator('a[href^="/s/"]:not([href$=".pdf"])').first.get_attribute("href")

    page.goto(f"{address}/staff/o/val-dorne/p/pret-materiel/edit?page=0&element=0")
    properties(label="Matériel à emprunter")
    page.goto(f"{address}/staff/o/val-dorne/p/pret-materiel/publish")
    assert "Matériel à emprunter" in page.locator(".diff").inner_text()
    page.locator("form.actions button.primary").click()
    page.wait_for_load_state()
    assert "Publiée, version 2" in page.content()

    citizen.goto(follow)
    citizen.locator("details.your-answers summary").click()
    answers = citizen.locator("details.your-answers").inner_text()
    assert reference in citizen.locator("h1").inner_text()
    assert "Matériel souhaité" in answers and "Matériel à emprunter" not in answers
    citizen.goto(f"{address}/val-dorne/pret-materiel")
    assert "Matériel à emprunter" in citizen.content()
