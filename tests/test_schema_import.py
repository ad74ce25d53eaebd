"""A plain JSON Schema becomes a working procedure; what cannot be carried over is reported."""

from __future__ import annotations

from designer.imports.json_schema import from_json_schema, is_plain_schema
from runtime.compiler import CompiledVersion
from runtime.definition import check_definition
from runtime.validation import validate

RJSF = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Demande de salle municipale",
    "type": "object",
    "required": ["nom", "courriel", "salle"],
    "properties": {
        "nom": {"type": "string", "title": "Nom", "maxLength": 100},
        "courriel": {"type": "string", "format": "email", "title": "Courriel"},
        "salle": {"type": "string", "enum": ["fetes", "sport"], "enumNames": ["Salle des fêtes", "Gymnase"]},
        "date": {"type": "string", "format": "date"},
        "personnes": {"type": "integer", "minimum": 1, "maximum": 300},
        "besoins": {
            "type": "array",
            "items": {"type": "string", "enum": ["sono", "tables"]},
            "uniqueItems": True,
        },
        "message": {"type": "string", "maxLength": 2000, "description": "Précisez votre événement."},
        "accord": {"type": "boolean", "const": True, "title": "J'accepte le règlement"},
        "adresse": {"type": "object", "properties": {"rue": {"type": "string"}}},
        "telephone": {"type": "string", "format": "phone-fr", "default": "01"},
    },
    "dependencies": {"besoins": ["personnes"]},
}


def test_a_react_jsonschema_form_schema_becomes_a_procedure() -> None:
    assert is_plain_schema(RJSF)
    definition, report = from_json_schema(RJSF)
    assert check_definition(definition) == []
    widgets = {e["field"]: e["widget"] for e in definition["ui"]["pages"][0]["elements"]}
    assert widgets == {
        "nom": "text",
        "courriel": "email",
        "salle": "radio",
        "date": "date",
        "personnes": "integer",
        "besoins": "checkboxes",
        "message": "textarea",
        "accord": "consent",
        "telephone": "text",
    }
    salle = definition["ui"]["pages"][0]["elements"][2]
    assert salle["choices"]["fetes"] == {"fr": "Salle des fêtes"}
    paths = [problem.path for problem in report]
    assert "/properties/adresse" in paths and "/dependencies" in paths
    assert "/properties/telephone/format" in paths and "/properties/telephone/default" in paths
    version = CompiledVersion(definition)
    assert validate(version, {"nom": "A", "courriel": "a@example.fr", "salle": "fetes", "accord": True}) == {}
    assert set(validate(version, {"courriel": "pas un courriel"})) == {"nom", "courriel", "salle"}


def test_a_parvis_definition_is_not_taken_for_a_plain_schema() -> None:
    assert not is_plain_schema({"id": "x", "schema": {}, "ui": {"pages": []}, "properties": {}})


def test_the_report_reads_in_the_reader_language() -> None:
    _, report = from_json_schema(
        {"properties": {"lieu": {"type": "object"}, "when": {"type": "string", "format": "week"}}}
    )
    assert [problem.text("fr") for problem in report] == [
        "le type 'object' (objet imbriqué) n’est pas encore importé\u00a0; ignoré",
        "le format 'week' n’est pas connu\u00a0; importé comme texte simple",
    ]
    assert (
        report[0].text("en")
        == report[0].message
        == "type 'object' (nested object) is not imported yet; skipped"
    )
