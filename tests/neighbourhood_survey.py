"""The neighbourhood survey the export and statistics tests submit to, in two versions:
version 2 renames "nom", drops "ancien" and adds questions; and answers to each version,
one of them a formula that an export must never let a spreadsheet run."""

from __future__ import annotations

import copy
from typing import Any

SLUG = "enquete-quartiers"
FORMULA = '=HYPERLINK("http://evil.example","clic")'


def text(fr: str, en: str | None = None) -> dict[str, str]:
    return {"fr": fr, "en": en or fr}


def version_one() -> dict[str, Any]:
    """A survey whose version 2 renames "nom", drops "ancien" and adds questions."""
    return {
        "id": SLUG,
        "kind": "survey",
        "lang": "fr",
        "reference_prefix": "ENQ",
        "title": text("Enquête sur les quartiers", "Neighbourhood survey"),
        "schema": {
            "type": "object",
            "required": ["quartier"],
            "properties": {
                "quartier": {"type": "string", "enum": ["nord", "sud"]},
                "nom": {"type": "string", "maxLength": 100},
                "ancien": {"type": "boolean"},
                "note": {"type": "integer", "minimum": 1, "maximum": 5},
                "commentaire": {"type": "string", "maxLength": 500},
            },
        },
        "ui": {
            "pages": [
                {
                    "title": text("Votre avis"),
                    "elements": [
                        {
                            "field": "quartier",
                            "widget": "radio",
                            "label": text("Votre quartier", "Your area"),
                            "choices": {
                                "nord": text("Quartier nord", "North"),
                                "sud": text("Quartier sud", "South"),
                            },
                        },
                        {"field": "nom", "widget": "text", "label": text("Nom", "Name")},
                        {
                            "field": "ancien",
                            "widget": "yesno",
                            "label": text("Habitez-vous ici depuis plus de dix ans ?"),
                        },
                        {
                            "field": "note",
                            "widget": "rating",
                            "label": text("Note du quartier", "Rating"),
                        },
                        {
                            "field": "commentaire",
                            "widget": "textarea",
                            "label": text("Commentaire", "Comment"),
                        },
                    ],
                }
            ]
        },
        "workflow": {
            "initial": "recue",
            "states": {
                "recue": {"label": text("Reçue", "Received"), "visible": True},
                "acceptee": {"label": text("Acceptée", "Accepted"), "visible": True, "final": True},
                "refusee": {"label": text("Refusée", "Refused"), "visible": True, "final": True},
            },
            "transitions": [
                {
                    "from": "recue",
                    "to": "acceptee",
                    "label": text("Accepter"),
                    "functions": ["instructeur"],
                },
                {
                    "from": "recue",
                    "to": "refusee",
                    "label": text("Refuser"),
                    "functions": ["instructeur"],
                },
            ],
        },
        "settings": {"access": "public"},
    }


def version_two() -> dict[str, Any]:
    definition = copy.deepcopy(version_one())
    properties = definition["schema"]["properties"]
    properties["quartier"]["enum"] = ["nord", "sud", "centre"]
    properties["nom_complet"] = properties.pop("nom")
    del properties["ancien"]
    properties.update(
        {
            "services": {
                "type": "array",
                "items": {"type": "string", "enum": ["bus", "parcs", "ecoles"]},
                "uniqueItems": True,
            },
            "avis": {
                "type": "object",
                "properties": {
                    row: {"type": "string", "enum": ["oui", "non"]} for row in ("propre", "calme")
                },
            },
            "priorites": {
                "type": "array",
                "items": {"type": "string", "enum": ["bus", "parcs", "ecoles"]},
                "uniqueItems": True,
            },
            "surface": {"type": "number"},
            "arrivee": {"type": "string", "format": "date"},
            "enfants": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "prenom": {"type": "string"},
                        "naissance": {"type": "string", "format": "date"},
                    },
                },
            },
        }
    )
    elements = definition["ui"]["pages"][0]["elements"]
    elements[0]["choices"]["centre"] = text("Centre-ville", "Town centre")
    elements[1] = {
        "field": "nom_complet",
        "widget": "text",
        "label": text("Nom et prénom", "Full name"),
    }
    del elements[2]
    choices = {"bus": text("Bus"), "parcs": text("Parcs"), "ecoles": text("Écoles")}
    elements[1:1] = [
        {
            "field": "services",
            "widget": "checkboxes",
            "label": text("Services utilisés"),
            "choices": choices,
        },
        {
            "field": "avis",
            "widget": "matrix",
            "label": text("Votre avis"),
            "rows": {
                "propre": text("Le quartier est propre"),
                "calme": text("Le quartier est calme"),
            },
            "choices": {"oui": text("Oui"), "non": text("Non")},
        },
        {
            "field": "priorites",
            "widget": "ranking",
            "label": text("Vos priorités"),
            "choices": choices,
        },
        {"field": "surface", "widget": "number", "label": text("Surface du jardin"), "unit": "m²"},
        {"field": "arrivee", "widget": "date", "label": text("Arrivée dans le quartier")},
        {
            "field": "enfants",
            "widget": "group",
            "label": text("Enfants"),
            "item_label": text("Enfant"),
            "elements": [
                {"field": "prenom", "widget": "text", "label": text("Prénom")},
                {"field": "naissance", "widget": "date", "label": text("Date de naissance")},
            ],
        },
    ]
    return definition


V1_ANSWERS = [
    {"quartier": "nord", "nom": "Alice Martin", "ancien": True, "note": 4, "commentaire": FORMULA},
    {"quartier": "sud", "nom": "-2+3", "ancien": False, "note": 2},
]


V2_ANSWERS = [
    {
        "quartier": "centre",
        "nom_complet": "Bruno Petit",
        "note": 5,
        "services": ["bus", "ecoles"],
        "avis": {"propre": "oui", "calme": "non"},
        "priorites": ["ecoles", "bus", "parcs"],
        "surface": 12.5,
        "arrivee": "2019-09-01",
        "commentaire": "@SUM(A1)",
        "enfants": [{"prenom": "Léa", "naissance": "2019-03-12"}, {"prenom": "Tom"}],
    },
    {
        "quartier": "nord",
        "nom_complet": "Chloé Roux",
        "note": 4,
        "services": ["bus"],
        "avis": {"propre": "oui"},
        "priorites": ["bus", "parcs", "ecoles"],
    },
]
