"""The exported data schema is the contract: a standard validator agrees with Parvis."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest

from runtime.compiler import CompiledVersion
from runtime.definition import load_definition
from runtime.validation import validate

EXAMPLES = sorted(Path("examples").glob("*/procedures/*.json"))


def compiled(path: Path) -> CompiledVersion:
    return CompiledVersion(load_definition(path.read_bytes()))


def terrace() -> CompiledVersion:
    return compiled(Path("examples/beaulac/procedures/occupation-terrasse.json"))


FILE = [{"id": "x", "name": "plan.pdf", "type": "application/pdf", "size": 10}]
BASE = {
    "raison_sociale": "Café",
    "siret": "73282932000074",
    "forme_juridique": "sarl",
    "activite": "bar-cafe",
    "adresse_etablissement": {"street": "1 quai", "postcode": "61250", "city": "Beaulac"},
    "type_occupation": "etalage",
    "date_debut": "2027-04-01",
    "date_fin": "2027-05-01",
    "surface": 10,
    "plan": FILE,
    "assurance": FILE,
    "nom": "M",
    "prenom": "L",
    "qualite": "Gérant",
    "courriel": "a@example.fr",
    "telephone": "0612345678",
    "engagement": True,
}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_exported_schema_is_valid_json_schema(path: Path) -> None:
    schema = compiled(path).schema
    assert schema["$schema"].endswith("2020-12/schema")
    jsonschema_rs.validator_for(schema)  # raises on an invalid schema


CASES = [
    (BASE, True),
    ({**BASE, "type_occupation": "terrasse"}, False),  # shown and required, missing
    ({**BASE, "type_occupation": "terrasse", "terrasse_couverte": False}, True),
    ({**BASE, "type_occupation": "terrasse", "terrasse_couverte": True}, False),
    ({**BASE, "type_occupation": "terrasse", "terrasse_couverte": True, "structure": "Auvent"}, True),
    ({**BASE, "structure": "Auvent"}, False),  # hidden but present
    ({**BASE, "autre_occupation": "x"}, False),
    ({**BASE, "surface": 0}, False),
    ({**BASE, "forme_juridique": "gie"}, False),
    ({key: value for key, value in BASE.items() if key != "engagement"}, False),
    ({**BASE, "inconnu": 1}, False),
]


@pytest.mark.parametrize("answers,valid", CASES)
def test_parvis_and_an_independent_validator_agree(answers: dict, valid: bool) -> None:
    version = terrace()
    independent = jsonschema_rs.validator_for(version.schema, validate_formats=False)
    assert independent.is_valid(answers) is valid
    assert (not validate(version, answers)) is valid


def test_what_only_parvis_checks_is_reported_too() -> None:
    version = terrace()
    errors = validate(version, {**BASE, "siret": "73282932000075", "date_fin": "2027-03-01"})
    assert errors["siret"].code == "format:fr-siret"
    assert errors["date_fin"].code == "after"


def test_hidden_means_absent() -> None:
    version = terrace()
    pruned = version.prune({**BASE, "structure": "Auvent", "terrasse_couverte": True})
    assert "structure" not in pruned and "terrasse_couverte" not in pruned
    chained = version.prune(
        {**BASE, "type_occupation": "terrasse", "terrasse_couverte": True, "structure": "A"}
    )
    assert chained["structure"] == "A"


def test_validation_names_the_field_of_a_nested_error() -> None:
    version = compiled(Path("examples/saint-aubin/procedures/inscription-cantine.json"))
    errors = validate(
        version,
        {
            "enfants": [
                {
                    "nom": "A",
                    "prenom": "B",
                    "date_naissance": "2019-02-30",
                    "classe": "CP",
                    "jours": [],
                    "allergie": False,
                }
            ]
        },
    )
    assert errors["enfants.0.date_naissance"].code == "format:date"
    assert errors["enfants.0.jours"].code == "minItems"


def test_budget_over_the_total_is_refused() -> None:
    version = compiled(Path("examples/val-dorne/procedures/budget-participatif.json"))
    costs = version.fields["projets"].element["costs"]
    everything = list(costs)
    errors = validate(
        version, {"resident": True, "commune": "beaulac", "projets": everything, "attestation": True}
    )
    assert errors["projets"].code == "budget"
    assert errors["projets"].params["total"] == sum(costs.values())


def test_the_export_is_plain_json() -> None:
    json.dumps(terrace().schema)
