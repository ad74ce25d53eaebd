"""The two procedures written for the bench, and the examples folder Parvis loads them from.

A one-page 30-field form (the form-page figure) and a one-page 10-field request (the submission
figures), each checked with `load_definition` before it is written; also what a citizen posts
for the request.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

ORG = "bench"
FORM_30 = "formulaire-30"  # 30 fields on one page: the form-page figure
REQUEST = "demande-simple"  # 10 fields on one page: the submission figures


def _t(fr: str, en: str | None = None) -> dict[str, str]:
    return {"fr": fr, "en": en or fr}


def _choices(*values: str) -> dict[str, dict[str, str]]:
    return {value: _t(value.replace("-", " ").capitalize()) for value in values}


TEXT = {"type": "string", "maxLength": 100}
LONG = {"type": "string", "maxLength": 2000}

# (name, widget, property schema, required, extra element keys)
FIELDS_30: list[tuple[str, str, dict[str, Any], bool, dict[str, Any]]] = [
    ("nom", "text", TEXT, True, {"autocomplete": "family-name"}),
    ("prenom", "text", TEXT, True, {"autocomplete": "given-name"}),
    ("nom_naissance", "text", TEXT, False, {"help": _t("Si différent du nom d'usage.")}),
    (
        "date_naissance",
        "date",
        {"type": "string", "format": "date"},
        True,
        {"help": _t("Par exemple 14/07/1985.")},
    ),
    ("lieu_naissance", "text", TEXT, True, {}),
    (
        "nationalite",
        "select",
        {"type": "string", "enum": ["france", "ue", "hors-ue"]},
        True,
        {"choices": _choices("france", "ue", "hors-ue")},
    ),
    (
        "courriel",
        "email",
        {"type": "string", "format": "email", "maxLength": 254},
        True,
        {"autocomplete": "email", "help": _t("Format attendu : nom@domaine.fr")},
    ),
    (
        "telephone",
        "phone",
        {"type": "string", "format": "phone", "maxLength": 30},
        False,
        {"autocomplete": "tel", "help": _t("Par exemple 06 12 34 56 78.")},
    ),
    (
        "rue",
        "text",
        {"type": "string", "maxLength": 200},
        True,
        {"autocomplete": "street-address", "help": _t("Numéro et nom de la rue.")},
    ),
    ("complement", "text", TEXT, False, {"help": _t("Bâtiment, étage, lieu-dit.")}),
    (
        "code_postal",
        "postcode",
        {"type": "string", "format": "fr-postcode"},
        True,
        {"autocomplete": "postal-code", "help": _t("5 chiffres, par exemple 61250.")},
    ),
    ("commune", "text", TEXT, True, {"autocomplete": "address-level2"}),
    (
        "situation",
        "radio",
        {"type": "string", "enum": ["celibataire", "marie", "pacse", "autre"]},
        True,
        {"choices": _choices("celibataire", "marie", "pacse", "autre")},
    ),
    (
        "enfants",
        "integer",
        {"type": "integer", "minimum": 0, "maximum": 20},
        True,
        {"help": _t("De 0 à 20.")},
    ),
    ("revenus", "number", {"type": "number", "minimum": 0}, False, {"unit": "€", "step": 0.01}),
    (
        "logement",
        "radio",
        {"type": "string", "enum": ["proprietaire", "locataire", "heberge"]},
        True,
        {"choices": _choices("proprietaire", "locataire", "heberge")},
    ),
    ("surface", "integer", {"type": "integer", "minimum": 1, "maximum": 10000}, False, {"unit": "m²"}),
    (
        "date_arrivee",
        "date",
        {"type": "string", "format": "date"},
        False,
        {"help": _t("Date d'arrivée dans la commune.")},
    ),
    (
        "services",
        "checkboxes",
        {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "string", "enum": ["cantine", "periscolaire", "transport", "centre-loisirs"]},
        },
        False,
        {"choices": _choices("cantine", "periscolaire", "transport", "centre-loisirs")},
    ),
    (
        "transport",
        "checkboxes",
        {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "string", "enum": ["bus", "velo", "voiture", "pied"]},
        },
        False,
        {"choices": _choices("bus", "velo", "voiture", "pied")},
    ),
    ("vehicule", "yesno", {"type": "boolean"}, True, {}),
    ("animaux", "yesno", {"type": "boolean"}, False, {}),
    (
        "lettre",
        "yesno",
        {"type": "boolean"},
        False,
        {"help": _t("Une lettre par mois, désinscription à tout moment.")},
    ),
    (
        "quartier",
        "select",
        {"type": "string", "enum": ["centre", "nord", "sud", "est", "ouest", "hameaux"]},
        False,
        {"choices": _choices("centre", "nord", "sud", "est", "ouest", "hameaux")},
    ),
    (
        "contact",
        "radio",
        {"type": "string", "enum": ["courriel", "telephone", "courrier"]},
        True,
        {"choices": _choices("courriel", "telephone", "courrier")},
    ),
    ("disponibilites", "textarea", LONG, False, {"rows": 3}),
    ("message", "textarea", LONG, False, {"rows": 6, "help": _t("Tout ce qui peut aider le service.")}),
    ("siret", "siret", {"type": "string", "format": "fr-siret"}, False, {"help": _t("14 chiffres.")}),
    ("site_web", "url", {"type": "string", "format": "uri", "maxLength": 300}, False, {}),
    (
        "engagement",
        "consent",
        {"type": "boolean", "const": True},
        True,
        {"label": _t("Je certifie l'exactitude des informations données.")},
    ),
]

FIELDS_REQUEST = [
    field
    for field in FIELDS_30
    if field[0]
    in {
        "nom",
        "prenom",
        "courriel",
        "telephone",
        "rue",
        "code_postal",
        "commune",
        "contact",
        "message",
        "engagement",
    }
]

# What a citizen posts for the request form (multipart, as the page's form sends it).
REQUEST_ANSWERS = {
    "nom": "Martin",
    "prenom": "Camille",
    "courriel": "camille.martin@example.org",
    "telephone": "06 12 34 56 78",
    "rue": "12 rue des Lilas",
    "code_postal": "61250",
    "commune": "Beaulac",
    "contact": "courriel",
    "message": "Bonjour, je souhaite signaler un lampadaire éteint devant le numéro 12 depuis une semaine. Merci.",
    "engagement": "true",
}


def definition(
    slug: str, prefix: str, title: str, fields: list[tuple[str, str, dict[str, Any], bool, dict[str, Any]]]
) -> dict[str, Any]:
    """A one-page procedure; workflow, receipt, legal and settings taken from an example."""
    example = json.loads(
        (ROOT / "examples/val-dorne/procedures/demande-composteur.json").read_text(encoding="utf-8")
    )
    elements = []
    for name, widget, _schema, _required, extra in fields:
        element = {"field": name, "widget": widget, "label": _t(name.replace("_", " ").capitalize())}
        element.update(extra)
        elements.append(element)
    return {
        "id": slug,
        "kind": "procedure",
        "lang": "fr",
        "reference_prefix": prefix,
        "title": _t(title),
        "description": _t("Formulaire de mesure des performances.\n\nIl n'est pas réel."),
        "schema": {
            "type": "object",
            "properties": {name: schema for name, _w, schema, _r, _e in fields},
            "required": [name for name, _w, _s, required, _e in fields if required],
        },
        "ui": {"pages": [{"id": "page", "title": _t("Vos informations"), "elements": elements}]},
        **{key: example[key] for key in ("workflow", "receipt", "legal", "settings") if key in example},
    }


def write_examples(folder: Path) -> None:
    """An examples folder as `load_examples` reads it: one organisation, two procedures."""
    organisation = json.loads((ROOT / "examples/val-dorne/organisation.json").read_text(encoding="utf-8"))
    organisation.update(slug=ORG, name="Commune de Banc-d'Essai", kind="commune")
    procedures = folder / ORG / "procedures"
    procedures.mkdir(parents=True)
    (folder / ORG / "organisation.json").write_text(
        json.dumps(organisation, ensure_ascii=False), encoding="utf-8"
    )
    for slug, prefix, title, fields in (
        (FORM_30, "TRENT", "Formulaire à trente champs", FIELDS_30),
        (REQUEST, "DEM", "Demande simple", FIELDS_REQUEST),
    ):
        document = definition(slug, prefix, title, fields)
        from runtime.definition import load_definition

        load_definition(json.dumps(document))  # raises DefinitionError listing every problem
        (procedures / f"{slug}.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
