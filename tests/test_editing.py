"""Editing operations: each returns a new definition that the loader accepts."""

from __future__ import annotations

import pytest

from designer import editing
from runtime.definition import check_definition


def test_every_field_type_of_the_palette_can_be_added() -> None:
    definition = editing.blank("essai", "Essai", "procedure", "fr")
    for widget, label in editing.palette():
        definition, index = editing.add_field(definition, 0, widget, "fr")
        assert definition["ui"]["pages"][0]["elements"][index]["widget"] == widget and label
    assert check_definition(definition) == []
    assert len(definition["schema"]["properties"]) == len(editing.palette())


def test_choices_are_read_one_a_line() -> None:
    definition, index = editing.add_field(editing.blank("e", "E", "survey", "fr"), 0, "checkboxes", "fr")
    changed = editing.set_properties(definition, 0, index, "fr", {"label": "Jours",
                                                                    "choices": "lundi | Lundi\nMardi gras\n\n"})
    element = changed["ui"]["pages"][0]["elements"][index]
    assert element["choices"] == {"lundi": {"fr": "Lundi"}, "mardi-gras": {"fr": "Mardi gras"}}
    assert changed["schema"]["properties"][element["field"]]["items"]["enum"] == ["lundi", "mardi-gras"]
    assert check_definition(changed) == []
    with pytest.raises(editing.EditRefused):
        editing.set_properties(definition, 0, index, "fr", {"choices": "  \n"})


def test_texts_are_kept_per_language() -> None:
    definition, index = editing.add_field(editing.blank("e", "E", "survey", "fr"), 0, "text", "fr")
    english = editing.set_properties(definition, 0, index, "en", {"label": "Name"})
    label = english["ui"]["pages"][0]["elements"][index]["label"]
    assert label == {"fr": "Nouvelle question", "en": "Name"}


def test_conditions_and_requiredness() -> None:
    definition, first = editing.add_field(editing.blank("e", "E", "procedure", "fr"), 0, "yesno", "fr")
    definition, second = editing.add_field(definition, 0, "number", "fr")
    changed = editing.set_properties(definition, 0, second, "fr", {
        "required": "on", "minimum": "1,5", "condition_field": "yesno", "condition_operator": "equals",
        "condition_value": "true"})
    element = changed["ui"]["pages"][0]["elements"][second]
    assert element["visible_if"] == {"field": "yesno", "equals": True} and element["required"] is True
    assert changed["schema"]["properties"]["number"]["minimum"] == 1.5
    assert check_definition(changed) == []
    with pytest.raises(editing.EditRefused):
        editing.set_properties(definition, 0, second, "fr", {"condition_field": "yesno",
                                                            "condition_operator": "greater_than",
                                                            "condition_value": "beaucoup"})


def test_pages_cannot_be_left_empty_or_deleted_with_questions() -> None:
    definition = editing.blank("e", "E", "procedure", "fr")
    with pytest.raises(editing.EditRefused):
        editing.delete_page(definition, 0)
    definition, page = editing.add_page(definition, "fr")
    definition, _ = editing.add_field(definition, page, "text", "fr")
    with pytest.raises(editing.EditRefused):
        editing.delete_page(definition, page)
    assert len(editing.delete_page(editing.add_page(definition, "fr")[0], 2)["ui"]["pages"]) == 2


def test_the_default_workflow_follows_the_kind() -> None:
    procedure = editing.blank("e", "E", "procedure", "fr")["workflow"]
    assert procedure["initial"] == "en-construction" and "classee-sans-suite" in procedure["states"]
    assert editing.blank("e", "E", "survey", "fr")["workflow"]["initial"] == "recue"


def test_settings_legal_texts_and_silence() -> None:
    definition = editing.blank("e", "E", "procedure", "fr")
    changed = editing.set_settings(definition, "fr", {
        "title": "Permis", "reference_prefix": "per", "access": "link", "opens_at": "2027-01-01", "closes_at": "",
        "retention_days": "730", "legal_purpose": "Instruire votre demande.", "legal_controller": "",
        "receipt_title": "Accusé", "silence_means": "acceptance", "silence_delay_days": "60"})
    assert changed["title"] == {"fr": "Permis"} and changed["reference_prefix"] == "PER"
    assert changed["settings"] == {"access": "link", "retention_days": 730, "opens_at": "2027-01-01", "closes_at": None}
    assert changed["legal"] == {"purpose": {"fr": "Instruire votre demande."}}
    assert changed["receipt"]["silence"] == {"means": "acceptance", "delay_days": 60}
    assert check_definition(changed) == []
    with pytest.raises(editing.EditRefused):
        editing.set_settings(definition, "fr", {"silence_means": "refusal", "silence_delay_days": "bientôt"})
