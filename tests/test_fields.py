"""Each field type: what it reads from a posted page, what it checks, how it is shown."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.datastructures import FormData

from runtime.answers import PostedForm
from runtime.fields import WIDGETS, widget_for
from runtime.fields.base import DisplayContext

FR = DisplayContext("fr", "fr")
EN = DisplayContext("en", "fr")


def source(
    pairs: list[tuple[str, str]],
    previous: dict[str, Any] | None = None,
    uploaded: dict[str, list[dict[str, Any]]] | None = None,
) -> PostedForm:
    return PostedForm(FormData(pairs), uploaded or {}, previous or {}, "Europe/Paris")


def parse(
    widget: str,
    pairs: list[tuple[str, str]],
    element: dict[str, Any] | None = None,
    prop: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    found = widget_for(widget)
    assert found is not None
    return found.parse(source(pairs, **kwargs), "q", {"field": "q", **(element or {})}, prop or {})


def test_every_widget_has_a_template() -> None:
    from pathlib import Path

    for name in WIDGETS:
        assert Path(f"runtime/templates/fields/{name}.html").exists(), name


@pytest.mark.parametrize(
    "typed,stored",
    [("12,5", 12.5), ("1 200", 1200), ("3", 3), ("abc", "abc"), ("nan", "nan"), ("1e400", "1e400")],
)
def test_numbers_are_read_the_french_or_english_way(typed: str, stored: Any) -> None:
    assert parse("number", [("q", typed)]) == stored


def test_empty_answers_are_absent() -> None:
    for widget in ("text", "textarea", "number", "date", "email", "radio", "yesno", "siret"):
        assert parse(widget, [("q", "   ")]) is None, widget
    assert parse("checkboxes", []) is None
    assert parse("address", [("q.street", ""), ("q.city", " ")]) is None


def test_dates_typed_the_french_way_are_stored_as_iso() -> None:
    assert parse("date", [("q", "14/07/2026")]) == "2026-07-14"
    assert parse("date", [("q", "2026-07-14")]) == "2026-07-14"
    assert parse("date", [("q", "31/02/2026")]) == "31/02/2026"  # then refused by the format check


def test_a_date_must_follow_the_one_it_names() -> None:
    widget = widget_for("date")
    element = {"field": "fin", "after": "debut"}
    assert widget.validate(element, "2026-01-01", {"debut": "2026-02-01"})[0].code == "after"
    assert widget.validate(element, "2026-03-01", {"debut": "2026-02-01"}) == []


def test_datetime_keeps_the_organisations_offset() -> None:
    assert parse("datetime", [("q", "2026-07-14T10:30")]) == "2026-07-14T10:30:00+02:00"


def test_textarea_stores_unix_line_ends() -> None:
    assert parse("textarea", [("q", "a\r\nb ")]) == "a\nb"


def test_identifiers_are_stored_without_spaces() -> None:
    assert parse("siret", [("q", "732 829 320 00074")]) == "73282932000074"
    assert parse("iban", [("q", "fr14 2004 1010")]) == "FR1420041010"


def test_choices_and_yes_no() -> None:
    assert parse("checkboxes", [("q", "a"), ("q", "b"), ("q", "a")]) == ["a", "b"]
    assert parse("yesno", [("q", "true")]) is True and parse("yesno", [("q", "false")]) is False
    assert parse("consent", [("q", "true")]) is True and parse("consent", []) is None


def test_ranking_orders_by_rank_and_flags_duplicates() -> None:
    prop = {"type": "array", "items": {"enum": ["a", "b", "c"]}, "uniqueItems": True}
    assert parse("ranking", [("q.a", "2"), ("q.b", "3"), ("q.c", "1")], prop=prop) == ["c", "a", "b"]
    assert parse("ranking", [("q.a", "1"), ("q.b", "1")], prop=prop) == {"ranks": {"a": 1, "b": 1}}


def test_matrix_reads_one_answer_per_row() -> None:
    element = {"rows": {"r1": {"fr": "Un"}, "r2": {"fr": "Deux"}}, "choices": {"oui": {"fr": "Oui"}}}
    assert parse("matrix", [("q.r1", "oui")], element=element) == {"r1": "oui"}
    shown = widget_for("matrix").display(element, {}, {"r1": "oui"}, FR)
    assert shown == [("Un", "Oui")]


def test_files_kept_removed_and_replaced() -> None:
    old = {"id": "old", "name": "a.pdf", "type": "application/pdf", "size": 3}
    new = {"id": "new", "name": "b.pdf", "type": "application/pdf", "size": 4}
    kept = parse("file", [], element={"multiple": True}, previous={"q": [old]}, uploaded={"q": [new]})
    assert kept == [old, new]
    removed = parse("file", [("q.remove", "old")], element={"multiple": True}, previous={"q": [old]})
    assert removed is None
    replaced = parse("file", [], previous={"q": [old]}, uploaded={"q": [new]})
    assert replaced == [new]


def test_budget_adds_up_the_costs() -> None:
    widget = widget_for("budget")
    element = {
        "field": "q",
        "costs": {"a": 60, "b": 50},
        "budget": 100,
        "choices": {"a": {"fr": "A"}, "b": {"fr": "B"}},
    }
    assert widget.validate(element, ["a"], {}) == []
    error = widget.validate(element, ["a", "b"], {})[0]
    assert error.code == "budget" and error.params["total"] == 110
    assert "60" in widget.display(element, {}, ["a"], FR)


def test_group_items_are_read_with_their_own_fields() -> None:
    element = {
        "field": "q",
        "elements": [
            {"field": "nom", "widget": "text", "label": {"fr": "Nom"}},
            {"field": "jours", "widget": "checkboxes", "label": {"fr": "Jours"}},
        ],
    }
    prop = {
        "type": "array",
        "items": {"type": "object", "properties": {"nom": {"type": "string"}, "jours": {"type": "array"}}},
    }
    pairs = [("q.count", "2"), ("q.0.nom", "Léa"), ("q.0.jours", "lundi"), ("q.1.nom", "Tom")]
    assert parse("group", pairs, element=element, prop=prop) == [
        {"nom": "Léa", "jours": ["lundi"]},
        {"nom": "Tom"},
    ]
    assert parse("group", [("q.count", "99999999")], element=element, prop=prop) is not None
    shown = widget_for("group").display({**element, "label": {"fr": "Enfant"}}, prop, [{"nom": "Léa"}], FR)
    assert shown == [("Enfant 1", [("Nom", "Léa")])]


def test_displays_follow_the_language() -> None:
    assert widget_for("number").display({"unit": "m²"}, {}, 24.5, FR) == "24,5\u00a0m²"
    assert widget_for("date").display({}, {}, "2026-07-14", FR) == "14 juillet 2026"
    assert widget_for("date").display({}, {}, "2026-07-14", EN) == "July 14, 2026"
    assert widget_for("yesno").display({}, {}, True, FR) == "Oui"
    assert (
        widget_for("address").display({}, {}, {"street": "1 rue", "postcode": "61250", "city": "Beaulac"}, FR)
        == "1 rue, 61250 Beaulac"
    )


def test_an_incomplete_matrix_names_each_statement_left_unanswered() -> None:
    import copy
    import json
    from pathlib import Path

    from runtime.compiler import CompiledVersion
    from runtime.journey import page_errors
    from runtime.render_tree import Renderer

    path = (
        Path(__file__).resolve().parent.parent / "examples/saint-aubin/procedures/satisfaction-services.json"
    )
    definition = copy.deepcopy(json.loads(path.read_text()))
    matrix = definition["schema"]["properties"]["appreciations"]
    matrix["required"] = list(matrix["properties"])
    definition["schema"]["required"].append("appreciations")
    version = CompiledVersion(definition)
    answers = {
        "note_globale": 4,
        "appreciations": {"accueil": "tout-a-fait", "horaires": "plutot-non", "information": "plutot-oui"},
    }
    errors = page_errors(version, version.pages[0], answers)
    renderer = Renderer(version, "fr")
    summary = renderer.summary(errors, renderer.nodes(version.pages[0], answers, errors))
    rows = version.fields["appreciations"].element["rows"]
    assert [text for _anchor, _label, text in summary] == [
        f"Choisissez une réponse pour l’affirmation «\u00a0{rows[row]['fr']}\u00a0»."
        for row in ("delais", "entretien")
    ]
    english = Renderer(version, "en")
    assert english.error_text(
        errors["appreciations.delais"], "matrix", version.fields["appreciations"].element
    ) == (f"Choose an answer for the statement “{rows['delais']['en']}”.")
