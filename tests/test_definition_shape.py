"""A definition's problems read in the page's language: the meta-schema's verdicts, the JSON
reader's and each widget's own, each at its JSON pointer, never jsonschema's English."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup
from jsonschema import Draft202012Validator

from runtime.definition import DefinitionError, check_definition, load_definition
from runtime.definition_shape import WORDED, meta_schema
from runtime.fields.base import Problem
from runtime.i18n import gettext
from tests.test_definition import BAD, elements, minimal
from tests.test_procedures import import_file, signed_in

pytestmark = pytest.mark.anyio

# What jsonschema and the json module say in English: none of it may reach a French page.
ENGLISH = (
    "is a required property",
    "is not of type",
    "is not one of",
    "does not match",
    "was unexpected",
    "is too short",
    "is too long",
    "should be non-empty",
    "Expecting",
    " needs ",
    "has no ",
)


def broken(change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    document = copy.deepcopy(minimal())
    change(document)
    return document


def french(document: Any) -> list[str]:
    return [f"{problem.path}: {problem.text('fr')}" for problem in check_definition(document)]


SHAPES = {
    "a key missing": (lambda d: d.pop("title"), "/: il manque la clé 'title'"),
    "an unknown key": (lambda d: d.update({"script": 1}), "/: clé inconnue\u00a0: 'script'"),
    "a value of the wrong type": (
        lambda d: elements(d)[0].update({"widget": 3}),
        "/ui/pages/0/elements/0/widget: attendu ici\u00a0: un texte, et non un nombre entier",
    ),
    "a value not offered": (
        lambda d: d.update({"kind": "formulaire"}),
        '/kind: "formulaire" ne fait pas partie des valeurs acceptées ici\u00a0: "procedure", "survey"',
    ),
    "a value of the wrong form": (
        lambda d: d.update({"lang": "FRA"}),
        '/lang: "FRA" n’a pas la forme attendue ici (^[a-z]{2}$)',
    ),
    "a key of the wrong form": (
        lambda d: d["schema"]["properties"].update({"Mon champ": {"type": "string"}}),
        '/schema/properties: la clé "Mon champ" n’a pas la forme attendue ici',
    ),
    "an empty list": (
        lambda d: d["ui"].update({"pages": []}),
        "/ui/pages: cette liste ne peut pas être vide",
    ),
    "a constant": (
        lambda d: d["schema"].update({"type": "array"}),
        '/schema/type: "array" n’est pas accepté ici\u00a0: la valeur doit être "object"',
    ),
    "an action of no kind": (
        lambda d: d.update(
            {
                "workflow": {
                    "initial": "recue",
                    "states": {"recue": {"label": {"fr": "Reçue"}}},
                    "transitions": [{"from": "recue", "to": "recue", "actions": [{"avertir": True}]}],
                }
            }
        ),
        "/workflow/transitions/0/actions/0: une des clés 'notify', 'ask'",
    ),
}


@pytest.mark.parametrize("name", SHAPES)
def test_each_shape_problem_is_a_french_sentence_at_its_place(name: str) -> None:
    change, expected = SHAPES[name]
    found = french(broken(change))
    assert any(line.startswith(expected) for line in found), found
    assert not [line for line in found if any(words in line for words in ENGLISH)], found


def test_a_widget_problem_and_a_shape_problem_read_in_french_at_their_places() -> None:
    def both(d: dict[str, Any]) -> None:
        elements(d)[0]["choices"] = {"a": {"fr": "A"}, "c": {"fr": "C"}}
        elements(d)[1]["widget"] = "rating"

    assert french(broken(both)) == [
        "/ui/pages/0/elements/0/choices: «\u00a0choices\u00a0» n’a pas de libellé pour 'b'",
        "/ui/pages/0/elements/0/choices: «\u00a0choices\u00a0» contient 'c', "
        "que «\u00a0enum\u00a0» du schéma ne propose pas",
        "/ui/pages/0/elements/1: le type de champ 'rating' demande une propriété de type 'integer', "
        "et non 'string'",
        "/ui/pages/0/elements/1: une note demande un minimum et un maximum entiers séparés de 10 crans au plus",
    ]
    # The English sentence stays the message (logs, the check command).
    assert check_definition(broken(both))[0].message == "choices has no label for 'b'"
    shape = french(broken(lambda d: (both(d), d.pop("title"))))
    assert shape == ["/: il manque la clé 'title'"]  # the shape first: the rest would read a wrong shape


def test_a_group_places_its_questions_problems_under_each_question() -> None:
    def group(d: dict[str, Any]) -> None:
        d["schema"]["properties"]["enfants"] = {
            "type": "array",
            "items": {"type": "object", "properties": {"age": {"type": "string"}, "nom": {"type": "string"}}},
        }
        sub = [{"field": "age", "widget": "integer", "label": {"fr": "Âge"}}]
        elements(d).append(
            {"field": "enfants", "widget": "group", "label": {"fr": "Enfants"}, "elements": sub}
        )

    assert french(broken(group)) == [
        "/ui/pages/0/elements/2/elements/0: le type de champ 'integer' demande une propriété de type "
        "'integer', et non 'string'",
        "/ui/pages/0/elements/2/elements: la propriété 'nom' de «\u00a0items\u00a0» n’a pas d’élément",
    ]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"id": "x",\n "kind": }', "(ligne 2, colonne 10)\u00a0: une valeur est attendue"),
        (b'{"id" "x"}', "un deux-points est attendu après la clé"),
        (b'{"id": "x",}', "une clé entre guillemets droits est attendue"),
        (b'{"id": "x"} {}', "quelque chose suit la fin du document"),
        (b'{"id": "x', "un texte n’est pas fermé par son guillemet droit"),
        (b'{"id": "\xe9t\xe9"}', "le texte n’est pas en UTF-8"),
    ],
)
def test_a_document_that_is_not_json_says_why_in_french(raw: bytes, reason: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_definition(raw)
    [problem] = caught.value.problems
    assert problem.text("fr").startswith("JSON non valide") and reason in problem.text("fr")
    assert "Expecting" not in problem.text("fr")


def test_every_rule_of_the_meta_schema_has_its_own_sentence() -> None:
    """A keyword added to the meta-schema needs its sentence in runtime/definition_shape.py
    (and French in locales/), or its errors would read as a generic "breaks the rule"."""
    used: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            used.update(node)
            for key, value in node.items():
                if key not in ("properties", "$defs"):
                    walk(value)
                else:
                    for inner in value.values():
                        walk(inner)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(meta_schema())
    # Keywords that only apply other schemas, or say nothing that can fail (format is not asserted).
    applying = {"properties", "items", "$ref", "if", "then", "else", "propertyNames", "allOf", "format"}
    rules = used & set(Draft202012Validator.VALIDATORS) - applying
    assert rules - WORDED == set()


def _problems_of_every_kind() -> list[Problem]:
    documents = [broken(change) for change, _path, _words in BAD.values()]
    documents += [broken(change) for change, _expected in SHAPES.values()]
    return [problem for document in documents for problem in check_definition(document)]


def test_every_problem_of_a_definition_has_its_french_sentence() -> None:
    """Each problem keeps its msgid, and that msgid is translated: no English on a French page,
    whichever rule (the loader's, a widget's, an action's, the meta-schema's) found it."""
    untranslated = [
        f"{problem.path}: {problem.message}"
        for problem in _problems_of_every_kind()
        if not problem.template or gettext("fr", problem.template) == problem.template
    ]
    assert untranslated == []


async def test_an_upload_on_a_french_page_lists_french_sentences_at_their_places(
    app: Any, client: httpx.AsyncClient
) -> None:
    await signed_in(app, client, "designer@beaulac.example", {"beaulac": "designer"})

    def wrong(d: dict[str, Any]) -> None:
        elements(d)[0]["choices"] = {"a": {"fr": "A"}}
        d["settings"] = {"access": "secret"}

    shape_first = await import_file(client, "beaulac", json.dumps(broken(wrong)).encode())
    widget_next = await import_file(
        client, "beaulac", json.dumps(broken(lambda d: elements(d)[0].update({"choices": {}}))).encode()
    )
    not_json = await import_file(client, "beaulac", b'{"id": "demande",}')
    listed = []
    for response in (shape_first, widget_next, not_json):
        assert response.status_code == 422
        page = BeautifulSoup(response.text, "html.parser")
        assert page.select_one("html")["lang"] == "fr"
        listed.append([li.get_text(" ", strip=True) for li in page.select(".problems li")])
    assert listed == [
        ['/settings/access – "secret" ne fait pas partie des valeurs acceptées ici\u00a0: "public", "link"'],
        ["/ui/pages/0/elements/0/choices – «\u00a0choices\u00a0» n’a pas de libellé pour 'a', 'b'"],
        ["/ – JSON non valide (ligne 1, colonne 18)\u00a0: une clé entre guillemets droits est attendue"],
    ]
