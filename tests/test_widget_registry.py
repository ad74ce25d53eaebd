"""A field type is one module and one template: `tests/weekday_widget.py` and its `.html`,
registered as the widgets of runtime/fields are (by defining the class), is offered by the
palette, has its properties pane, checks answers in its own words, fills its export column and
is counted in the statistics, while no other file knows its name."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from runtime.fields import WIDGETS, in_palette_order, widget_for
from runtime.fields.base import PaletteEntry, Widget
from tests.conftest import errors_in, post_page
from tests.test_editor import BASE, Editor
from tests.test_exports import read_csv
from tests.test_procedures import signed_in

pytestmark = pytest.mark.anyio
MODULE = Path(__file__).with_name("weekday_widget.py")
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
FORM = "/beaulac/permis-velo"


@pytest.fixture
def weekday() -> Iterator[Widget]:
    """The widget's module, loaded afresh: defining its class registers it, for this test only."""
    spec = importlib.util.spec_from_file_location("tests.weekday_widget", MODULE)
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    try:
        yield WIDGETS["weekday"]
    finally:
        WIDGETS.pop("weekday", None)


@pytest.fixture
async def citizen(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser, while the designer's stays signed in."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers={"accept-language": "fr"}
    ) as http:
        yield http


async def answer(citizen: httpx.AsyncClient, day: str) -> httpx.Response:
    citizen.cookies.clear()  # a new respondent
    return await post_page(citizen, FORM, {"weekday": day})


async def test_a_widget_of_one_module_and_one_template_takes_part_everywhere(
    app: Any, client: httpx.AsyncClient, citizen: httpx.AsyncClient, weekday: Widget
) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    await client.post(
        "/staff/o/beaulac/new", data={"title": "Permis vélo", "slug": "permis-velo", "kind": "survey"}
    )
    editor = Editor(client)

    # The palette offers it, last as its order says, under the name its class gives.
    entries = (await editor.soup()).select(".palette button")
    assert (entries[-1]["value"], entries[-1].get_text()) == ("weekday", "Day of the week")

    # Its properties pane has the controls it declares, and no others.
    await editor.do("add", widget="weekday")
    pane = (await editor.soup()).select_one(".properties-form")
    assert pane.select_one("#p-placeholder") is not None
    assert [option["value"] for option in pane.select("#p-default option")] == ["", *DAYS]
    assert not pane.select("#p-choices, #p-max_length, #p-minimum, #p-after, #p-item_label")
    refused = await editor.do("properties", expect=422, label="Jour de passage", default="someday")
    assert "The default answer must be a day of the week." in refused.text
    await editor.do(
        "properties", label="Jour de passage", required="on", placeholder="– Un jour –", default="monday"
    )
    assert (await client.post(f"{BASE}/publish")).status_code == 303

    # The citizen's page shows its template, with the designer's default answer.
    form = BeautifulSoup((await citizen.get(FORM)).text, "html.parser")
    select = form.select_one(".weekday select#f-weekday")
    assert select.select_one("option[selected]")["value"] == "monday"
    assert select.select_one("option").get_text() == "– Un jour –"

    # Answers are checked: its own rule, and its own words for a rule every field has.
    closed = await answer(citizen, "sunday")
    assert any(text.endswith("The town hall is closed on Sunday.") for text in errors_in(closed.text))
    unknown = await answer(citizen, "funday")
    assert any(text.endswith("Choose a day from Monday to Sunday.") for text in errors_in(unknown.text))
    for day in ("tuesday", "friday", "tuesday"):
        page = await answer(citizen, day)
        assert page.status_code == 303, errors_in(page.text)
        review = await citizen.get(page.headers["location"])
        assert day.capitalize() in review.text
        sent = await citizen.post(page.headers["location"].replace("/review", "/submit"))
        assert sent.status_code == 303

    # The export's column holds what the widget makes of an answer: the day's number.
    client.cookies.clear()
    await signed_in(app, client, "reader@beaulac.example", {"beaulac": "reader"})
    exported = read_csv((await client.get(f"{BASE}/export.csv?dialect=rfc4180")).content, "rfc4180")
    column = exported[0].index("Jour de passage")
    assert sorted(row[column] for row in exported[1:]) == ["2", "2", "5"]

    # The statistics count it as the kind it declares: one bar per day, in the week's order.
    page = BeautifulSoup((await client.get(f"{BASE}/statistics")).text, "html.parser")
    section = page.find("section", attrs={"aria-labelledby": "q-weekday"})
    counts = [
        [cell.get_text(strip=True) for cell in row.select("th, td")][:2] for row in section.select("tbody tr")
    ]
    assert counts == [
        ["Monday", "0"],
        ["Tuesday", "2"],
        ["Wednesday", "0"],
        ["Thursday", "0"],
        ["Friday", "1"],
        ["Saturday", "0"],
        ["Sunday", "0"],
    ]


def test_the_registry_knows_every_field_type_of_the_package_without_a_list() -> None:
    names = [widget.name for widget in in_palette_order()]
    assert names[:3] == ["text", "textarea", "email"] and len(names) == len(WIDGETS)
    # One template each, and a widget for each template.
    templates = Path(__file__).resolve().parent.parent / "runtime" / "templates" / "fields"
    assert set(WIDGETS) == {path.stem for path in templates.glob("[!_]*.html")}
    assert widget_for("iban") is WIDGETS["iban"] and widget_for("nothing") is None


def test_a_field_type_says_how_the_palette_offers_it_and_keeps_its_name() -> None:
    with pytest.raises(TypeError, match="palette entry"):
        type("Nameless", (Widget,), {"name": "nameless", "__module__": "tests.elsewhere"})
    with pytest.raises(ValueError, match="already"):
        type(
            "OtherText",
            (Widget,),
            {"name": "text", "palette": PaletteEntry("Text", 1), "__module__": "tests.elsewhere"},
        )
    with pytest.raises(TypeError, match="no properties pane control colour"):
        type(
            "Odd",
            (Widget,),
            {
                "name": "odd",
                "palette": PaletteEntry("Odd", 1),
                "pane": ("colour",),
                "__module__": "tests.elsewhere",
            },
        )
    assert type(WIDGETS["text"]).__module__ == "runtime.fields.text" and "odd" not in WIDGETS
