"""The exported data schema states every rule Parvis enforces: for each example, the answers
Parvis stored pass an independent validator (jsonschema-rs) reading only the exported
document, and each widget rule broken makes both Parvis and that validator refuse."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import jsonschema_rs
import pytest
from sqlalchemy import select

from runtime import identifiers
from runtime.compiler import PARVIS_VOCABULARY, CompiledVersion
from runtime.definition import check_definition
from runtime.models import Submission
from runtime.validation import validate
from tests.conftest import complete
from tests.example_answers import EXAMPLES

pytestmark = pytest.mark.anyio


class After:
    """`parvisAfter`, as an integrator implements it from docs/definition.md."""

    def __init__(self, parent: Any, value: dict[str, str], path: Any) -> None:
        self.pairs = value

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, dict):
            return
        for later, earlier in self.pairs.items():
            if (
                isinstance(instance.get(later), str)
                and isinstance(instance.get(earlier), str)
                and not instance[later] > instance[earlier]
            ):
                raise ValueError(f"{later} must come after {earlier}")


class Budget:
    """`parvisBudget`: the chosen items' costs add up to at most the total."""

    def __init__(self, parent: Any, value: dict[str, Any], path: Any) -> None:
        self.total, self.costs = value["total"], value["costs"]

    def validate(self, instance: Any) -> None:
        if isinstance(instance, list) and sum(self.costs.get(item, 0) for item in instance) > self.total:
            raise ValueError("over budget")


def _date(value: str) -> bool:
    try:
        return dt.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


FORMATS = {
    "fr-siret": identifiers.is_siret,
    "iban": identifiers.is_iban,
    "fr-postcode": identifiers.is_postcode,
    "fr-insee": identifiers.is_insee,
    "phone": identifiers.is_phone,
    "date": _date,
}


def independent(schema: dict[str, Any]) -> Any:
    return jsonschema_rs.validator_for(
        schema,
        formats=FORMATS,
        validate_formats=True,
        keywords={"parvisAfter": After, "parvisBudget": Budget},
    )


async def _stored(app: Any, client: httpx.AsyncClient) -> dict[str, tuple[CompiledVersion, dict[str, Any]]]:
    found = {}
    for procedure, pages in EXAMPLES.items():
        await complete(client, procedure, pages)
    site = app.state.site
    with site.engine.connect() as connection:
        rows = connection.execute(select(Submission.version_id, Submission.answers)).all()
    for version_id, answers in rows:
        info = site.version(version_id)
        found[f"{info.organisation.slug}/{info.procedure.slug}"] = (info.compiled, answers)
    return found


Breaking = Callable[[dict[str, Any], CompiledVersion], None]


def _set(path: str, value: Any) -> Breaking:
    def change(answers: dict[str, Any], _compiled: CompiledVersion) -> None:
        *parents, last = path.split(".")
        node: Any = answers
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = (
            value(node[int(last) if last.isdigit() else last]) if callable(value) else value
        )

    return change


def _bad_siret(value: str) -> str:
    return value[:-1] + str((int(value[-1]) + 1) % 10)


BROKEN: dict[str, dict[str, Breaking]] = {
    "beaulac/signalement-voirie": {
        "a photo that is a PDF": _set("photo.0.type", "application/pdf"),
        "a photo over its size": _set("photo.0.size", 5_000_001),
        "two photos": _set("photo", lambda files: files * 2),
        "a photo with more than a file's keys": _set("photo.0.url", "https://example.org/x"),
    },
    "beaulac/occupation-terrasse": {
        "an end before the start": lambda answers, _: answers.update(date_fin=answers["date_debut"]),
        "a SIRET with a wrong check digit": _set("siret", _bad_siret),
        "a SIRET with spaces": _set("siret", lambda value: f"{value[:3]} {value[3:]}"),
    },
    "val-dorne/aide-velo-electrique": {
        "an IBAN with a wrong checksum": _set(
            "iban", lambda value: value[:-1] + ("1" if value[-1] != "1" else "2")
        ),
        "a SIRET with a wrong check digit": _set("vendeur_siret", _bad_siret),
        "an invoice of an unaccepted type": _set("facture.0.type", "text/html"),
    },
    "val-dorne/budget-participatif": {
        "choices over the budget": lambda answers, compiled: answers.update(
            projets=list(compiled.fields["projets"].element["costs"])
        ),
    },
    "saint-aubin/inscription-cantine": {
        "a child with an unknown key": _set("enfants.0.surnom", "Lulu"),
    },
}


async def test_each_example_states_its_rules_in_the_exported_schema(
    app: Any, client: httpx.AsyncClient
) -> None:
    stored = await _stored(app, client)
    assert set(BROKEN) <= set(stored) and len(stored) == len(EXAMPLES)
    for procedure, (compiled, answers) in stored.items():
        org, slug = procedure.split("/")
        schema = (await client.get(f"/api/{org}/procedures/{slug}")).json()[
            "schema"
        ]  # the published document
        assert schema["$vocabulary"][PARVIS_VOCABULARY] is False
        checker = independent(schema)
        assert checker.is_valid(answers), (procedure, list(checker.iter_errors(answers)))
        assert not validate(compiled, answers), procedure
        for rule, breaking in BROKEN.get(procedure, {}).items():
            broken = copy.deepcopy(answers)
            breaking(broken, compiled)
            assert validate(compiled, broken), f"{procedure}: Parvis accepts {rule}"
            assert not checker.is_valid(broken), f"{procedure}: the export accepts {rule}"


def _definition(**schema_extra: Any) -> dict[str, Any]:
    return {
        "id": "cantine",
        "kind": "procedure",
        "lang": "fr",
        "title": {"fr": "Cantine"},
        "schema": {
            "type": "object",
            "properties": {
                "quotient": {"type": "integer"},
                "avis": {"type": "string"},
                "enfants": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"prenom": {"type": "string"}, "classe": {"type": "string"}},
                    },
                },
            },
            **schema_extra,
        },
        "ui": {
            "pages": [
                {
                    "id": "p",
                    "title": {"fr": "P"},
                    "elements": [
                        {"field": "quotient", "widget": "integer", "label": {"fr": "Quotient"}},
                        {"field": "avis", "widget": "text", "label": {"fr": "Avis"}},
                        {
                            "field": "enfants",
                            "widget": "group",
                            "label": {"fr": "Enfants"},
                            "elements": [
                                {
                                    "field": "prenom",
                                    "widget": "text",
                                    "label": {"fr": "Prénom"},
                                    "required": True,
                                },
                                {"field": "classe", "widget": "text", "label": {"fr": "Classe"}},
                            ],
                        },
                    ],
                }
            ]
        },
    }


def test_a_required_question_inside_a_group_is_enforced_and_exported() -> None:
    definition = _definition()
    assert check_definition(definition) == []
    compiled = CompiledVersion(definition)
    assert compiled.schema["properties"]["enfants"]["items"]["required"] == ["prenom"]
    answers = {"enfants": [{"prenom": "Lou"}, {"classe": "CP"}]}
    assert {path: error.code for path, error in validate(compiled, answers).items()} == {
        "enfants.1.prenom": "required"
    }
    assert not independent(compiled.schema).is_valid(answers)


def test_a_rule_across_fields_at_the_top_of_the_schema_is_refused_at_check() -> None:
    definition = _definition(anyOf=[{"required": ["quotient"]}, {"required": ["avis"]}])
    problems = check_definition(definition)
    assert [problem.path for problem in problems] == ["/schema/anyOf"]
    assert "not supported" in problems[0].message


async def test_the_loaders_messages_are_shown_in_french(app: Any, client: httpx.AsyncClient) -> None:
    import json

    from tests.test_procedures import import_file, signed_in

    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})
    definition = _definition(anyOf=[{"required": ["quotient"]}, {"required": ["avis"]}])
    definition["ui"]["pages"][0]["elements"][0]["visible_if"] = {"field": "avis", "equals": "x"}
    response = await import_file(client, "beaulac", json.dumps(definition).encode())
    assert response.status_code in (400, 422), response.status_code
    assert "n’est pas accepté à la racine du schéma" in response.text
    assert "vient plus loin dans le formulaire" in response.text
    assert "at the top of the schema" not in response.text
