"""The designer's journey in Chromium, as a new user would try it: sign in, build the terrace
request of examples/ from a blank procedure (pages, questions, conditions, workflow), drag a
question into place, preview it on a phone, publish it, fill it as a citizen with scripts on and
read the PDF receipt back; then change a label, publish version 2, and find the first
submission still shown with version 1."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.conftest import BACKENDS, CHROMIUM
from tests.example_answers import pdf_bytes
from tests.test_browser import PHONE, running_parvis

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
EXAMPLE = Path(__file__).resolve().parent.parent / "examples/beaulac/procedures/occupation-terrasse.json"


@pytest.fixture(scope="module", params=BACKENDS)
def parvis(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("data")
    with running_parvis(request.param, data_dir, tmp_path_factory.mktemp("log") / "server.log") as address:
        yield address, data_dir


def settled(page: Any) -> None:
    """Wait until htmx has finished its swaps: no request under way, nothing new left to settle.

    htmx marks a request's element, what it swaps out and what it has just put in; the marks
    are gone once the new content listens to the person, as it does with its own classes.
    """
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)


class Designer:
    """The editor as a person uses it with scripts on: each change is swapped in by htmx."""

    def __init__(self, page: Any):
        self.page = page

    def revision(self) -> str:
        return str(self.page.locator("#editor-root").get_attribute("data-revision"))

    def saving(self, act: Any) -> None:
        """Do something that saves, and wait until the editor shows the saved revision, settled."""
        before = self.revision()
        act()
        expect(self.page.locator("#editor-root")).not_to_have_attribute("data-revision", before)
        settled(self.page)
        assert self.page.locator(".error-summary").count() == 0, self.page.locator(
            ".error-summary"
        ).inner_text()

    def add(self, widget_label: str) -> None:
        button = self.page.locator(".palette").get_by_role("button", name=widget_label, exact=True)
        self.saving(lambda: button.click())

    def select(self, index: int) -> None:
        self.page.locator(f"#element-{index} > .element-name").click()
        self.page.locator(f"#element-{index}.element-selected").wait_for()
        settled(self.page)

    def properties(self, **values: str) -> None:
        pane = self.page.locator(".editor-properties")
        for name, value in values.items():
            field = pane.locator(f'[name="{name}"]')
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            elif field.get_attribute("type") == "checkbox":
                field.set_checked(value == "on")
            else:
                field.fill(value)
        self.saving(lambda: pane.locator('.actions button[value="properties"]').click())

    def condition(self, rows: list[tuple[str, str, str]], join: str = "all") -> None:
        """Choose each row's question (its answers then appear), comparison and value."""
        pane = self.page.locator(".editor-properties")
        for number, (question, operator, answer) in enumerate(rows):
            pane.locator(f"#p-condition_field_{number}").select_option(label=question)
            # htmx brings the rows back with this question's answers and one more empty row.
            pane.locator(f"#p-condition_field_{number + 1}").wait_for()
            settled(self.page)
            pane.locator(f"#p-condition_operator_{number}").select_option(operator)
            value = pane.locator(f"#p-condition_value_{number}")
            if answer and value.evaluate("e => e.tagName") == "SELECT":
                value.select_option(label=answer)
            elif answer:
                value.fill(answer)
        if len(rows) > 1:
            pane.locator("#p-condition_join").select_option(join)
        self.saving(lambda: pane.locator('.actions button[value="properties"]').click())

    def labels(self) -> list[str]:
        return [
            text.split(" (")[0].strip()
            for text in self.page.locator(".elements > .element > .element-name").all_inner_texts()
        ]

    def new_page(self, title: str) -> None:
        self.saving(lambda: self.page.locator('button[value="add_page"]').click())
        self.page.locator("#page-title").fill(title)
        self.saving(lambda: self.page.locator('button[value="page_title"]').click())


def test_a_designer_builds_the_terrace_request_publishes_and_revises_it(
    parvis: tuple[str, Path], browser: Any, tmp_path: Path
) -> None:
    address, data_dir = parvis
    email, password = (data_dir / "demo-login.txt").read_text().split()[:2]
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = staff.new_page()
    page.goto(f"{address}/staff/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button.primary")
    page.wait_for_load_state()

    new = page.locator("details.staff-new", has=page.locator("#new-title-beaulac"))
    new.locator("summary").click()
    new.locator('input[name="title"]').fill("Demande d’autorisation de terrasse")
    new.locator('input[name="slug"]').fill("terrasse")
    new.locator("button.primary").click()
    page.wait_for_load_state()
    assert page.url.endswith("/staff/o/beaulac/p/terrasse/edit")
    designer = Designer(page)

    page.locator("details.procedure-settings > summary").click()
    page.locator("#s-prefix").fill("TER")
    designer.saving(lambda: page.locator('button[value="settings"]').click())

    # Page 1: the business.
    page.locator("#page-title").fill("Votre établissement")
    designer.saving(lambda: page.locator('button[value="page_title"]').click())
    designer.add("Texte court")
    designer.properties(label="Raison sociale", required="on", max_length="150")
    designer.add("Numéro SIRET")
    designer.properties(label="Numéro SIRET", help="14 chiffres, sur votre extrait Kbis.", required="on")

    # Page 2: the occupation, with its conditional questions.
    designer.new_page("L’occupation du domaine public")
    designer.add("Choix unique (boutons)")
    designer.properties(
        label="Type d’installation",
        required="on",
        choices="terrasse | Terrasse (tables et chaises)\netalage | Étalage de marchandises\n"
        "chevalet | Chevalet ou porte-menu\nautre | Autre installation",
    )
    designer.add("Texte long")
    designer.properties(label="Décrivez l’installation", required="on", max_length="500")
    designer.condition([("Type d’installation", "equals", "Autre installation")])
    designer.add("Date")
    designer.properties(label="Date de début", required="on")
    designer.add("Date")
    designer.properties(label="Date de fin", required="on", after="date")
    designer.add("Nombre")
    designer.properties(
        label="Surface occupée", required="on", minimum="1", maximum="500", step="0,5", unit="m²"
    )
    designer.add("Oui / non")
    designer.properties(label="La terrasse sera-t-elle couverte ou fermée ?", required="on")
    designer.condition([("Type d’installation", "equals", "Terrasse (tables et chaises)")])
    designer.add("Texte long")
    designer.properties(label="Décrivez la structure", required="on")
    designer.condition(
        [
            ("Type d’installation", "equals", "Terrasse (tables et chaises)"),
            ("La terrasse sera-t-elle couverte ou fermée ?", "equals", "Oui"),
        ]
    )
    assert (
        "Affiché si «\xa0Type d’installation\xa0» est Terrasse (tables et chaises) et «\xa0La terrasse"
        in page.locator("#element-6 .element-condition").inner_text()
    )
    designer.add("Fichier")
    designer.properties(
        **{
            "label": "Plan de l’installation",
            "required": "on",
            "accept:application/pdf": "on",
            "accept:image/jpeg": "on",
            "accept:image/png": "on",
            "max_size_mb": "10",
            "multiple": "on",
            "max_items": "3",
        }
    )
    # A condition on a question asked later is refused, next to the element, and nothing is saved.
    designer.select(0)
    pane = page.locator(".editor-properties")
    assert pane.locator("#p-condition_field_0 option", has_text="Surface occupée").count() == 0
    page.screenshot(path=str(tmp_path / "editor-desktop.png"), full_page=True)

    # Page 3: the contact person, the two questions put in order by dragging.
    designer.new_page("La personne à contacter")
    designer.add("Texte d’information")
    designer.properties(content="La personne que nos services contacteront au sujet de cette demande.")
    designer.add("Courriel")
    designer.properties(label="Adresse électronique", required="on")
    designer.add("Texte court")
    designer.properties(label="Nom", required="on")
    assert designer.labels()[1:] == ["Adresse électronique", "Nom"]
    # Both elements in the middle of the window, whatever the length of the panes around them.
    page.evaluate("document.getElementById('element-1').scrollIntoView({block: 'center'})")
    handle = page.locator("#element-2 .drag-handle").bounding_box()
    target = page.locator("#element-1").bounding_box()
    before = designer.revision()
    start_x, start_y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    end_y = target["y"] + target["height"] * 0.3
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(start_x, start_y + (end_y - start_y) * step / 10)
    # SortableJS looks where the pointer rests and moves the dragged element there: wait to see
    # it placed before the other one, as the person does before letting go.
    expect(
        page.locator("section.editor-pages > ol.elements > li.element-ghost + li#element-1")
    ).to_have_count(1)
    page.mouse.up()
    expect(page.locator("#editor-root")).not_to_have_attribute("data-revision", before)
    settled(page)
    page.reload()
    assert designer.labels()[1:] == ["Nom", "Adresse électronique"]

    # Page 4: the declaration.
    designer.new_page("Engagement")
    designer.add("Case à cocher")
    designer.properties(label="Je certifie l’exactitude des informations fournies.", required="on")

    # The workflow of the example: its five statuses, and the transition sending a request back.
    page.locator("details.workflow-editor > summary").click()
    workflow = page.locator("details.workflow-editor")
    workflow.locator("#tr-from").select_option("en-instruction")
    workflow.locator("#tr-to").select_option("en-construction")
    workflow.locator("#tr-label").fill("Renvoyer pour correction")
    workflow.locator("#tr-comment").check()
    designer.saving(lambda: workflow.locator('button[value="transition_add"]').click())
    assert page.locator("details.workflow-editor").get_attribute("open") is not None  # stays open
    # The English label of a status, as the example has it.
    page.locator(".editor-links a", has_text="English").click()
    page.locator('.editor-links a[aria-current="true"]', has_text="English").wait_for()
    settled(page)
    page.locator("details.workflow-editor > summary").click()
    page.locator("#st-classee-sans-suite").fill("Closed without further action")
    designer.saving(lambda: page.locator('#status-classee-sans-suite button[value="status_set"]').click())

    definition = json.loads(page.request.get(f"{address}/staff/o/beaulac/p/terrasse/definition.json").text())
    example = json.loads(EXAMPLE.read_text())
    assert set(definition["workflow"]["states"]) == set(example["workflow"]["states"])
    assert (
        definition["workflow"]["states"]["classee-sans-suite"]["label"]
        == example["workflow"]["states"]["classee-sans-suite"]["label"]
    )
    assert sorted((t["from"], t["to"]) for t in definition["workflow"]["transitions"]) == sorted(
        (t["from"], t["to"]) for t in example["workflow"]["transitions"]
    )
    assert [len(p["elements"]) for p in definition["ui"]["pages"]] == [2, 8, 3, 1]
    occupation = definition["ui"]["pages"][1]["elements"]
    assert occupation[6]["visible_if"] == {
        "all": [{"field": "radio", "equals": "terrasse"}, {"field": "yesno", "equals": True}]
    }
    assert (
        occupation[3]["after"] == "date"
        and occupation[7]["accept"] == example["ui"]["pages"][1]["elements"][7]["accept"]
    )

    # The editor and the preview on a phone.
    phone = staff.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(f"{address}/staff/o/beaulac/p/terrasse/edit?page=1&element=1")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(tmp_path / "editor-phone.png"), full_page=True)
    phone.goto(f"{address}/staff/o/beaulac/p/terrasse/preview/1")
    assert phone.locator(".preview-banner").count() == 1
    phone.locator('[name="radio"][value="autre"]').check()
    phone.locator("#f-textarea").wait_for()  # the condition works in the preview
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(tmp_path / "preview-phone.png"), full_page=True)

    page.goto(f"{address}/staff/o/beaulac/p/terrasse/publish")
    page.locator("form.actions button.primary").click()
    page.wait_for_load_state()
    assert "Publiée, version 1" in page.content()

    # A citizen fills it on a phone, scripts on.
    citizen = browser.new_context(viewport=PHONE, locale="fr-FR").new_page()
    citizen.goto(f"{address}/beaulac/terrasse")
    citizen.locator('[name="text"]').fill("Café du Lac SARL")
    citizen.locator('[name="siret"]').fill("73282932000074")
    citizen.locator("button.primary").click()
    citizen.locator('[name="radio"][value="terrasse"]').check()
    citizen.locator('[name="yesno"][value="true"]').wait_for()
    citizen.locator('[name="yesno"][value="true"]').check()
    citizen.locator('[name="textarea_2"]').fill("Auvent en toile, fixé à la façade.")
    citizen.locator('[name="date"]').fill("2027-05-01")
    citizen.locator('[name="date_2"]').fill("2027-04-01")
    citizen.locator('[name="number"]').fill("12,5")
    citizen.locator('[name="file"]').set_input_files(
        [{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    citizen.locator("button.primary").click()
    assert citizen.locator(".error-summary").count() == 1  # the end comes before the start
    citizen.locator('[name="date_2"]').fill("2027-09-30")
    citizen.locator("button.primary").click()
    citizen.locator('[name="text_2"]').fill("Martin")
    citizen.locator('[name="email"]').fill("gerance@cafedulac.example")
    citizen.locator("button.primary").click()
    citizen.locator('[name="consent"]').check()
    citizen.locator("button.primary").click()
    citizen.locator("form.send-form button.primary").click()
    citizen.wait_for_load_state()
    reference = citizen.locator(".reference").inner_text()
    assert reference.startswith("TER-")
    pdf = citizen.request.get(
        address + citizen.locator('a[href$="receipt.pdf"]').get_attribute("href"), timeout=0
    )
    assert pdf.ok
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert reference in text and "Café du Lac SARL" in text and "Raison sociale" in text
    follow = address + citizen.locator('a[href^="/s/"]:not([href$=".pdf"])').first.get_attribute("href")

    # Version 2 changes a label; the first submission keeps the words it was made with.
    page.goto(f"{address}/staff/o/beaulac/p/terrasse/edit?page=0&element=0")
    designer.properties(label="Nom de la société")
    page.goto(f"{address}/staff/o/beaulac/p/terrasse/publish")
    assert "Nom de la société" in page.locator(".diff").inner_text()
    page.locator("form.actions button.primary").click()
    page.wait_for_load_state()
    assert "Publiée, version 2" in page.content()

    citizen.goto(follow)
    citizen.locator("details.your-answers summary").click()
    answers = citizen.locator("details.your-answers").inner_text()
    assert reference in citizen.locator("h1").inner_text()
    assert "Raison sociale" in answers and "Nom de la société" not in answers
    citizen.goto(f"{address}/beaulac/terrasse")
    assert "Nom de la société" in citizen.content()


def test_the_new_procedure_address_follows_the_title_and_the_browser_checks_it(
    parvis: tuple[str, Path], browser: Any
) -> None:
    address, data_dir = parvis
    email, password = (data_dir / "demo-login.txt").read_text().split()[:2]
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
    page.goto(f"{address}/staff/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button.primary")
    new = page.locator("details.staff-new", has=page.locator("#new-title-beaulac"))
    new.locator("summary").click()
    slug = new.locator("#new-slug-beaulac")
    new.locator("#new-title-beaulac").fill("Inscription à la cantine")
    expect(slug).to_have_value("inscription-a-la-cantine")
    # The browser itself checks the pattern (one the "v" flag accepts), before any request.
    slug.fill("Cantine Scolaire")
    assert slug.evaluate("e => e.validity.patternMismatch") is True
    slug.fill("cantine-scolaire")
    new.locator("#new-title-beaulac").fill("Autre titre")  # typed by the person: no longer follows
    expect(slug).to_have_value("cantine-scolaire")
    new.locator("button.primary").click()
    expect(page).to_have_url(f"{address}/staff/o/beaulac/p/cantine-scolaire/edit")
