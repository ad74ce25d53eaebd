"""Editing operations: each returns a new definition that the loader accepts."""

from __future__ import annotations

import pytest

from designer.editor import conditions as editing_conditions
from designer.editor import operations
from designer.editor import properties as editing_properties
from designer.editor import settings as editing_settings
from runtime.definition import check_definition


def test_every_field_type_of_the_palette_can_be_added() -> None:
    definition = operations.blank("essai", "Essai", "procedure", "fr")
    for widget, label in operations.palette():
        definition, index = operations.add_field(definition, 0, widget, "fr")
        assert definition["ui"]["pages"][0]["elements"][index]["widget"] == widget and label
    assert check_definition(definition) == []
    assert len(definition["schema"]["properties"]) == len(operations.palette())


def test_choices_are_read_one_a_line() -> None:
    definition, index = operations.add_field(
        operations.blank("e", "E", "survey", "fr"), 0, "checkboxes", "fr"
    )
    changed = editing_properties.set_properties(
        definition, 0, index, "fr", {"label": "Jours", "choices": "lundi | Lundi\nMardi gras\n\n"}
    )
    element = changed["ui"]["pages"][0]["elements"][index]
    assert element["choices"] == {"lundi": {"fr": "Lundi"}, "mardi-gras": {"fr": "Mardi gras"}}
    assert changed["schema"]["properties"][element["field"]]["items"]["enum"] == ["lundi", "mardi-gras"]
    assert check_definition(changed) == []
    with pytest.raises(operations.EditRefused):
        editing_properties.set_properties(definition, 0, index, "fr", {"choices": "  \n"})


def test_texts_are_kept_per_language() -> None:
    definition, index = operations.add_field(operations.blank("e", "E", "survey", "fr"), 0, "text", "fr")
    english = editing_properties.set_properties(definition, 0, index, "en", {"label": "Name"})
    label = english["ui"]["pages"][0]["elements"][index]["label"]
    assert label == {"fr": "Nouvelle question", "en": "Name"}


def test_conditions_and_requiredness() -> None:
    definition, _first = operations.add_field(operations.blank("e", "E", "procedure", "fr"), 0, "yesno", "fr")
    definition, second = operations.add_field(definition, 0, "number", "fr")
    changed = editing_properties.set_properties(
        definition,
        0,
        second,
        "fr",
        {
            "required": "on",
            "minimum": "1,5",
            "condition_join": "all",
            "condition_field_0": "yesno",
            "condition_operator_0": "equals",
            "condition_value_0": "true",
        },
    )
    element = changed["ui"]["pages"][0]["elements"][second]
    assert element["visible_if"] == {"field": "yesno", "equals": True} and element["required"] is True
    assert changed["schema"]["properties"]["number"]["minimum"] == 1.5
    assert check_definition(changed) == []
    with pytest.raises(operations.EditRefused):
        editing_properties.set_properties(
            definition,
            0,
            second,
            "fr",
            {
                "condition_join": "all",
                "condition_field_0": "yesno",
                "condition_operator_0": "greater_than",
                "condition_value_0": "beaucoup",
            },
        )


def test_pages_cannot_be_left_empty_or_deleted_with_questions() -> None:
    definition = operations.blank("e", "E", "procedure", "fr")
    with pytest.raises(operations.EditRefused):
        operations.delete_page(definition, 0)
    definition, page = operations.add_page(definition, "fr")
    definition, _ = operations.add_field(definition, page, "text", "fr")
    with pytest.raises(operations.EditRefused):
        operations.delete_page(definition, page)
    assert len(operations.delete_page(operations.add_page(definition, "fr")[0], 2)["ui"]["pages"]) == 2


def test_the_default_workflow_follows_the_kind() -> None:
    procedure = operations.blank("e", "E", "procedure", "fr")["workflow"]
    assert procedure["initial"] == "en-construction" and "classee-sans-suite" in procedure["states"]
    assert operations.blank("e", "E", "survey", "fr")["workflow"]["initial"] == "recue"


def test_settings_legal_texts_and_silence() -> None:
    definition = operations.blank("e", "E", "procedure", "fr")
    changed = editing_settings.set_settings(
        definition,
        "fr",
        {
            "title": "Permis",
            "reference_prefix": "per",
            "access": "link",
            "opens_at": "2027-01-01",
            "closes_at": "",
            "retention_days": "730",
            "legal_purpose": "Instruire votre demande.",
            "legal_controller": "",
            "receipt_title": "Accusé",
            "silence_means": "acceptance",
            "silence_delay_days": "60",
        },
    )
    assert changed["title"] == {"fr": "Permis"} and changed["reference_prefix"] == "PER"
    assert changed["settings"] == {
        "access": "link",
        "retention_days": 730,
        "opens_at": "2027-01-01",
        "closes_at": None,
    }
    assert changed["legal"] == {"purpose": {"fr": "Instruire votre demande."}}
    assert changed["receipt"]["silence"] == {"means": "acceptance", "delay_days": 60}
    assert check_definition(changed) == []
    with pytest.raises(operations.EditRefused):
        editing_settings.set_settings(
            definition, "fr", {"silence_means": "refusal", "silence_delay_days": "bientôt"}
        )
    once = editing_settings.set_settings(changed, "fr", {"settings_form": "1", "one_answer_per_person": "on"})
    assert once["settings"]["one_answer_per_person"] is True and check_definition(once) == []
    assert editing_settings.set_settings(once, "fr", {"title": "Permis 2"})["settings"][
        "one_answer_per_person"
    ]
    assert (
        "one_answer_per_person"
        not in editing_settings.set_settings(once, "fr", {"settings_form": "1"})["settings"]
    )


def _form(*widgets: str) -> operations.Definition:
    definition = operations.blank("e", "E", "procedure", "fr")
    for widget in widgets:
        definition, _ = operations.add_field(definition, 0, widget, "fr")
    return definition


def _rows(*rows: tuple[str, str, str], join: str = "all") -> dict[str, str]:
    values = {"condition_join": join}
    for number, (field, operator, value) in enumerate(rows):
        values.update(
            {
                f"condition_field_{number}": field,
                f"condition_operator_{number}": operator,
                f"condition_value_{number}": value,
            }
        )
    return values


def test_condition_rows_make_the_format_the_evaluator_reads() -> None:
    definition = _form("checkboxes", "yesno", "integer", "file", "text")
    changed = editing_properties.set_properties(
        definition,
        0,
        4,
        "fr",
        _rows(
            ("checkboxes", "contains", "Option 2"),
            ("yesno", "equals", "non"),
            ("integer", "less_than", "10"),
            ("file", "filled", ""),
            ("integer", "empty", ""),
            join="any",
        ),
    )
    condition = changed["ui"]["pages"][0]["elements"][4]["visible_if"]
    assert condition == {
        "any": [
            {"field": "checkboxes", "contains": "option-2"},
            {"field": "yesno", "equals": False},
            {"field": "integer", "less_than": 10},
            {"field": "file", "filled": True},
            {"field": "integer", "filled": False},
        ]
    }
    assert check_definition(changed) == []
    assert editing_conditions.rows_of(condition) is not None
    join, rows = editing_conditions.rows_of(condition)
    assert join == "any" and [(r.field, r.operator, r.value) for r in rows][:2] == [
        ("checkboxes", "contains", "option-2"),
        ("yesno", "equals", "false"),
    ]
    # A condition the rows cannot say is kept, never rewritten.
    assert editing_conditions.rows_of({"not": {"field": "yesno", "equals": True}}) is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("checkboxes", "equals", "option-1"), "use “contains”"),
        (("yesno", "contains", "true"), "“contains” is for questions with several answers"),
        (("text", "greater_than", "3"), "is not a number"),
        (("file", "equals", "x"), "filled in or empty"),
        (("integer", "equals", "beaucoup"), "compare it with a number"),
        (("checkboxes", "contains", "jeudi"), "not one of the answers"),
        (("checkboxes", "contains", ""), "Give the value"),
        (("consent", "filled", ""), "comes later in the form"),
        (("nowhere", "filled", ""), "does not exist"),
        (("textarea", "filled", ""), "its own answer"),
    ],
)
def test_conditions_that_cannot_work_are_refused(row: tuple[str, str, str], message: str) -> None:
    definition = _form("checkboxes", "yesno", "text", "file", "integer", "textarea", "consent")
    with pytest.raises(operations.EditRefused) as refused:
        editing_properties.set_properties(definition, 0, 5, "fr", _rows(row))
    assert message in str(refused.value)


def test_moves_and_deletions_that_break_a_condition_are_refused_with_labels() -> None:
    definition = _form("yesno", "text")
    definition = editing_properties.set_properties(
        definition, 0, 1, "fr", {"label": "Détails", **_rows(("yesno", "equals", "true"))}
    )
    moved, _ = operations.move(definition, 0, 0, 1)
    problem = editing_conditions.order_problem(moved, definition, "fr")
    assert problem is not None and problem.concerning == "text"
    assert (
        problem.text("fr")
        == "«\xa0Détails\xa0» dépend de «\xa0Nouvelle question\xa0» et ne peut pas venir avant."
    )
    problem = editing_conditions.order_problem(operations.delete(definition, 0, 0), definition, "en")
    assert problem is not None and str(problem).startswith("“Nouvelle question” is used by “Détails”")
    assert (
        editing_conditions.order_problem(operations.move(definition, 0, 1, -1)[0], definition, "fr")
        is not None
    )
    assert (
        editing_conditions.order_problem(operations.duplicate(definition, 0, 1)[0], definition, "fr") is None
    )


def test_a_group_holds_its_own_questions() -> None:
    definition, group = operations.add_field(operations.blank("e", "E", "procedure", "fr"), 0, "group", "fr")
    assert check_definition(definition) == []
    definition, sub = operations.add_field(definition, 0, "select", "fr", group=group)
    definition = editing_properties.set_properties(
        definition,
        0,
        group,
        "fr",
        {
            "label": "Enfants",
            "item_label": "Enfant",
            "add_label": "Ajouter un enfant",
            "min_items": "1",
            "max_items": "6",
        },
    )
    definition = editing_properties.set_properties(
        definition, 0, group, "fr", {"label": "Classe", "required": "on", "choices": "CP\nCE1"}, sub=sub
    )
    definition, copy_index = operations.duplicate(definition, 0, group, sub)
    definition, moved = operations.move(definition, 0, group, sub=copy_index, to=0)
    assert moved == 0
    assert check_definition(definition) == []
    element = definition["ui"]["pages"][0]["elements"][group]
    items = definition["schema"]["properties"]["group"]["items"]
    assert [e["field"] for e in element["elements"]] == ["select_2", "text", "select"]
    assert items["required"] == ["select", "select_2"] and items["properties"]["select"]["enum"] == [
        "cp",
        "ce1",
    ]
    definition = operations.delete(definition, 0, group, 0)
    items = definition["schema"]["properties"]["group"]["items"]
    assert "select_2" not in items["properties"] and items["required"] == ["select"]
    with pytest.raises(operations.EditRefused):
        operations.add_field(definition, 0, "group", "fr", group=group)


def test_files_dates_and_numbers_have_their_own_settings() -> None:
    definition = _form("date", "date", "file", "number")
    definition = editing_properties.set_properties(definition, 0, 1, "fr", {"after": "date"})
    definition = editing_properties.set_properties(
        definition,
        0,
        2,
        "fr",
        {
            "file_settings": "1",
            "accept:application/pdf": "on",
            "accept:image/png": "on",
            "max_size_mb": "2,5",
            "multiple": "on",
            "max_items": "3",
        },
    )
    definition = editing_properties.set_properties(
        definition, 0, 3, "fr", {"minimum": "1", "maximum": "500", "step": "0,5", "unit": "m²"}
    )
    assert check_definition(definition) == []
    date, file, number = definition["ui"]["pages"][0]["elements"][1:]
    assert date["after"] == "date"
    assert (file["accept"], file["max_size"], file["multiple"]) == (
        ["application/pdf", "image/png"],
        2_500_000,
        True,
    )
    assert definition["schema"]["properties"]["file"]["maxItems"] == 3
    assert (number["step"], number["unit"]) == (0.5, "m²")
    with pytest.raises(operations.EditRefused):
        editing_properties.set_properties(definition, 0, 3, "fr", {"minimum": "600"})
    with pytest.raises(operations.EditRefused):
        editing_properties.set_properties(definition, 0, 2, "fr", {"file_settings": "1", "max_size_mb": "80"})


def test_a_default_answer_is_typed_checked_and_shown_filled_in() -> None:
    from runtime.compiler import CompiledVersion
    from runtime.render_tree import Renderer

    definition = _form("integer", "radio", "date")
    page = definition["ui"]["pages"][0]["elements"]
    number = editing_properties.set_properties(definition, 0, 0, "fr", {"default": "3"})
    assert number["schema"]["properties"][page[0]["field"]]["default"] == 3
    with pytest.raises(operations.EditRefused):
        editing_properties.set_properties(definition, 0, 0, "fr", {"default": "trois"})
    with pytest.raises(operations.EditRefused):
        editing_properties.set_properties(definition, 0, 1, "fr", {"default": "pas-un-choix"})
    with pytest.raises(operations.EditRefused):
        editing_properties.set_properties(definition, 0, 2, "fr", {"default": "31/01/2027"})
    choice = definition["schema"]["properties"][page[1]["field"]]["enum"][1]
    both = editing_properties.set_properties(number, 0, 1, "fr", {"default": choice})
    assert check_definition(both) == []
    version = CompiledVersion(both)
    nodes = Renderer(version, "fr").nodes(version.pages[0], {}, {})
    assert nodes[0].value == 3 and nodes[1].value == choice  # nothing answered yet: pre-filled
    answered = Renderer(version, "fr").nodes(version.pages[0], {page[0]["field"]: 7}, {})
    assert answered[0].value == 7
    cleared = editing_properties.set_properties(both, 0, 0, "fr", {"default": ""})
    assert "default" not in cleared["schema"]["properties"][page[0]["field"]]
