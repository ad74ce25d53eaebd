"""An XLSForm spreadsheet (ODK / KoboToolbox) becomes a procedure draft through the staff
import; what cannot be carried over is reported at its row, in the reader's language."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from openpyxl import Workbook

from designer.imports.xlsform import from_xlsform
from runtime.definition import check_definition
from tests.conftest import errors_in, post_page
from tests.example_answers import png_bytes
from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio
HEADER = [
    "type",
    "name",
    "label::Français (fr)",
    "label::English (en)",
    "hint::Français (fr)",
    "required",
    "relevant",
    "constraint",
    "constraint_message::Français (fr)",
    "appearance",
    "calculation",
]
SURVEY = [
    HEADER,
    ["begin group", "demandeur", "Vous", "You"],  # row 2
    ["text", "nom", "Votre nom", "Your name", "Comme sur votre pièce d’identité", "yes"],
    [
        "integer",
        "age",
        "Votre âge",
        "Your age",
        None,
        "yes",
        None,
        ". >= 16 and . <= 120",
        "Entre 16 et 120 ans",
    ],
    [
        "select_one motif",
        "motif",
        "Motif",
        "Reason",
        None,
        "yes",
        None,
        None,
        None,  # row 5
        "minimal",
    ],
    ["text", "precision", "Précisez", "Specify", None, "yes", "${motif} = 'autre'", None, None, "multiline"],
    ["end group"],
    [
        "begin group",
        "foyer",
        "Votre foyer",
        "Your household",
        None,
        None,  # row 8
        "${age} >= 18",
    ],
    ["note", "info", "Indiquez **chaque** enfant <b>du foyer</b> {{ 7*7 }}", "List every child"],
    ["begin repeat", "enfants", "Enfant", "Child"],  # row 10
    ["text", "prenom", "Prénom", "First name", None, "yes"],
    ["integer", "age_enfant", "Âge", "Age", None, None, None, ". < 18", "Moins de 18 ans"],
    ["end repeat"],
    [
        "calculate",
        "nb",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,  # row 14
        "count(${enfants})",
    ],
    ["end group"],
    ["begin group", "fin", "Pour finir", "To finish"],  # row 16
    ["image", "photo", "Une photo du lieu", "A photo"],
    ["select_multiple services", "services", "Services utilisés", "Services used"],
    [
        "text",
        "autres",
        "Autres services",
        "Other services",
        None,
        None,
        "selected(${services}, 'cantine') or ${age} > 65",
    ],
    ["geopoint", "lieu", "Lieu", "Place"],  # row 20
    ["acknowledge", "accord", "J’accepte le règlement", "I agree", None, "yes"],
    ["end group"],
]
CHOICES = [
    ["list_name", "name", "label::Français (fr)", "label::English (en)"],
    ["motif", "travaux", "Travaux", "Works"],
    ["motif", "autre", "Autre", "Other"],
    ["services", "cantine", "Cantine", "Canteen"],
    ["services", "periscolaire", "Périscolaire", "After school"],
]
SETTINGS = [
    ["form_title", "form_id", "default_language", "version"],
    ["Demande d’aide aux familles", "aide_familles", "Français (fr)", "2024061201"],
]


def workbook(
    survey: list[list[Any]],
    choices: list[list[Any]] | None = None,
    settings: list[list[Any]] | None = None,
    title: str = "survey",
) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in survey:
        sheet.append(row)
    for name, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            extra = book.create_sheet(name)
            for row in rows:
                extra.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def import_spreadsheet(
    client: httpx.AsyncClient, content: bytes, name: str = "formulaire.xlsx"
) -> httpx.Response:
    # The browser's claimed type says nothing: the import looks at the bytes.
    files = {"definition": (name, content, "text/plain")}
    return await client.post("/staff/o/beaulac/import", files=files)


def remarks(response: httpx.Response) -> list[str]:
    page = BeautifulSoup(response.text, "html.parser")
    return [item.get_text(" ", strip=True) for item in page.select(".problems li")]


async def test_a_realistic_xlsform_becomes_a_procedure_that_citizens_fill(
    app: Any, client: httpx.AsyncClient
) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    imported = await import_spreadsheet(client, workbook(SURVEY, CHOICES, SETTINGS))
    assert imported.status_code == 200, remarks(imported)
    report = remarks(imported)  # a French page says it in French
    assert any(
        line.startswith("survey!A14")
        and "ligne 14\u00a0:" in line
        and "le type 'calculate' n’est pas pris en charge\u00a0; la ligne n’a pas été importée" in line
        for line in report
    ), report
    assert any(r.startswith("survey!A20") and "'geopoint'" in r for r in report)
    assert len(report) == 2, report

    definition = (await client.get("/staff/o/beaulac/p/aide-familles/definition.json")).json()
    assert definition["lang"] == "fr"
    assert definition["title"] == {"fr": "Demande d’aide aux familles"}
    pages = definition["ui"]["pages"]
    assert [page.get("id") for page in pages] == ["demandeur", "foyer", "fin"]
    assert pages[1]["visible_if"] == {
        "any": [{"field": "age", "greater_than": 18}, {"field": "age", "equals": 18}]
    }
    elements = {e.get("field", "note"): e for page in pages for e in page["elements"]}
    assert elements["nom"]["label"] == {"fr": "Votre nom", "en": "Your name"}
    assert elements["nom"]["required"] is True
    assert elements["nom"]["help"] == {"fr": "Comme sur votre pièce d’identité"}
    assert elements["motif"]["widget"] == "select"
    assert elements["motif"]["choices"] == {
        "travaux": {"fr": "Travaux", "en": "Works"},
        "autre": {"fr": "Autre", "en": "Other"},
    }
    assert elements["precision"]["widget"] == "textarea"
    assert elements["precision"]["visible_if"] == {"field": "motif", "equals": "autre"}
    assert elements["autres"]["visible_if"] == {
        "any": [{"field": "services", "contains": "cantine"}, {"field": "age", "greater_than": 65}]
    }
    assert elements["note"]["content"]["fr"] == ("Indiquez **chaque** enfant <b>du foyer</b> {{ 7*7 }}")
    assert elements["photo"]["widget"] == "file" and "image/png" in elements["photo"]["accept"]
    assert elements["accord"]["widget"] == "consent"
    assert elements["services"]["widget"] == "checkboxes"
    assert elements["enfants"]["widget"] == "group"
    assert [sub["field"] for sub in elements["enfants"]["elements"]] == ["prenom", "age_enfant"]
    properties = definition["schema"]["properties"]
    assert properties["age"] == {"type": "integer", "minimum": 16, "maximum": 120}
    assert properties["motif"]["enum"] == ["travaux", "autre"]  # the display order
    assert elements["age"]["messages"]["minimum"] == {"fr": "Entre 16 et 120 ans"}
    assert properties["enfants"]["items"]["required"] == ["prenom"]
    child_age = properties["enfants"]["items"]["properties"]["age_enfant"]
    assert child_age == {"type": "integer", "exclusiveMaximum": 18}
    assert "nb" not in properties and "lieu" not in properties
    assert check_definition(definition) == []

    preview = await client.get("/staff/o/beaulac/p/aide-familles/preview/1")
    assert preview.status_code == 200
    note = BeautifulSoup(preview.text, "html.parser").find(string=lambda s: s and "du foyer" in s)
    assert note is not None and "<b>du foyer</b> {{ 7*7 }}" in note and "49" not in note
    assert (await client.post("/staff/o/beaulac/p/aide-familles/publish")).status_code == 303

    url = "/beaulac/aide-familles"
    page = {"nom": "Martin", "age": "150", "motif": "autre", "precision": "Un déménagement"}
    refused = await post_page(client, url, page)
    assert refused.status_code == 422
    assert errors_in(refused.text) == ["Erreur\u00a0: Entre 16 et 120 ans"]
    url = (await post_page(client, url, {**page, "age": "42"})).headers["location"]
    too_old = await post_page(
        client, url, {"enfants.count": "1", "enfants.0.prenom": "Léa", "enfants.0.age_enfant": "19"}
    )
    assert errors_in(too_old.text) == ["Erreur\u00a0: Moins de 18 ans"]
    url = (
        await post_page(
            client, url, {"enfants.count": "1", "enfants.0.prenom": "Léa", "enfants.0.age_enfant": "7"}
        )
    ).headers["location"]
    last = {"services": ["cantine"], "autres": "Centre de loisirs", "accord": "true"}
    photo = {"photo": ("lieu.png", png_bytes(), "image/png")}
    url = (await post_page(client, url, last, photo)).headers["location"]
    assert url.endswith("/review"), url
    review = await client.get(url)
    for answer in ("Léa", "Centre de loisirs", "Un déménagement", "lieu.png"):
        assert answer in review.text
    sent = await client.post(url.replace("/review", "/submit"))
    receipt = await client.get(sent.headers["location"])
    assert receipt.status_code == 200 and "AID-" in receipt.text


async def test_rows_outside_the_subset_are_reported_and_the_rest_imports(
    app: Any, client: httpx.AsyncClient
) -> None:
    import datetime as dt

    survey = [
        ["type", "name", "label", "required", "relevant", "constraint", "choice_filter", "default"],
        ["text", "Nom-Complet", "<script>alert(1)</script> {{ 7*7 }} {% if x %}", "yes"],  # 2
        ["text", "nom complet", "Espace dans le nom"],
        ["text", "nom_complet", "Doublon"],  # 4
        [True, "quantite", "Type vrai ou faux"],
        ["select_one inconnue", "choix", "Liste absente"],  # 6
        ["integer", "age", dt.datetime(2024, 1, 1), None, "${Nom-Complet} = 'x'"],
        ["date", "quand", "Quand ?", None, "${plus_tard} != ''", ". > today()"],  # 8
        ["text", "plus_tard", "Plus tard", "yes", "count-selected(${age}) > 1"],
        ["select_one oui_non", "filtre", "Filtré", None, None, None, "${age} > 3", "oui"],  # 10
        ["text", "condition", "Requis sous condition", "${age} > 3"],
        ["end group"],  # 12
        ["begin repeat", "r", "Répétition"],
    ]
    choices = [
        ["list_name", "name", "label"],
        ["oui_non", "oui", "Oui"],
        ["oui_non", 0, "Non"],
        ["oui_non", "oui", "Encore oui"],
    ]
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    client.headers["accept-language"] = "en"  # the remarks are compared with their English words
    settings = [["form_title"], ["Remarques"]]
    imported = await import_spreadsheet(client, workbook(survey, choices, settings))
    assert imported.status_code == 200
    report = "\n".join(remarks(imported))
    expected = [
        ("survey!B2", "'Nom-Complet' becomes 'nom_complet'"),
        ("survey!B3", "'nom complet' is not a valid name"),
        ("survey!B4", "'nom_complet' is already used on row 2"),
        ("survey!A5", "holds a TRUE/FALSE value where text is expected; the row was not imported"),
        ("survey!A6", "the choice list 'inconnue' is not in the choices sheet"),
        ("survey!C7", "holds a date or time where text is expected"),
        ("survey!E7", None),  # ${Nom-Complet} is the question of row 2: no remark on this cell
        ("survey!E8", "comes later (row 9)"),
        ("survey!F8", "the constraint '. > today()' is not imported"),
        ("survey!E9", "'count-selected' is not supported"),
        ("survey!G10", "the column 'choice_filter' is not supported"),
        ("survey!H10", "default values are not imported"),
        ("survey!D11", "is not yes or no"),
        ("survey!A12", "end group without a begin group"),
        ("survey!A13", "the repeat holds no question"),
        ("choices!B4", "already has the choice 'oui'"),
    ]
    for cell, words in expected:
        if words is None:
            assert f"{cell} " not in report, report
        else:
            assert any(line.startswith(cell) and words in line for line in report.splitlines()), (
                cell,
                report,
            )
    definition = (await client.get("/staff/o/beaulac/p/remarques/definition.json")).json()
    elements = {e["field"]: e for e in definition["ui"]["pages"][0]["elements"]}
    assert list(elements) == ["nom_complet", "age", "quand", "plus_tard", "filtre", "condition"]
    literal = "<script>alert(1)</script> {{ 7*7 }} {% if x %}"
    assert elements["nom_complet"]["label"] == {"fr": literal}
    assert elements["age"]["label"] == {"fr": "age"}  # the date in its label cell was not taken
    assert elements["age"]["visible_if"] == {"field": "nom_complet", "equals": "x"}
    assert "visible_if" not in elements["quand"] and "visible_if" not in elements["plus_tard"]
    assert definition["schema"]["properties"]["filtre"]["enum"] == ["oui", "0"]
    assert "required" not in elements["condition"]
    preview = await client.get("/staff/o/beaulac/p/remarques/preview/0")
    label = BeautifulSoup(preview.text, "html.parser").find(
        "label", attrs={"for": lambda value: value and "nom_complet" in value}
    )
    assert label is not None and literal in label.get_text()
    assert "<script>alert(1)" not in preview.text


def test_labels_in_other_languages_and_a_language_without_code() -> None:
    survey = [
        ["type", "name", "label::English (en)", "label::Klingon"],
        ["text", "name", "Name", "X"],
        ["integer", "n", "Number"],
    ]
    definition, report = from_xlsform(workbook(survey), "fr")
    assert definition["lang"] == "en"  # no French label: the labels' own language
    assert definition["ui"]["pages"][0]["elements"][0]["label"] == {"en": "Name"}
    assert [problem.path for problem in report] == ["survey!D1"]
    assert check_definition(definition) == []


async def test_a_french_page_gives_every_import_remark_in_french(app: Any, client: httpx.AsyncClient) -> None:
    """Remarks made of several parts (the row, the condition, its reason, a cell's kind) are all
    in the reader's language, and a refused file too."""
    import datetime as dt

    survey = [
        ["type", "name", "label", "relevant"],
        ["integer", "age", dt.datetime(2024, 1, 1)],
        ["text", "nom", "Nom", "${plus_tard} != ''"],
        ["text", "plus_tard", "Plus tard"],
    ]
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    report = remarks(await import_spreadsheet(client, workbook(survey)))
    assert (
        "survey!C2 – ligne 2\u00a0: la cellule label contient une date ou une heure là où un texte est "
        "attendu\u00a0; ignorée" in report
    ), report
    assert any(
        line.startswith("survey!D3 – ligne 3\u00a0: la condition")
        and "(${plus_tard} vient plus loin (ligne 4)\u00a0; une condition ne peut dépendre que de réponses "
        "précédentes)\u00a0; l’élément est toujours affiché"
        in line
        for line in report
    ), report
    refused = await import_spreadsheet(client, b"PK\x03\x04 this is not an archive at all")
    assert remarks(refused) == ["/ – le fichier n’est pas un classeur Excel (.xlsx) lisible"]
    client.headers["accept-language"] = "en"
    assert remarks(await import_spreadsheet(client, b"PK\x03\x04 nothing")) == [
        "/ – the file is not a readable Excel workbook (.xlsx)"
    ]
